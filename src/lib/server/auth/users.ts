/**
 * Account commands: sign-in, password change, create, disable, reset. Each one validates its input,
 * asks the permission module, runs in one transaction with its audit entry, and returns a typed
 * result whose errors are Chinese messages keyed by form field.
 */
import { and, asc, eq, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { users, ROLES, type Role, type UserRow } from '../../../../db/schema/auth.ts';
import { recordAudit } from '../audit.ts';
import { getArea } from '../areas/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import type { Db, DbOrTx } from '../db.ts';
import { can, inScope, type Actor } from './permissions.ts';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, generateSessionToken, invalidateUserSessions } from './sessions.ts';
import { formatWait, signInThrottle, type SignInThrottle } from './throttle.ts';
import { translator } from '../../../i18n/index.ts';
import { fieldErrors } from '../validation.ts';

export type FieldErrors = Record<string, string>;
export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; status?: number; retryAfterMs?: number };

export interface AuditActor extends Actor {
  username: string;
}

const USERNAME = /^[a-z0-9][a-z0-9_.-]{2,31}$/;
export const GENERIC_SIGN_IN_ERROR = '用户名或密码不正确';

export function normaliseUsername(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

// ---------------------------------------------------------------- sign-in

export interface SignInInput {
  username: string;
  password: string;
  /** The client address, used only as a throttle key (hashed in memory, never stored). */
  clientKey: string;
}

export async function signIn(
  db: Db,
  input: SignInInput,
  throttle: SignInThrottle = signInThrottle,
): Promise<Result<{ token: string; user: UserRow }>> {
  const username = normaliseUsername(input.username);
  // Only this account's own limits are checked before the password: see SignInThrottle.
  const wait = throttle.waitBefore(username, input.clientKey);
  if (wait > 0) return tooManyAttempts(wait);
  const [user] = USERNAME.test(username) ? await db.select().from(users).where(eq(users.username, username)) : [];
  // Verify against a real hash even for unknown users, so both cases take the same time.
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !valid || user.disabledAt) {
    // Unknown user and wrong password are counted and answered alike.
    const slowDown = throttle.failed(username, input.clientKey);
    if (slowDown > 0) return tooManyAttempts(slowDown);
    return { ok: false, status: 401, errors: { form: GENERIC_SIGN_IN_ERROR } };
  }
  throttle.succeeded(username, input.clientKey);
  const token = generateSessionToken();
  await db.transaction(async (tx) => {
    await createSession(tx, token, user.id);
    await recordAudit(tx, {
      actor: user,
      action: 'auth.signIn',
      subjectType: 'user',
      subjectId: user.id,
      scopeCode: user.scopeCode,
    });
  });
  return { ok: true, value: { token, user } };
}

function tooManyAttempts(wait: number): Result<never> {
  const zh = translator('zh-CN');
  return { ok: false, status: 429, retryAfterMs: wait, errors: { form: zh('staff.signIn.tooMany', { wait: formatWait(zh, wait) }) } };
}

// ---------------------------------------------------------------- own password

export async function changeOwnPassword(
  db: Db,
  actor: AuditActor,
  input: { currentPassword: string; newPassword: string; confirmPassword: string },
): Promise<Result<{ token: string }>> {
  const [user] = await db.select().from(users).where(and(eq(users.id, actor.id), isNull(users.disabledAt)));
  if (!user) return { ok: false, status: 401, errors: { form: '账号不可用，请重新登录' } };
  const errors: FieldErrors = {};
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) errors.currentPassword = '当前密码不正确';
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) errors.newPassword = problem;
  else if (input.newPassword === input.currentPassword) errors.newPassword = '新密码不能与当前密码相同';
  if (input.confirmPassword !== input.newPassword) errors.confirmPassword = '两次输入的新密码不一致';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const passwordHash = await hashPassword(input.newPassword);
  const token = generateSessionToken();
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, passwordChangedAt: new Date() })
      .where(eq(users.id, user.id));
    // Every other session of this account ends; the person continues in a fresh one.
    await invalidateUserSessions(tx, user.id);
    await createSession(tx, token, user.id);
    await recordAudit(tx, {
      actor,
      action: 'auth.passwordChanged',
      subjectType: 'user',
      subjectId: user.id,
      scopeCode: user.scopeCode,
    });
  });
  return { ok: true, value: { token } };
}

// ---------------------------------------------------------------- account management

const CreateUserSchema = z.object({
  username: z
    .string()
    .transform(normaliseUsername)
    .pipe(z.string().regex(USERNAME, '用户名为3至32位小写字母、数字或 . _ -，以字母或数字开头')),
  displayName: z.string().trim().min(2, '请填写姓名（至少2个字）').max(40, '姓名不超过40个字'),
  role: z.enum(ROLES, { message: '请选择角色' }),
  scopeCode: z.string().trim().optional(),
  password: z.string(),
});

export type CreateUserInput = z.input<typeof CreateUserSchema>;

const REQUIRED_LEVEL: Record<Role, string[]> = {
  admin: [],
  commission: ['city', 'county', 'township'],
  cadre: ['village'],
  supervisor: ['village'],
};

/** Creates an account; the person must choose their own password at first sign-in. */
export async function createUser(
  db: Db,
  actor: AuditActor | null,
  input: CreateUserInput,
  options: { mustChangePassword?: boolean } = {},
): Promise<Result<{ id: string }>> {
  const parsed = CreateUserSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { username, displayName, role, password } = parsed.data;
  const scopeCode = role === 'admin' ? null : parsed.data.scopeCode || null;
  const errors: FieldErrors = {};
  if (role !== 'admin') {
    const area = scopeCode ? await getArea(db, scopeCode) : undefined;
    if (!area) errors.scopeCode = '请填写有效的12位行政区划代码';
    else if (!REQUIRED_LEVEL[role].includes(area.level)) {
      errors.scopeCode = role === 'commission' ? '纪委监委账号的辖区应为市、县或乡镇' : '村干部和村务监督委员会账号的辖区应为村';
    }
  }
  // A null actor is the command line bootstrap (npm run user:create), run by whoever runs the server.
  if (actor && !errors.scopeCode && !can(actor, 'user.manage', { role, scopeCode })) {
    return { ok: false, status: 403, errors: { form: '您无权在该辖区创建此类账号' } };
  }
  const problem = passwordProblem(password, username);
  if (problem) errors.password = problem;
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (taken) errors.username = '该用户名已被使用';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const id = crypto.randomUUID();
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.insert(users).values({
      id,
      username,
      displayName,
      role,
      scopeCode,
      passwordHash,
      mustChangePassword: options.mustChangePassword ?? true,
      createdBy: actor?.id ?? null,
    });
    await recordAudit(tx, {
      actor,
      action: 'user.created',
      subjectType: 'user',
      subjectId: id,
      scopeCode,
      detail: { username, role },
    });
  });
  return { ok: true, value: { id } };
}

async function loadManageable(db: DbOrTx, actor: AuditActor, userId: string): Promise<Result<UserRow>> {
  const [target] = await db.select().from(users).where(eq(users.id, userId));
  // Outside the actor's reach looks exactly like "no such account".
  if (!target || !can(actor, 'user.manage', { role: target.role, scopeCode: target.scopeCode, userId: target.id })) {
    return { ok: false, status: 404, errors: { form: '没有找到该账号' } };
  }
  return { ok: true, value: target };
}

export async function disableUser(db: Db, actor: AuditActor, userId: string, reason: string): Promise<Result<null>> {
  const target = await loadManageable(db, actor, userId);
  if (!target.ok) return target;
  if (reason.trim().length < 4) return { ok: false, errors: { reason: '请写明停用原因（至少4个字）' } };
  if (target.value.disabledAt) return { ok: false, errors: { form: '该账号已停用' } };
  await db.transaction(async (tx) => {
    await tx.update(users).set({ disabledAt: new Date(), disabledBy: actor.id }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId);
    await recordAudit(tx, {
      actor,
      action: 'user.disabled',
      subjectType: 'user',
      subjectId: userId,
      scopeCode: target.value.scopeCode,
      reason: reason.trim(),
      detail: { username: target.value.username },
    });
  });
  return { ok: true, value: null };
}

export async function resetPassword(
  db: Db,
  actor: AuditActor,
  userId: string,
  input: { password: string; reason: string },
): Promise<Result<null>> {
  const target = await loadManageable(db, actor, userId);
  if (!target.ok) return target;
  const errors: FieldErrors = {};
  const problem = passwordProblem(input.password, target.value.username);
  if (problem) errors.password = problem;
  if (input.reason.trim().length < 4) errors.reason = '请写明重置原因（至少4个字）';
  if (target.value.disabledAt) errors.form = '该账号已停用，不能重置密码';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId);
    await recordAudit(tx, {
      actor,
      action: 'user.passwordReset',
      subjectType: 'user',
      subjectId: userId,
      scopeCode: target.value.scopeCode,
      reason: input.reason.trim(),
    });
  });
  return { ok: true, value: null };
}

export type UserSummary = Omit<UserRow, 'passwordHash'>;

/** Every column but the password hash: account lists never carry it. */
const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  scopeCode: users.scopeCode,
  mustChangePassword: users.mustChangePassword,
  createdAt: users.createdAt,
  createdBy: users.createdBy,
  passwordChangedAt: users.passwordChangedAt,
  disabledAt: users.disabledAt,
  disabledBy: users.disabledBy,
};

/** Accounts inside the viewer's scope (administrators: all), newest scope first. */
export async function listUsers(
  db: DbOrTx,
  viewer: Actor,
  filters: { role?: Role; q?: string; includeDisabled?: boolean } = {},
): Promise<UserSummary[]> {
  const conditions: SQL[] = [];
  if (viewer.role !== 'admin') {
    const { from, to } = subtreeRange(viewer.scopeCode!);
    conditions.push(gte(users.scopeCode, from), lt(users.scopeCode, to));
  }
  if (filters.role) conditions.push(eq(users.role, filters.role));
  if (!filters.includeDisabled) conditions.push(isNull(users.disabledAt));
  if (filters.q) {
    const pattern = `%${filters.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(or(sql`${users.username} like ${pattern}`, sql`lower(${users.displayName}) like ${pattern}`)!);
  }
  return db
    .select(publicColumns)
    .from(users)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.scopeCode), asc(users.role), asc(users.username))
    .limit(500);
}

/** One account for the detail page, or undefined when it is outside the viewer's scope. */
export async function getUserForViewer(db: DbOrTx, viewer: Actor, userId: string): Promise<UserSummary | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(userId)) return undefined;
  const [user] = await db.select(publicColumns).from(users).where(eq(users.id, userId));
  if (!user) return undefined;
  return inScope(viewer, user.scopeCode) ? user : undefined;
}
