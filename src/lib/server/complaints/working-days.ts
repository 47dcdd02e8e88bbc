/**
 * Working-day (工作日) arithmetic for complaint deadlines under 《纪检监察机关处理检举控告工作规则》,
 * e.g. telling a real-name complainant within 15 working days whether the complaint was accepted.
 *
 * Dates are calendar dates in China time written 'YYYY-MM-DD'; no clock time or time zone is
 * involved, so all arithmetic is done on UTC midnights purely as a day counter.
 *
 * A day is a working day unless it is a Saturday or Sunday or a holiday in the State Council's
 * schedule; a Saturday or Sunday the schedule declares a working day (调休上班) is a working day.
 *
 * The schedule is published each year by the General Office of the State Council (国务院办公厅
 * 关于XXXX年部分节假日安排的通知), usually in October–December for the following year. Only the
 * years in HOLIDAY_CALENDAR_YEARS are encoded. For any other year the calculation FALLS BACK TO
 * WEEKENDS ONLY: statutory holidays and make-up working days are not known and are ignored, so a
 * deadline running into such a year may come out early (never late) by the holidays it misses.
 * MAINTENANCE: add the next year to SCHEDULES as soon as the notice is published (each December at
 * the latest), copying the dates from the notice on www.gov.cn; the checks at the bottom of the
 * table reject obvious typos when the module loads.
 */

interface YearSchedule {
  /** Source notice. */
  readonly notice: string;
  /** Holiday periods as they appear in the notice, inclusive [first day, last day]. */
  readonly holidays: readonly (readonly [name: string, first: string, last: string])[];
  /** Saturdays and Sundays declared working days (调休上班). */
  readonly makeUpWorkdays: readonly string[];
}

const SCHEDULES: Readonly<Record<number, YearSchedule>> = {
  2024: {
    notice: '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25）',
    holidays: [
      ['元旦', '2024-01-01', '2024-01-01'], // 与周末连休
      // 除夕 2月9日 is a working day: the notice only "encourages" giving staff the day off.
      ['春节', '2024-02-10', '2024-02-17'],
      ['清明节', '2024-04-04', '2024-04-06'],
      ['劳动节', '2024-05-01', '2024-05-05'],
      ['端午节', '2024-06-10', '2024-06-10'], // 与周末连休
      ['中秋节', '2024-09-15', '2024-09-17'],
      ['国庆节', '2024-10-01', '2024-10-07'],
    ],
    makeUpWorkdays: [
      '2024-02-04', // 春节 (Sun)
      '2024-02-18', // 春节 (Sun)
      '2024-04-07', // 清明节 (Sun)
      '2024-04-28', // 劳动节 (Sun)
      '2024-05-11', // 劳动节 (Sat)
      '2024-09-14', // 中秋节 (Sat)
      '2024-09-29', // 国庆节 (Sun)
      '2024-10-12', // 国庆节 (Sat)
    ],
  },
  // First year under the 全国年节及纪念日放假办法 as amended by 国务院令第793号 (in force
  // 2025-01-01): 除夕 and 5月2日 became statutory holidays, so 春节 is 8 days from 除夕 and 劳动节 5 days.
  2025: {
    notice: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）',
    holidays: [
      ['元旦', '2025-01-01', '2025-01-01'], // 放假1天，不调休
      ['春节', '2025-01-28', '2025-02-04'], // 除夕 to 正月初七
      ['清明节', '2025-04-04', '2025-04-06'],
      ['劳动节', '2025-05-01', '2025-05-05'],
      ['端午节', '2025-05-31', '2025-06-02'],
      ['国庆节、中秋节', '2025-10-01', '2025-10-08'],
    ],
    makeUpWorkdays: [
      '2025-01-26', // 春节 (Sun)
      '2025-02-08', // 春节 (Sat)
      '2025-04-27', // 劳动节 (Sun)
      '2025-09-28', // 国庆节、中秋节 (Sun)
      '2025-10-11', // 国庆节、中秋节 (Sat)
    ],
  },
  2026: {
    notice: '国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）',
    holidays: [
      ['元旦', '2026-01-01', '2026-01-03'],
      ['春节', '2026-02-15', '2026-02-23'], // 腊月二十八 to 正月初七, 9 days
      ['清明节', '2026-04-04', '2026-04-06'],
      ['劳动节', '2026-05-01', '2026-05-05'],
      ['端午节', '2026-06-19', '2026-06-21'],
      ['中秋节', '2026-09-25', '2026-09-27'],
      ['国庆节', '2026-10-01', '2026-10-07'],
    ],
    makeUpWorkdays: [
      '2026-01-04', // 元旦 (Sun)
      '2026-02-14', // 春节 (Sat)
      '2026-02-28', // 春节 (Sat)
      '2026-05-09', // 劳动节 (Sat)
      '2026-09-20', // 国庆节 (Sun)
      '2026-10-10', // 国庆节 (Sat)
    ],
  },
};

/** Years whose official State Council holiday schedule is encoded; other years count weekends only. */
export const HOLIDAY_CALENDAR_YEARS: readonly number[] = Object.freeze(
  Object.keys(SCHEDULES)
    .map(Number)
    .sort((a, b) => a - b),
);

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws on anything else. */
function toDayNumber(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (match) {
    const [, y, m, d] = match.map(Number) as [number, number, number, number];
    const ms = Date.UTC(y, m - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) {
      return ms / DAY_MS;
    }
  }
  throw new RangeError(`Invalid date (expected YYYY-MM-DD): ${JSON.stringify(date)}`);
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 (day 0) was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const holidayDays = new Set<number>();
const makeUpDays = new Set<number>();

for (const [yearKey, schedule] of Object.entries(SCHEDULES)) {
  const year = Number(yearKey);
  const inYear = (date: string) => date.startsWith(`${year}-`);
  for (const [name, first, last] of schedule.holidays) {
    const from = toDayNumber(first);
    const to = toDayNumber(last);
    if (!inYear(first) || !inYear(last) || to < from || to - from > 9) {
      throw new Error(`working-days: bad ${year} holiday period ${name} ${first}..${last}`);
    }
    for (let day = from; day <= to; day++) holidayDays.add(day);
  }
  for (const date of schedule.makeUpWorkdays) {
    const day = toDayNumber(date);
    const weekday = weekdayOf(day);
    if (!inYear(date) || (weekday !== 0 && weekday !== 6) || holidayDays.has(day)) {
      throw new Error(`working-days: ${date} is not a weekend day outside the ${year} holidays`);
    }
    makeUpDays.add(day);
  }
}

function isWorkingDayNumber(day: number): boolean {
  if (holidayDays.has(day)) return false;
  if (makeUpDays.has(day)) return true;
  const weekday = weekdayOf(day);
  return weekday !== 0 && weekday !== 6;
}

/**
 * Whether a 'YYYY-MM-DD' date (China time) is a working day. Outside HOLIDAY_CALENDAR_YEARS only
 * weekends are rest days (see the module comment).
 */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(toDayNumber(date));
}

/**
 * The date `days` working days after `start` (start itself not counted; it need not be a working
 * day). `days` must be a non-negative integer; 0 returns `start` unchanged.
 */
export function addWorkingDays(start: string, days: number): string {
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new RangeError(`Working days must be a non-negative integer: ${days}`);
  }
  let day = toDayNumber(start);
  for (let remaining = days; remaining > 0; ) {
    day++;
    if (isWorkingDayNumber(day)) remaining--;
  }
  return fromDayNumber(day);
}

/**
 * Working days after `from` up to and including `to`; 0 when `to` is on or before `from`.
 * For any n >= 0, workingDaysBetween(d, addWorkingDays(d, n)) === n.
 */
export function workingDaysBetween(from: string, to: string): number {
  const first = toDayNumber(from);
  const last = toDayNumber(to);
  let count = 0;
  for (let day = first + 1; day <= last; day++) {
    if (isWorkingDayNumber(day)) count++;
  }
  return count;
}
