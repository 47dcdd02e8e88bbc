import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-db.ts';
import { actOnComplaint, getComplaint, listComplaintQueue } from './console.ts';
import { fileComplaint, trackComplaint } from './filing.ts';

const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
const township = { id: 't-1', username: 'sanghezhen.jw', role: 'commission' as const, scopeCode: '990121001000' };
const base = { category: 'conduct', subjectRole: '乡镇行政综合执法队长', content: '执法队在集镇上检查摊贩时只罚外地商户，本地熟人占道经营从来不管，还收取所谓的管理费不开票据。', anonymous: true };

let test: TestDatabase;
let receipt = '';
let realNameReceipt = '';
beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
  const a = await fileComplaint(test.db, { ...base, areaCode: '990121001000', title: '执法队选择性执法' }, { today: '2026-11-10' });
  const b = await fileComplaint(test.db, { ...base, areaCode: '990121002201', title: '实名：东岭村低保评定不公', anonymous: false, name: '王桂兰', phone: '13700001111' }, { today: '2026-11-02' });
  const c = await fileComplaint(test.db, { ...base, areaCode: '990122001201', title: '柳岗村的事' });
  if (!a.ok || !b.ok || !c.ok) throw new Error('filing failed');
  receipt = a.receipt;
  realNameReceipt = b.receipt;
});
afterAll(async () => test?.dispose());

describe('the commission queue', () => {
  it('lists the county’s cases, real-name first, and nothing of other counties', async () => {
    const queue = await listComplaintQueue(test.db, sanghe);
    expect(queue.map((e) => e.complaint.title)).toEqual(['实名：东岭村低保评定不公', '执法队选择性执法']);
    expect(queue[0]).not.toHaveProperty('complaint.content');
  });

  it('shows a township commission nothing about its own township unless assigned', async () => {
    expect(await listComplaintQueue(test.db, township)).toEqual([]);
  });
});

describe('handling a case', () => {
  it('accepts, notes internally, and concludes with a public reply the citizen sees', async () => {
    const [entry] = (await listComplaintQueue(test.db, sanghe)).filter((e) => e.complaint.title === '执法队选择性执法');
    const id = entry!.complaint.id;
    expect((await actOnComplaint(test.db, sanghe, id, 'conclude', '已查明情况属实，已责令整改。')).ok).toBe(false); // must be accepted first
    expect((await actOnComplaint(test.db, sanghe, id, 'accept', '')).ok).toBe(true);
    expect((await actOnComplaint(test.db, sanghe, id, 'note', '调取了集镇检查记录，约谈执法队长')).ok).toBe(true);
    const short = await actOnComplaint(test.db, sanghe, id, 'conclude', '已处理');
    expect(short.ok === false && short.errors.text).toMatch(/至少10个字/);
    expect((await actOnComplaint(test.db, sanghe, id, 'conclude', '经核实，执法队存在选择性执法问题，已责令退还违规收取的费用，对执法队长进行诫勉谈话。')).ok).toBe(true);

    const view = await trackComplaint(test.db, receipt);
    expect(view?.status).toBe('concluded');
    expect(view?.publicReply).toMatch(/诫勉谈话/);
    expect(view?.timeline.map((step) => step.kind)).toEqual(['received', 'accepted', 'concluded']);
    expect(JSON.stringify(view)).not.toContain('约谈执法队长'); // internal notes never reach the citizen

    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(audit.map((row) => row.action)).toEqual(['complaint.accept', 'complaint.note', 'complaint.conclude']);
    const { complaint } = (await getComplaint(test.db, id))!;
    expect(complaint.status).toBe('concluded');
  });

  it('declines with a reason the citizen sees', async () => {
    const [entry] = (await listComplaintQueue(test.db, sanghe)).filter((e) => e.complaint.anonymous === false);
    const missing = await actOnComplaint(test.db, sanghe, entry!.complaint.id, 'decline', '');
    expect(missing.ok).toBe(false);
    expect((await actOnComplaint(test.db, sanghe, entry!.complaint.id, 'decline', '反映的问题已由县民政局依法复核并公示，不属于纪检监察机关受理范围。')).ok).toBe(true);
    const view = await trackComplaint(test.db, realNameReceipt);
    expect(view).toMatchObject({ status: 'declined', timeline: [{ kind: 'received' }, { kind: 'declined', text: expect.stringMatching(/不属于/) }] });
  });
});
