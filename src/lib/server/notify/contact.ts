/**
 * A staff account's contact for the digest (users.contact): an e-mail address (sent by SMTP) or a
 * mainland mobile number (sent by the webhook's SMS gateway). Set by the account's own user (on
 * /staff/inbox) or by an administrator (on the account page). The value is personal data: it is
 * never logged and never put in the audit log — the audit entry says only that it changed.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { recordAudit } from '../audit.ts';
import type { Db } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const MOBILE = /^1[3-9]\d{9}$/;

/** Which channel a stored contact calls for. */
export function contactChannel(contact: string): 'email' | 'phone' | null {
  if (MOBILE.test(contact)) return 'phone';
  if (EMAIL.test(contact)) return 'email';
  return null;
}

export const CONTACT_INVALID = '请填写电子邮箱地址（如 lihua@sanghe.gov.cn）或11位手机号码（如 13800138000）';

/**
 * The contact as typed, checked and normalised: blanks and dashes inside a mobile number are
 * dropped (138 0013 8000), an e-mail address is kept as typed; empty means "no contact".
 */
export function parseContact(raw: string | undefined): Result<string | null> {
  const typed = (raw ?? '').trim();
  if (!typed) return ok(null);
  const digits = typed.replace(/[\s-]/g, '');
  if (/^\+?86/.test(digits) && MOBILE.test(digits.replace(/^\+?86/, ''))) return ok(digits.replace(/^\+?86/, ''));
  if (MOBILE.test(digits)) return ok(digits);
  if (typed.length <= 254 && EMAIL.test(typed)) return ok(typed);
  return fail({ contact: CONTACT_INVALID });
}

/** Sets an account's contact: its own user, or an administrator. Locks the account row like every account command. */
export async function setContact(db: Db, actor: Actor, input: { userId: string; contact: string }): Promise<Result> {
  const parsed = parseContact(input.contact);
  if (!parsed.ok) return parsed;
  if (actor.id !== input.userId && actor.role !== 'admin') return fail({ form: '只能修改本人的提醒方式' }, 403);
  if (!/^[0-9a-f-]{36}$/.test(input.userId)) return fail({ form: '没有找到该账号' }, 404);
  return db.transaction(async (tx) => {
    const [account] = await tx.select({ id: users.id, scopeCode: users.scopeCode, contact: users.contact }).from(users).where(eq(users.id, input.userId)).for('update');
    if (!account) return fail({ form: '没有找到该账号' }, 404);
    if (account.contact === parsed.value) return ok();
    await tx.update(users).set({ contact: parsed.value }).where(eq(users.id, account.id));
    // That it changed, and to what kind; never the value.
    await recordAudit(tx, { actor, action: 'user.contactChanged', subjectType: 'user', subjectId: account.id, scopeCode: account.scopeCode, detail: { channel: parsed.value ? contactChannel(parsed.value) : null } });
    return ok();
  });
}


/** An account's contact, for its own user or an administrator; undefined for anyone else. */
export async function contactFor(db: Db, viewer: Pick<Actor, 'id' | 'role'>, userId: string): Promise<string | null | undefined> {
  if (viewer.id !== userId && viewer.role !== 'admin') return undefined;
  if (!/^[0-9a-f-]{36}$/.test(userId)) return undefined;
  const [row] = await db.select({ contact: users.contact }).from(users).where(eq(users.id, userId));
  return row ? row.contact : undefined;
}
