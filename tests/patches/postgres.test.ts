/**
 * The installed postgres.js carries the fixes of patches/apply.mjs, and they do what they say. Each
 * case below fails on postgres.js 3.4.9 as published (measured before the fixes: the first crashes
 * the process with "Cannot read properties of null (reading 'write')", the second rejects a fresh
 * query with the dead session's 57P01, the third commits a transaction's statement outside the
 * transaction). The behaviour needs a PostgreSQL server, so it runs in the `postgres` project.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminUrl } from '../support/pg-urls.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const target = inject('dbTarget');

it('the installed postgres.js is patched (npm ci runs patches/apply.mjs)', () => {
  const check = spawnSync(process.execPath, ['patches/apply.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

describe.runIf(target.driver === 'postgres')('postgres.js when PostgreSQL ends a session', () => {
  const url = target.driver === 'postgres' ? adminUrl(target.baseUrl) : '';
  let admin: postgres.Sql;
  beforeAll(() => {
    admin = postgres(url, { max: 1, onnotice: () => {} });
  });
  afterAll(() => admin.end());

  const terminate = async (pid: number) => {
    await admin`select pg_terminate_backend(${pid})`;
    // Until the client has seen its socket close.
    await new Promise((resolve) => setTimeout(resolve, 200));
  };

  it('refuses the statements of a reserved connection whose session ended, without crashing, and the pool carries on', async () => {
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const reserved = await sql.reserve();
      const [row] = await reserved<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
      await terminate(row!.pid);
      for (let i = 0; i < 3; i++) await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      reserved.release();
      const [answer] = await sql<Array<{ x: number }>>`select 1 as x`;
      expect(answer!.x).toBe(1);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('does not hand a dead session’s error to the next query after reconnecting', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
      const slow = sql`select pg_sleep(3)`.then(
        () => 'finished',
        (error: { code?: string }) => error.code,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await terminate(row!.pid);
      expect(await slow).toBe('CONNECTION_CLOSED');
      // Unpatched: rejected with 57P01 "terminating connection due to administrator command".
      const [next] = await sql<Array<{ x: number }>>`select 1 as x`;
      expect(next!.x).toBe(1);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('never runs a transaction’s later statement on a fresh session once its own has ended', async () => {
    const table = `ydt_patch_probe_${process.pid}`;
    await admin.unsafe(`create table ${table} (note text)`);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      let queued: Promise<unknown> | undefined;
      let late: string | undefined;
      // The transaction's promise settles when its connection closes; its callback carries on.
      let callbackDone!: () => void;
      const callback = new Promise<void>((resolve) => (callbackDone = resolve));
      const transaction = sql.begin(async (tx) => {
        const [row] = await tx<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
        // Someone else waits for the pool's one connection: the pool reconnects it for them.
        queued = sql`select 1`;
        await terminate(row!.pid);
        late = await tx.unsafe(`insert into ${table} values ('after the session ended')`).then(
          () => 'ran',
          (error: { code?: string }) => error.code,
        );
        callbackDone();
      });
      await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      await queued;
      await callback;
      expect(late).toBe('CONNECTION_CLOSED');
      const [count] = await admin.unsafe<Array<{ n: number }>>(`select count(*)::int as n from ${table}`);
      expect(count!.n).toBe(0);
      const [answer] = await sql<Array<{ x: number }>>`select 1 as x`;
      expect(answer!.x).toBe(1);
    } finally {
      await sql.end({ timeout: 1 });
      await admin.unsafe(`drop table if exists ${table}`);
    }
  });
});
