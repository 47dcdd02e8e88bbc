import { describe, expect, it } from 'vitest';
import { formatDate } from './index.ts';
import { todayInShanghai } from '../lib/server/time.ts';

describe('dates as pages show them', () => {
  it('in Chinese and in English, on the Beijing calendar', () => {
    expect(formatDate('zh-CN', '2026-03-05')).toBe('2026年3月5日');
    expect(formatDate('en', '2026-03-05')).toBe('5 Mar 2026');
    // 16:30 UTC on 31 December is already 1 January in Beijing.
    expect(formatDate('zh-CN', new Date('2026-12-31T16:30:00Z'))).toBe('2027年1月1日');
    expect(formatDate('en', null)).toBe('');
  });

  it("today's date follows Beijing, not the server's zone", () => {
    expect(todayInShanghai(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
    expect(todayInShanghai(new Date('2026-12-31T15:59:00Z'))).toBe('2026-12-31');
  });
});
