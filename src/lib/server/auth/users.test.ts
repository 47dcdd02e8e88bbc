/**
 * Staff accounts against a real database: sign-in, throttling, password rules, disabling, resetting
 * and scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../../../db/schema/auth.ts';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { SignInThrottle } from './throttle.ts';
import {
  changeOwnPassword,
  createUser,
  disableUser,
  GENERIC_SIGN_IN_ERROR,
  getUserForViewer,
  listUsers,
  resetPassword,
  signIn,
} from './users.ts';
import type { Actor } from '../result.ts';
import { sessionIdOf, validateSessionToken } from './sessions.ts';

let test: TestDatabase;
let sanghe: Actor;
let admin: Actor;

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

beforeAll(async () => {
  test = await createTestDatabase();
  sanghe = await actor('sanghe.jw');
  admin = await actor('demo.admin');
});
afterAll(async () => test?.dispose());

const client = (n: number) => `198.51.100.${n}`;

describe('sign-in', () => {
  it('signs a demo account in and stores only the hash of the token', async () => {
    const result = await signIn(test.db, { username: 'qianying.kj', password: 'yidiantong-baozhang-2026', clientKey: client(1) }, new SignInThrottle());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.token).toMatch(/^[a-z2-7]{32}$/);
    const stored = await test.db.select().from(sessions).where(eq(sessions.userId, result.value.user.id));
    expect(stored.map((row) => row.id)).toContain(sessionIdOf(result.value.token));
    expect(stored.map((row) => row.id)).not.toContain(result.value.token);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const throttle = new SignInThrottle();
    const unknown = await signIn(test.db, { username: 'no.such.user', password: 'whatever-it-is', clientKey: client(2) }, throttle);
    const wrong = await signIn(test.db, { username: 'qianying.kj', password: 'not-the-password', clientKey: client(3) }, throttle);
    expect(unknown).toEqual({ ok: false, status: 401, errors: { form: GENERIC_SIGN_IN_ERROR } });
    expect(wrong).toEqual(unknown);
  });

  it('accepts usernames typed with capitals or full-width letters', async () => {
    const result = await signIn(test.db, { username: ' ＱianYing.KJ ', password: 'yidiantong-baozhang-2026', clientKey: client(4) }, new SignInThrottle());
    expect(result.ok).toBe(true);
  });

  it('makes the right password wait after repeated failures for the same account from the same client', async () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 4; i++) {
      await signIn(test.db, { username: 'qianying.jd', password: `guess-${i}-wrong`, clientKey: client(10) }, throttle);
    }
    const blocked = await signIn(test.db, { username: 'qianying.jd', password: 'yidiantong-jiandu-2026', clientKey: client(10) }, throttle);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) {
      expect(blocked.status).toBe(429);
      expect(blocked.errors.form).toMatch(/请在\d+秒后再试/);
      expect(blocked.retryAfterMs).toBeGreaterThan(0);
      expect(blocked.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    // The same person at another desk (another client) is not held up by those guesses.
    const elsewhere = await signIn(test.db, { username: 'qianying.jd', password: 'yidiantong-jiandu-2026', clientKey: client(11) }, throttle);
    expect(elsewhere.ok).toBe(true);
  });

  it('holds an account guessed from many clients, even for the right password', async () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 11; i++) {
      await signIn(test.db, { username: 'qianying.jd', password: `guess-${i}-wrong`, clientKey: client(40 + i) }, throttle);
    }
    const blocked = await signIn(test.db, { username: 'qianying.jd', password: 'yidiantong-jiandu-2026', clientKey: client(60) }, throttle);
    expect(blocked.ok === false && blocked.status).toBe(429);
  });

  it("never refuses a correct password because of other accounts' failures from the same client", async () => {
    // Behind one proxy or office NAT everybody is one client: one person's guesses must not lock out the rest.
    const throttle = new SignInThrottle();
    const wrong = [];
    for (let i = 0; i < 14; i++) {
      wrong.push(await signIn(test.db, { username: `someone${i}`, password: 'wrong-password-x', clientKey: client(99) }, throttle));
    }
    // The client is asked to slow down for wrong or unknown combinations …
    const last = wrong.at(-1)!;
    expect(last).toMatchObject({ ok: false, status: 429 });
    expect(!last.ok && last.errors.form).toMatch(/后再试/);
    // … but the right password of another account still signs in from that same address.
    const colleague = await signIn(test.db, { username: 'qianying.kj', password: 'yidiantong-baozhang-2026', clientKey: client(99) }, throttle);
    expect(colleague.ok).toBe(true);
    const typo = await signIn(test.db, { username: 'qianying.kj', password: 'yidiantong-baozhang-2025', clientKey: client(99) }, throttle);
    expect(typo).toMatchObject({ ok: false, status: 429 });
  });
});

describe('account management', () => {
  const base = { username: 'houying.kj', displayName: '后营村报账员', role: 'cadre' as const, scopeCode: '990121001202', password: 'hou-ying-cun-zhang-9' };

  it.each([
    [{ username: 'A' }, 'username', /用户名/],
    [{ username: 'bad name' }, 'username', /用户名/],
    [{ displayName: '王' }, 'displayName', /姓名/],
    [{ password: 'short' }, 'password', /至少10/],
    [{ password: 'password123' }, 'password', /常见密码/],
    [{ password: 'aaaaaaaaaaaa' }, 'password', /同一个字符/],
    [{ password: 'houying.kj-2026-x' }, 'password', /用户名/],
    [{ scopeCode: '990121001000' }, 'scopeCode', /村/],
    [{ scopeCode: '123' }, 'scopeCode', /12位/],
    [{ username: 'qianying.kj' }, 'username', /已被使用/],
  ])('refuses %o with a message on %s', async (change, field, message) => {
    const result = await createUser(test.db, sanghe, { ...base, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(message);
  });

  it('refuses a password with control characters wherever a password is set (create, reset, change)', async () => {
    const created = await createUser(test.db, sanghe, { ...base, username: 'zhoujia.kj', password: 'zhou-jia-2026-mima\nzhou-jia-2026-mima' });
    expect(created.ok === false && created.errors.password).toMatch(/控制字符/);
    const [qianying] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
    const reset = await resetPassword(test.db, sanghe, { userId: qianying!.id, password: 'qian-ying\tbao-zhang-26', reason: '本人忘记密码，电话核实后重置' });
    expect(reset.ok === false && reset.errors.password).toMatch(/控制字符/);
    const own = await actor('qianying.kj');
    const changed = await changeOwnPassword(test.db, own, { currentPassword: 'yidiantong-baozhang-2026', newPassword: 'qian-ying-xin\u0000mima', confirmPassword: 'qian-ying-xin\u0000mima' });
    expect(changed.ok === false && changed.errors.newPassword).toMatch(/控制字符/);
  });

  it('refuses to create accounts outside the creator’s scope', async () => {
    const result = await createUser(test.db, sanghe, { ...base, username: 'liugang.kj', scopeCode: '990122001201' });
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it('creates an account that must change its password, with an audit entry', async () => {
    const result = await createUser(test.db, sanghe, base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [row] = await test.db.select().from(users).where(eq(users.id, result.value.id));
    expect(row).toMatchObject({ username: 'houying.kj', mustChangePassword: true, createdBy: sanghe.id });
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, result.value.id));
    expect(audit.map((entry) => entry.action)).toEqual(['user.created']);
    expect(JSON.stringify(audit)).not.toContain(base.password);
  });

  it('forces the first password change, which ends every other session', async () => {
    const first = await signIn(test.db, { username: 'houying.kj', password: base.password, clientKey: client(30) }, new SignInThrottle());
    expect(first.ok && first.value.user.mustChangePassword).toBe(true);
    const me = await actor('houying.kj');
    const mismatch = await changeOwnPassword(test.db, me, { currentPassword: base.password, newPassword: 'hou-ying-xin-mima-1', confirmPassword: 'different-one-here' });
    expect(mismatch.ok === false && mismatch.errors.confirmPassword).toBeTruthy();
    const wrongCurrent = await changeOwnPassword(test.db, me, { currentPassword: 'nope-nope-nope', newPassword: 'hou-ying-xin-mima-1', confirmPassword: 'hou-ying-xin-mima-1' });
    expect(wrongCurrent.ok === false && wrongCurrent.errors.currentPassword).toBeTruthy();
    const changed = await changeOwnPassword(test.db, me, { currentPassword: base.password, newPassword: 'hou-ying-xin-mima-1', confirmPassword: 'hou-ying-xin-mima-1' });
    expect(changed.ok).toBe(true);
    if (!first.ok || !changed.ok) return;
    expect(await validateSessionToken(test.db, first.value.token)).toBeNull();
    const fresh = await validateSessionToken(test.db, changed.value.token);
    expect(fresh?.user.mustChangePassword).toBe(false);
  });

  it('disables an account: its very next request fails and it cannot sign in again', async () => {
    const me = await actor('houying.kj');
    const session = await signIn(test.db, { username: 'houying.kj', password: 'hou-ying-xin-mima-1', clientKey: client(31) }, new SignInThrottle());
    expect(session.ok).toBe(true);
    expect((await disableUser(test.db, sanghe, { userId: me.id, reason: '' })).ok).toBe(false); // a reason is required
    expect((await disableUser(test.db, sanghe, { userId: me.id, reason: '调离岗位，停用账号' })).ok).toBe(true);
    if (session.ok) expect(await validateSessionToken(test.db, session.value.token)).toBeNull();
    const again = await signIn(test.db, { username: 'houying.kj', password: 'hou-ying-xin-mima-1', clientKey: client(32) }, new SignInThrottle());
    expect(again).toMatchObject({ ok: false, errors: { form: GENERIC_SIGN_IN_ERROR } });
    const [row] = await test.db.select().from(users).where(eq(users.id, me.id));
    expect(row!.disabledAt).not.toBeNull(); // disabled, not deleted
  });

  it('resets a password with a reason, forcing a change at next sign-in', async () => {
    const cadre = await actor('qianying.kj');
    const noReason = await resetPassword(test.db, sanghe, { userId: cadre.id, password: 'qian-ying-chong-zhi-1', reason: '' });
    expect(noReason.ok === false && noReason.errors.reason).toBeTruthy();
    expect((await resetPassword(test.db, sanghe, { userId: cadre.id, password: 'qian-ying-chong-zhi-1', reason: '本人遗忘密码，电话核实身份后重置' })).ok).toBe(true);
    const [row] = await test.db.select().from(users).where(eq(users.id, cadre.id));
    expect(row!.mustChangePassword).toBe(true);
  });

  it('hides accounts outside the viewer’s scope as if they did not exist', async () => {
    const liugang = await createUser(test.db, admin, { username: 'liugang.jw', displayName: '柳岗县纪委', role: 'commission', scopeCode: '990122000000', password: 'liu-gang-ji-wei-2026' });
    expect(liugang.ok).toBe(true);
    const other = await actor('liugang.jw');
    const cadre = await actor('qianying.jd');
    expect(await getUserForViewer(test.db, other, cadre.id)).toBeUndefined();
    expect(await getUserForViewer(test.db, sanghe, cadre.id)).toBeDefined();
    expect((await disableUser(test.db, other, { userId: cadre.id, reason: '越权停用尝试' })).ok).toBe(false);
    const visible = await listUsers(test.db, other, { includeDisabled: true });
    // Only 柳岗县's own accounts (its commission, and whatever else the demo places there).
    expect(visible.map((user) => user.username)).toContain('liugang.jw');
    expect(visible.every((user) => user.scopeCode?.startsWith('990122'))).toBe(true);
    expect(visible[0]).not.toHaveProperty('passwordHash');
  });

  it('two creations racing for one username: one account, the other told the name is taken', async () => {
    const attempt = { ...base, username: 'dongzhuang.kj', displayName: '东庄村报账员', scopeCode: '990121001203', password: 'dong-zhuang-cun-2026' };
    const results = await Promise.all([createUser(test.db, sanghe, attempt), createUser(test.db, sanghe, attempt)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, errors: { username: '该用户名已被使用' } });
    const rows = await test.db.select().from(users).where(eq(users.username, 'dongzhuang.kj'));
    expect(rows).toHaveLength(1);
  });

  it('disabling twice at once: one succeeds, the other finds it already disabled, one audit entry', async () => {
    const created = await createUser(test.db, sanghe, { ...base, username: 'xizhuang.kj', displayName: '西庄村报账员', scopeCode: '990121001203', password: 'xi-zhuang-cun-2026' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const userId = created.value.id;
    const results = await Promise.all([
      disableUser(test.db, sanghe, { userId, reason: '换届离任，停用账号' }),
      disableUser(test.db, sanghe, { userId, reason: '换届离任，停用账号' }),
    ]);
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    expect(results.find((result) => !result.ok)).toMatchObject({ errors: { form: '该账号已停用' } });
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, userId));
    expect(audit.filter((entry) => entry.action === 'user.disabled')).toHaveLength(1);
  });

  it('a reset that lands while the person changes their own password makes the change start over', async () => {
    const created = await createUser(test.db, sanghe, { ...base, username: 'nanzhuang.kj', displayName: '南庄村报账员', scopeCode: '990121001203', password: 'nan-zhuang-cun-2026' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const me = await actor('nanzhuang.kj');
    const [changed, reset] = await Promise.all([
      changeOwnPassword(test.db, me, { currentPassword: 'nan-zhuang-cun-2026', newPassword: 'nan-zhuang-xin-mima-7', confirmPassword: 'nan-zhuang-xin-mima-7' }),
      resetPassword(test.db, sanghe, { userId: me.id, password: 'nan-zhuang-chong-zhi-8', reason: '本人来电称密码泄露，核实后重置' }),
    ]);
    expect(reset.ok).toBe(true);
    const [row] = await test.db.select().from(users).where(eq(users.id, me.id));
    // Either order is possible; what is impossible is both claiming to have set the password
    // while the change's check was made against a hash the reset had already replaced.
    if (changed.ok) expect(row!.mustChangePassword).toBe(true); // the change went first, the reset after
    else expect(changed.errors.currentPassword).toBeTruthy();
  });

  it('refuses management commands out of reach as "not found", before any password rule', async () => {
    const other = await actor('liugang.jw');
    const cadre = await actor('qianying.jd');
    const weak = await resetPassword(test.db, other, { userId: cadre.id, password: '123', reason: '越权重置尝试' });
    expect(weak).toMatchObject({ ok: false, status: 404, errors: { form: '没有找到该账号' } });
    expect(await resetPassword(test.db, other, { userId: 'not-a-uuid', password: 'liu-gang-chong-zhi-9', reason: '格式错误的编号' })).toMatchObject({ ok: false, status: 404 });
  });
});
