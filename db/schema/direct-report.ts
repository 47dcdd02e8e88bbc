/**
 * Direct reporting points (直报点, issue 13 §3): the reminders (提示提醒) a county commission
 * publishes for its village discipline members and supervision liaisons (role `liaison`). A
 * reminder is public-only text — what to watch for, what to remind people of — and is retired,
 * never deleted, so what was shown on a day stays explainable.
 *
 * Filings made at a direct reporting point are ordinary complaints with `complaints.channel =
 * 'direct_point'`; nothing links a complaint to the liaison who typed it (db/schema/complaints.ts).
 */
import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';

export const liaisonReminders = pgTable(
  'liaison_reminders',
  {
    id: text('id').primaryKey(),
    /** The county whose commission publishes it. */
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    title: text('title').notNull(),
    body: text('body').notNull(),
    publishedOn: date('published_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    retiredOn: date('retired_on', { mode: 'string' }),
    retiredBy: text('retired_by').references(() => users.id),
  },
  (t) => [
    index('liaison_reminders_county_idx').on(t.countyCode, t.retiredOn),
    check('liaison_reminders_title_length', sql`char_length(${t.title}) between 4 and 60`),
    check('liaison_reminders_body_length', sql`char_length(${t.body}) between 10 and 1000`),
    check('liaison_reminders_retired_pair', sql`(${t.retiredOn} is null) = (${t.retiredBy} is null)`),
  ],
);

export type LiaisonReminderRow = typeof liaisonReminders.$inferSelect;
