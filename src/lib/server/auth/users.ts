/**
 * Account commands: sign-in, password change, create, disable, reset. Each has the one write shape
 * (result.ts): validate, then one transaction that locks the account row and re-checks its state and
 * the actor's permission inside the lock, with its audit entry, returning a Result whose errors are
 * Chinese messages keyed by form field. Accounts have no event table: the audit log is their history.
 */
import { and, asc, eq, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { users, ROLES, type Role, type UserRow } from '../../../../db/schema/auth.ts';
import { livelihoodDepartments } from '../../../../db/schema/livelihood.ts';
import { recordAudit } from '../audit.ts';
import { getArea } from '../areas/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import type { Db, DbOrTx } from '../db.ts';
import { can, inScope, type Actor as Viewer } from './permissions.ts';
import { dummyPasswordHash, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, generateSessionToken, invalidateUserSessions } from './sessions.ts';
import { formatWait, type SignInThrottle } from './throttle.ts';
import { signInThrottleFor } from './sign-in-failures.ts';
import { translator } from '../../../i18n/index.ts';
import { characterCount, fieldErrors, visibleLength } from '../validation.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { setContact } from '../notify/contact.ts';

const USERNAME = /^[a-z0-9][a-z0-9_.-]{2,31}$/;
export const GENERIC_SIGN_IN_ERROR = '用户名或密码不正确';

export function normaliseUsername(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

// ---------------------------------------------------------------- sign-in

export interface SignInInput {
  username: string;
  password: string;
  /** The client address, used only as a throttle key (stored only inside an HMAC, never as itself). */
  clientKey: string;
}

export async function signIn(
  db: Db,
  input: SignInInput,
  throttle: SignInThrottle = signInThrottleFor(db),
): Promise<Result<{ token: string; user: UserRow }>> {
  const username = normaliseUsername(input.username);
  // Only this account's own limits are checked before the password: see SignInThrottle.
  const wait = await throttle.waitBefore(username, input.clientKey);
  if (wait > 0) return tooManyAttempts(wait);
  const [user] = USERNAME.test(username) ? await db.select().from(users).where(eq(users.username, username)) : [];
  // Verify against a real hash even for unknown users, so both cases take the same time.
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !valid || user.disabledAt) {
    // Unknown user and wrong password are counted and answered alike.
    const slowDown = await throttle.failed(username, input.clientKey);
    if (slowDown > 0) return tooManyAttempts(slowDown);
    return { ok: false, status: 401, errors: { form: GENERIC_SIGN_IN_ERROR } };
  }
  await throttle.succeeded(username, input.clientKey);
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
  return ok({ token, user });
}

function tooManyAttempts(wait: number): Result<never> {
  const zh = translator('zh-CN');
  return { ok: false, status: 429, retryAfterMs: wait, errors: { form: zh('staff.signIn.tooMany', { wait: formatWait(zh, wait) }) } };
}

// ---------------------------------------------------------------- own password

export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; confirmPassword: string },
): Promise<Result<{ token: string }>> {
  const [user] = await db.select().from(users).where(and(eq(users.id, actor.id), isNull(users.disabledAt)));
  if (!user) return unavailable();
  const errors: FieldErrors = {};
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) errors.currentPassword = '当前密码不正确';
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) errors.newPassword = problem;
  else if (input.newPassword === input.currentPassword) errors.newPassword = '新密码不能与当前密码相同';
  if (input.confirmPassword !== input.newPassword) errors.confirmPassword = '两次输入的新密码不一致';
  if (Object.keys(errors).length > 0) return fail(errors);
  // Hashing takes a moment, so it happens before the lock; inside it the account must still be
  // enabled and hold the very hash the current password was checked against.
  const passwordHash = await hashPassword(input.newPassword);
  const token = generateSessionToken();
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(users).where(eq(users.id, user.id)).for('update');
    if (!locked || locked.disabledAt) return unavailable();
    if (locked.passwordHash !== user.passwordHash) return fail({ currentPassword: '密码刚刚已被修改，请重新输入当前密码' });
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
    return ok({ token });
  });
}

function unavailable(): Result<never> {
  return fail({ form: '账号不可用，请重新登录' }, 401);
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
  /** Complaint approval rights (commission accounts only). */
  approver: z.boolean().optional(),
  /** For a county department's account: the department's full name (桑河县民政局). */
  department: z.string().optional(),
});

export type CreateUserInput = z.input<typeof CreateUserSchema>;

const REQUIRED_LEVEL: Record<Role, string[]> = {
  admin: [],
  commission: ['city', 'county', 'township'],
  agency: ['township'],
  cadre: ['village'],
  supervisor: ['village'],
  department: ['county'],
  liaison: ['village'],
};

/** Creates an account; the person must choose their own password at first sign-in. */
export async function createUser(
  db: Db,
  actor: Actor | null,
  input: CreateUserInput,
  options: { mustChangePassword?: boolean } = {},
): Promise<Result<{ id: string }>> {
  const parsed = CreateUserSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { username, displayName, role, password } = parsed.data;
  const approver = parsed.data.approver === true;
  if (approver && role !== 'commission') return fail({ approver: '只有纪委监委账号可以有审批权限' });
  const scopeCode = role === 'admin' ? null : parsed.data.scopeCode || null;
  const errors: FieldErrors = {};
  // A department account acts for one department of its county (db/schema/livelihood.ts): named
  // here, found or added in the transaction below, so the accounts of one department share its items.
  const department = (parsed.data.department ?? '').normalize('NFKC').trim();
  if (role === 'department' && (visibleLength(department) < 3 || characterCount(department) > 40)) errors.department = '请填写部门全称（3至40个字），如：桑河县民政局';
  if (role !== 'department' && department) errors.department = '只有县直部门账号填写所属部门';
  if (role !== 'admin') {
    const area = scopeCode ? await getArea(db, scopeCode) : undefined;
    if (!area) errors.scopeCode = '请填写有效的12位行政区划代码';
    else if (!REQUIRED_LEVEL[role].includes(area.level)) {
      errors.scopeCode =
        role === 'commission'
          ? '纪委监委账号的辖区应为市、县或乡镇'
          : role === 'agency'
            ? '三资代理服务中心账号的辖区应为乡镇'
            : role === 'department'
              ? '县直部门账号的辖区应为县'
              : role === 'liaison'
                ? '村纪检委员（监察联络员）账号的辖区应为村'
                : '村干部和村务监督委员会账号的辖区应为村';
    }
  }
  // A null actor is the command line bootstrap (npm run user:create), run by whoever runs the server.
  if (actor && !errors.scopeCode && !can(actor, 'user.manage', { role, scopeCode })) {
    return fail({ form: '您无权在该辖区创建此类账号' }, 403);
  }
  const problem = passwordProblem(password, username);
  if (problem) errors.password = problem;
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (taken) errors.username = USERNAME_TAKEN;
  if (Object.keys(errors).length > 0) return fail(errors);

  const id = crypto.randomUUID();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const departmentId = role === 'department' ? await departmentOf(tx, scopeCode!, department) : null;
    // The check above is for the form; two creations racing for one name meet here instead of
    // at the unique index, which would surface as a 500.
    const inserted = await tx
      .insert(users)
      .values({
      id,
      username,
      displayName,
      role,
      scopeCode,
      passwordHash,
      mustChangePassword: options.mustChangePassword ?? true,
      approver,
      departmentId,
      createdBy: actor?.id ?? null,
      })
      .onConflictDoNothing({ target: users.username })
      .returning({ id: users.id });
    if (inserted.length === 0) return fail({ username: USERNAME_TAKEN });
    await recordAudit(tx, {
      actor,
      action: 'user.created',
      subjectType: 'user',
      subjectId: id,
      scopeCode,
      detail: approver ? { username, role, approver } : departmentId ? { username, role, department } : { username, role },
    });
    return ok({ id });
  });
}

/** The county's department of that name, added the first time an account names it. */
async function departmentOf(tx: DbOrTx, countyCode: string, name: string): Promise<string> {
  await tx.insert(livelihoodDepartments).values({ id: crypto.randomUUID(), countyCode, name }).onConflictDoNothing();
  const [row] = await tx
    .select({ id: livelihoodDepartments.id })
    .from(livelihoodDepartments)
    .where(and(eq(livelihoodDepartments.countyCode, countyCode), eq(livelihoodDepartments.name, name)));
  return row!.id;
}

const USERNAME_TAKEN = '该用户名已被使用';

/** Locks the account for a management command; outside the actor's reach looks like "no such account". */
async function lockManageable(tx: DbOrTx, actor: Actor, userId: string, { lock = true } = {}): Promise<Result<UserRow>> {
  const query = tx.select().from(users).where(eq(users.id, userId));
  const [target] = /^[0-9a-f-]{36}$/.test(userId) ? await (lock ? query.for('update') : query) : [];
  if (!target || !can(actor, 'user.manage', { role: target.role, scopeCode: target.scopeCode, userId: target.id })) {
    return fail({ form: '没有找到该账号' }, 404);
  }
  return ok(target);
}

const DisableSchema = z.object({
  userId: z.string(),
  reason: z.string().trim().min(4, '请写明停用原因（至少4个字）'),
});

export async function disableUser(db: Db, actor: Actor, input: z.input<typeof DisableSchema>): Promise<Result> {
  const parsed = DisableSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { userId, reason } = parsed.data;
  return db.transaction(async (tx) => {
    const target = await lockManageable(tx, actor, userId);
    if (!target.ok) return target;
    if (target.value.disabledAt) return fail({ form: '该账号已停用' });
    await tx.update(users).set({ disabledAt: new Date(), disabledBy: actor.id }).where(eq(users.id, userId));
    await invalidateUserSessions(tx, userId);
    await recordAudit(tx, {
      actor,
      action: 'user.disabled',
      subjectType: 'user',
      subjectId: userId,
      scopeCode: target.value.scopeCode,
      reason,
      detail: { username: target.value.username },
    });
    return ok();
  });
}

const ResetSchema = z.object({
  userId: z.string(),
  password: z.string(),
  reason: z.string().trim().min(4, '请写明重置原因（至少4个字）'),
});

export async function resetPassword(db: Db, actor: Actor, input: z.input<typeof ResetSchema>): Promise<Result> {
  // The password rules need the username, so the account is read first (unlocked: only to check
  // the form), and an account out of reach is "not found" before any rule can say otherwise.
  const found = await lockManageable(db, actor, input.userId, { lock: false });
  if (!found.ok) return found;
  const parsed = ResetSchema.safeParse(input);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  const problem = passwordProblem(input.password, found.value.username);
  if (problem) errors.password = problem;
  if (!parsed.success || problem) return fail(errors);
  const passwordHash = await hashPassword(parsed.data.password);
  return db.transaction(async (tx) => {
    const target = await lockManageable(tx, actor, parsed.data.userId);
    if (!target.ok) return target;
    if (target.value.disabledAt) return fail({ form: '该账号已停用，不能重置密码' });
    await tx.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, target.value.id));
    await invalidateUserSessions(tx, target.value.id);
    await recordAudit(tx, {
      actor,
      action: 'user.passwordReset',
      subjectType: 'user',
      subjectId: target.value.id,
      scopeCode: target.value.scopeCode,
      reason: parsed.data.reason,
    });
    return ok();
  });
}

const ApproverSchema = z.object({
  userId: z.string(),
  approver: z.boolean(),
  reason: z.string().trim().min(4, '请写明授予或收回的原因（至少4个字）'),
});

/**
 * Grants or withdraws a commission account's complaint approval rights (the two-person rule's
 * approver). Whoever may manage the account decides; the approvals themselves re-read the right
 * inside their own transactions, so a withdrawal holds from the next approval on.
 */
export async function setApprover(db: Db, actor: Actor, input: z.input<typeof ApproverSchema>): Promise<Result> {
  const parsed = ApproverSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { userId, approver, reason } = parsed.data;
  return db.transaction(async (tx) => {
    const target = await lockManageable(tx, actor, userId);
    if (!target.ok) return target;
    if (target.value.role !== 'commission') return fail({ form: '只有纪委监委账号可以有审批权限' });
    if (target.value.disabledAt) return fail({ form: '该账号已停用' });
    if (target.value.approver === approver) return fail({ form: approver ? '该账号已有审批权限' : '该账号没有审批权限' });
    await tx.update(users).set({ approver }).where(eq(users.id, userId));
    await recordAudit(tx, {
      actor,
      action: approver ? 'user.approverGranted' : 'user.approverRevoked',
      subjectType: 'user',
      subjectId: userId,
      scopeCode: target.value.scopeCode,
      reason,
      detail: { username: target.value.username },
    });
    return ok();
  });
}

/** What the account page's forms can do: the page calls this once per POST. */
export async function runUserAction(db: Db, actor: Actor, userId: string, fields: Record<string, string>): Promise<Result> {
  switch (fields.action) {
    case 'disable':
      return disableUser(db, actor, { userId, reason: fields.reason ?? '' });
    case 'reset':
      return resetPassword(db, actor, { userId, password: fields.password ?? '', reason: fields.reason ?? '' });
    case 'approver':
      return setApprover(db, actor, { userId, approver: fields.approver === 'yes', reason: fields.reason ?? '' });
    case 'contact':
      // Administrators set any account's contact for notices (notify/contact.ts checks who may).
      return setContact(db, actor, { userId, contact: fields.contact ?? '' });
    default:
      return fail({ form: '无法识别的操作' });
  }
}

export type UserSummary = Omit<UserRow, 'passwordHash' | 'contact'>;

/** Every column but the password hash: account lists never carry it. */
const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  scopeCode: users.scopeCode,
  mustChangePassword: users.mustChangePassword,
  approver: users.approver,
  departmentId: users.departmentId,
  createdAt: users.createdAt,
  createdBy: users.createdBy,
  passwordChangedAt: users.passwordChangedAt,
  disabledAt: users.disabledAt,
  disabledBy: users.disabledBy,
};

/** Accounts inside the viewer's scope (administrators: all), newest scope first. */
export async function listUsers(
  db: DbOrTx,
  viewer: Viewer,
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

/** One account for the detail page (with its department's name, for a department account), or undefined when it is outside the viewer's scope. */
export async function getUserForViewer(db: DbOrTx, viewer: Viewer, userId: string): Promise<(UserSummary & { departmentName: string | null }) | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(userId)) return undefined;
  const [user] = await db
    .select({ ...publicColumns, departmentName: livelihoodDepartments.name })
    .from(users)
    .leftJoin(livelihoodDepartments, eq(livelihoodDepartments.id, users.departmentId))
    .where(eq(users.id, userId));
  if (!user) return undefined;
  return inScope(viewer, user.scopeCode) ? user : undefined;
}
