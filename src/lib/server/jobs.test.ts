import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { startHourlyJobs } from './jobs.ts';

/** The session sweep of the hourly round, held open by the test: the round is "in progress" until released. */
let releaseSweep: () => void = () => undefined;
vi.mock('./auth/sessions.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('./auth/sessions.ts')>();
  let calls = 0;
  return {
    ...original,
    deleteExpiredSessions: vi.fn(async (...args: Parameters<typeof original.deleteExpiredSessions>) => {
      calls += 1;
      // The first round (at start) runs through; the next one waits for the test.
      if (calls > 1) await new Promise<void>((resolve) => (releaseSweep = resolve));
      return original.deleteExpiredSessions(...args);
    }),
  };
});

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());
afterEach(() => {
  vi.useRealTimers();
});

it('stops its timers and waits for the round in progress, so the server can close the database after it', async () => {
  // Only the intervals are fake: the rounds' database work runs for real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const jobs = await startHourlyJobs(test.db);
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(60 * 60 * 1000); // the hourly round starts, and waits in its sweep
  let stopped = false;
  const stopping = jobs.stop().then(() => {
    stopped = true;
  });
  expect(vi.getTimerCount()).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(stopped).toBe(false);
  releaseSweep();
  await stopping;
  expect(stopped).toBe(true);
  vi.advanceTimersByTime(2 * 60 * 60 * 1000);
  expect(vi.getTimerCount()).toBe(0);
});
