/**
 * Sessions following the Lucia guide (lucia-auth.com): a 160-bit random token in the cookie,
 * its SHA-256 as the session id in the database. Sliding expiry (renewed when half the idle window
 * has passed, so most requests write nothing) within an absolute lifetime from sign-in.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { sessions, users, type SessionRow, type UserRow } from '../../../../db/schema/auth.ts';
import type { DbOrTx } from '../db.ts';

export const SESSION_IDLE_MS = 4 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;

export type SessionUser = Pick<UserRow, 'id' | 'username' | 'displayName' | 'role' | 'scopeCode' | 'mustChangePassword'>;

export interface ValidatedSession {
  session: SessionRow;
  user: SessionUser;
  /** True when the expiry moved and the cookie should be re-sent with the new date. */
  renewed: boolean;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdOf(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: DbOrTx, token: string, userId: string, now = new Date()): Promise<SessionRow> {
  const session = {
    id: sessionIdOf(token),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
  };
  await db.insert(sessions).values(session);
  return session;
}

/** The session and its (enabled) user, or null: unknown, expired and disabled all look the same. */
export async function validateSessionToken(db: DbOrTx, token: string, now = new Date()): Promise<ValidatedSession | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = sessionIdOf(token);
  const [row] = await db
    .select({
      session: sessions,
      user: {
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        role: users.role,
        scopeCode: users.scopeCode,
        mustChangePassword: users.mustChangePassword,
      },
    })
    .from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), isNull(users.disabledAt)))
    .where(eq(sessions.id, id));
  if (!row) return null;
  const { session, user } = row;
  const limit = Math.min(session.expiresAt.getTime(), session.absoluteExpiresAt.getTime());
  if (now.getTime() >= limit) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  let renewed = false;
  if (session.expiresAt.getTime() - now.getTime() < SESSION_IDLE_MS / 2) {
    const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()));
    if (expiresAt.getTime() > session.expiresAt.getTime()) {
      await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
      session.expiresAt = expiresAt;
      renewed = true;
    }
  }
  return { session, user, renewed };
}

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidateUserSessions(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function deleteExpiredSessions(db: DbOrTx, now = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
