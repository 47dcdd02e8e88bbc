/** The session lifecycle against a real database: sliding and absolute expiry, bad tokens, the cookie. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, createSession, generateSessionToken, sessionIdOf, validateSessionToken } from './sessions.ts';
import { sessionCookieName, sessionCookieOptions } from './cookies.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('sessions', () => {
  it('slides the expiry only after half the idle window, and never past the absolute lifetime', async () => {
    const [user] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
    const token = generateSessionToken();
    const start = new Date('2026-11-26T01:00:00Z');
    await createSession(test.db, token, user!.id, start);
    const early = await validateSessionToken(test.db, token, new Date(start.getTime() + 60_000));
    expect(early?.renewed).toBe(false);
    const later = await validateSessionToken(test.db, token, new Date(start.getTime() + SESSION_IDLE_MS * 0.75));
    expect(later?.renewed).toBe(true);
    expect(later!.session.expiresAt.getTime()).toBe(start.getTime() + SESSION_IDLE_MS * 1.75);
    // Keep it alive with activity: still ends at the absolute limit.
    let now = start.getTime();
    while (now < start.getTime() + SESSION_ABSOLUTE_MS - SESSION_IDLE_MS / 4) {
      now += SESSION_IDLE_MS / 2;
      await validateSessionToken(test.db, token, new Date(now));
    }
    expect(await validateSessionToken(test.db, token, new Date(start.getTime() + SESSION_ABSOLUTE_MS))).toBeNull();
  });

  it('expires an idle session', async () => {
    const [user] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
    const token = generateSessionToken();
    const start = new Date('2026-11-26T02:00:00Z');
    await createSession(test.db, token, user!.id, start);
    expect(await validateSessionToken(test.db, token, new Date(start.getTime() + SESSION_IDLE_MS + 1))).toBeNull();
    const [gone] = await test.db.select().from(sessions).where(eq(sessions.id, sessionIdOf(token)));
    expect(gone).toBeUndefined();
  });

  it('rejects malformed and unknown tokens', async () => {
    expect(await validateSessionToken(test.db, 'x')).toBeNull();
    expect(await validateSessionToken(test.db, "' or 1=1 --")).toBeNull();
    expect(await validateSessionToken(test.db, generateSessionToken())).toBeNull();
  });

  it('names and flags the cookie for production and development', () => {
    expect(sessionCookieName(true)).toBe('__Host-ydt_session');
    expect(sessionCookieOptions(true)).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/' });
    expect(sessionCookieName(false)).toBe('ydt_session');
    expect(sessionCookieOptions(false).secure).toBe(false);
  });
});
