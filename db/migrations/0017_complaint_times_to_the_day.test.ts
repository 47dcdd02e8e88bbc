/**
 * Migration 0017 on a database that already holds complaints: times on complaint attachments and
 * case events are gone, the case history keeps its order (numbered per case), and new steps are
 * numbered by the database. Runs on a fresh PGlite or a fresh PostgreSQL database, migrated up to
 * 0016 first, then filled as the old code did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { databaseBefore, type MigrationDatabase } from '../../tests/support/migration-db.ts';

let migration: MigrationDatabase;
let db: Db;

beforeAll(async () => {
  migration = await databaseBefore('0017_');
  db = migration.db;
  // What the old code wrote: exact times on events and complaint files, one counter for all cases.
  await db.execute(sql`insert into areas (code, level, name) values ('990000000000', 'province', '演示省'), ('990100000000', 'city', '北原市'), ('990121000000', 'county', '桑河县')`);
  for (const [id, title] of [['00000000-0000-4000-8000-000000000001', '村里机动地发包不公开'], ['00000000-0000-4000-8000-000000000002', '低保评定优亲厚友']]) {
    await db.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, title, content, filed_on, anonymous)
      values (${id}, ${`hmac-${id}`}, 'assets', '990121000000', '990121000000', ${title}, '村里的事情一直没有公开，群众意见很大，请纪委核查。', '2026-10-09', true)`);
  }
  const [a, b] = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
  await db.execute(sql`insert into complaint_events (complaint_id, "on", at, kind, public) values
    (${a}, '2026-10-09', null, 'received', true),
    (${b}, '2026-10-09', null, 'received', true),
    (${a}, '2026-10-12', '2026-10-12 02:13:44+00', 'accepted', true),
    (${a}, '2026-10-13', null, 'material', true),
    (${b}, '2026-10-14', '2026-10-14 07:01:09+00', 'declined', true)`);
  await db.execute(sql`insert into attachments (id, kind, complaint_id, mime, size_bytes, sha256, stripped, bytes, created_at)
    values ('00000000-0000-4000-8000-0000000000a1', 'complaint', ${a}, 'image/jpeg', 1, 'x', true, '\\x00', '2026-10-09 01:02:03+00')`);
  await migration.migrateAll();
});
afterAll(async () => migration?.dispose());

describe('migration 0017 (complaint times to the day)', () => {
  it('removes the time of every complaint file and every case event, keeping each case’s order', async () => {
    expect(await queryRows(db, sql`select created_at from attachments where kind = 'complaint'`)).toEqual([{ created_at: null }]);
    const columns = await queryRows<{ column_name: string }>(db, sql`select column_name from information_schema.columns where table_name = 'complaint_events' order by ordinal_position`);
    expect(columns.map((c) => c.column_name)).not.toContain('at');
    expect(columns.map((c) => c.column_name)).not.toContain('id');
    const events = await queryRows<{ complaint_id: string; seq: number; kind: string }>(db, sql`select complaint_id, seq, kind from complaint_events order by complaint_id, seq`);
    expect(events.map((e) => `${e.complaint_id.slice(-1)}:${e.seq}:${e.kind}`)).toEqual(['1:1:received', '1:2:accepted', '1:3:material', '2:1:received', '2:2:declined']);
  });

  it('numbers new steps within their case, whatever the insert sends', async () => {
    await db.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public) values ('00000000-0000-4000-8000-000000000002', 99, '2026-10-20', 'rated', true)`);
    const [row] = await queryRows<{ seq: number }>(db, sql`select seq from complaint_events where kind = 'rated'`);
    expect(row!.seq).toBe(3);
  });
});
