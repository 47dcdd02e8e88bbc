import { describe, expect, it } from 'vitest';
import { formatShanghaiMinute, isIsoDate, todayInShanghai } from './time.ts';

describe('time', () => {
  it('takes the date in Asia/Shanghai, not UTC', () => {
    // 2026-06-30T17:30Z is already 1 July 01:30 in Beijing.
    expect(todayInShanghai(new Date('2026-06-30T17:30:00Z'))).toBe('2026-07-01');
    expect(todayInShanghai(new Date('2026-06-30T15:59:00Z'))).toBe('2026-06-30');
  });

  it('shows a moment in Beijing time: 17:30 UTC on 30 June is 01:30 on 1 July', () => {
    expect(formatShanghaiMinute(new Date('2026-06-30T17:30:00Z'))).toBe('2026-07-01 01:30');
    expect(formatShanghaiMinute(new Date('2026-06-30T15:59:59Z'))).toBe('2026-06-30 23:59');
    expect(formatShanghaiMinute(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00');
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
