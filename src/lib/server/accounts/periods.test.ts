import { describe, expect, it } from 'vitest';
import { items } from '../../../../db/seed/catalog/management-village.ts';
import { getConfig } from '../config.ts';
import { DUE_DAY, lastFinishedPeriod, parsePeriod } from './periods.ts';

describe('when a period is due', () => {
  it('is the 20th of the next quarter’s first month for a quarter, the 15th of the next month for a month', () => {
    expect(parsePeriod('2026-Q3')!.dueOn).toBe('2026-10-20');
    expect(parsePeriod('2026-Q4')!.dueOn).toBe('2027-01-20');
    expect(parsePeriod('2026-09')!.dueOn).toBe('2026-10-15');
    expect(parsePeriod('2026-12')!.dueOn).toBe('2027-01-15');
    expect(lastFinishedPeriod('2026-12-02', 'month').code).toBe('2026-11');
  });

  it('is the rule the catalog item on village financial disclosure states, with the same major-matter amount', () => {
    // One rule: the overdue list and the catalog (GL-15 村务公开) read the same days and amount.
    const item = items.find((candidate) => candidate.code === 'GL-15')!;
    const text = JSON.stringify(item);
    expect(text).toContain(`每季度首月${DUE_DAY.quarter}日前公开上季度事项`);
    expect(text).toContain(`次月${DUE_DAY.month}日前公开上月收支`);
    expect(text).toContain(`${getConfig().majorMatterFen / 100 / 10_000}万元以上重大事项`);
  });
});
