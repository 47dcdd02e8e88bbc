/**
 * Public reading of the demo ledgers: totals equal the sums of the published lines, searches and
 * the overdue list behave, and nothing unpublished shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { listCountyVillages, loadVillagePage, searchVillages } from './ledger.ts';
import { listOverdueVillages } from './overdue.ts';
import { fundsCsvZh, periodJson } from './export.ts';
import { chainHash, canonicalJson } from './canonical.ts';
import { createHash } from 'node:crypto';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('published village accounts', () => {
  it('shows totals equal to the sums of the published entries, for every demo period', async () => {
    const periods = await queryRows<{ village_code: string; period: string; income: string; expense: string }>(
      test.db,
      sql`select d.village_code, d.period,
                 coalesce(sum(e.amount_fen) filter (where e.direction = 'income'), 0)::text as income,
                 coalesce(sum(e.amount_fen) filter (where e.direction = 'expense'), 0)::text as expense
            from disclosures d left join fund_entries e on e.disclosure_id = d.id
           where d.status = 'published' group by d.village_code, d.period`,
    );
    expect(periods.length).toBeGreaterThanOrEqual(20);
    for (const row of periods) {
      const page = await loadVillagePage(test.db, row.village_code, row.period);
      expect(page?.shown?.incomeFen, `${row.village_code} ${row.period}`).toBe(Number(row.income));
      expect(page?.shown?.expenseFen).toBe(Number(row.expense));
      const bySubject = page!.shown!.bySubject.reduce((sum, s) => sum + (s.direction === 'income' ? s.amountFen : -s.amountFen), 0);
      expect(bySubject).toBe(Number(row.income) - Number(row.expense));
      const byMonth = page!.shown!.byMonth.reduce((sum, m) => sum + m.incomeFen - m.expenseFen, 0);
      expect(byMonth).toBe(Number(row.income) - Number(row.expense));
    }
  });

  it('chains balances: each period opens with the previous closing balance', async () => {
    const page = await loadVillagePage(test.db, '990121002201');
    const chain = [...page!.published].reverse();
    for (let i = 1; i < chain.length; i++) {
      const previous = await loadVillagePage(test.db, '990121002201', chain[i - 1]!.period);
      expect(Number(chain[i]!.openingBalanceFen)).toBe(previous!.shown!.closingBalanceFen);
    }
  });

  it('never shows an unpublished period', async () => {
    const page = await loadVillagePage(test.db, '990121001201'); // 前营村: 2026-Q3 is only submitted
    expect(page!.published.map((d) => d.period)).not.toContain('2026-Q3');
    expect(await loadVillagePage(test.db, '990121001201', '2026-Q3')).toMatchObject({ shown: undefined });
  });

  it('links a correction and the entry it corrects both ways', async () => {
    const q2 = await loadVillagePage(test.db, '990121002201', '2026-Q2');
    const correction = q2!.shown!.lines.funds.find((entry) => entry.adjustsEntryId);
    expect(correction?.summary).toMatch(/^更正/);
    expect(q2!.shown!.corrects.get(correction!.id)).toEqual({ period: '2026-Q1', lineNo: 5 });
    const q1 = await loadVillagePage(test.db, '990121002201', '2026-Q1');
    expect(q1!.shown!.correctedBy.get(correction!.adjustsEntryId!)).toEqual([{ period: '2026-Q2', lineNo: correction!.lineNo }]);
  });

  it('publishes downloads from which anyone can recompute the hash', async () => {
    const page = await loadVillagePage(test.db, '990121001202', '2026-Q1');
    const json = periodJson(page!.village, page!.shown!);
    const recomputed = createHash('sha256').update(`${json.chain.prevHash}\n${canonicalJson(json.content)}`).digest('hex');
    expect(recomputed).toBe(json.chain.contentHash);
    expect(chainHash(json.chain.prevHash!, json.content)).toBe(json.chain.contentHash);
    const csv = fundsCsvZh(page!.shown!);
    expect(csv.startsWith('\uFEFF序号,日期,收支')).toBe(true);
    expect(csv.trim().split('\n')).toHaveLength(page!.shown!.lines.funds.length + 1);
  });
});

describe('finding villages', () => {
  it('finds villages by a 2-character name and refuses 1 character', async () => {
    expect(await searchVillages(test.db, '前')).toBe('too-short');
    const hits = await searchVillages(test.db, '前营');
    expect(hits).toEqual([{ code: '990121001201', name: '前营村', townshipName: '桑河镇', countyName: '桑河县' }]);
    expect(await searchVillages(test.db, '%')).toBe('too-short');
    expect(await searchVillages(test.db, '%%')).toEqual([]);
  });

  it('lists a county’s villages by township with their latest published period', async () => {
    const groups = await listCountyVillages(test.db, '990121000000');
    expect(groups.map((g) => g.township.name)).toEqual(['桑河镇', '东岭乡', '白杨乡']);
    const qianying = groups[0]!.villages.find((v) => v.name === '前营村');
    expect(qianying?.latestPeriod).toBe('2026-Q2');
    expect(groups[2]!.villages.every((v) => v.latestPeriod === null)).toBe(true);
  });

  it('lists the villages late with the last finished quarter', async () => {
    const early = await listOverdueVillages(test.db, '990121000000', '2026-10-10');
    expect(early).toMatchObject({ due: false, villages: [] });
    const late = await listOverdueVillages(test.db, '990121000000', '2026-11-26');
    expect(late.period.code).toBe('2026-Q3');
    const byName = new Map(late.villages.map((v) => [v.name, v.status]));
    expect(byName.get('河湾村')).toBe('missing');
    expect(byName.get('前营村')).toBe('submitted');
    expect(byName.has('后营村')).toBe(false); // published on time
    expect(late.villages[0]!.daysLate).toBe(37); // due 2026-10-20 (periods.ts DUE_DAY)
  });
});
