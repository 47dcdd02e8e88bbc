import { describe, expect, it } from 'vitest';
import { translator } from '../../../i18n/index.ts';
import { BackoffThrottle, formatWait, SignInThrottle, WindowThrottle } from './throttle.ts';

const MINUTE = 60_000;

describe('backoff throttle', () => {
  it('allows a few failures, then makes each attempt wait longer', () => {
    let now = 1_000_000;
    const throttle = new BackoffThrottle({ freeFailures: 3 }, () => now);
    for (let i = 0; i < 3; i++) throttle.recordFailure('account', 'zhang.wei');
    expect(throttle.retryAfter('account', 'zhang.wei')).toBe(0);
    throttle.recordFailure('account', 'zhang.wei');
    expect(throttle.retryAfter('account', 'zhang.wei')).toBe(1000);
    throttle.recordFailure('account', 'zhang.wei');
    expect(throttle.retryAfter('account', 'zhang.wei')).toBe(2000);
    throttle.recordFailure('account', 'zhang.wei');
    expect(throttle.retryAfter('account', 'zhang.wei')).toBe(4000);
    now += 4000;
    expect(throttle.retryAfter('account', 'zhang.wei')).toBe(0);
  });

  it('caps the wait at 15 minutes and forgets after an hour without failures', () => {
    let now = 5_000_000;
    const throttle = new BackoffThrottle({ freeFailures: 3 }, () => now);
    for (let i = 0; i < 40; i++) throttle.recordFailure('client', '203.0.113.9');
    expect(throttle.retryAfter('client', '203.0.113.9')).toBe(15 * MINUTE);
    now += 61 * MINUTE;
    throttle.recordFailure('client', '203.0.113.9');
    expect(throttle.retryAfter('client', '203.0.113.9')).toBe(0);
  });

  it('keeps kinds and values apart, and forgets a value on reset', () => {
    const throttle = new BackoffThrottle({ freeFailures: 3 }, () => 0);
    for (let i = 0; i < 5; i++) throttle.recordFailure('account', 'li.na');
    expect(throttle.retryAfter('account', 'wang.fang')).toBe(0);
    expect(throttle.retryAfter('client', 'li.na')).toBe(0);
    throttle.reset('account', 'li.na');
    expect(throttle.retryAfter('account', 'li.na')).toBe(0);
  });

  it('still honours a block across a key rotation', () => {
    const rotation = 6 * 60 * MINUTE;
    let now = 0;
    const throttle = new BackoffThrottle({ freeFailures: 3 }, () => now);
    now = rotation - MINUTE;
    for (let i = 0; i < 30; i++) throttle.recordFailure('account', 'zhao.lei');
    expect(throttle.retryAfter('account', 'zhao.lei')).toBe(15 * MINUTE);
    now = rotation + MINUTE; // the key has rotated since
    expect(throttle.retryAfter('account', 'zhao.lei')).toBe(13 * MINUTE);
  });

  it('holds keyed hashes, never the username or address itself', () => {
    const throttle = new BackoffThrottle({ freeFailures: 3 }, () => 0);
    throttle.recordFailure('client', '198.51.100.23');
    throttle.recordFailure('account', 'zhao.lei');
    const keys = throttle.heldKeys();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).not.toContain('198.51.100');
      expect(key).not.toContain('zhao');
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });
});

describe('sliding-window limit (citizen routes)', () => {
  it('lets a whole village behind one Wi-Fi through a generous burst, then says exactly how long to wait', () => {
    let now = 10 * 60 * MINUTE;
    const limit = new WindowThrottle({ limit: 30, windowMs: 60 * MINUTE }, () => now);
    // Thirty villagers file one after another from the village committee's connection.
    for (let i = 0; i < 30; i++) {
      expect(limit.retryAfter('client', '198.51.100.40')).toBe(0);
      limit.record('client', '198.51.100.40');
      now += MINUTE;
    }
    // The 31st waits until the first of the thirty leaves the hour, not for an ever-growing block.
    expect(limit.retryAfter('client', '198.51.100.40')).toBe(30 * MINUTE);
    now += 29 * MINUTE;
    expect(limit.retryAfter('client', '198.51.100.40')).toBe(MINUTE);
    now += MINUTE;
    expect(limit.retryAfter('client', '198.51.100.40')).toBe(0);
    // Another village is never affected.
    expect(limit.retryAfter('client', '198.51.100.41')).toBe(0);
  });

  it('counts weighted events (a filing without proof of work counts double)', () => {
    const now = 0;
    const limit = new WindowThrottle({ limit: 4, windowMs: 60 * MINUTE }, () => now);
    limit.record('client', '203.0.113.5', 2);
    limit.record('client', '203.0.113.5', 2);
    expect(limit.retryAfter('client', '203.0.113.5')).toBe(60 * MINUTE);
    limit.reset('client', '203.0.113.5');
    expect(limit.retryAfter('client', '203.0.113.5')).toBe(0);
  });

  it('keeps counting across a key rotation and holds no address', () => {
    const rotation = 6 * 60 * MINUTE;
    let now = 0;
    const limit = new WindowThrottle({ limit: 3, windowMs: 60 * MINUTE }, () => now);
    now = rotation - 10 * MINUTE;
    for (let i = 0; i < 3; i++) limit.record('client', '203.0.113.6');
    now = rotation + 10 * MINUTE;
    expect(limit.retryAfter('client', '203.0.113.6')).toBe(40 * MINUTE);
    expect(limit.heldKeys().join()).not.toContain('203.0.113');
  });

  it('keeps no more than the limit per client in memory', () => {
    const limit = new WindowThrottle({ limit: 5, windowMs: 60 * MINUTE }, () => 0);
    for (let i = 0; i < 1000; i++) limit.record('client', '203.0.113.7');
    expect(limit.heldEvents()).toBe(5);
  });
});

describe('sign-in limits', () => {
  const A = '198.51.100.10';
  const B = '198.51.100.20';

  it("never makes one account's correct password wait for another account's failures", async () => {
    const limits = memoryLimits();
    for (let i = 0; i < 6; i++) await limits.failed('qianying.kj', A);
    expect(await limits.waitBefore('qianying.kj', A)).toBeGreaterThan(0);
    expect(await limits.waitBefore('qianying.jd', A)).toBe(0);
    expect(await limits.waitBefore('qianying.kj', B)).toBe(0);
  });

  it('blocks an account guessed from many clients, before the password is checked', async () => {
    const limits = memoryLimits();
    for (let i = 0; i < 10; i++) await limits.failed('qianying.jd', `203.0.113.${i}`);
    expect(await limits.waitBefore('qianying.jd', B)).toBe(0);
    await limits.failed('qianying.jd', '203.0.113.99');
    expect(await limits.waitBefore('qianying.jd', B)).toBe(1000);
  });

  it('lets a client that failed on many accounts only hear "wait" for wrong combinations', async () => {
    const limits = memoryLimits();
    let reported = 0;
    for (let i = 0; i < 12; i++) reported = await limits.failed(`someone${i}`, A);
    expect(reported).toBeGreaterThan(0);
    // The per-client counter never stands between a correct password and its account.
    expect(await limits.waitBefore('qianying.kj', A)).toBe(0);
  });

  it('clears the account and client pair on success but not the per-account count', async () => {
    const limits = memoryLimits();
    for (let i = 0; i < 3; i++) await limits.failed('houying.kj', A);
    await limits.succeeded('houying.kj', A);
    await limits.failed('houying.kj', A);
    expect(await limits.waitBefore('houying.kj', A)).toBe(0);
  });
});

/** The sign-in rules over in-memory counts, on a stopped clock. */
function memoryLimits(): SignInThrottle {
  return new SignInThrottle((freeFailures) => new BackoffThrottle({ freeFailures }, () => 0));
}

describe('wait messages', () => {
  it('says seconds or minutes, in Chinese and English', () => {
    const zh = translator('zh-CN');
    const en = translator('en');
    expect(formatWait(zh, 1000)).toBe('1秒');
    expect(formatWait(zh, 58_001)).toBe('59秒');
    expect(formatWait(zh, 59_001)).toBe('1分钟');
    expect(formatWait(zh, 60_000)).toBe('1分钟');
    expect(formatWait(zh, 29 * MINUTE + 1)).toBe('30分钟');
    expect(formatWait(en, 4000)).toBe('4 s');
    expect(formatWait(en, 15 * MINUTE)).toBe('15 min');
  });
});
