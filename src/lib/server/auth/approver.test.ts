/**
 * Complaint approval rights as part of the account (issue 11 item 4): granted and withdrawn with a
 * reason by whoever may manage the account, audited, and only for commission accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import type { Actor } from '../result.ts';
import { createUser, runUserAction, setApprover } from './users.ts';

let test: TestDatabase;
const admin: Actor = { id: '', username: 'demo.admin', role: 'admin', scopeCode: null };
const sanghe: Actor = { id: '', username: 'sanghe.jw', role: 'commission', scopeCode: '990121000000' };
const idOf = async (username: string) => (await test.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;
const approverOf = async (username: string) => (await test.db.select({ approver: users.approver }).from(users).where(eq(users.username, username)))[0]!.approver;

beforeAll(async () => {
  test = await createTestDatabase();
  admin.id = await idOf('demo.admin');
  sanghe.id = await idOf('sanghe.jw');
});
afterAll(async () => test?.dispose());

describe('complaint approval rights', () => {
  it('are granted and withdrawn with a reason, each time audited', async () => {
    const handler = await idOf('sanghe.cb');
    expect(await approverOf('sanghe.cb')).toBe(false);
    expect(await setApprover(test.db, admin, { userId: handler, approver: true, reason: '' })).toMatchObject({ ok: false, errors: { reason: expect.stringMatching(/原因/) } });
    expect((await runUserAction(test.db, admin, handler, { action: 'approver', approver: 'yes', reason: '经常委会研究，授予审批权限' })).ok).toBe(true);
    expect(await approverOf('sanghe.cb')).toBe(true);
    expect(await setApprover(test.db, admin, { userId: handler, approver: true, reason: '重复授予' })).toEqual({ ok: false, errors: { form: '该账号已有审批权限' } });
    expect((await setApprover(test.db, admin, { userId: handler, approver: false, reason: '岗位调整，收回审批权限' })).ok).toBe(true);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, handler));
    expect(audit.filter((row) => row.action.startsWith('user.approver')).map((row) => [row.action, row.reason])).toEqual([
      ['user.approverGranted', '经常委会研究，授予审批权限'],
      ['user.approverRevoked', '岗位调整，收回审批权限'],
    ]);
  });

  it('are for commission accounts only, and decided by whoever may manage the account', async () => {
    expect(await setApprover(test.db, admin, { userId: await idOf('qianying.kj'), approver: true, reason: '村干部不应有审批权限' })).toEqual({ ok: false, errors: { form: '只有纪委监委账号可以有审批权限' } });
    // A county commission does not manage accounts of its own level: it cannot make itself approvers.
    expect(await setApprover(test.db, sanghe, { userId: await idOf('sanghe.cb'), approver: true, reason: '自行授予审批权限' })).toMatchObject({ ok: false, status: 404 });
    expect(await approverOf('sanghe.cb')).toBe(false);
    const cadre = await createUser(test.db, admin, { username: 'houying.sp', displayName: '后营村报账员', role: 'cadre', scopeCode: '990121001202', password: 'hou-ying-shen-pi-27', approver: true });
    expect(cadre).toEqual({ ok: false, errors: { approver: '只有纪委监委账号可以有审批权限' } });
  });
});
