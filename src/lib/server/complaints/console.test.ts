import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { actOnComplaint, findLikelyDuplicates, mergeComplaint } from './console.ts';
import { assignHandler, recordTransferReply, transferComplaint } from './casework.ts';
import { addDepartment } from './departments.ts';
import { decideProposal, propose, revealIdentity } from './proposals.ts';
import { commissionPair, decide } from '../../../../tests/support/complaint-steps.ts';
import { getComplaint } from './cases.ts';
import { listComplaintQueue, loadComplaintQueue, queueCsv } from './queue.ts';
import { nextDeadline } from './deadlines.ts';
import { complaintEvents, complaints } from '../../../../db/schema/complaints.ts';
import { createUser } from '../auth/users.ts';
import { fileComplaint } from './filing.ts';
import { addMaterial, fileObjection, rateOutcome, trackComplaint } from './tracking.ts';
import { answerObjection, pressObjection } from './objections.ts';
import { complaintObjections } from '../../../../db/schema/complaint-casework.ts';

const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
const township = { id: 't-1', username: 'sanghezhen.jw', role: 'commission' as const, scopeCode: '990121001000' };
const base = { category: 'conduct', subjectRole: '乡镇行政综合执法队长', content: '执法队在集镇上检查摊贩时只罚外地商户，本地熟人占道经营从来不管，还收取所谓的管理费不开票据。', anonymous: true };

let test: TestDatabase;
/** Two commands on one case at once, `first` ahead of `second` (tests/support/race.ts). */
const raceOnCase = <A, B>(id: string, first: () => Promise<A>, second: () => Promise<B>) =>
  raceBehindLock(test, (tx) => tx.select({ id: complaints.id }).from(complaints).where(eq(complaints.id, id)).for('update'), first, second);
let receipt = '';
let realNameReceipt = '';
beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
  const a = await fileComplaint(test.db, { ...base, areaCode: '990121001000', title: '执法队选择性执法' }, { today: '2026-11-10' });
  const b = await fileComplaint(test.db, { ...base, areaCode: '990121002201', title: '实名：东岭村低保评定不公', anonymous: false, name: '王桂兰', phone: '13700001111' }, { today: '2026-11-02' });
  const c = await fileComplaint(test.db, { ...base, areaCode: '990122001201', title: '柳岗村的事' });
  if (!a.ok || !b.ok || !c.ok) throw new Error('filing failed');
  receipt = a.value.receipt;
  realNameReceipt = b.value.receipt;
});
afterAll(async () => test?.dispose());

describe('the commission queue', () => {
  it('lists the county’s cases, real-name first, and nothing of other counties', async () => {
    const queue = await listComplaintQueue(test.db, sanghe);
    expect(queue.map((e) => e.complaint.title)).toEqual(['实名：东岭村低保评定不公', '执法队选择性执法']);
    expect(queue[0]).not.toHaveProperty('complaint.content');
  });

  it('filters by category and place', async () => {
    expect((await listComplaintQueue(test.db, sanghe, { areaCode: '990121002000' })).map((e) => e.complaint.title)).toEqual(['实名：东岭村低保评定不公']);
    expect(await listComplaintQueue(test.db, sanghe, { category: 'item' })).toEqual([]);
    expect((await listComplaintQueue(test.db, sanghe, { category: 'conduct' })).length).toBe(2);
  });

  it('shows a township commission nothing about its own township unless assigned', async () => {
    expect(await listComplaintQueue(test.db, township)).toEqual([]);
  });
});

describe('handling a case', () => {
  it('accepts, notes internally, concludes with a finding and measures once an approver agrees, then replies to the reporter as a step of its own', async () => {
    const [entry] = (await listComplaintQueue(test.db, sanghe)).filter((e) => e.complaint.title === '执法队选择性执法');
    const id = entry!.complaint.id;
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    expect((await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id })).ok).toBe(true);
    expect(await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'substantiated' })).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } }); // must be accepted first
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' })).ok).toBe(true);
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'note', text: '调取了集镇检查记录，约谈执法队长' })).ok).toBe(true);
    expect(await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: '经核实属实' })).toEqual({ ok: false, errors: { finding: '请选择核实结论（属实、部分属实、不属实或无法查实）' } });
    expect(await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'partly', measures: ['fine'] })).toEqual({ ok: false, errors: { measures: '请从列表中选择处理措施' } });
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'partly', measures: ['admonition', 'criticism'], measuresNote: '对执法队长诫勉谈话，对两名队员批评教育，违规收取的费用已退还。' });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
    // Proposed is not decided: the reporter sees nothing yet, and there is nothing to reply to.
    expect((await trackComplaint(test.db, receipt))?.status).toBe('accepted');
    const reply = '经核实，反映的选择性执法问题部分属实，已责令退还违规收取的费用，并对相关人员作出处理。';
    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: reply })).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } });
    expect((await decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' })).ok).toBe(true);
    expect((await getComplaint(test.db, id))!.complaint).toMatchObject({ status: 'concluded', finding: 'partly', measures: ['admonition', 'criticism'], publicReply: null });
    expect((await trackComplaint(test.db, receipt))?.publicReply).toBeNull();

    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: '已处理' })).toEqual({ ok: false, errors: { text: '请写明给反映人的答复（至少10个字），反映人会看到' } });
    expect((await actOnComplaint(test.db, township, { complaintId: id, action: 'answer', text: reply })).ok).toBe(false);
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: reply })).ok).toBe(true);
    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: reply })).toEqual({ ok: false, errors: { form: '已经答复反映人' } });

    const view = await trackComplaint(test.db, receipt);
    expect(view?.status).toBe('concluded');
    expect(view?.publicReply).toBe(reply);
    expect(view?.timeline.map((step) => step.kind)).toEqual(['received', 'accepted', 'concluded', 'replied']);
    expect(JSON.stringify(view)).not.toMatch(/诫勉|partly/); // the finding and measures are internal
    expect(JSON.stringify(view)).not.toContain('约谈执法队长'); // internal notes never reach the citizen
    expect(JSON.stringify(view)).not.toContain('承办人'); // nor who handled it

    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(audit.map((row) => row.action)).toEqual(['complaint.handlerAssigned', 'complaint.accept', 'complaint.note', 'complaint.proposed', 'complaint.proposalApproved', 'complaint.answer']);
    const { complaint, events } = (await getComplaint(test.db, id))!;
    expect(complaint.status).toBe('concluded');
    // Every staff step names its officer (internal); the citizen's filing has none.
    expect(events.map((event) => [event.kind, event.actorId])).toEqual([
      ['received', null],
      ['handlerAssigned', approver.id],
      ['accepted', sanghe.id],
      ['note', sanghe.id],
      ['proposed', handler.id],
      ['concluded', approver.id],
      ['proposalApproved', approver.id],
      ['replied', sanghe.id],
    ]);
  });

  it('declines with a reason the citizen sees', async () => {
    const [entry] = (await listComplaintQueue(test.db, sanghe)).filter((e) => e.complaint.anonymous === false);
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: entry!.complaint.id, handlerId: handler.id });
    const missing = await propose(test.db, handler, { complaintId: entry!.complaint.id, kind: 'decline', value: '' });
    expect(missing.ok).toBe(false);
    await decide(test.db, entry!.complaint.id, 'decline', '反映的问题已由县民政局依法复核并公示，不属于纪检监察机关受理范围。');
    const view = await trackComplaint(test.db, realNameReceipt);
    expect(view).toMatchObject({ status: 'declined', timeline: [{ kind: 'received' }, { kind: 'declined', text: expect.stringMatching(/不属于/) }] });
  });
});

describe('moving a case on', () => {
  it('records a disposal internally, transfers to a unit of the county’s list, and escalates to the city', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001201', title: '前营村报账员私设小金库' });
    const moved = await fileComplaint(test.db, { ...base, areaCode: '990121003201', title: '白杨村社保代办收费' });
    const up = await fileComplaint(test.db, { ...base, areaCode: '990121002000', title: '东岭乡执法队长收受礼金' });
    if (!filed.ok || !moved.ok || !up.ok) throw new Error('filing failed');
    const byTitle = async (title: string) => (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === title)!.complaint.id;

    const id = await byTitle('前营村报账员私设小金库');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    expect((await propose(test.db, handler, { complaintId: id, kind: 'dispose', value: 'whatever' })).ok).toBe(false);
    await decide(test.db, id, 'dispose', 'preliminary_check');
    expect((await getComplaint(test.db, id))!.complaint).toMatchObject({ disposal: 'preliminary_check', status: 'in_progress' });
    expect((await trackComplaint(test.db, filed.value.receipt))!.timeline.map((s) => s.kind)).toEqual(['received', 'accepted']); // disposal is internal

    const transferred = await byTitle('白杨村社保代办收费');
    const unit = await addDepartment(test.db, sanghe, { countyCode: sanghe.scopeCode, name: '桑河县人力资源和社会保障局' });
    if (!unit.ok) throw new Error(JSON.stringify(unit.errors));
    expect((await transferComplaint(test.db, sanghe, { complaintId: transferred, departmentId: '' })).ok).toBe(false);
    expect((await transferComplaint(test.db, sanghe, { complaintId: transferred, departmentId: unit.value.id })).ok).toBe(true);
    // Transferred is not ended: the case stays open until the unit's reply is recorded.
    expect(await trackComplaint(test.db, moved.value.receipt)).toMatchObject({ status: 'in_progress', timeline: [{ kind: 'received' }, { kind: 'transferred', text: '桑河县人力资源和社会保障局' }] });
    expect((await recordTransferReply(test.db, sanghe, { complaintId: transferred, text: '经核查，社保代办点收费已清退，代办员已解聘。' })).ok).toBe(true);
    expect((await getComplaint(test.db, transferred))!.complaint.status).toBe('in_progress');

    const escalated = await byTitle('东岭乡执法队长收受礼金');
    expect((await actOnComplaint(test.db, sanghe, { complaintId: escalated, action: 'escalate', text: '涉及乡镇主要领导，按规定提级办理' })).ok).toBe(true);
    expect((await getComplaint(test.db, escalated))!.complaint.routedScopeCode).toBe('990100000000');
    expect((await listComplaintQueue(test.db, sanghe)).some((e) => e.complaint.id === escalated)).toBe(false);
    expect((await trackComplaint(test.db, up.value.receipt))!.timeline.at(-1)).toEqual({ on: expect.any(String), kind: 'escalated', text: null });
  });

  it('releases a real-name identity only on an approved proposal with a reason, and audits each look', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001202', title: '实名：后营村门面房', anonymous: false, name: '赵建国', phone: '13600002222' });
    if (!filed.ok) throw new Error('filing failed');
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '实名：后营村门面房')!.complaint.id;
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    expect((await propose(test.db, handler, { complaintId: id, kind: 'reveal', reason: '看看' })).ok).toBe(false);
    expect(await revealIdentity(test.db, handler, { complaintId: id })).toMatchObject({ ok: false, status: 403 }); // nothing approved yet
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'reveal', reason: '需要电话联系反映人补充租赁合同复印件' });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
    expect(await decideProposal(test.db, handler, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' })).toMatchObject({ ok: false, status: 403 }); // not one's own
    expect((await decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' })).ok).toBe(true);
    expect(await revealIdentity(test.db, approver, { complaintId: id })).toMatchObject({ ok: false, status: 403 }); // released to the proposer only
    expect(await revealIdentity(test.db, handler, { complaintId: id })).toEqual({ ok: true, value: { name: '赵建国', phone: '13600002222' } });
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(audit.map((row) => [row.action, row.actorId, row.reason])).toEqual([
      ['complaint.handlerAssigned', approver.id, null],
      ['complaint.proposed', handler.id, '需要电话联系反映人补充租赁合同复印件'],
      ['complaint.proposalApproved', approver.id, '需要电话联系反映人补充租赁合同复印件'],
      ['complaint.identityRevealed', handler.id, '需要电话联系反映人补充租赁合同复印件'],
    ]);
    // The reason is not in the case history either (the audit log is where it is read).
    expect(JSON.stringify((await getComplaint(test.db, id))!.events)).not.toContain('租赁合同复印件');
    const csv = queueCsv(await listComplaintQueue(test.db, sanghe));
    expect(csv).toContain('实名：后营村门面房');
    expect(csv).not.toContain('赵建国');
    expect(csv).not.toContain('13600002222');
  });

  it('counts the acceptance deadline in working days and the conclusion target in calendar days', () => {
    // Filed the Friday before 国庆 2025: 15 working days later is 23 October.
    expect(nextDeadline({ status: 'received', arrivedOn: '2025-09-26' }, null, '2025-10-20')).toEqual({ kind: 'accept', due: '2025-10-23', overdue: false });
    expect(nextDeadline({ status: 'received', arrivedOn: '2025-09-26' }, null, '2025-10-24')?.overdue).toBe(true);
    expect(nextDeadline({ status: 'accepted', arrivedOn: '2026-01-10' }, null, '2026-03-01')).toEqual({ kind: 'conclude', due: '2026-04-10', overdue: false });
    expect(nextDeadline({ status: 'concluded', arrivedOn: '2026-01-10' })).toBeNull();
  });
});

describe('the reporter after the answer', () => {
  it('rates only once the reply has come, not at the conclusion alone', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村机井维修费去向' });
    if (!filed.ok) throw new Error('filing failed');
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村机井维修费去向')!.complaint.id;
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，机井维修费已按合同支付，票据齐全。', { reply: false });
    expect(await rateOutcome(test.db, filed.value.receipt, { rating: 4 })).toEqual({ ok: false, errors: { rating: '收到答复后才能评价' } });
    expect((await trackComplaint(test.db, filed.value.receipt))!.mayRate).toBe(false);
    const [approver] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
    const answered = await actOnComplaint(test.db, { id: approver!.id, username: approver!.username, role: approver!.role, scopeCode: approver!.scopeCode }, { complaintId: id, action: 'answer', text: '经核实，机井维修费已按合同支付，票据齐全。' });
    expect(answered.ok).toBe(true);
    expect((await trackComplaint(test.db, filed.value.receipt))!.mayRate).toBe(true);
    expect((await rateOutcome(test.db, filed.value.receipt, { rating: 4 })).ok).toBe(true);
  });

  it('adds material, rates once, and objects to the reply; the commission explains, and the matter rests', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村清淤工钱现金发放' });
    if (!filed.ok) throw new Error('filing failed');
    expect((await addMaterial(test.db, filed.value.receipt, { text: '短' })).ok).toBe(false);
    expect((await addMaterial(test.db, '0000000000000000', { text: '补充：当天领工钱的有十二个人，名单在我这里。' })).ok).toBe(false);
    expect((await addMaterial(test.db, filed.value.receipt, { text: '补充：当天领工钱的有十二个人，名单在我这里。' })).ok).toBe(true);
    expect((await rateOutcome(test.db, filed.value.receipt, { rating: 5 })).ok).toBe(false); // not concluded yet
    const reasons = '名单上有三个人根本没有干活，答复没有说明这个问题，请重新核查。';
    expect(await fileObjection(test.db, filed.value.receipt, { reasons })).toEqual({ ok: false, errors: { objection: '案件办结并答复后才能提出异议' } });

    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村清淤工钱现金发放')!.complaint.id;
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，工钱已全部发放到人，现金支付系临时用工所致，已要求今后一律转账。');
    expect((await rateOutcome(test.db, filed.value.receipt, { rating: 9 })).ok).toBe(false);
    expect((await rateOutcome(test.db, filed.value.receipt, { rating: 2 })).ok).toBe(true);
    expect((await rateOutcome(test.db, filed.value.receipt, { rating: 5 })).ok).toBe(false);

    expect((await fileObjection(test.db, filed.value.receipt, { reasons: '不满意' })).ok).toBe(false);
    expect((await fileObjection(test.db, '0000000000000000', { reasons })).ok).toBe(false);
    expect((await fileObjection(test.db, filed.value.receipt, { reasons })).ok).toBe(true);
    expect(await fileObjection(test.db, filed.value.receipt, { reasons })).toEqual({ ok: false, errors: { objection: '您的异议正在办理，请等待答复' } });
    let view = await trackComplaint(test.db, filed.value.receipt);
    expect(view).toMatchObject({ status: 'concluded', rating: 2, mayObject: false, objection: { answered: false } });
    expect(view!.timeline.map((step) => step.kind)).toEqual(['received', 'material', 'accepted', 'concluded', 'replied', 'rated', 'objected']);
    // It stays with the county: no review one level up any more.
    expect((await getComplaint(test.db, id))!.complaint.routedScopeCode).toBe('990121000000');
    // The answer is owed: the queue shows it as the case's next deadline.
    const listed = (await loadComplaintQueue(test.db, sanghe, new URLSearchParams())).entries.find((entry) => entry.complaint.id === id);
    expect(listed?.deadline).toMatchObject({ kind: 'objection', overdue: false });

    expect(await answerObjection(test.db, sanghe, { complaintId: id, decision: 'explain', text: '短' })).toEqual({ ok: false, errors: { text: '请写明对异议的解释说明（至少10个字），反映人会看到' } });
    expect(await answerObjection(test.db, sanghe, { complaintId: id, decision: 'ignore', text: '经再次核对用工记录，三人均有出工签到。' })).toEqual({ ok: false, errors: { form: '请选择解释说明或重新核查' } });
    expect((await answerObjection(test.db, township, { complaintId: id, decision: 'explain', text: '经再次核对用工记录，三人均有出工签到。' })).ok).toBe(false);
    expect((await answerObjection(test.db, sanghe, { complaintId: id, decision: 'explain', text: '经再次核对用工记录，三人均有出工签到，工钱发放无误。' })).ok).toBe(true);
    expect(await answerObjection(test.db, sanghe, { complaintId: id, decision: 'explain', text: '经再次核对用工记录，三人均有出工签到，工钱发放无误。' })).toEqual({ ok: false, errors: { form: '该异议已经答复，请刷新页面' } });
    view = await trackComplaint(test.db, filed.value.receipt);
    expect(view).toMatchObject({ status: 'concluded', mayObject: false, objection: { answered: true } });
    expect((await loadComplaintQueue(test.db, sanghe, new URLSearchParams())).entries.find((entry) => entry.complaint.id === id)?.deadline).toBeNull();
    expect(view!.timeline.at(-1)).toEqual({ on: expect.any(String), kind: 'objectionAnswered', text: '经再次核对用工记录，三人均有出工签到，工钱发放无误。' });
    expect(await fileObjection(test.db, filed.value.receipt, { reasons })).toEqual({ ok: false, errors: { objection: '对这次答复的异议已经答复' } });
  });

  it('reopens a case on an objection with new facts, its deadlines counted from the reopening, and lets the city press it', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村渡口收费无票据' }, { today: '2025-03-03' });
    if (!filed.ok) throw new Error('filing failed');
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村渡口收费无票据')!.complaint.id;
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，渡口收费已经村民代表会议同意，今后开具票据。');
    expect((await fileObjection(test.db, filed.value.receipt, { reasons: '新情况：村民代表会议记录是事后补的，我有当天在场的三位代表的证言。' })).ok).toBe(true);
    const [objection] = await test.db.select().from(complaintObjections).where(eq(complaintObjections.complaintId, id));
    expect(objection!.dueOn > objection!.filedOn).toBe(true);

    const created = await createUser(test.db, null, { username: 'city.jw.test', displayName: '云山市纪委监委（测试）', role: 'commission', scopeCode: '990100000000', password: 'console-test-password-city' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const city = { id: created.value.id, username: 'city.jw.test', role: 'commission' as const, scopeCode: '990100000000' };
    expect(await pressObjection(test.db, city, { complaintId: id, text: '催' })).toEqual({ ok: false, errors: { text: '请写明督办意见' } });
    expect((await pressObjection(test.db, sanghe, { complaintId: id, text: '请按期答复异议' })).ok).toBe(false); // the holding commission does not press itself
    expect((await pressObjection(test.db, city, { complaintId: id, text: '请按期答复异议，核实会议记录的真实性。' })).ok).toBe(true);
    expect((await answerObjection(test.db, city, { complaintId: id, decision: 'explain', text: '上级机关不能代为答复这一异议。' })).ok).toBe(false);
    expect((await test.db.select().from(complaintObjections).where(eq(complaintObjections.id, objection!.id)))[0]!.pressedOn).not.toBeNull();

    expect((await answerObjection(test.db, sanghe, { complaintId: id, decision: 'reopen', text: '反映人提供了新的证言，会议记录真实性需重新核查。' })).ok).toBe(true);
    const { complaint, events } = (await getComplaint(test.db, id))!;
    // The old conclusion and reply are history (the timeline keeps them); new ones are to come.
    expect(complaint).toMatchObject({ status: 'accepted', publicReply: null, finding: null, measures: null });
    expect(complaint.arrivedOn > '2025-03-03').toBe(true);
    // Not overdue at once: the conclusion target counts from the reopening.
    expect(nextDeadline(complaint)).toMatchObject({ kind: 'conclude', overdue: false });
    expect(events.filter((event) => event.kind === 'objectionPressed').map((event) => event.public)).toEqual([false]);
    expect((await trackComplaint(test.db, filed.value.receipt))!.timeline.at(-1)).toEqual({ on: complaint.arrivedOn, kind: 'reopened', text: null });
    expect((await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id))).map((row) => row.action)).toEqual(expect.arrayContaining(['complaint.objectionPressed', 'complaint.objectionAnswered']));
  });
});

describe('likely duplicates', () => {
  it('are suggested for the same place and similar text, and merged keeping both records', async () => {
    const text = '后营村的集体鱼塘今年重新承包，没有公开招标，承包费比去年少了一半，承包人是村主任的小舅子。';
    const one = await fileComplaint(test.db, { ...base, category: 'assets', areaCode: '990121001202', title: '鱼塘承包不公开', content: text });
    const two = await fileComplaint(test.db, { ...base, category: 'assets', areaCode: '990121001202', title: '后营村鱼塘低价承包给亲属', content: text.replace('今年', '今年春天') });
    const other = await fileComplaint(test.db, { ...base, category: 'assets', areaCode: '990121001202', title: '村道路灯不亮', content: '村东头的路灯坏了三个月没人修，晚上走路很危险，反映多次没有回音。' });
    if (!one.ok || !two.ok || !other.ok) throw new Error('filing failed');
    const queue = await listComplaintQueue(test.db, sanghe);
    const first = queue.find((e) => e.complaint.title === '鱼塘承包不公开')!.complaint.id;
    const second = queue.find((e) => e.complaint.title === '后营村鱼塘低价承包给亲属')!.complaint.id;
    const { complaint } = (await getComplaint(test.db, second))!;
    const candidates = await findLikelyDuplicates(test.db, sanghe, complaint);
    expect(candidates.map((c) => c.title)).toEqual(['鱼塘承包不公开']);
    expect(candidates[0]!.similarity).toBeGreaterThan(0.5);

    expect((await mergeComplaint(test.db, sanghe, { complaintId: second, intoId: second })).ok).toBe(false);
    expect((await mergeComplaint(test.db, sanghe, { complaintId: second, intoId: first })).ok).toBe(true);
    expect((await getComplaint(test.db, second))!.complaint).toMatchObject({ mergedIntoId: first, status: 'transferred' });
    expect((await getComplaint(test.db, first))!.events.at(-1)).toMatchObject({ kind: 'note', public: false });
    expect((await trackComplaint(test.db, two.value.receipt))!.timeline.at(-1)).toMatchObject({ kind: 'merged' });
    expect((await listComplaintQueue(test.db, sanghe)).some((e) => e.complaint.id === second)).toBe(false);
    expect((await mergeComplaint(test.db, sanghe, { complaintId: first, intoId: second })).ok).toBe(false); // nothing merges into a merged case
  });

  it('keep the merged reporter informed with the main case’s public steps and reply, never the other reporter’s words', async () => {
    const text = '西坡村修村道的沙石款有十多万，只开了收据没有发票，村里说是镇上统一结算，账上看不到明细。';
    const main = await fileComplaint(test.db, { ...base, category: 'assets', areaCode: '990121001201', title: '西坡村修路款不清', content: text });
    const other = await fileComplaint(test.db, { ...base, category: 'assets', areaCode: '990121001201', title: '村道沙石款去向不明', content: text.replace('十多万', '十几万') });
    if (!main.ok || !other.ok) throw new Error('filing failed');
    const queue = await listComplaintQueue(test.db, sanghe);
    const mainId = queue.find((e) => e.complaint.title === '西坡村修路款不清')!.complaint.id;
    const otherId = queue.find((e) => e.complaint.title === '村道沙石款去向不明')!.complaint.id;
    expect((await addMaterial(test.db, main.value.receipt, { text: '补充：结算单在村会计王某手里，我见过复印件。' })).ok).toBe(true);
    expect((await mergeComplaint(test.db, sanghe, { complaintId: otherId, intoId: mainId })).ok).toBe(true);
    expect((await trackComplaint(test.db, other.value.receipt))!.merged).toEqual({ status: 'received', publicReply: null, timeline: [], next: { step: 'accept', due: expect.any(String) } });

    expect((await actOnComplaint(test.db, sanghe, { complaintId: mainId, action: 'accept' })).ok).toBe(true);
    expect((await actOnComplaint(test.db, sanghe, { complaintId: mainId, action: 'interim', text: '已调取村道工程结算资料，正在与镇财政所核对。' })).ok).toBe(true);
    await decide(test.db, mainId, 'conclude', '经核实，沙石款由镇财政所统一结算，发票已补开并在村务公开栏公布。');
    const view = (await trackComplaint(test.db, other.value.receipt))!;
    expect(view.status).toBe('transferred');
    expect(view.merged).toMatchObject({ status: 'concluded', publicReply: '经核实，沙石款由镇财政所统一结算，发票已补开并在村务公开栏公布。', next: null });
    expect(view.merged!.timeline.map((step) => step.kind)).toEqual(['accepted', 'interimReply', 'concluded', 'replied']);
    expect(JSON.stringify(view)).not.toMatch(/西坡村修路款不清|结算单在村会计/);
    expect((await trackComplaint(test.db, main.value.receipt))!.merged).toBeNull();

    // Out of the worklist, still findable.
    expect((await listComplaintQueue(test.db, sanghe)).some((e) => e.complaint.id === otherId)).toBe(false);
    expect((await listComplaintQueue(test.db, sanghe, { includeMerged: true })).find((e) => e.complaint.id === otherId)?.complaint.mergedIntoId).toBe(mainId);
  });
});

describe('interim replies (阶段性答复)', () => {
  it('reach the reporter’s timeline while the case is open, from the holding commission only, with a real text', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村低保名单有死人' });
    if (!filed.ok) throw new Error('filing failed');
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村低保名单有死人')!.complaint.id;
    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'interim', text: '在查' })).toEqual({ ok: false, errors: { text: '请写明阶段性答复的内容（至少10个字），反映人会看到' } });
    expect((await actOnComplaint(test.db, township, { complaintId: id, action: 'interim', text: '已收到您的反映，正在核对低保名单。' })).ok).toBe(false); // not handed down to it
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'interim', text: '已收到您的反映，正在核对低保名单。' })).ok).toBe(true);
    expect((await trackComplaint(test.db, filed.value.receipt))!.timeline.at(-1)).toEqual({ on: expect.any(String), kind: 'interimReply', text: '已收到您的反映，正在核对低保名单。' });
    expect((await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id))).map((row) => row.action)).toContain('complaint.interim');

    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，名单中已故人员已于本月停发并追回多发资金。');
    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'interim', text: '已收到您的反映，正在核对低保名单。' })).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } });
  });

  it('is refused when the case is concluded at the same moment', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村危房改造补助被挪用' });
    if (!filed.ok) throw new Error('filing failed');
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村危房改造补助被挪用')!.complaint.id;
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'unsubstantiated' });
    if (!proposed.ok) throw new Error('proposal failed');
    const [approved, interim] = await raceOnCase(
      id,
      () => decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' }),
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'interim', text: '正在向镇住建办调取补助发放记录。' }),
    );
    expect(approved.ok).toBe(true);
    expect(interim).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } });
    expect((await getComplaint(test.db, id))!.events.some((event) => event.kind === 'interimReply')).toBe(false);
  });
});

describe('what the reporter waits for next', () => {
  it('is the acceptance limit, then the conclusion target, each with its day; nothing once concluded', async () => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001203', title: '河湾村村医不在岗' }, { today: '2026-11-02' });
    if (!filed.ok) throw new Error('filing failed');
    expect((await trackComplaint(test.db, filed.value.receipt))!.next).toEqual({ step: 'accept', due: '2026-11-23' });
    const id = (await listComplaintQueue(test.db, sanghe)).find((e) => e.complaint.title === '河湾村村医不在岗')!.complaint.id;
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    expect((await trackComplaint(test.db, filed.value.receipt))!.next).toEqual({ step: 'conclude', due: '2027-01-31' });
  });
});

describe('likely duplicates and merges stay inside the user’s reach', () => {
  const text = '桑河镇敬老院的伙食费每人每月收三百元，饭菜质量很差，账目从来不公开，老人们意见很大。';
  const townshipUser = { id: '', username: 'sanghezhen.dup', role: 'commission' as const, scopeCode: '990121001000' };
  const liugang = { id: 'l-1', username: 'liugang.jw', role: 'commission' as const, scopeCode: '990122000000' };
  let assigned = '';
  let unassigned = '';
  const trace = async (id: string) => ({
    complaint: (await getComplaint(test.db, id))!.complaint,
    events: (await test.db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id))).length,
    audit: (await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id))).length,
  });

  beforeAll(async () => {
    const created = await createUser(test.db, null, { username: townshipUser.username, displayName: '桑河镇纪委', role: 'commission', scopeCode: townshipUser.scopeCode, password: 'console-test-password-1' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    townshipUser.id = created.value.id;
    const one = await fileComplaint(test.db, { ...base, category: 'conduct', areaCode: '990121001202', title: '敬老院伙食费不公开', content: text });
    const two = await fileComplaint(test.db, { ...base, category: 'conduct', areaCode: '990121001202', title: '县里交办以外的敬老院伙食问题', content: text.replace('很大', '非常大') });
    if (!one.ok || !two.ok) throw new Error('filing failed');
    const idOf = async (title: string) => (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    assigned = await idOf('敬老院伙食费不公开');
    unassigned = await idOf('县里交办以外的敬老院伙食问题');
    // The county hands one case down to the township commission; the other stays with the county.
    await test.db.update(complaints).set({ handedDownTo: townshipUser.scopeCode }).where(eq(complaints.id, assigned));
  });

  it('suggests to a township commission only cases handed down to it', async () => {
    const { complaint } = (await getComplaint(test.db, assigned))!;
    expect((await findLikelyDuplicates(test.db, sanghe, complaint)).map((d) => d.id)).toContain(unassigned);
    expect(await findLikelyDuplicates(test.db, townshipUser, complaint)).toEqual([]);
    expect(await findLikelyDuplicates(test.db, liugang, complaint)).toEqual([]);
  });

  it('refuses, like an unknown case, a merge with a case outside the user’s reach, writing nothing', async () => {
    const before = [await trace(assigned), await trace(unassigned)];
    const unknown = await mergeComplaint(test.db, townshipUser, { complaintId: assigned, intoId: crypto.randomUUID() });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
    expect(await mergeComplaint(test.db, townshipUser, { complaintId: assigned, intoId: unassigned })).toEqual(unknown);
    expect(await mergeComplaint(test.db, townshipUser, { complaintId: unassigned, intoId: assigned })).toEqual(unknown);
    expect(await mergeComplaint(test.db, liugang, { complaintId: unassigned, intoId: assigned })).toEqual(unknown);
    expect(JSON.stringify(unknown)).not.toContain('县里交办以外');
    expect([await trace(assigned), await trace(unassigned)]).toEqual(before);
  });

  it('refuses every other command on a case outside the user’s reach', async () => {
    const before = await trace(unassigned);
    const unknown = await actOnComplaint(test.db, townshipUser, { complaintId: crypto.randomUUID(), action: 'note', text: '核实伙食费收支情况' });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
    expect(await actOnComplaint(test.db, townshipUser, { complaintId: unassigned, action: 'note', text: '核实伙食费收支情况' })).toEqual(unknown);
    expect(await actOnComplaint(test.db, liugang, { complaintId: unassigned, action: 'accept' })).toEqual(unknown);
    expect(await revealIdentity(test.db, townshipUser, { complaintId: unassigned })).toMatchObject({ ok: false, status: 404 });
    expect(await propose(test.db, townshipUser, { complaintId: unassigned, kind: 'reveal', reason: '需要联系反映人核实伙食费收据' })).toMatchObject({ ok: false, status: 404 });
    expect(await trace(unassigned)).toEqual(before);
  });

  it('leaves the merge to the county even when both cases are handed down to the township', async () => {
    await test.db.update(complaints).set({ handedDownTo: townshipUser.scopeCode }).where(eq(complaints.id, unassigned));
    const { complaint } = (await getComplaint(test.db, assigned))!;
    expect((await findLikelyDuplicates(test.db, townshipUser, complaint)).map((d) => d.id)).toEqual([unassigned]);
    const before = [await trace(assigned), await trace(unassigned)];
    expect(await mergeComplaint(test.db, townshipUser, { complaintId: unassigned, intoId: assigned })).toMatchObject({ ok: false, status: 403 });
    expect([await trace(assigned), await trace(unassigned)]).toEqual(before);
    expect(await mergeComplaint(test.db, sanghe, { complaintId: unassigned, intoId: assigned })).toEqual({ ok: true, value: null });
  });
});

describe('two people acting on one case at the same moment', () => {
  const file = async (title: string) => {
    const filed = await fileComplaint(test.db, { ...base, areaCode: '990121001201', title });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    return { id: (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id, receipt: filed.value.receipt };
  };
  const written = async (id: string) => ({
    events: (await test.db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(complaintEvents.seq)).map((event) => event.kind),
    // In the order written: without ORDER BY, PostgreSQL may return them either way.
    audit: (await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id)).orderBy(auditEvents.id)).map((row) => row.action),
  });

  it('lets only the first of accept and a proposed decline through; the other sees the changed status', async () => {
    const { id } = await file('并发：前营村饮水工程款');
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const [accepted, declined] = await raceOnCase(
      id,
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' }),
      () => propose(test.db, handler, { complaintId: id, kind: 'decline', value: '反映的问题已由县水利局立项审计，不属于本机关受理范围。' }),
    );
    expect(accepted.ok).toBe(true);
    expect(declined).toEqual({ ok: false, errors: { form: '案件状态已经改变，请刷新页面' } });
    expect((await getComplaint(test.db, id))!.complaint.status).toBe('accepted');
    expect(await written(id)).toEqual({ events: ['received', 'handlerAssigned', 'accepted'], audit: ['complaint.handlerAssigned', 'complaint.accept'] });
  });

  it('applies a proposal once when two approvers approve it at the same moment', async () => {
    const { id } = await file('并发：前营村救灾物资');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const second = await createUser(test.db, null, { username: 'sanghe.sp2', displayName: '桑河县纪委监委第二审批人', role: 'commission', scopeCode: sanghe.scopeCode, password: 'console-test-password-2', approver: true });
    if (!second.ok) throw new Error(JSON.stringify(second.errors));
    const other = { id: second.value.id, username: 'sanghe.sp2', role: 'commission' as const, scopeCode: sanghe.scopeCode };
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'unsubstantiated' });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
    const [one, two] = await raceOnCase(
      id,
      () => decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' }),
      () => decideProposal(test.db, other, { complaintId: id, proposalId: proposed.value.id, decision: 'reject', note: '答复过于简单' }),
    );
    expect(one.ok).toBe(true);
    expect(two).toEqual({ ok: false, errors: { form: '该事项已经审批' } });
    expect((await written(id)).events.filter((kind) => kind === 'concluded' || kind === 'proposalRejected')).toEqual(['concluded']);
  });

  it('sends the reporter one reply when two officers reply at the same moment', async () => {
    const { id, receipt: code } = await file('并发：前营村低保金代领');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'conclude', value: 'substantiated', measures: ['sanction'] });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
    expect((await decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' })).ok).toBe(true);
    const [first, second] = await raceOnCase(
      id,
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: '经核实，村会计代领低保金属实，已给予党纪处分并追回资金。' }),
      () => actOnComplaint(test.db, approver, { complaintId: id, action: 'answer', text: '经核实，反映的低保金代领问题属实，已严肃处理。' }),
    );
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, errors: { form: '已经答复反映人' } });
    expect((await trackComplaint(test.db, code))!.publicReply).toBe('经核实，村会计代领低保金属实，已给予党纪处分并追回资金。');
    expect((await written(id)).events.filter((kind) => kind === 'replied')).toHaveLength(1);
  });

  it('refuses a note queued behind an escalation as not found: the case has left the county', async () => {
    const { id } = await file('并发：前营村支书违规发放补贴');
    const [escalated, noted] = await raceOnCase(
      id,
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'escalate', text: '涉及乡镇党委主要负责人，按规定提级办理' }),
      () => actOnComplaint(test.db, sanghe, { complaintId: id, action: 'note', text: '已约谈村监委会主任' }),
    );
    expect(escalated.ok).toBe(true);
    expect(noted).toMatchObject({ ok: false, status: 404 });
    expect(await written(id)).toEqual({ events: ['received', 'escalated', 'note'], audit: ['complaint.escalate'] });
    expect((await getComplaint(test.db, id))!.events.at(-1)!.text).toMatch(/^提级理由/); // the escalation's own note, not the refused one
  });

  it('merges one way only when two cases are merged into each other at once, without a deadlock', async () => {
    const one = await file('并发：鱼塘承包费去向');
    const two = await file('并发：鱼塘承包费去向不明');
    const [first, second] = await raceOnCase(
      one.id,
      () => mergeComplaint(test.db, sanghe, { complaintId: one.id, intoId: two.id }),
      () => mergeComplaint(test.db, sanghe, { complaintId: two.id, intoId: one.id }),
    );
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, errors: { form: '只能并入本机关办理中的其他案件' } });
    expect((await getComplaint(test.db, two.id))!.complaint.mergedIntoId).toBeNull();
  });

  it('counts one rating when the reporter sends it twice at once', async () => {
    const { id, receipt: code } = await file('并发：村道维修款');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，村道维修款已按合同支付，票据齐全，已在村务公开栏补充公布。');
    const [once, twice] = await raceOnCase(id, () => rateOutcome(test.db, code, { rating: 4 }), () => rateOutcome(test.db, code, { rating: 1 }));
    expect(once.ok).toBe(true);
    expect(twice).toEqual({ ok: false, errors: { rating: '已经评价过了' } });
    expect((await trackComplaint(test.db, code))!.rating).toBe(4);
    expect((await written(id)).events.filter((kind) => kind === 'rated')).toHaveLength(1);
  });

  it('refuses material queued behind an approved decline, checked inside the lock', async () => {
    const { id, receipt: code } = await file('并发：村委会换届拉票');
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'decline', value: '换届选举问题已移交县委组织部依规处理，请向其反映。' });
    if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
    const [declined, material] = await raceOnCase(
      id,
      () => decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'approve' }),
      () => addMaterial(test.db, code, { text: '补充：拉票的人在村口小卖部发了购物卡，每张两百元。' }),
    );
    expect(declined.ok).toBe(true);
    expect(material).toEqual({ ok: false, errors: { material: '该案件已不在本机关办理，不能再补充材料' } });
    expect((await written(id)).events).toEqual(['received', 'handlerAssigned', 'proposed', 'declined', 'proposalApproved']);
  });

  it('records one objection when it is sent twice at once, and answers it once when two officers answer together', async () => {
    const { id, receipt: code } = await file('并发：集体林地流转');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，林地流转经村民代表会议表决通过，程序合规。');
    const reasons = '表决时到会的村民代表不足三分之二，会议记录是事后补签的，请重新核查。';
    const [first, second] = await raceOnCase(id, () => fileObjection(test.db, code, { reasons }), () => fileObjection(test.db, code, { reasons }));
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, errors: { objection: '您的异议正在办理，请等待答复' } });
    expect((await written(id)).events.filter((kind) => kind === 'objected')).toHaveLength(1);

    const { approver } = await commissionPair(test.db, sanghe.scopeCode);
    const [explained, reopened] = await raceOnCase(
      id,
      () => answerObjection(test.db, sanghe, { complaintId: id, decision: 'explain', text: '经核对签到表，到会代表超过三分之二，表决有效。' }),
      () => answerObjection(test.db, approver, { complaintId: id, decision: 'reopen', text: '会议记录补签问题需要重新核查。' }),
    );
    expect(explained.ok).toBe(true);
    expect(reopened).toEqual({ ok: false, errors: { form: '该异议已经答复，请刷新页面' } });
    expect((await getComplaint(test.db, id))!.complaint.status).toBe('concluded');
    expect((await written(id)).audit.filter((action) => action === 'complaint.objectionAnswered')).toHaveLength(1);
  });
});

describe('refusals that write nothing', () => {
  it('refuses bad input of every step with a Chinese message on its field', async () => {
    const [entry] = await listComplaintQueue(test.db, sanghe, { status: 'received' });
    const id = entry!.complaint.id;
    const before = (await getComplaint(test.db, id))!;
    for (const [action, text] of [['note', ' '], ['escalate', '提级'], ['note', '长'.repeat(5001)]] as const) {
      const refused = await actOnComplaint(test.db, sanghe, { complaintId: id, action, text });
      expect(refused.ok === false && refused.errors.text, `${action} ${text.slice(0, 10)}`).toMatch(/[\u4e00-\u9fa5]/);
    }
    // Proposals are refused on their input before anything is locked, whoever asks.
    for (const [kind, value] of [['decline', '不受理'], ['dispose', 'open_case; drop table']] as const) {
      const refused = await propose(test.db, sanghe, { complaintId: id, kind, value });
      expect(refused.ok === false && refused.errors.text, kind).toMatch(/[\u4e00-\u9fa5]/);
    }
    const conclusion = await propose(test.db, sanghe, { complaintId: id, kind: 'conclude', value: '已办' });
    expect(conclusion.ok === false && conclusion.errors.finding).toMatch(/核实结论/);
    const answer = await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'answer', text: '好' });
    expect(answer.ok === false && answer.errors.text).toMatch(/答复/);
    expect(await propose(test.db, sanghe, { complaintId: id, kind: 'reveal', reason: '看看' })).toMatchObject({ ok: false, errors: { reason: expect.stringMatching(/理由/) } });
    expect((await transferComplaint(test.db, sanghe, { complaintId: id, departmentId: 'not-a-unit' })).ok).toBe(false);
    expect(await getComplaint(test.db, id)).toEqual(before);
  });

  it('refuses a step the case’s status no longer allows', async () => {
    const [entry] = await listComplaintQueue(test.db, sanghe, { status: 'declined' });
    const id = entry!.complaint.id;
    const changed = { ok: false, errors: { form: '案件状态已经改变，请刷新页面' } };
    expect(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' })).toEqual(changed);
    const { handler, approver } = await commissionPair(test.db, sanghe.scopeCode);
    expect(await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id })).toEqual(changed);
  });
});
