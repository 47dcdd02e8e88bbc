/**
 * Migration 0027 on cases filed before case numbers: each is numbered by the commission holding it,
 * per year of its filing day, in filing order; the counters continue from there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;

beforeAll(async () => {
  migration = await databaseBefore('0027_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'),
    ('990121000000', 'county', '桑河县', '990100000000'), ('990122000000', 'county', '柳溪县', '990100000000')`);
  const cases: Array<[string, string, string]> = [
    // id suffix, routed to, filed on
    ['1', '990121000000', '2026-03-02'],
    ['2', '990121000000', '2025-12-30'],
    ['3', '990122000000', '2026-01-05'],
    ['4', '990121000000', '2026-01-15'],
    ['5', '990100000000', '2026-02-01'],
    ['6', '990121000000', '2026-01-15'],
  ];
  for (const [n, scope, filed] of cases) {
    await db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous)
      values (${`00000000-0000-4000-8000-00000000000${n}`}, ${`hmac-${n}`}, 'assets', '990121000000', ${scope}, ${filed}, ${`旧案${n}`}, '村委会账外收取宅基地费，没有开票据，请纪委核查。', ${filed}, true)`);
  }
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0027 (case numbers)', () => {
  it('numbers existing cases per holding commission and filing year, in filing order', async () => {
    const rows = await queryRows<{ id: string; case_scope_code: string; case_year: number; case_seq: number; case_prefix: string }>(
      db,
      sql`select right(id, 1) as id, case_scope_code, case_year, case_seq, case_prefix from complaints order by id`,
    );
    expect(rows).toEqual([
      { id: '1', case_scope_code: '990121000000', case_year: 2026, case_seq: 3, case_prefix: '桑' },
      { id: '2', case_scope_code: '990121000000', case_year: 2025, case_seq: 1, case_prefix: '桑' },
      { id: '3', case_scope_code: '990122000000', case_year: 2026, case_seq: 1, case_prefix: '柳' },
      { id: '4', case_scope_code: '990121000000', case_year: 2026, case_seq: 1, case_prefix: '桑' },
      { id: '5', case_scope_code: '990100000000', case_year: 2026, case_seq: 1, case_prefix: '北' },
      // Same day as 4: ties go by id.
      { id: '6', case_scope_code: '990121000000', case_year: 2026, case_seq: 2, case_prefix: '桑' },
    ]);
  });

  it('leaves the counters at the last number given, so new filings continue without a duplicate', async () => {
    const counters = await queryRows<{ scope_code: string; year: number; last_seq: number }>(db, sql`select scope_code, year, last_seq from complaint_case_counters order by scope_code, year`);
    expect(counters).toEqual([
      { scope_code: '990100000000', year: 2026, last_seq: 1 },
      { scope_code: '990121000000', year: 2025, last_seq: 1 },
      { scope_code: '990121000000', year: 2026, last_seq: 3 },
      { scope_code: '990122000000', year: 2026, last_seq: 1 },
    ]);
    await expect(
      db.execute(sql`update complaints set case_seq = 1 where id = '00000000-0000-4000-8000-000000000001'`),
    ).rejects.toThrow();
  });
});
