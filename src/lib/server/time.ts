/** Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight saving). */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/** Today's date (YYYY-MM-DD) in Asia/Shanghai. */
// Formatters are built once: constructing an Intl.DateTimeFormat costs far more than formatting
// with one, and pages ask for today's date many times per request (1 % of a village page's CPU).
const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE });

export function todayInShanghai(now: Date = new Date()): string {
  return SHANGHAI_DAY.format(now);
}

const SHANGHAI_MINUTE = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A moment as people read it on a staff page: "2026-07-01 01:30", Beijing time, in every language. */
export function formatShanghaiMinute(at: Date): string {
  const part = Object.fromEntries(SHANGHAI_MINUTE.formatToParts(at).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

export function isIsoDate(value: string): boolean {
  // Year 0000 is a valid JavaScript date but not a PostgreSQL one: refused here, it can never reach a query.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
