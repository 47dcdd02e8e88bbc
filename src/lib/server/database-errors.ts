/**
 * Which failures mean "the database is away", as opposed to a fault in a page (issue 16 item 4).
 * When PostgreSQL restarts, its connection drops or it is still starting up, every page that needs
 * it fails, and so does every write when the disk under the database is full. Those are answered
 * with 503 and Retry-After (src/pages/500.astro), not the 500 of a bug: nothing was saved, and
 * trying again later is the right thing to do. postgres.js reconnects by itself on the next query.
 *
 * drizzle wraps the driver's error (DrizzleQueryError, "Failed query: …") with the driver's as its
 * cause, so the chain is followed a few links down.
 */

/** `database`: not reachable, or not accepting queries; `storage`: reachable, but it cannot write. */
export type Unavailable = 'database' | 'storage';

/** postgres.js's own codes for a connection that is gone, and Node's for one that never came. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATEs of a server that is going or coming (57P01 admin_shutdown: a restart ended the session;
 * 57P02 crash_shutdown; 57P03 cannot_connect_now: still starting up; 53300 too_many_connections).
 * Class 08 (connection exception) is matched as a class.
 */
const SERVER_AWAY_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** 53100 disk_full (PostgreSQL and PGlite alike: "could not extend file …"), ENOSPC from Node. */
const STORAGE_CODES = new Set(['53100', 'ENOSPC']);

const MAX_DEPTH = 5;

export function unavailableReason(error: unknown): Unavailable | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (STORAGE_CODES.has(code)) return 'storage';
      if (CONNECTION_CODES.has(code) || SERVER_AWAY_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'database';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Seconds a client is asked to wait: a restart is over in seconds; a full disk needs a person. */
export const RETRY_AFTER_SECONDS: Record<Unavailable, number> = { database: 10, storage: 300 };
