/**
 * Migration 0024 on a database with a conclusion waiting for approval as the old code proposed it
 * (the public reply as its value): it is withdrawn, so the handler proposes it again with a finding;
 * other proposals and concluded cases' replies stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;

beforeAll(async () => {
  migration = await databaseBefore('0024_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'), ('990121000000', 'county', '桑河县', '990100000000')`);
  await db.execute(sql`insert into users (id, username, display_name, role, scope_code, password_hash) values
    ('00000000-0000-4000-8000-0000000000u1', 'sanghe.cb', '承办人', 'commission', '990121000000', 'x')`);
  await db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous, status, public_reply) values
    ('00000000-0000-4000-8000-000000000001', 'hmac-1', 'assets', '990121000000', '990121000000', '2026-10-01', '旧案1', '村委会账外收取宅基地费，没有开票据，请纪委核查。', '2026-10-01', true, 'accepted', null),
    ('00000000-0000-4000-8000-000000000002', 'hmac-2', 'assets', '990121000000', '990121000000', '2026-10-01', '旧案2', '村委会账外收取宅基地费，没有开票据，请纪委核查。', '2026-10-01', true, 'concluded', '经核实，费用已退还。')`);
  await db.execute(sql`insert into complaint_proposals (id, complaint_id, kind, value, proposed_by, proposed_on, state) values
    ('00000000-0000-4000-8000-0000000000p1', '00000000-0000-4000-8000-000000000001', 'conclude', '经核实，费用已全部退还农户。', '00000000-0000-4000-8000-0000000000u1', '2026-10-20', 'pending'),
    ('00000000-0000-4000-8000-0000000000p2', '00000000-0000-4000-8000-000000000001', 'dispose', 'preliminary_check', '00000000-0000-4000-8000-0000000000u1', '2026-10-20', 'pending')`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0024 (the conclusion records a finding; the reply is its own step)', () => {
  it('withdraws a conclusion still waiting with a reply as its value, and leaves the rest', async () => {
    const proposals = await queryRows<{ kind: string; state: string; decided_on: string | null }>(db, sql`select kind, state, decided_on::text as decided_on from complaint_proposals order by kind`);
    expect(proposals).toEqual([
      { kind: 'conclude', state: 'withdrawn', decided_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      { kind: 'dispose', state: 'pending', decided_on: null },
    ]);
    const cases = await queryRows<{ status: string; public_reply: string | null; finding: string | null }>(db, sql`select status, public_reply, finding from complaints order by id`);
    expect(cases).toEqual([
      { status: 'accepted', public_reply: null, finding: null },
      { status: 'concluded', public_reply: '经核实，费用已退还。', finding: null },
    ]);
  });
});
