import { describe, expect, it } from 'vitest';
import { Throttle } from './throttle.ts';

describe('sign-in throttle', () => {
  it('allows a few failures, then makes each attempt wait longer', () => {
    let now = 1_000_000;
    const throttle = new Throttle(() => now);
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

  it('caps the wait at 15 minutes', () => {
    const now = 5_000_000;
    const throttle = new Throttle(() => now);
    for (let i = 0; i < 40; i++) throttle.recordFailure('client', '203.0.113.9');
    expect(throttle.retryAfter('client', '203.0.113.9')).toBe(15 * 60 * 1000);
  });

  it('keeps accounts and clients apart, and forgets an account on success', () => {
    const throttle = new Throttle(() => 0);
    for (let i = 0; i < 5; i++) throttle.recordFailure('account', 'li.na');
    expect(throttle.retryAfter('account', 'wang.fang')).toBe(0);
    expect(throttle.retryAfter('client', 'li.na')).toBe(0);
    throttle.reset('account', 'li.na');
    expect(throttle.retryAfter('account', 'li.na')).toBe(0);
  });

  it('still honours a block across a key rotation', () => {
    const rotation = 6 * 60 * 60 * 1000;
    let now = 0;
    const throttle = new Throttle(() => now);
    now = rotation - 60_000;
    for (let i = 0; i < 30; i++) throttle.recordFailure('account', 'zhao.lei');
    expect(throttle.retryAfter('account', 'zhao.lei')).toBe(15 * 60 * 1000);
    now = rotation + 60_000; // the key has rotated since
    expect(throttle.retryAfter('account', 'zhao.lei')).toBe(13 * 60 * 1000);
  });

  it('holds keyed hashes, never the username or address itself', () => {
    const throttle = new Throttle(() => 0);
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
