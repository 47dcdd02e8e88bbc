import { sql } from 'drizzle-orm';
import { boolean, date, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { complaints } from './complaints.ts';

/** What a staff member is told (notify/inbox.ts): the case's step that waits for them. */
export const STAFF_NOTICE_KINDS = ['handedDown', 'reportWaiting', 'approvalWaiting', 'proposalApproved', 'proposalRejected', 'objection', 'forwarded'] as const;
/** pending: not yet in a digest; sent: delivered in one; skipped: nowhere to send it (no channel or no contact). */
export const STAFF_NOTICE_OUTBOUND = ['pending', 'sent', 'skipped'] as const;

/**
 * The in-app inbox of every staff account. A row is written in the transaction of the step that
 * puts work in front of the user, so it exists exactly when the step does. Dates only and random
 * ids, like every complaint table: an objection is a citizen's step, and a time or a counter here
 * would date it finer than the day. One unread notice of a kind per user and case (a second
 * identical step adds nothing). The digest job (notify/inbox.ts) sends the pending ones.
 */
export const staffNotices = pgTable(
  'staff_notices',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    kind: text('kind', { enum: STAFF_NOTICE_KINDS }).notNull(),
    on: date('on', { mode: 'string' }).notNull(),
    read: boolean('read').notNull().default(false),
    outbound: text('outbound', { enum: STAFF_NOTICE_OUTBOUND }).notNull().default('pending'),
  },
  (t) => [
    index('staff_notices_user_idx').on(t.userId, t.read, t.on),
    index('staff_notices_pending_idx').on(t.userId).where(sql`${t.outbound} = 'pending'`),
    uniqueIndex('staff_notices_one_unread').on(t.userId, t.complaintId, t.kind).where(sql`not ${t.read}`),
  ],
);

export type StaffNoticeRow = typeof staffNotices.$inferSelect;
