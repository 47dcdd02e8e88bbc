/**
 * The one database module. PGlite (embedded Postgres, files in ./data) when DATABASE_URL is unset,
 * postgres.js when it is set. Both give the same drizzle pg-core API, so every query is written once.
 *
 * The handle lives on globalThis under a registry symbol: `astro dev` reloads modules, and the
 * production start-up script (src/server/start.ts, through bootstrap.ts) opens and migrates the
 * database before the bundled Astro app, which has its own copy of this module, asks for it. Two PGlite instances on
 * one data directory would corrupt it, so there must be exactly one per process.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from '../../../db/schema/index.ts';
import { getConfig } from './config.ts';
import { checkDataFolder, DataFolderError } from './data-folder.ts';
import { logger } from './logger.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction, or the database itself: domain functions accept either. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  driver: 'pglite' | 'postgres';
  close(): Promise<void>;
  /**
   * Calls `onMessage` for every NOTIFY on `channel` (from this process or any other on the same
   * database), delivered when the notifying transaction commits, and once more whenever the
   * subscription had to be renewed (PostgreSQL only: its connection was lost, and with it whatever
   * was sent meanwhile). Resolves to a function that stops.
   */
  listen(channel: string, onMessage: () => void): Promise<() => Promise<void>>;
  /** postgres.js only: the connection string (migrations use a dedicated connection). */
  url?: string;
}

export type OpenOptions =
  | { driver: 'pglite'; dataDir?: string; loadDataDir?: Blob | File }
  | { driver: 'postgres'; url: string; max?: number };

export function migrationsFolder(): string {
  // Resolved from the working directory, not import.meta.url: bundling moves this file.
  return path.resolve(process.cwd(), 'db/migrations');
}

/** Statements with more parameters than this (long IN lists of any length) are planned each time. */
const MAX_PREPARED_PARAMETERS = 32;

/**
 * drizzle sends every query through postgres.js's `unsafe()`, which leaves it unnamed, so PostgreSQL
 * parses and plans it on every execution: on a village page (13 queries) that was 6.9 of the
 * 7.6 ms the server spent, against 0.7 ms executing (measured on the province-scale database with
 * log_min_duration_statement). This makes them named prepared statements, which postgres.js keeps
 * per connection and re-prepares after a reconnect or when a migration made a plan stale. Queries
 * with many parameters stay unnamed so the set of statements stays bounded by the code's queries.
 * (A pooler in transaction mode, e.g. PgBouncer before 1.21, does not keep prepared statements.)
 */
export function withPreparedStatements<T extends object>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          value.call(target, query, parameters, { ...options, prepare: (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS });
      }
      // A transaction or savepoint hands its callback a connection of its own: wrap that too.
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) =>
          value.apply(
            target,
            args.map((arg) => (typeof arg === 'function' ? (inner: object) => (arg as (sql: object) => unknown)(withPreparedStatements(inner)) : arg)),
          );
      }
      return value;
    },
  });
}

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  if (options.driver === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { drizzle } = await import('drizzle-orm/pglite');
    // A folder PGlite would "repair" or fail on half-way is refused before PGlite touches it.
    const folder = options.dataDir ? checkDataFolder(options.dataDir) : undefined;
    if (options.dataDir) mkdirSync(path.dirname(options.dataDir), { recursive: true });
    const lockFile = options.dataDir ? path.join(options.dataDir, 'postmaster.pid') : undefined;
    const lockedBefore = lockFile ? existsSync(lockFile) : false;
    // Single-object form: with the (dataDir, options) form extensions are silently dropped.
    const client = new PGlite({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { pg_trgm },
    });
    try {
      await client.waitReady;
    } catch (error) {
      if (folder !== 'existing') throw error;
      // PGlite aborts without removing the lock file it wrote: leave the folder as it was.
      if (!lockedBefore && lockFile) rmSync(lockFile, { force: true });
      throw new DataFolderError(options.dataDir!, `could not be opened by PGlite (${error instanceof Error ? error.message : String(error)})`);
    }
    const db = drizzle({ client, schema }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      close: () => client.close(),
      listen: async (channel, onMessage) => client.listen(channel, () => onMessage()),
    };
  }
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(options.url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // While PostgreSQL is away (a restart, a failover), connections are retried at most a second
    // apart: requests are answered 503 at once, and the pool is back within a second of the server.
    // postgres.js's default backs off to 20 s between attempts, which kept requests waiting for the
    // next attempt during the outage and delayed recovery after it (the PostgreSQL-restart drill).
    backoff: (attempt: number) => Math.min(0.1 * 2 ** attempt, 1),
    // A server that drops packets instead of refusing: give up on a connection attempt after 5 s, not 30.
    connect_timeout: 5,
    // Keep timestamps as strings at the driver edge; drizzle maps column types itself.
    connection: { application_name: 'yidiantong', TimeZone: 'UTC' },
  });
  const db = drizzle({ client: withPreparedStatements(client), schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    close: () => client.end({ timeout: 5 }),
    // postgres.js keeps one extra connection for LISTEN and re-listens after a reconnect (PostgreSQL
    // restarted, the session was terminated). A notification sent while it was away is lost, so
    // each re-subscription counts as one: the listener assumes something changed meanwhile.
    listen: async (channel, onMessage) => {
      let subscribed = false;
      const { unlisten } = await client.listen(
        channel,
        () => onMessage(),
        () => {
          if (subscribed) onMessage();
          subscribed = true;
        },
      );
      return unlisten;
    },
    url: options.url,
  };
}

/** Applies committed migrations. Several instances may start at once on one PostgreSQL. */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  const migrationsDir = migrationsFolder();
  if (handle.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: migrationsDir });
    return;
  }
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { default: postgres } = await import('postgres');
  // Several instances may start at once against one PostgreSQL: a session-level advisory lock,
  // held on the one connection that also runs the migrations, serialises them.
  const connection = postgres(handle.url!, { max: 1, onnotice: () => {} });
  try {
    await connection`select pg_advisory_lock(727001)`;
    await migrate(drizzle({ client: connection }), { migrationsFolder: migrationsDir });
    await connection`select pg_advisory_unlock(727001)`;
  } finally {
    await connection.end({ timeout: 5 });
  }
}

/** Returns the rows of a raw `db.execute` result, whichever driver produced it. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

// A global symbol, not a module variable: Astro's dev server and the test runner may load this module
// twice, and both copies must share one handle. tests/support/test-db.ts puts a test database here.
const REGISTRY_KEY = Symbol.for('yidiantong.db');
type Registry = { [REGISTRY_KEY]?: Promise<DbHandle> };

/**
 * Opens (once per process) and migrates the configured database. Seeding is not done here: it needs
 * the domain, which needs this module, so it lives in bootstrap.ts, which the entry points call.
 */
export function getDatabase(): Promise<DbHandle> {
  const registry = globalThis as Registry;
  registry[REGISTRY_KEY] ??= (async () => {
    const config = getConfig();
    const handle = config.databaseUrl
      ? await openDatabase({ driver: 'postgres', url: config.databaseUrl })
      : await openDatabase({ driver: 'pglite', dataDir: config.dataDir });
    await migrateDatabase(handle);
    logger.info({ driver: handle.driver }, 'database open and migrated');
    return handle;
  })();
  return registry[REGISTRY_KEY];
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export async function closeDatabase(): Promise<void> {
  const registry = globalThis as Registry;
  const pending = registry[REGISTRY_KEY];
  delete registry[REGISTRY_KEY];
  if (pending) await (await pending).close();
}

export async function isDatabaseReachable(): Promise<boolean> {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
