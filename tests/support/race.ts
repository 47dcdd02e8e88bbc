/**
 * For tests: run two commands that lock the same row at the same moment, in a chosen order. On
 * PostgreSQL the helper first takes the row lock itself (`lock`, a `SELECT … FOR UPDATE` inside
 * the transaction it is given) and releases it only once both commands are queued behind it,
 * `first` ahead of `second`, which forces that interleaving; on PGlite (one connection)
 * transactions run one after the other in the order they were started.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../src/lib/server/db.ts';
import type { TestDatabase } from './test-db.ts';

/** Resolves once `waiting` sessions are queued for a lock in this test's database (PostgreSQL only). */
async function lockWaiters(test: TestDatabase, waiting: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (row!.n >= waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${waiting} sessions waiting for the row lock`);
}

export async function raceBehindLock<A, B>(test: TestDatabase, lock: (tx: DbOrTx) => PromiseLike<unknown>, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  if (test.driver === 'pglite') return Promise.all([first(), second()]);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const holder = test.db.transaction(async (tx) => {
    await lock(tx);
    locked();
    await held;
  });
  await lockTaken;
  const one = first();
  await lockWaiters(test, 1);
  const two = second();
  await lockWaiters(test, 2);
  release();
  await holder;
  return Promise.all([one, two]);
}
