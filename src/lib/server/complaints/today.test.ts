/**
 * The today view (today.ts): each section holds the cases that wait for that step, held by the
 * officer's own commission; a township commission sees only what is handed down to it; an approver
 * never finds their own proposal (or a case they handle) waiting for them; deadlines count working
 * days; countWaitingFor counts distinct cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { commissionPair, decide } from '../../../../tests/support/complaint-steps.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { assignHandler, handDown, reportBack } from './casework.ts';
import { actOnComplaint } from './console.ts';
import { propose } from './proposals.ts';
import { countWaitingFor, loadToday, type TodaySection } from './today.ts';
import { fileObjection } from './tracking.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';

const SANGHE = '990121000000';
let test: TestDatabase;
let handler: Actor;
let approver: Actor;
let second: Actor;
let township: Actor;
let liugang: Actor;

const account = (username: string) => actorOf(test.db, username);

const file = (title: string, extra: Record<string, unknown> = {}, today?: string) => fileCase(test.db, title, extra, today);

async function section(actor: Actor, key: TodaySection, today?: string): Promise<string[]> {
  const view = await loadToday(test.db, actor, today);
  const found = view.sections.find((s) => s.key === key);
  if (!found) throw new Error(`no section ${key}`);
  return found.items.map((item) => item.complaintId);
}

beforeAll(async () => {
  test = await createTestDatabase();
  ({ handler, approver } = await commissionPair(test.db, SANGHE));
  const created = await createUser(test.db, null, { username: 'sanghe.sp2', displayName: '王芳', role: 'commission', scopeCode: SANGHE, password: 'today-view-password-1', approver: true });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  second = await account('sanghe.sp2');
  township = await account('sanghezhen.jw');
  liugang = (await commissionPair(test.db, '990122000000')).approver;
});
afterAll(async () => test?.dispose());

describe('the today view of a county commission', () => {
  it('lists a new case until it is accepted, for its own commission only', async () => {
    const { id } = await file('今日：新收的水渠集资案');
    expect(await section(approver, 'newCases')).toContain(id);
    expect(await section(liugang, 'newCases')).not.toContain(id);
    expect((await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' })).ok).toBe(true);
    expect(await section(approver, 'newCases')).not.toContain(id);
  });

  it('puts a case due within five working days under this week, and one past its limit under overdue', async () => {
    // Filed Monday 2026-03-02: accepted within 15 working days, by 2026-03-23.
    const { id } = await file('今日：三月初收到的案件', {}, '2026-03-02');
    expect(await section(approver, 'dueSoon', '2026-03-17')).toContain(id); // through 2026-03-24
    expect(await section(approver, 'dueSoon', '2026-03-13')).not.toContain(id); // through 2026-03-20
    expect(await section(approver, 'overdue', '2026-03-24')).toContain(id);
    expect(await section(approver, 'dueSoon', '2026-03-24')).not.toContain(id);
    const view = await loadToday(test.db, approver, '2026-03-17');
    expect(view.dueSoonThrough).toBe('2026-03-24');
    expect(view.sections.find((s) => s.key === 'dueSoon')!.items.find((item) => item.complaintId === id)!.deadline).toEqual({ kind: 'accept', due: '2026-03-23', overdue: false });
  });

  it('shows the township’s report to the county for review, and the hand-down to that township only', async () => {
    const { id } = await file('今日：交办桑河镇的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    expect(await section(township, 'handDowns')).toContain(id);
    const other = await file('今日：交办白杨乡的案件', { areaCode: '990121003201' });
    await actOnComplaint(test.db, approver, { complaintId: other.id, action: 'accept' });
    expect((await handDown(test.db, approver, { complaintId: other.id, townshipCode: '990121003000' })).ok).toBe(true);
    const view = await loadToday(test.db, township);
    expect(view.sections.map((s) => s.key)).toEqual(['handDowns', 'dueSoon', 'overdue']);
    expect(view.sections.flatMap((s) => s.items.map((item) => item.complaintId))).not.toContain(other.id);
    expect(await section(approver, 'reports')).not.toContain(id);
    expect((await reportBack(test.db, township, { complaintId: id, text: '经核查，水渠集资款已全部入账，村委会已补开收据并张榜公布收支明细。' })).ok).toBe(true);
    expect(await section(approver, 'reports')).toContain(id);
    expect(await section(township, 'handDowns')).not.toContain(id);
  });

  it('shows a proposal to the other approvers, never to its proposer or the case’s handler', async () => {
    const { id } = await file('今日：待审批的处置');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    expect((await propose(test.db, handler, { complaintId: id, kind: 'dispose', value: 'preliminary_check' })).ok).toBe(true);
    expect(await section(approver, 'approvals')).toContain(id);
    expect(await section(second, 'approvals')).toContain(id);
    // The handler has no approval right: no section of approvals holds it.
    expect(await section(handler, 'approvals')).toEqual([]);
    expect(await section(liugang, 'approvals')).not.toContain(id);

    // An approver who handles a case and proposes on it does not find it waiting for themself.
    const own = await file('今日：审批人自己承办的案件');
    await actOnComplaint(test.db, approver, { complaintId: own.id, action: 'accept' });
    await assignHandler(test.db, second, { complaintId: own.id, handlerId: approver.id });
    expect((await propose(test.db, approver, { complaintId: own.id, kind: 'dispose', value: 'talk_inquiry' })).ok).toBe(true);
    expect(await section(approver, 'approvals')).not.toContain(own.id);
    expect(await section(second, 'approvals')).toContain(own.id);
  });

  it('lists an objection to answer with its own deadline, and counts distinct cases', async () => {
    const { id, receipt } = await file('今日：答复后有异议的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，集资款已入账并公布，收据已补开。');
    expect((await fileObjection(test.db, receipt, { reasons: '收据只补开了一部分，还有十几户没有拿到，答复不属实。' })).ok).toBe(true);
    const view = await loadToday(test.db, approver);
    const item = view.sections.find((s) => s.key === 'objections')!.items.find((entry) => entry.complaintId === id)!;
    expect(item.deadline?.kind).toBe('objection');
    const counted = await countWaitingFor(test.db, approver);
    expect(counted.total).toBe(view.total);
    expect(counted.total).toBe(new Set(view.sections.flatMap((s) => s.items.map((entry) => entry.complaintId))).size);
    expect(counted.sections.objections).toBe(view.sections.find((s) => s.key === 'objections')!.items.length);
  });

  it('has nothing for those who handle no complaints', async () => {
    const admin = await account('demo.admin');
    expect(await countWaitingFor(test.db, admin)).toEqual({ total: 0, sections: {} });
    expect(await countWaitingFor(test.db, await account('qianying.kj'))).toEqual({ total: 0, sections: {} });
  });
});
