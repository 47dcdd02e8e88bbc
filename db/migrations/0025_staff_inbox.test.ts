/**
 * Migration 0025 on old data: an escalation made before referrals of kind 'escalate' existed gets
 * one from its audit entry (the sender keeps a trace); a hand-down made by migration 0020 from a
 * township assignment gets its referral row (open while the case is, limit approximated); a zone
 * assignment written as an internal note becomes its own step, and a note an officer typed stays a note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;
const U1 = '00000000-0000-4000-8000-0000000000u1';
const C1 = '00000000-0000-4000-8000-000000000001';
const C2 = '00000000-0000-4000-8000-000000000002';
const C3 = '00000000-0000-4000-8000-000000000003';

beforeAll(async () => {
  migration = await databaseBefore('0025_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'), ('990121000000', 'county', '桑河县', '990100000000'),
    ('990121001000', 'township', '桑河镇', '990121000000'), ('990121001201', 'village', '前营村', '990121001000')`);
  await db.execute(sql`insert into users (id, username, display_name, role, scope_code, password_hash) values (${U1}, 'sanghe.jw', '李明', 'commission', '990121000000', 'x')`);
  const content = '村委会账外收取宅基地费，没有开票据，请纪委核查。';
  await db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous, status, handed_down_to) values
    (${C1}, 'hmac-1', 'assets', '990121001201', '990100000000', '2026-10-09', '旧案1', ${content}, '2026-10-01', true, 'received', null),
    (${C2}, 'hmac-2', 'assets', '990121001201', '990121000000', '2026-10-01', '旧案2', ${content}, '2026-10-01', true, 'in_progress', '990121001000'),
    (${C3}, 'hmac-3', 'assets', '990121001201', '990121000000', '2026-10-01', '旧案3', ${content}, '2026-10-01', true, 'accepted', null)`);
  await db.execute(sql`insert into audit_events (at, actor_id, actor_name, action, subject_type, subject_id, scope_code, reason, detail) values
    ('2026-10-09 02:30:00+00', ${U1}, 'sanghe.jw', 'complaint.escalate', 'complaint', ${C1}, '990121000000', '涉及县领导，按规定提级办理', '{"to":"990100000000"}'),
    ('2026-10-12 01:00:00+00', ${U1}, 'sanghe.jw', 'complaint.accept', 'complaint', ${C2}, '990121000000', null, '{}'),
    ('2026-10-13 01:00:00+00', ${U1}, 'sanghe.jw', 'complaint.zoneAssigned', 'complaint', ${C3}, '990121000000', null, '{"zone":"东片区"}')`);
  await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", actor_id, kind, public, text) values
    (${C3}, 0, '2026-10-13', ${U1}, 'note', false, '分派至东片区'),
    (${C3}, 0, '2026-10-14', ${U1}, 'note', false, '分派至西片区的意见请示领导')`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0025 (inbox, contact, escalation and hand-down traces)', () => {
  it('rebuilds an escalation’s referral from its audit entry, and a migrated hand-down’s', async () => {
    const rows = await queryRows<Record<string, string | null>>(
      db,
      sql`select complaint_id, kind, from_scope_code, to_scope_code, sent_by, sent_on::text as sent_on, due_on::text as due_on, state, report from complaint_referrals order by complaint_id`,
    );
    expect(rows).toEqual([
      { complaint_id: C1, kind: 'escalate', from_scope_code: '990121000000', to_scope_code: '990100000000', sent_by: U1, sent_on: '2026-10-09', due_on: '2026-10-09', state: 'closed', report: '涉及县领导，按规定提级办理' },
      { complaint_id: C2, kind: 'hand_down', from_scope_code: '990121000000', to_scope_code: '990121001000', sent_by: U1, sent_on: '2026-10-12', due_on: '2026-11-23', state: 'open', report: null },
    ]);
  });

  it('makes a zone assignment its own step and leaves a typed note alone', async () => {
    const events = await queryRows<{ kind: string; text: string }>(db, sql`select kind, text from complaint_events where complaint_id = ${C3} order by seq`);
    expect(events).toEqual([
      { kind: 'zoneAssigned', text: '分派至东片区' },
      { kind: 'note', text: '分派至西片区的意见请示领导' },
    ]);
  });

  it('adds the contact column, bounded, and an empty inbox', async () => {
    await expect(db.execute(sql`update users set contact = ${'a'.repeat(255)} where id = ${U1}`)).rejects.toThrow();
    await db.execute(sql`update users set contact = 'liming@sanghe.example.gov.cn' where id = ${U1}`);
    expect(await queryRows(db, sql`select count(*)::int as n from staff_notices`)).toEqual([{ n: 0 }]);
  });
});
