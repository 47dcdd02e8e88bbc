import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaintEvents } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { actOnComplaint, listComplaintQueue } from './console.ts';
import { fileComplaint, trackComplaint } from './filing.ts';
import { assignZone, createZone, listZones, zoneFigures } from './zones.ts';

// 柳岗县: the demo seed sets up zones for 桑河县 only.
const SANGHE = '990122000000';
const sanghe = { id: '', username: 'liugang.test', role: 'commission' as const, scopeCode: SANGHE };
const zone = { name: '第一片区', townshipCodes: ['990122001000', '990122002000'], head: '刘振华', deputies: ['陈晓梅'], liaison: '王磊' };
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
});
afterAll(async () => test?.dispose());

describe('collaboration zones', () => {
  it('are set up with a head, one or two deputies and a liaison, from the county’s own townships', async () => {
    expect((await createZone(test.db, sanghe, SANGHE, { ...zone, deputies: [] })).ok).toBe(false);
    expect((await createZone(test.db, sanghe, SANGHE, { ...zone, deputies: ['甲乙', '丙丁', '戊己'] })).ok).toBe(false);
    const foreign = await createZone(test.db, sanghe, SANGHE, { ...zone, townshipCodes: ['990121001000'] });
    expect(foreign.ok === false && foreign.errors.townshipCodes).toMatch(/本县/);
    expect((await createZone(test.db, sanghe, SANGHE, zone)).ok).toBe(true);
    const overlap = await createZone(test.db, sanghe, SANGHE, { ...zone, name: '第二片区', townshipCodes: ['990122002000', '990122003000'] });
    expect(overlap.ok === false && overlap.errors.townshipCodes).toMatch(/其他片区/);
    expect((await listZones(test.db, SANGHE)).map((z) => z.name)).toEqual(['第一片区']);
  });

  it('take cases, and report received, concluded, average days and overdue per zone', async () => {
    const [first] = await listZones(test.db, SANGHE);
    const base = { category: 'conduct', areaCode: '990122001201', content: '村干部在低保评议时让亲属优先，评议会议记录是事后补写的，群众有意见。', anonymous: true };
    const a = await fileComplaint(test.db, { ...base, title: '片区测试一' }, { today: '2026-10-01' });
    const b = await fileComplaint(test.db, { ...base, title: '片区测试二' }, { today: '2026-09-01' });
    if (!a.ok || !b.ok) throw new Error('filing failed');
    const ids = (await listComplaintQueue(test.db, sanghe)).filter((e) => e.complaint.title.startsWith('片区测试')).map((e) => e.complaint.id);
    for (const id of ids) expect((await assignZone(test.db, sanghe, id, first!.id)).ok).toBe(true);
    expect((await assignZone(test.db, sanghe, ids[0]!, 'no-such-zone')).ok).toBe(false);
    const concludedId = ids[0]!;
    await actOnComplaint(test.db, sanghe, concludedId, 'accept', '');
    await actOnComplaint(test.db, sanghe, concludedId, 'conclude', '经核实，评议程序确有瑕疵，已责令重新评议并公示结果。');
    // Pin the conclusion date so the average is exact.
    await test.db.execute(sql`update complaint_events set "on" = '2026-10-11' where complaint_id = ${concludedId} and kind = 'concluded'`);
    const [figures] = await zoneFigures(test.db, SANGHE, '2026-11-26');
    const filedOn = (await test.db.select({ on: complaintEvents.on }).from(complaintEvents).where(eq(complaintEvents.complaintId, concludedId)))[0]!.on;
    expect(figures).toMatchObject({ received: 2, concluded: 1, overdue: 1 });
    expect(figures!.averageDays).toBe((Date.parse('2026-10-11') - Date.parse(filedOn)) / 86_400_000);
    // The citizen is not told which zone handles the case.
    expect(JSON.stringify(await trackComplaint(test.db, a.receipt))).not.toContain('第一片区');
  });
});
