/**
 * Where a case goes (casework.ts, departments.ts): forwarding to the competent commission as a
 * tracked step, transfers to the county's own units, pressing, and the county's settings. Hand-down
 * scope and the two-person rule through the pages are in src/pages/staff/_access.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { commissionPair } from '../../../../tests/support/complaint-steps.ts';
import { getComplaint } from './cases.ts';
import { forwardComplaint, forwardTargets, handDown, press, recordTransferReply, transferComplaint } from './casework.ts';
import { actOnComplaint } from './console.ts';
import { addDepartment, countyTimeLimits, listDepartments, setCountyTimeLimits, setDepartmentActive } from './departments.ts';
import { fileComplaint } from './filing.ts';
import { propose } from './proposals.ts';
import { listComplaintQueue } from './queue.ts';
import { trackComplaint } from './tracking.ts';

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: SANGHE };
const liugang = { id: 'l-1', username: 'liugang.jw', role: 'commission' as const, scopeCode: LIUGANG };
const content = '镇上的执法队查摊时只罚外地商户，本地熟人占道经营从来不管，还收取所谓的管理费不开票据。';
let test: TestDatabase;

async function file(title: string, extra: Record<string, unknown> = {}, today?: string) {
  const filed = await fileComplaint(test.db, { category: 'conduct', areaCode: '990121001201', subjectLevel: 'township_cadre', title, content, anonymous: true, ...extra }, { today });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  return { id: (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id, receipt: filed.value.receipt };
}

beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
});
afterAll(async () => test?.dispose());

describe('forwarding to the commission with jurisdiction (转送)', () => {
  it('offers the commission above and the ones beside it, never one below', async () => {
    const targets = (await forwardTargets(test.db, SANGHE)).map((t) => t.code);
    expect(targets).toContain('990100000000');
    expect(targets).toContain(LIUGANG);
    expect(targets).not.toContain(SANGHE);
    expect(targets.some((code) => code.startsWith('990121'))).toBe(false);
  });

  it('moves the case across with its history, resets its arrival, and keeps the step and its limit', async () => {
    const { id, receipt } = await file('转送：柳岗县干部在桑河县的事', {}, '2025-09-26');
    const { handler } = await commissionPair(test.db, SANGHE);
    await test.db.update(complaints).set({ assigneeId: handler.id }).where(eq(complaints.id, id));
    expect((await propose(test.db, handler, { complaintId: id, kind: 'decline', value: '被反映人系柳岗县干部，不属本机关管辖范围。' })).ok).toBe(true);
    expect(await forwardComplaint(test.db, sanghe, { complaintId: id, toScopeCode: '990121001000', reason: '被反映人系柳岗县管理的干部' })).toEqual({ ok: false, errors: { toScopeCode: '只能转送上级或同级的纪委监委' } });
    expect((await forwardComplaint(test.db, sanghe, { complaintId: id, toScopeCode: LIUGANG, reason: '短' })).ok).toBe(false);
    const forwarded = await forwardComplaint(test.db, sanghe, { complaintId: id, toScopeCode: LIUGANG, reason: '被反映人系柳岗县管理的干部，按管理权限转送' });
    // Forwarded long after its 5 working days (due 2025-10-10): recorded as late, not refused.
    expect(forwarded).toEqual({ ok: true, value: { late: true } });
    const { complaint, events } = (await getComplaint(test.db, id))!;
    expect(complaint).toMatchObject({ routedScopeCode: LIUGANG, status: 'received', assigneeId: null, filedOn: '2025-09-26' });
    expect(complaint.arrivedOn).not.toBe('2025-09-26');
    expect(events.map((e) => [e.kind, e.public])).toEqual([['received', true], ['proposed', false], ['forwarded', true], ['note', false]]);
    const [referral] = await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id));
    expect(referral).toMatchObject({ kind: 'forward', fromScopeCode: SANGHE, toScopeCode: LIUGANG, dueOn: '2025-10-10', state: 'closed' });
    // The sender no longer reaches it; the receiver does, and decides afresh (the pending proposal was withdrawn).
    expect((await listComplaintQueue(test.db, sanghe)).some((e) => e.complaint.id === id)).toBe(false);
    expect((await listComplaintQueue(test.db, liugang)).some((e) => e.complaint.id === id)).toBe(true);
    expect((await trackComplaint(test.db, receipt))!.timeline.map((s) => s.kind)).toEqual(['received', 'forwarded']);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(audit.find((row) => row.action === 'complaint.forwarded')).toMatchObject({ actorId: sanghe.id, reason: '被反映人系柳岗县管理的干部，按管理权限转送', scopeCode: SANGHE });
  });

  it('is for cases not yet accepted, and not while a hand-down is open', async () => {
    const { id } = await file('转送：已受理的案件');
    await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' });
    expect((await forwardComplaint(test.db, sanghe, { complaintId: id, toScopeCode: LIUGANG, reason: '被反映人系柳岗县管理的干部' })).ok).toBe(false);
    expect((await handDown(test.db, sanghe, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'escalate', text: '涉及县领导，按规定提级办理' })).ok).toBe(false);
  });
});

describe('transfer to a unit of the county’s list (转办)', () => {
  it('keeps the list per county: added, retired and taken back, never removed', async () => {
    const added = await addDepartment(test.db, sanghe, { countyCode: SANGHE, name: '桑河县民政局' });
    expect(added.ok).toBe(true);
    expect(await addDepartment(test.db, sanghe, { countyCode: SANGHE, name: '桑河县民政局' })).toEqual({ ok: false, errors: { name: '名单中已有该单位' } });
    expect(await addDepartment(test.db, sanghe, { countyCode: LIUGANG, name: '柳岗县民政局' })).toMatchObject({ ok: false, status: 403 });
    expect(await addDepartment(test.db, { ...sanghe, scopeCode: '990121001000' }, { countyCode: SANGHE, name: '桑河县财政局' })).toMatchObject({ ok: false, status: 403 });
    if (!added.ok) return;
    expect((await setDepartmentActive(test.db, sanghe, { countyCode: SANGHE, departmentId: added.value.id, active: false })).ok).toBe(true);
    expect(await listDepartments(test.db, SANGHE, { activeOnly: true })).toEqual([]);
    const { id } = await file('转办：停用的单位');
    expect(await transferComplaint(test.db, sanghe, { complaintId: id, departmentId: added.value.id })).toEqual({ ok: false, errors: { department: '请从本县的承办单位名单中选择' } });
    expect((await setDepartmentActive(test.db, sanghe, { countyCode: SANGHE, departmentId: added.value.id, active: true })).ok).toBe(true);
    expect((await transferComplaint(test.db, sanghe, { complaintId: id, departmentId: added.value.id })).ok).toBe(true);
    // Another county's commission cannot use it, nor record its reply.
    expect(await recordTransferReply(test.db, liugang, { complaintId: id, text: '经核查，反映的问题已整改完毕。' })).toMatchObject({ ok: false, status: 404 });
  });

  it('is due by the county’s limit, may be pressed with a new date, and closes with the reply', async () => {
    expect(await setCountyTimeLimits(test.db, sanghe, { countyCode: SANGHE, handDownDays: '0', transferDays: '5' })).toMatchObject({ ok: false, errors: { handDownDays: expect.stringMatching(/至少1个工作日/) } });
    expect((await setCountyTimeLimits(test.db, sanghe, { countyCode: SANGHE, handDownDays: '20', transferDays: '5' })).ok).toBe(true);
    expect(await countyTimeLimits(test.db, SANGHE)).toEqual({ handDownDays: 20, transferDays: 5 });
    const [unit] = await listDepartments(test.db, SANGHE, { activeOnly: true });
    const { id } = await file('转办：集镇占道经营');
    expect((await transferComplaint(test.db, sanghe, { complaintId: id, departmentId: unit!.id })).ok).toBe(true);
    const [referral] = await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id));
    expect(referral).toMatchObject({ kind: 'transfer', state: 'open', departmentId: unit!.id });
    expect(await press(test.db, sanghe, { complaintId: id, text: '请加快办理', dueOn: '2020-01-01' })).toEqual({ ok: false, errors: { dueOn: '新的期限不能早于今天' } });
    expect((await press(test.db, sanghe, { complaintId: id, text: '请加快办理并书面回复', dueOn: '2099-12-31' })).ok).toBe(true);
    expect((await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id)))[0]!.dueOn).toBe('2099-12-31');
    expect((await recordTransferReply(test.db, sanghe, { complaintId: id, text: '经核查，占道经营已清理，管理费已退还商户。' })).ok).toBe(true);
    expect((await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id)))[0]!.state).toBe('closed');
    expect((await getComplaint(test.db, id))!.events.map((e) => e.kind)).toEqual(['received', 'transferred', 'pressed', 'transferReplied']);
  });
});
