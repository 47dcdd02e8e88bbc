import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { jobLeases } from '../../../db/schema/job-leases.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { withLease } from './job-leases.ts';

let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('job leases', () => {
  it('lets one run at a time do the work, and the next one after it', async () => {
    let inner: string | undefined = 'not run';
    const outer = await withLease(test.db, 'digest-a', 60_000, async () => {
      inner = await withLease(test.db, 'digest-a', 60_000, async () => 'second');
      return 'first';
    });
    expect([outer, inner]).toEqual(['first', undefined]);
    expect(await withLease(test.db, 'digest-a', 60_000, async () => 'again')).toBe('again');
  });

  it('gives the lease back when the work fails', async () => {
    await expect(withLease(test.db, 'digest-b', 60_000, async () => Promise.reject(new Error('relay down')))).rejects.toThrow('relay down');
    expect(await withLease(test.db, 'digest-b', 60_000, async () => 'after a failure')).toBe('after a failure');
  });

  it('takes over a lease that ran out (a holder that crashed), never one still running', async () => {
    await test.db.insert(jobLeases).values({ name: 'digest-c', holder: 'crashed-run', until: sql`now() + interval '5 minutes'` });
    expect(await withLease(test.db, 'digest-c', 60_000, async () => 'too early')).toBeUndefined();
    await test.db.update(jobLeases).set({ until: sql`now() - interval '1 second'` }).where(eq(jobLeases.name, 'digest-c'));
    expect(await withLease(test.db, 'digest-c', 60_000, async () => 'taken over')).toBe('taken over');
  });

  it('gives the lease to exactly one of two runs starting together', async () => {
    const ran: string[] = [];
    const work = (who: string) => async () => (await new Promise((resolve) => setTimeout(resolve, 100)), ran.push(who), who);
    const results = await Promise.all([withLease(test.db, 'digest-d', 60_000, work('a')), withLease(test.db, 'digest-d', 60_000, work('b'))]);
    expect(ran).toHaveLength(1);
    expect(results.filter((result) => result === undefined)).toHaveLength(1);
  });
});
