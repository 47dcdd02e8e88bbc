/**
 * For migration tests: a fresh database (PGlite or a new PostgreSQL database, as the test project
 * says) migrated up to just before one migration, so a test can insert data as the old code wrote
 * it and then run the rest (`migrateAll`).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Db } from '../../src/lib/server/db.ts';
import { adminUrl, databaseUrl } from './pg-urls.ts';

const MIGRATIONS = path.resolve('db/migrations');

export interface MigrationDatabase {
  db: Db;
  /** Runs every migration still missing, the one under test included. */
  migrateAll(): Promise<void>;
  dispose(): Promise<void>;
}

/** A copy of the migrations folder whose journal stops before the migration tagged `tagPrefix…`. */
function foldersBefore(tagPrefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-mig-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag.startsWith(tagPrefix)));
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

export async function databaseBefore(tagPrefix: string): Promise<MigrationDatabase> {
  const before = foldersBefore(tagPrefix);
  const target = inject('dbTarget');
  let db: Db;
  let migrateTo: (folder: string) => Promise<void>;
  let close: () => Promise<void>;
  if (target.driver === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = new PGlite({ extensions: { pg_trgm } });
    db = drizzle({ client }) as unknown as Db;
    migrateTo = (folder) => migrate(db as never, { migrationsFolder: folder });
    close = () => client.close();
  } else {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const name = `ydt_mig_${randomBytes(5).toString('hex')}`;
    const admin = postgres(adminUrl(target.baseUrl), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const client = postgres(databaseUrl(target.baseUrl, name), { max: 1, onnotice: () => {} });
    db = drizzle({ client }) as unknown as Db;
    migrateTo = (folder) => migrate(db as never, { migrationsFolder: folder });
    close = async () => {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    };
  }
  await migrateTo(before);
  return {
    db,
    migrateAll: () => migrateTo(MIGRATIONS),
    dispose: async () => {
      await close();
      rmSync(before, { recursive: true, force: true });
    },
  };
}
