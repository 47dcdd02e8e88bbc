import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { areas } from '../../../../db/schema/areas.ts';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { complaintEvents, complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { actOnComplaint } from './console.ts';
import { decide } from '../../../../tests/support/complaint-steps.ts';
import { fileComplaint } from './filing.ts';
import { listComplaintQueue } from './queue.ts';
import { trackComplaint } from './tracking.ts';
import { assignZone, listZones, zoneFigures } from './zones.ts';
import { createZone } from '../zones/members.ts';
import { zonePeople } from '../../../../tests/support/zones.ts';

// 柳岗县: the demo seed sets up zones for 桑河县 only.
const SANGHE = '990122000000';
const sanghe = { id: '', username: 'liugang.test', role: 'commission' as const, scopeCode: SANGHE };
let zone: { name: string; townshipCodes: string[]; head: string; deputies: string[]; liaison: string };
let test: TestDatabase;
/** Two commands on one case at once, `first` ahead of `second` (tests/support/race.ts). */
const raceOnCase = <A, B>(id: string, first: () => Promise<A>, second: () => Promise<B>) =>
  raceBehindLock(test, (tx) => tx.select({ id: complaints.id }).from(complaints).where(eq(complaints.id, id)).for('update'), first, second);
beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
  zone = { name: '第一片区', townshipCodes: ['990122001000', '990122002000'], ...(await zonePeople(test.db, SANGHE, '990122001000')).zone };
});
afterAll(async () => test?.dispose());

describe('collaboration zones', () => {
  it('are set up with a head, one or two deputies and a liaison, from the county’s own townships', async () => {
    expect((await createZone(test.db, sanghe, { countyCode: SANGHE, zone: { ...zone, deputies: [] } })).ok).toBe(false);
    expect((await createZone(test.db, sanghe, { countyCode: SANGHE, zone: { ...zone, deputies: [zone.deputies[0]!, zone.liaison, zone.head] } })).ok).toBe(false);
    const foreign = await createZone(test.db, sanghe, { countyCode: SANGHE, zone: { ...zone, townshipCodes: ['990121001000'] } });
    expect(foreign.ok === false && foreign.errors.townshipCodes).toMatch(/本县/);
    expect((await createZone(test.db, sanghe, { countyCode: SANGHE, zone })).ok).toBe(true);
    const overlap = await createZone(test.db, sanghe, { countyCode: SANGHE, zone: { ...zone, name: '第二片区', townshipCodes: ['990122002000', '990122003000'] } });
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
    for (const id of ids) expect((await assignZone(test.db, sanghe, { complaintId: id, zoneId: first!.id })).ok).toBe(true);
    expect((await assignZone(test.db, sanghe, { complaintId: ids[0]!, zoneId: 'no-such-zone' })).ok).toBe(false);
    const concludedId = ids[0]!;
    await actOnComplaint(test.db, sanghe, { complaintId: concludedId, action: 'accept' });
    await decide(test.db, concludedId, 'conclude', '经核实，评议程序确有瑕疵，已责令重新评议并公示结果。');
    // Pin the conclusion date so the average is exact.
    await test.db.execute(sql`update complaint_events set "on" = '2026-10-11' where complaint_id = ${concludedId} and kind = 'concluded'`);
    const [figures] = await zoneFigures(test.db, SANGHE, '2026-11-26');
    const filedOn = (await test.db.select({ on: complaintEvents.on }).from(complaintEvents).where(eq(complaintEvents.complaintId, concludedId)))[0]!.on;
    expect(figures).toMatchObject({ received: 2, concluded: 1, overdue: 1 });
    expect(figures!.averageDays).toBe((Date.parse('2026-10-11') - Date.parse(filedOn)) / 86_400_000);
    // The citizen is not told which zone handles the case.
    expect(JSON.stringify(await trackComplaint(test.db, a.value.receipt))).not.toContain('第一片区');
  });
});

describe('zone writes checked inside their lock', () => {
  const base = { category: 'assets', areaCode: '990122002201', content: '村里把集体鱼塘低价包给了村主任的亲戚，合同没有经过村民代表会议，承包费也没有公示。', anonymous: true };
  const fileCase = async (title: string) => {
    const filed = await fileComplaint(test.db, { ...base, title });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    return (await listComplaintQueue(test.db, sanghe)).find((entry) => entry.complaint.title === title)!.complaint.id;
  };
  const trace = async (id: string) => ({
    zone: (await test.db.select({ zoneId: complaints.zoneId }).from(complaints).where(eq(complaints.id, id)))[0]!.zoneId,
    events: (await test.db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id))).length,
    audit: (await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id))).length,
  });

  it('refuses, as not found, an assignment by a commission that does not handle the case', async () => {
    const [first] = await listZones(test.db, SANGHE);
    const id = await fileCase('片区：北街村鱼塘承包');
    const before = await trace(id);
    const otherCounty = { id: sanghe.id, username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
    const townshipOfTheCase = { id: 'township-not-assigned', username: 'liugangzhen.jw', role: 'commission' as const, scopeCode: '990122002000' };
    for (const actor of [otherCounty, townshipOfTheCase]) {
      expect(await assignZone(test.db, actor, { complaintId: id, zoneId: first!.id })).toMatchObject({ ok: false, status: 404 });
    }
    expect(await trace(id)).toEqual(before);
  });

  it('refuses an assignment once the case is closed, or with no zone chosen', async () => {
    const [first] = await listZones(test.db, SANGHE);
    const id = await fileCase('片区：北街村门面房');
    expect(await assignZone(test.db, sanghe, { complaintId: id, zoneId: '' })).toEqual({ ok: false, errors: { zone: '请选择本县的片区' } });
    await decide(test.db, id, 'decline', '门面房出租事项已由乡镇农经站审计，不属于受理范围。');
    const before = await trace(id);
    expect(await assignZone(test.db, sanghe, { complaintId: id, zoneId: first!.id })).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } });
    expect(await trace(id)).toEqual(before);
  });

  it('refuses an assignment queued behind an escalation: the case has left the sanghe', async () => {
    const [first] = await listZones(test.db, SANGHE);
    const id = await fileCase('片区：北街村低保');
    const [escalated, assigned] = await raceOnCase(
      id,
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'escalate', text: '涉及县民政局负责人，按规定提级办理' }),
      () => assignZone(test.db, sanghe, { complaintId: id, zoneId: first!.id }),
    );
    expect(escalated.ok).toBe(true);
    expect(assigned).toMatchObject({ ok: false, status: 404 });
    expect((await trace(id)).zone).toBeNull();
  });

  it('lets only a commission that manages the sanghe set up its zones', async () => {
    const townshipCommission = { ...sanghe, scopeCode: '990122001000' };
    const zone3 = { ...zone, name: '第三片区', townshipCodes: ['990122003000'] };
    expect(await createZone(test.db, townshipCommission, { countyCode: SANGHE, zone: zone3 })).toMatchObject({ ok: false, status: 403 });
    expect(await createZone(test.db, sanghe, { countyCode: '990122001000', zone: zone3 })).toMatchObject({ ok: false, status: 404 });
    expect((await listZones(test.db, SANGHE)).map((z) => z.name)).toEqual(['第一片区']);
  });

  it('gives a township to one zone only when two are set up with it at once', async () => {
    const people = (await zonePeople(test.db, SANGHE, '990122003000')).zone;
    const named = (name: string) => ({ name, townshipCodes: ['990122003000'], ...people });
    const [one, two] = await raceBehindLock(
      test,
      (tx) => tx.select({ code: areas.code }).from(areas).where(eq(areas.code, SANGHE)).for('update'),
      () => createZone(test.db, sanghe, { countyCode: SANGHE, zone: named('第三片区') }),
      () => createZone(test.db, sanghe, { countyCode: SANGHE, zone: named('第四片区') }),
    );
    expect([one.ok, two.ok]).toEqual([true, false]);
    expect(two).toEqual({ ok: false, errors: { townshipCodes: '有乡镇已划入其他片区' } });
    expect((await listZones(test.db, SANGHE)).map((z) => z.name)).toEqual(['第一片区', '第三片区']);
  });
});
