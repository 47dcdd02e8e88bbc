import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who runs a periodic job now, when several instances share the database (src/lib/server/job-leases.ts).
 * A lease is a row with an end time, not a lock held by an open transaction, so a job that waits on
 * the network (the staff digest sending mail) holds no transaction and no connection meanwhile, and a
 * crashed holder's lease simply runs out.
 */
export const jobLeases = pgTable('job_leases', {
  name: text('name').primaryKey(),
  /** A random id of the run holding the lease. */
  holder: text('holder').notNull(),
  until: timestamp('until', { withTimezone: true }).notNull(),
});
