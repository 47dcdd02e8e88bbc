/**
 * One run at a time of a periodic job across every instance that shares the database. The run takes
 * the job's lease row for `ms` (insert, or take over a lease that has run out), does its work, and
 * gives the lease back; a run that finds the lease held does nothing. Unlike an advisory lock, a
 * lease needs no open transaction or dedicated connection while the work waits on the network, and a
 * holder that crashes loses it when it runs out.
 */
import { and, eq, sql } from 'drizzle-orm';
import { jobLeases } from '../../../db/schema/job-leases.ts';
import type { DbOrTx } from './db.ts';

/** `work()`'s value, or `undefined` when another run holds the lease. */
export async function withLease<T>(db: DbOrTx, name: string, ms: number, work: () => Promise<T>): Promise<T | undefined> {
  const holder = crypto.randomUUID();
  const until = sql`now() + ${`${Math.ceil(ms / 1000)} seconds`}::interval`;
  const taken = await db
    .insert(jobLeases)
    .values({ name, holder, until })
    .onConflictDoUpdate({ target: jobLeases.name, set: { holder, until }, setWhere: sql`${jobLeases.until} < now()` })
    .returning({ holder: jobLeases.holder });
  if (taken[0]?.holder !== holder) return undefined;
  try {
    return await work();
  } finally {
    await db.update(jobLeases).set({ until: sql`now()` }).where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
  }
}
