/**
 * Hourly housekeeping, started by the production start script once the database is ready.
 * Each job logs its own failure and never stops the others or the server.
 */
import { sweepImportPreviews } from './accounts/import/apply.ts';
import { ensureDailyHead } from './accounts/verify.ts';
import { recordDailyCheckpointSafely } from './ledger-log/checkpoints.ts';
import { deleteExpiredSessions } from './auth/sessions.ts';
import { sweepSignInFailures } from './auth/sign-in-failures.ts';
import { getConfig } from './config.ts';
import type { Db } from './db.ts';
import { notifyChannels } from './notify/channels.ts';
import { runDigestSafely } from './notify/inbox.ts';
import { describeError, logger } from './logger.ts';
import { todayInShanghai } from './time.ts';

const HOUR = 60 * 60 * 1000;

export interface HourlyJobs {
  /**
   * Starts no further rounds, and resolves when the rounds running now have finished: the server
   * calls it on SIGTERM and closes the database only after (a round cut off by the closing pool
   * would log failed queries and could leave its work half done).
   */
  stop(): Promise<void>;
}

/** Runs every job once now (awaited), then every hour; the timer never keeps the process alive. */
export async function startHourlyJobs(db: Db): Promise<HourlyJobs> {
  const running = new Set<Promise<unknown>>();
  const tracked = (round: () => Promise<unknown>) => () => {
    const promise: Promise<unknown> = round().finally(() => running.delete(promise));
    running.add(promise);
  };
  // Expired sessions and import previews are refused on use anyway; this only keeps the tables small.
  const sweep = () =>
    Promise.all([deleteExpiredSessions(db), sweepSignInFailures(db), sweepImportPreviews(db)]).catch((error: unknown) => logger.warn(describeError(error), 'session sweep failed'));
  // The province-wide head hash is fixed once a day; the first check after midnight records it.
  const recordHead = () => ensureDailyHead(db, todayInShanghai()).catch((error: unknown) => logger.warn(describeError(error), 'head hash failed'));
  // The ledger log's signed checkpoint, likewise once a day; witnesses fetch it from /ledgers/checkpoint.
  const recordCheckpoint = () => recordDailyCheckpointSafely(db, todayInShanghai());
  const runAll = () => Promise.all([sweep(), recordHead(), recordCheckpoint()]);
  await runAll();
  const timers = [setInterval(tracked(runAll), HOUR).unref()];
  // Staff notice digests: one message per person per round, when a channel is configured.
  const { notify, publicOrigin, port } = getConfig();
  const channels = notifyChannels(notify);
  if (channels.smtp || channels.webhook) {
    const origin = publicOrigin ?? `http://localhost:${port}`;
    timers.push(setInterval(tracked(() => runDigestSafely(db, channels, origin)), notify.digestIntervalMs).unref());
  }
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all([...running]);
    },
  };
}
