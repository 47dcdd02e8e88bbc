/**
 * Migration 0022 on a database that holds review requests (复查) made under the old code: each
 * becomes an objection answered by reopening, dated the day it was made, with the reasons from its
 * history entry; the entries are renamed `objected`; a case without a request gets no objection.
 * Runs on a fresh PGlite or PostgreSQL database, migrated up to 0021 first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;

const REASONS = '退还的只有四户，还有两户没有退，答复与事实不符，请上级复查。';

beforeAll(async () => {
  migration = await databaseBefore('0022_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'), ('990121000000', 'county', '桑河县', '990100000000'),
    ('990121001000', 'township', '桑河镇', '990121000000'), ('990121001201', 'village', '前营村', '990121001000')`);
  const file = (n: number, routed: string, status: string, reviewOn: string | null) =>
    db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous, status, public_reply, review_requested_on)
      values (${`00000000-0000-4000-8000-00000000000${n}`}, ${`hmac-${n}`}, 'assets', '990121001201', ${routed}, ${reviewOn ?? '2026-09-01'}, ${`旧案${n}`}, '村委会账外收取宅基地费，没有开票据，请纪委核查。', '2026-09-01', true, ${status}, '经核实，费用已退还。', ${reviewOn})`);
  await file(1, '990100000000', 'received', '2026-10-12'); // reviewed: reopened at the city
  await file(2, '990121000000', 'concluded', null);
  await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values
    ('00000000-0000-4000-8000-000000000001', 1, '2026-09-01', 'received', true, null),
    ('00000000-0000-4000-8000-000000000001', 2, '2026-10-08', 'concluded', true, '经核实，费用已退还。'),
    ('00000000-0000-4000-8000-000000000001', 3, '2026-10-12', 'reviewRequested', true, ${REASONS})`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0022 (objections instead of review requests)', () => {
  it('turns a review request into an objection answered by reopening, with its day and reasons', async () => {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select complaint_id, filed_on::text as filed_on, reasons, due_on::text as due_on, state, answer, answered_on::text as answered_on, answered_by from complaint_objections`,
    );
    expect(rows).toEqual([
      { complaint_id: '00000000-0000-4000-8000-000000000001', filed_on: '2026-10-12', reasons: REASONS, due_on: '2026-11-02', state: 'answered', answer: 'reopened', answered_on: '2026-10-12', answered_by: null },
    ]);
  });

  it('renames the history entries, and drops the old column', async () => {
    const kinds = await queryRows<{ kind: string }>(db, sql`select kind from complaint_events order by seq`);
    expect(kinds.map((row) => row.kind)).toEqual(['received', 'concluded', 'objected']);
    const columns = await queryRows<{ column_name: string }>(db, sql`select column_name from information_schema.columns where table_name = 'complaints' and column_name = 'review_requested_on'`);
    expect(columns).toEqual([]);
  });
});
