/**
 * The suspect workflow of livelihood payments (issue 14 item 5, 疑点核查): a cross-check hit the
 * county commission sends to the paying department becomes a suspect — checked by the department
 * by a deadline, answered (confirmed or explained), reviewed by the commission (accepted or sent
 * back), corrected when confirmed (整改: payment stopped, amount to recover and recovered) and
 * closed with the commission's feedback. A hit not yet sent has no suspect row.
 *
 * `livelihood_suspect_steps` is the history, append-only (a trigger refuses update, delete and
 * truncate); `livelihood_suspects` holds the current state each step sets in the same transaction,
 * so lists filter by state and deadline through an index. Suspects are never deleted.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { livelihoodHits, type HitRule } from './livelihood-checks.ts';
import { livelihoodDepartments } from './livelihood.ts';

export const SUSPECT_STATES = ['sent', 'answered', 'returned', 'correcting', 'corrected', 'closed'] as const;
export type SuspectState = (typeof SUSPECT_STATES)[number];
export const SUSPECT_ANSWERS = ['confirmed', 'explained'] as const;
export type SuspectAnswer = (typeof SUSPECT_ANSWERS)[number];
export const SUSPECT_STEP_KINDS = ['sent', 'answered', 'accepted', 'returned', 'corrected', 'closed'] as const;
export type SuspectStepKind = (typeof SUSPECT_STEP_KINDS)[number];

export const livelihoodSuspects = pgTable(
  'livelihood_suspects',
  {
    id: text('id').primaryKey(),
    hitId: bigint('hit_id', { mode: 'number' })
      .notNull()
      .unique('livelihood_suspects_hit')
      .references(() => livelihoodHits.id),
    /** Copied from the hit, for the lists' indexes. */
    countyCode: text('county_code').notNull(),
    departmentId: text('department_id')
      .notNull()
      .references(() => livelihoodDepartments.id),
    rule: text('rule').$type<HitRule>().notNull(),
    state: text('state', { enum: SUSPECT_STATES }).notNull(),
    /** The day the department must answer by (set when sent, and again when sent back), or correct by once a confirmed answer is accepted. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    /** The department's latest answer. */
    answer: text('answer', { enum: SUSPECT_ANSWERS }),
    /** The latest correction (整改). */
    paymentStopped: boolean('payment_stopped'),
    toRecoverFen: bigint('to_recover_fen', { mode: 'number' }),
    recoveredFen: bigint('recovered_fen', { mode: 'number' }),
    sentBy: text('sent_by')
      .notNull()
      .references(() => users.id),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('livelihood_suspects_county_idx').on(t.countyCode, t.state, t.dueOn),
    index('livelihood_suspects_department_idx').on(t.departmentId, t.state, t.dueOn),
    check('livelihood_suspects_state', sql`${t.state} in ('sent', 'answered', 'returned', 'correcting', 'corrected', 'closed')`),
    check('livelihood_suspects_answer', sql`${t.answer} is null or ${t.answer} in ('confirmed', 'explained')`),
    check('livelihood_suspects_recovery', sql`(${t.toRecoverFen} is null or ${t.toRecoverFen} >= 0) and (${t.recoveredFen} is null or (${t.recoveredFen} >= 0 and ${t.recoveredFen} <= coalesce(${t.toRecoverFen}, 0)))`),
    check('livelihood_suspects_closed', sql`(${t.state} = 'closed') = (${t.closedAt} is not null)`),
  ],
);

export const livelihoodSuspectSteps = pgTable(
  'livelihood_suspect_steps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    suspectId: text('suspect_id')
      .notNull()
      .references(() => livelihoodSuspects.id),
    kind: text('kind', { enum: SUSPECT_STEP_KINDS }).notNull(),
    actorId: text('actor_id')
      .notNull()
      .references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The instruction, the answer, the reason for sending back, the correction's note or the feedback. */
    body: text('body'),
    /** The evidence the department names with its answer (documents, their numbers, who was asked). */
    evidence: text('evidence'),
    /** sent, returned, accepted: the deadline set (to answer, to answer again, to correct). */
    dueOn: date('due_on', { mode: 'string' }),
    /** answered: confirmed or explained. */
    answer: text('answer', { enum: SUSPECT_ANSWERS }),
    /** corrected: the payment stopped, the amount to recover and recovered so far. */
    paymentStopped: boolean('payment_stopped'),
    toRecoverFen: bigint('to_recover_fen', { mode: 'number' }),
    recoveredFen: bigint('recovered_fen', { mode: 'number' }),
  },
  (t) => [
    index('livelihood_suspect_steps_suspect_idx').on(t.suspectId, t.id),
    check('livelihood_suspect_steps_kind', sql`${t.kind} in ('sent', 'answered', 'accepted', 'returned', 'corrected', 'closed')`),
    // A deadline is set by sending, by sending back, and by accepting a confirmed answer (the day to correct by).
    check('livelihood_suspect_steps_due', sql`(${t.kind} in ('sent', 'returned', 'accepted')) = (${t.dueOn} is not null)`),
    check('livelihood_suspect_steps_answer', sql`(${t.kind} = 'answered') = (${t.answer} is not null)`),
    check('livelihood_suspect_steps_correction', sql`(${t.kind} = 'corrected') = (${t.paymentStopped} is not null and ${t.toRecoverFen} is not null and ${t.recoveredFen} is not null)`),
  ],
);

export type LivelihoodSuspectRow = typeof livelihoodSuspects.$inferSelect;
export type LivelihoodSuspectStepRow = typeof livelihoodSuspectSteps.$inferSelect;
