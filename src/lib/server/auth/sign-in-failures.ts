/**
 * Sign-in backoff counts in PostgreSQL, so that every instance behind a load balancer holds the same
 * limit (a guesser cannot multiply the tries by spreading them over instances). Same rule as the
 * in-memory BackoffThrottle (throttle.ts): failures beyond the free ones wait 1 s, 2 s, 4 s … up to
 * 15 minutes, and are forgotten an hour after the last one.
 *
 * Keys are HMACs under a secret derived from RECEIPT_KEY and the current six-hour period, so every
 * instance computes the same key and none is a username or an address; a count made under the
 * previous period's key is still honoured until it ages out.
 */
import { createHmac } from 'node:crypto';
import { inArray, lt, sql } from 'drizzle-orm';
import { signInFailures } from '../../../../db/schema/throttles.ts';
import { getConfig } from '../config.ts';
import { rowsOf, type Db, type DbOrTx } from '../db.ts';
import { BACKOFF_FORGET_MS, backoffDelayMs, SignInThrottle, type FailureCounts } from './throttle.ts';

const ROTATE_MS = 6 * 60 * 60 * 1000;

export class DatabaseBackoff implements FailureCounts {
  readonly #db: Db;
  readonly #freeFailures: number;
  readonly #secret: Buffer;
  readonly #now: () => number;

  constructor(db: Db, options: { freeFailures: number; secret?: Buffer; now?: () => number }) {
    this.#db = db;
    this.#freeFailures = options.freeFailures;
    this.#secret = options.secret ?? createHmac('sha256', getConfig().receiptKey).update('sign-in throttle').digest();
    this.#now = options.now ?? Date.now;
  }

  /** The keys for this value: under the current period's secret first, then the previous one's. */
  #keys(kind: string, value: string): [string, string] {
    const period = Math.floor(this.#now() / ROTATE_MS);
    const key = (p: number) => createHmac('sha256', this.#secret).update(`${p}\n${kind}\n${value}`).digest('base64url');
    return [key(period), key(period - 1)];
  }

  async retryAfter(kind: string, value: string): Promise<number> {
    const now = this.#now();
    const rows = await this.#db
      .select({ blockedUntil: signInFailures.blockedUntil })
      .from(signInFailures)
      .where(inArray(signInFailures.key, this.#keys(kind, value)));
    return Math.max(0, ...rows.map((row) => (row.blockedUntil ? row.blockedUntil.getTime() - now : 0)));
  }

  async recordFailure(kind: string, value: string): Promise<void> {
    const now = new Date(this.#now());
    const forgetBefore = new Date(now.getTime() - BACKOFF_FORGET_MS);
    const [key] = this.#keys(kind, value);
    // One statement, so two instances counting the same failure at once both count.
    const [row] = rowsOf<{ failures: number }>(
      await this.#db.execute(sql`
        insert into sign_in_failures as t (key, failures, last_failure_at)
        values (${key}, 1, ${now.toISOString()})
        on conflict (key) do update set
          failures = case when t.last_failure_at < ${forgetBefore.toISOString()} then 1 else t.failures + 1 end,
          last_failure_at = excluded.last_failure_at
        returning failures`),
    );
    const delay = backoffDelayMs(Number(row!.failures), this.#freeFailures);
    if (delay === 0) return;
    // Never lower: a failure counted just before this one may write its shorter wait after ours.
    const until = new Date(now.getTime() + delay).toISOString();
    await this.#db.execute(sql`
      update sign_in_failures
         set blocked_until = greatest(coalesce(blocked_until, ${until}::timestamptz), ${until}::timestamptz)
       where key = ${key}`);
  }

  async reset(kind: string, value: string): Promise<void> {
    await this.#db.delete(signInFailures).where(inArray(signInFailures.key, this.#keys(kind, value)));
  }
}

/** Forgets failures nobody has repeated for an hour (an hourly job; the rows only keep the table small). */
export async function sweepSignInFailures(db: DbOrTx, now = new Date()): Promise<void> {
  await db.delete(signInFailures).where(lt(signInFailures.lastFailureAt, new Date(now.getTime() - BACKOFF_FORGET_MS)));
}

/** The sign-in limits as every instance shares them. */
export function signInThrottleFor(db: Db): SignInThrottle {
  return new SignInThrottle((freeFailures) => new DatabaseBackoff(db, { freeFailures }));
}
