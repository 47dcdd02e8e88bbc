/** Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving). */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/** Today's date (YYYY-MM-DD) in Asia/Shanghai. */
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE }).format(now);
}

export function isIsoDate(value: string): boolean {
  // Year 0000 is a valid JavaScript date but not a PostgreSQL one: refused here, it can never reach a query.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
