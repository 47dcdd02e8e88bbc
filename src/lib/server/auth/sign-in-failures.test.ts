/**
 * Sign-in backoff in the database: what two instances see of each other's counts, what is stored
 * (no username or address), forgetting after an hour, key rotation, and the hourly sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInFailures } from '../../../../db/schema/throttles.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { DatabaseBackoff, signInThrottleFor, sweepSignInFailures } from './sign-in-failures.ts';
import { SignInThrottle } from './throttle.ts';

let test: TestDatabase;
let now = Date.parse('2026-12-02T02:00:00Z');
const SECRET = Buffer.from('sign-in-failures-test-secret-32b');

/** One instance's limits: its own objects, the shared database. */
function instance(): SignInThrottle {
  return new SignInThrottle((freeFailures) => new DatabaseBackoff(test.db, { freeFailures, secret: SECRET, now: () => now }));
}

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('sign-in failures shared through the database', () => {
  it('counts failures made through two instances together', async () => {
    const [a, b] = [instance(), instance()];
    for (let i = 0; i < 2; i++) await a.failed('qianying.kj', '198.51.100.7');
    for (let i = 0; i < 2; i++) await b.failed('qianying.kj', '198.51.100.7');
    // Four failures of one account from one client: past the three free ones, on both instances.
    expect(await a.waitBefore('qianying.kj', '198.51.100.7')).toBe(1000);
    expect(await b.waitBefore('qianying.kj', '198.51.100.7')).toBe(1000);
    expect(await b.waitBefore('qianying.jd', '198.51.100.7')).toBe(0);
  });

  it('counts failures that arrive at the same moment, each of them', async () => {
    const a = instance();
    await Promise.all(Array.from({ length: 6 }, () => a.failed('houying.kj', '198.51.100.8')));
    expect(await a.waitBefore('houying.kj', '198.51.100.8')).toBe(4000); // 6 failures: 3 over → 4 s
  });

  it('stores neither the username nor the address', async () => {
    const rows = await test.db.select().from(signInFailures);
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    for (const secret of ['qianying', 'houying', '198.51.100']) expect(stored).not.toContain(secret);
  });

  it('clears the pair on success, forgets after an hour, honours the previous key period, and sweeps', async () => {
    const a = instance();
    await a.succeeded('qianying.kj', '198.51.100.7');
    expect(await a.waitBefore('qianying.kj', '198.51.100.7')).toBe(0);

    // Five failures half a second before the key changes (06:00 UTC) wait 2 s: still honoured
    // one second later, under the new key.
    now = Date.parse('2026-12-02T05:59:59.500Z');
    for (let i = 0; i < 5; i++) await a.failed('dongzhuang.kj', '198.51.100.9');
    expect(await a.waitBefore('dongzhuang.kj', '198.51.100.9')).toBe(2000);
    now += 1000;
    expect(await a.waitBefore('dongzhuang.kj', '198.51.100.9')).toBe(1000);

    now += 61 * 60 * 1000;
    const before = (await test.db.select().from(signInFailures)).length;
    await sweepSignInFailures(test.db, new Date(now));
    const after = (await test.db.select().from(signInFailures)).length;
    expect(after).toBeLessThan(before);
    expect(after).toBe(0);
  });

  it('is what sign-in uses by default', () => {
    expect(signInThrottleFor(test.db)).toBeInstanceOf(SignInThrottle);
  });
});
