import { describe, expect, it } from 'vitest';
import { isIsoDate, todayInShanghai } from './time.ts';

describe('time', () => {
  it('takes the date in Asia/Shanghai, not UTC', () => {
    // 2026-06-30T17:30Z is already 1 July 01:30 in Beijing.
    expect(todayInShanghai(new Date('2026-06-30T17:30:00Z'))).toBe('2026-07-01');
    expect(todayInShanghai(new Date('2026-06-30T15:59:00Z'))).toBe('2026-06-30');
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('明天')).toBe(false);
  });

  it('refuses year 0000, which PostgreSQL cannot store (a 500 on every date field before)', () => {
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(isIsoDate('0001-01-01')).toBe(true);
  });
});
