/**
 * Migration 0040 on a database with cases filed, accepted and concluded before the statistics'
 * counts were kept: the backfill counts them by the old rule (a second acceptance or conclusion in
 * the same month counts once, with the days to the later one; a step that is not counted is not),
 * and from then on the triggers keep counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { countMonthlyFlows } from '../../src/lib/server/complaints/statistics.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';
import { countMonthlyFlowsFromScratch } from '../../tests/support/complaint-flows-oracle.ts';

let migration: MigrationDatabase;
let db: Db;

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const CONTENT = '村委会把集体鱼塘承包给村干部亲属，承包费多年没有入账，请纪委核查。';

beforeAll(async () => {
  migration = await databaseBefore('0040_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'),
    ('990121000000', 'county', '桑河县', '990100000000'), ('990121001000', 'township', '桑河镇', '990121000000'),
    ('990121001201', 'village', '前营村', '990121001000'), ('990121001202', 'village', '后营村', '990121001000'),
    ('990200000000', 'city', '南原市', '990000000000'), ('990221000000', 'county', '枣林县', '990200000000'),
    ('990221002000', 'township', '杏花乡', '990221000000'), ('990221002201', 'village', '杏花村', '990221002000')`);
  const cases: Array<[number, string, string, string, string]> = [
    // n, area, category, channel, filed on
    [1, '990121001201', 'assets', 'online', '2026-01-10'],
    [2, '990121001202', 'assets', 'online', '2026-01-31'], // same township as 1: the same cell
    [3, '990121000000', 'conduct', 'direct_point', '2026-02-14'], // the county itself
    [4, '990221002201', 'item', 'online', '2026-02-20'], // another city
  ];
  for (const [n, area, category, channel, filed] of cases) {
    await db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous, channel, case_scope_code, case_year, case_seq, case_prefix)
      values (${id(n)}, ${`hmac-${n}`}, ${category}, ${area}, ${area.slice(0, 6).padEnd(12, '0')}, ${filed}, ${`旧案${n}`}, ${CONTENT}, ${filed}, true, ${channel}, ${area.slice(0, 6).padEnd(12, '0')}, 2026, ${n}, '桑')`);
  }
  const steps: Array<[number, string, string]> = [
    [1, 'accepted', '2026-01-12'],
    [1, 'accepted', '2026-01-20'], // accepted again in January: once, 10 days
    [1, 'concluded', '2026-02-03'],
    [1, 'concluded', '2026-02-25'], // reviewed and concluded again in February: once, 46 days
    [1, 'accepted', '2026-03-01'], // a later review taken up: March
    [2, 'accepted', '2026-02-01'],
    [3, 'note', '2026-02-15'], // not counted
    [4, 'accepted', '2026-02-21'],
    [4, 'concluded', '2026-03-30'],
  ];
  for (const [n, kind, on] of steps) {
    await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id(n)}, 0, ${on}, ${kind}, true, null)`);
  }
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0040 (complaint statistics kept as they happen)', () => {
  it('counts the cases already there by the old rule', async () => {
    const flows = await countMonthlyFlows(db, '990000000000', '2026-01', '2026-03');
    expect(flows.map((flow) => [flow.month, flow.place, flow.category, flow.channel, flow.measure, flow.count, flow.days])).toEqual([
      ['2026-01', '990121001', 'assets', 'online', 'accepted', 1, 10],
      ['2026-01', '990121001', 'assets', 'online', 'received', 2, 0],
      ['2026-02', '990121000', 'conduct', 'direct_point', 'received', 1, 0],
      ['2026-02', '990121001', 'assets', 'online', 'accepted', 1, 1],
      ['2026-02', '990121001', 'assets', 'online', 'concluded', 1, 46],
      ['2026-02', '990221002', 'item', 'online', 'accepted', 1, 1],
      ['2026-02', '990221002', 'item', 'online', 'received', 1, 0],
      ['2026-03', '990121001', 'assets', 'online', 'accepted', 1, 50],
      ['2026-03', '990221002', 'item', 'online', 'concluded', 1, 38],
    ]);
    expect(flows).toEqual(await countMonthlyFlowsFromScratch(db, '990000000000', '2026-01', '2026-03'));
    expect(await countMonthlyFlows(db, '990200000000', '2026-01', '2026-03')).toEqual(await countMonthlyFlowsFromScratch(db, '990200000000', '2026-01', '2026-03'));
  });

  it('keeps counting after it: a third acceptance in March counts once more only for a new case', async () => {
    await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id(1)}, 0, '2026-03-18', 'accepted', true, null), (${id(2)}, 0, '2026-03-05', 'accepted', true, null)`);
    const [march] = await queryRows<{ count: number; days: number }>(
      db,
      sql`select count, days::int as days from complaint_flow_counts where month = '2026-03' and place = '990121001' and measure = 'accepted'`,
    );
    // Case 1: still once, now 67 days (to 18 March); case 2: a new one, 33 days.
    expect(march).toEqual({ count: 2, days: 67 + 33 });
    expect(await countMonthlyFlows(db, '990100000000', '2026-01', '2026-03')).toEqual(await countMonthlyFlowsFromScratch(db, '990100000000', '2026-01', '2026-03'));
  });
});
