/**
 * Casework on a complaint beyond its own row (issue 11): where it was sent (forwarded to the
 * competent commission, handed down to a township commission, transferred to a department), the
 * departments a county may transfer to, the county's own time limits, and the two-person rule's
 * proposals. Dates only, like every complaint table: an exact time is in the audit log.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, jsonb, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';
import { complaints } from './complaints.ts';

/**
 * A unit a county commission transfers non-discipline matters to (转办): 县民政局, 县农业农村局 …
 * kept by the county commission. Units are retired, never deleted, so old transfers keep their name.
 */
export const complaintDepartments = pgTable(
  'complaint_departments',
  {
    id: text('id').primaryKey(),
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [unique('complaint_departments_county_name').on(t.countyCode, t.name)],
);

/**
 * A county's time limits for the steps it sets itself, in working days. A county without a row
 * uses the defaults in complaints/deadlines.ts.
 */
export const complaintCountySettings = pgTable(
  'complaint_county_settings',
  {
    countyCode: text('county_code')
      .primaryKey()
      .references(() => areas.code),
    handDownDays: integer('hand_down_days').notNull(),
    transferDays: integer('transfer_days').notNull(),
  },
  (t) => [
    check('complaint_county_settings_hand_down_days', sql`${t.handDownDays} between 1 and 90`),
    check('complaint_county_settings_transfer_days', sql`${t.transferDays} between 1 and 90`),
  ],
);

/**
 * forward: to the commission with jurisdiction (转送); hand_down: to a township commission (交办);
 * transfer: to a department (转办); escalate: moved one level up (提级), closed when made, with no
 * limit of its own (`due_on` is the day it was sent).
 */
export const REFERRAL_KINDS = ['forward', 'hand_down', 'transfer', 'escalate'] as const;
/** open: being worked; reported: the township's report (or the department's reply) is in; closed: accepted, or sent on (forward). */
export const REFERRAL_STATES = ['open', 'reported', 'closed'] as const;

/**
 * Where a case was sent, and what came back. A forward is closed when it is made (the case moves to
 * the receiving commission); it records the deadline it had, so a late forward shows as late. A
 * hand-down is worked by the township, reported back, and accepted (closed) or sent back (open
 * again); a transfer is closed by the department's reply. At most one hand-down or transfer is
 * open per case. `from_scope_code` is the commission that sent it: the trace in the sender's view.
 */
export const complaintReferrals = pgTable(
  'complaint_referrals',
  {
    id: text('id').primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    kind: text('kind', { enum: REFERRAL_KINDS }).notNull(),
    fromScopeCode: text('from_scope_code')
      .notNull()
      .references(() => areas.code),
    /** The receiving commission (forward) or township commission (hand_down). */
    toScopeCode: text('to_scope_code').references(() => areas.code),
    /** The receiving unit (transfer). */
    departmentId: text('department_id').references(() => complaintDepartments.id),
    sentBy: text('sent_by')
      .notNull()
      .references(() => users.id),
    sentOn: date('sent_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    state: text('state', { enum: REFERRAL_STATES }).notNull().default('open'),
    /** The township's report (承办报告) or the department's reply, the latest one. */
    report: text('report'),
    reportedOn: date('reported_on', { mode: 'string' }),
    closedOn: date('closed_on', { mode: 'string' }),
  },
  (t) => [
    index('complaint_referrals_complaint_idx').on(t.complaintId, t.sentOn),
    index('complaint_referrals_from_idx').on(t.fromScopeCode, t.sentOn),
    uniqueIndex('complaint_referrals_one_open').on(t.complaintId).where(sql`${t.state} <> 'closed'`),
    check(
      'complaint_referrals_target',
      sql`(${t.kind} = 'transfer') = (${t.departmentId} is not null) and (${t.kind} = 'transfer') = (${t.toScopeCode} is null)`,
    ),
  ],
);

/** The decisions that need two people (DESIGN.md §2). */
export const PROPOSAL_KINDS = ['decline', 'dispose', 'conclude', 'reveal'] as const;
export const PROPOSAL_STATES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

/**
 * A decision the handler proposes and an approver (a commission user with approval rights who is
 * not the handler) approves or rejects (集体研究/报批). `value` is what is decided: the disposal
 * code, the reason for declining, the public reply; `reason` is why (for an identity reveal, the
 * reason the approver reads and the audit log keeps). At most one pending proposal of a kind.
 */
export const complaintProposals = pgTable(
  'complaint_proposals',
  {
    id: text('id').primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    kind: text('kind', { enum: PROPOSAL_KINDS }).notNull(),
    value: text('value'),
    reason: text('reason'),
    /** A conclusion's measures (codes and free text); `value` holds its finding. */
    detail: jsonb('detail').$type<{ measures: string[]; measuresNote: string | null }>(),
    proposedBy: text('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedOn: date('proposed_on', { mode: 'string' }).notNull(),
    state: text('state', { enum: PROPOSAL_STATES }).notNull().default('pending'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedOn: date('decided_on', { mode: 'string' }),
    decisionNote: text('decision_note'),
  },
  (t) => [
    index('complaint_proposals_complaint_idx').on(t.complaintId, t.state),
    uniqueIndex('complaint_proposals_one_pending').on(t.complaintId, t.kind).where(sql`${t.state} = 'pending'`),
    // The two-person rule, held by the database too.
    check('complaint_proposals_two_people', sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.proposedBy}`),
  ],
);

export const OBJECTION_STATES = ['open', 'answered'] as const;
/** explained: the commission explains and the matter rests; reopened: verified again (new facts). */
export const OBJECTION_ANSWERS = ['explained', 'reopened'] as const;

/**
 * A reporter's objection (异议) to the reply on a concluded case, with reasons, and the commission's
 * answer within its limit (`due_on`). Dates only. The level above may press it (`pressed_on`).
 * `answered_by` is empty only for review requests migrated from before objections existed.
 */
export const complaintObjections = pgTable(
  'complaint_objections',
  {
    id: text('id').primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    filedOn: date('filed_on', { mode: 'string' }).notNull(),
    reasons: text('reasons').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    state: text('state', { enum: OBJECTION_STATES }).notNull().default('open'),
    answer: text('answer', { enum: OBJECTION_ANSWERS }),
    answerText: text('answer_text'),
    answeredBy: text('answered_by').references(() => users.id),
    answeredOn: date('answered_on', { mode: 'string' }),
    pressedOn: date('pressed_on', { mode: 'string' }),
  },
  (t) => [
    index('complaint_objections_complaint_idx').on(t.complaintId, t.filedOn),
    uniqueIndex('complaint_objections_one_open').on(t.complaintId).where(sql`${t.state} = 'open'`),
    check('complaint_objections_answered', sql`(${t.state} = 'answered') = (${t.answer} is not null and ${t.answeredOn} is not null)`),
  ],
);

export type ComplaintObjectionRow = typeof complaintObjections.$inferSelect;
export type ComplaintDepartmentRow = typeof complaintDepartments.$inferSelect;
export type ComplaintReferralRow = typeof complaintReferrals.$inferSelect;
export type ComplaintProposalRow = typeof complaintProposals.$inferSelect;
