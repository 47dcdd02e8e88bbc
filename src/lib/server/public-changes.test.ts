/**
 * The "something public changed" notification that empties every instance's front cache: delivered
 * when the publishing transaction commits, never for one that rolls back, and sent by publishing a
 * county list.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { createDraftList, publishList } from './county-lists/index.ts';
import { announcePublicChange, PUBLIC_CHANGED_CHANNEL } from './public-changes.ts';

let test: TestDatabase;
let heard = 0;
let stop: () => Promise<void>;

/** Notifications arrive asynchronously after the commit: give them a moment. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

beforeAll(async () => {
  test = await createTestDatabase();
  stop = await test.listen(PUBLIC_CHANGED_CHANNEL, () => {
    heard += 1;
  });
});
afterAll(async () => {
  await stop?.();
  await test?.dispose();
});

describe('announcePublicChange', () => {
  it('is heard once the transaction commits', async () => {
    const before = heard;
    await test.db.transaction(async (tx) => {
      await announcePublicChange(tx);
    });
    await settle();
    expect(heard).toBe(before + 1);
  });

  it('is never heard for a transaction that rolls back', async () => {
    const before = heard;
    await expect(
      test.db.transaction(async (tx) => {
        await announcePublicChange(tx);
        throw new Error('审核未通过，回滚');
      }),
    ).rejects.toThrow('回滚');
    await settle();
    expect(heard).toBe(before);
  });

  it('is sent by publishing a county list', async () => {
    const draft = await createDraftList(test.db, '990221000000', [{ itemCode: 'SP-01' }]);
    if (!draft.ok) throw new Error(draft.errors.join('; '));
    const before = heard;
    const published = await publishList(test.db, draft.value.listId, { effectiveOn: '2026-12-01', publishedBy: 'test' });
    expect(published.ok).toBe(true);
    await settle();
    expect(heard).toBe(before + 1);
  });
});

// PGlite's LISTEN lives in the process: there is no session to lose.
describe.runIf(inject('dbTarget').driver === 'postgres')('the subscription, when PostgreSQL ends its session', () => {
  it('comes back by itself, counting its return as a change (what was sent meanwhile is lost), and hears the next one', async () => {
    const { default: postgres } = await import('postgres');
    const admin = postgres(test.url!, { max: 1, onnotice: () => {} });
    try {
      const database = new URL(test.url!).pathname.slice(1);
      const listener = async () =>
        admin<Array<{ pid: number }>>`select pid from pg_stat_activity where datname = ${database} and query ilike ${`listen "${PUBLIC_CHANGED_CHANNEL}"`}`;
      const [before] = await listener();
      expect(before).toBeDefined();
      const heardBefore = heard;
      await admin`select pg_terminate_backend(${before!.pid})`;
      for (let i = 0; i < 100 && heard === heardBefore; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toBe(heardBefore + 1);
      const [after] = await listener();
      expect(after?.pid).not.toBe(before!.pid);
      await test.db.transaction(async (tx) => announcePublicChange(tx));
      await settle();
      expect(heard).toBe(heardBefore + 2);
    } finally {
      await admin.end();
    }
  });
});
