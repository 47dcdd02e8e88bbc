/**
 * Migration 0023 on a database that already holds ledgers: a period published before it keeps
 * content version 1 and its hash still verifies (the debts register is not part of what it
 * published); unpublished lines still booked to the 2004 subject 发包及上交收入 take 经营收入 or
 * 投资收益 by their words, while a published one keeps what was published. Runs on a fresh PGlite
 * or PostgreSQL database, migrated up to 0022 first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { chainHash, disclosureContent, GENESIS_HASH } from '../../src/lib/server/accounts/canonical.ts';
import { getLines } from '../../src/lib/server/accounts/disclosures.ts';
import { verifyVillageChain } from '../../src/lib/server/accounts/verify.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

const VILLAGE = '990121001201';
let migration: MigrationDatabase;
let db: Db;
let oldHash = '';

const line = (disclosure: number, lineNo: number, summary: string, counterparty: string) => sql`
  insert into fund_entries (disclosure_id, line_no, entry_date, direction, amount_fen, subject, summary, counterparty, voucher_no, method)
  values (${disclosure}, ${lineNo}, ${lineNo === 1 ? '2025-11-05' : '2025-12-05'}, 'income', ${lineNo * 100_000}, '发包及上交收入', ${summary}, ${counterparty}, ${`记-${lineNo}`}, 'transfer')`;

beforeAll(async () => {
  migration = await databaseBefore('0023_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'), ('990121000000', 'county', '桑河县', '990100000000'),
    ('990121001000', 'township', '桑河镇', '990121000000'), (${VILLAGE}, 'village', '前营村', '990121001000')`);
  await db.execute(sql`insert into disclosures (id, village_code, period, period_start, period_end, status) overriding system value values
    (1, ${VILLAGE}, '2025-Q4', '2025-10-01', '2025-12-31', 'draft'), (2, ${VILLAGE}, '2026-Q1', '2026-01-01', '2026-03-31', 'draft')`);
  await db.execute(line(1, 1, '收取村办砖厂上交利润', '前营砖厂'));
  await db.execute(line(2, 1, '村办砖厂上交2026年一季度利润', '前营砖厂'));
  await db.execute(line(2, 2, '收取东片鱼塘承包费', '周德明'));
  // Period 1 is published the old way: its content has no `v` and no debts (version 1).
  const [period] = await queryRows<{ village_code: string; period: string; opening_balance_fen: number }>(db, sql`select village_code, period, opening_balance_fen from disclosures where id = 1`);
  const funds = await queryRows<Record<string, unknown>>(db, sql`select id, line_no as "lineNo", entry_date::text as "entryDate", direction, amount_fen::int as "amountFen", subject, summary, counterparty, voucher_no as "voucherNo", method, decision_ref as "decisionRef", adjusts_entry_id as "adjustsEntryId" from fund_entries where disclosure_id = 1`);
  oldHash = chainHash(
    GENESIS_HASH,
    disclosureContent({ villageCode: period!.village_code, period: period!.period, openingBalanceFen: Number(period!.opening_balance_fen), contentVersion: 1 }, { funds: funds as never, assets: [], resources: [], debts: [] }),
  );
  await db.execute(sql`update disclosures set status = 'published', published_at = now(), chain_seq = 1, prev_hash = ${GENESIS_HASH}, content_hash = ${oldHash} where id = 1`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0023 (debts register)', () => {
  it('leaves the published period in content version 1, its hash verifying', async () => {
    const [row] = await queryRows<{ content_version: number; content_hash: string }>(db, sql`select content_version, content_hash from disclosures where id = 1`);
    expect(row).toEqual({ content_version: 1, content_hash: oldHash });
    const report = await verifyVillageChain(db, VILLAGE);
    expect(report.ok).toBe(true);
    expect(report.periods.map((p) => p.recomputedHash)).toEqual([oldHash]);
  });

  it('maps unpublished 发包及上交收入 lines by their words and keeps the published one', async () => {
    expect((await getLines(db, 1)).funds.map((f) => f.subject)).toEqual(['发包及上交收入']);
    expect((await getLines(db, 2)).funds.map((f) => [f.summary, f.subject])).toEqual([
      ['村办砖厂上交2026年一季度利润', '投资收益'],
      ['收取东片鱼塘承包费', '经营收入'],
    ]);
    expect((await getLines(db, 2)).debts).toEqual([]);
  });
});
