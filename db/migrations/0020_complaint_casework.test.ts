/**
 * Migration 0020 on a database that already holds complaints, filed and worked as the old code
 * did: each case learns who it is about from its key-personnel category, the day it reached its
 * commission (the last escalation or review request, else its filing), and a case the city had
 * not yet taken up about a county-level place moves to the county, with a note; an assignment to a
 * township account becomes a hand-down to that township. Runs on a fresh PGlite or PostgreSQL
 * database, migrated up to 0019 first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;

beforeAll(async () => {
  migration = await databaseBefore('0020_');
  db = migration.db;
  await db.execute(sql`insert into areas (code, level, name, parent_code) values
    ('990000000000', 'province', '演示省', null), ('990100000000', 'city', '北原市', '990000000000'), ('990121000000', 'county', '桑河县', '990100000000'),
    ('990121001000', 'township', '桑河镇', '990121000000'), ('990121001201', 'village', '前营村', '990121001000')`);
  await db.execute(sql`insert into users (id, username, display_name, role, scope_code, password_hash) values
    ('00000000-0000-4000-8000-0000000000u1', 'sanghezhen.jw', '桑河镇纪委', 'commission', '990121001000', 'x'),
    ('00000000-0000-4000-8000-0000000000u2', 'beiyuan.jw', '北原市纪委监委', 'commission', '990100000000', 'x')`);
  const file = (n: number, area: string, routed: string, status: string, role: string | null, assignee: string | null = null) =>
    db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, subject_role, title, content, filed_on, anonymous, status, assignee_id)
      values (${`00000000-0000-4000-8000-00000000000${n}`}, ${`hmac-${n}`}, 'conduct', ${area}, ${routed}, ${role}, ${`旧案${n}`}, '反映的问题一直没有人管，请纪委核查处理。', '2026-10-09', true, ${status}, ${assignee})`);
  await file(1, '990121001201', '990121000000', 'received', '村（社区）“两委”干部');
  await file(2, '990121000000', '990100000000', 'received', '派出所长'); // the old rule: county-level place → city
  await file(3, '990121000000', '990100000000', 'accepted', null); // the city already works it
  await file(4, '990121001201', '990100000000', 'received', '综合服务中心主任'); // escalated to the city
  await file(5, '990121001201', '990121000000', 'accepted', null, '00000000-0000-4000-8000-0000000000u1'); // "assigned" to the township
  await file(6, '990121001201', '990121000000', 'accepted', null, '00000000-0000-4000-8000-0000000000u2'); // an assignee outside the commission
  await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public) values
    ('00000000-0000-4000-8000-000000000004', 1, '2026-10-09', 'received', true),
    ('00000000-0000-4000-8000-000000000004', 2, '2026-10-20', 'escalated', true)`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

const row = async (n: number) =>
  (await queryRows<{ subject_level: string; routed_scope_code: string; arrived_on: string; handed_down_to: string | null; assignee_id: string | null }>(
    db,
    sql`select subject_level, routed_scope_code, arrived_on::text as arrived_on, handed_down_to, assignee_id from complaints where id = ${`00000000-0000-4000-8000-00000000000${n}`}`,
  ))[0]!;

describe('migration 0020 (complaint casework)', () => {
  it('derives who each case is about from its key-personnel category', async () => {
    expect((await row(1)).subject_level).toBe('village_cadre');
    expect((await row(2)).subject_level).toBe('county_staff');
    expect((await row(3)).subject_level).toBe('unknown');
    expect((await row(4)).subject_level).toBe('township_cadre');
  });

  it('dates each case’s arrival from its last move up, else its filing', async () => {
    expect((await row(1)).arrived_on).toBe('2026-10-09');
    expect((await row(4)).arrived_on).toBe('2026-10-20');
  });

  it('moves to the county only the case about a county-level place that the city had not taken up, with a note', async () => {
    expect((await row(2)).routed_scope_code).toBe('990121000000');
    expect((await row(3)).routed_scope_code).toBe('990100000000');
    expect((await row(4)).routed_scope_code).toBe('990100000000'); // escalated on purpose: stays
    const notes = await queryRows<{ complaint_id: string; kind: string; public: boolean; seq: number }>(db, sql`select complaint_id, kind, public, seq from complaint_events where kind = 'note'`);
    expect(notes).toEqual([{ complaint_id: '00000000-0000-4000-8000-000000000002', kind: 'note', public: false, seq: 1 }]);
  });

  it('turns an assignment to a township account into a hand-down, and drops an assignee outside the commission', async () => {
    expect(await row(5)).toMatchObject({ handed_down_to: '990121001000', assignee_id: null });
    expect(await row(6)).toMatchObject({ handed_down_to: null, assignee_id: null });
  });
});
