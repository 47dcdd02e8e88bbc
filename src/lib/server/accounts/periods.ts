/**
 * Disclosure periods: quarters ("2026-Q3") by default, months ("2026-09") for villages with many
 * transactions (the township agency sets each village's cadence, cadence.ts). When a period's
 * disclosure is due is `DUE_DAY`, the one rule read by the overdue list, the workspace and — pinned
 * by periods.test.ts — the catalog item on financial disclosure (GL village item 村级财务公开).
 */
import { EARLIEST_YEAR } from '../validation.ts';

export type PeriodKind = 'quarter' | 'month';

/**
 * The day of the month after a period ends by which it is disclosed: a quarter by the 20th of the
 * next quarter's first month, a month by the 15th of the next month. Why these days: README,
 * "Disclosure cadence and due dates".
 */
export const DUE_DAY: Record<PeriodKind, number> = { quarter: 20, month: 15 };

export interface Period {
  code: string;
  kind: PeriodKind;
  start: string;
  end: string;
  dueOn: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dueAfter(year: number, endMonth: number, kind: PeriodKind): string {
  const dueYear = endMonth === 12 ? year + 1 : year;
  const dueMonth = endMonth === 12 ? 1 : endMonth + 1;
  return `${dueYear}-${pad(dueMonth)}-${pad(DUE_DAY[kind])}`;
}

export function parsePeriod(code: string): Period | null {
  // No record of the portal is older than 1949; year 0000 or 0999 would also give dates that are not
  // dates ("0-01-01", and Date.UTC reads years below 100 as 1900 + year) and a 500 further on.
  if (Number(code.slice(0, 4)) < EARLIEST_YEAR) return null;
  const quarter = /^(\d{4})-Q([1-4])$/.exec(code);
  if (quarter) {
    const year = Number(quarter[1]);
    const q = Number(quarter[2]);
    const startMonth = (q - 1) * 3 + 1;
    const endMonth = startMonth + 2;
    return {
      code,
      kind: 'quarter',
      start: `${year}-${pad(startMonth)}-01`,
      end: `${year}-${pad(endMonth)}-${pad(lastDayOfMonth(year, endMonth))}`,
      dueOn: dueAfter(year, endMonth, 'quarter'),
    };
  }
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(code);
  if (month) {
    const year = Number(month[1]);
    const m = Number(month[2]);
    return { code, kind: 'month', start: `${year}-${pad(m)}-01`, end: `${year}-${pad(m)}-${pad(lastDayOfMonth(year, m))}`, dueOn: dueAfter(year, m, 'month') };
  }
  return null;
}

/** The period of the given kind containing a date (YYYY-MM-DD). */
export function periodContaining(date: string, kind: PeriodKind): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return parsePeriod(kind === 'quarter' ? `${year}-Q${Math.ceil(month / 3)}` : `${year}-${pad(month)}`)!;
}

export function previousPeriod(period: Period): Period {
  const dayBefore = new Date(`${period.start}T00:00:00Z`);
  dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
  return periodContaining(dayBefore.toISOString().slice(0, 10), period.kind);
}

/** The most recent period that has ended before `today`. */
export function lastFinishedPeriod(today: string, kind: PeriodKind): Period {
  return previousPeriod(periodContaining(today, kind));
}
