import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Staff sign-in failures, shared by every instance (src/lib/server/auth/sign-in-failures.ts). The key
 * is an HMAC of the rule and the username and/or client address under a secret that rotates every
 * six hours: no username or address is stored. Rows are forgotten an hour after their last failure.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull(),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
    blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  },
  (t) => [index('sign_in_failures_last_idx').on(t.lastFailureAt)],
);
