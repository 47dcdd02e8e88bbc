/**
 * Escalated supervision of villages (三资提级监督, issue 13 §1): a county or city commission
 * designates a village of its scope with a reason, a start and a review date; a leader (书记提级包联)
 * is assigned and records visits and notes; each quarter the commission writes a judgement (研判意见)
 * with a snapshot of the figures it was based on.
 *
 * History is kept: a designation is never deleted; ending it sets its end fields once (the trigger
 * refuses any other change), and every step is a row of `escalated_events`. Events and judgements
 * are append-only (migration `escalated_supervision`).
 */
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';

export const escalatedDesignations = pgTable(
  'escalated_designations',
  {
    id: text('id').primaryKey(),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    /** The designating commission's area (a county or city). */
    commissionCode: text('commission_code')
      .notNull()
      .references(() => areas.code),
    reason: text('reason').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    reviewOn: date('review_on', { mode: 'string' }).notNull(),
    /** The 包联 leader now assigned (the history is in escalated_events). */
    leaderId: text('leader_id').references(() => users.id),
    designatedBy: text('designated_by').references(() => users.id),
    designatedAt: timestamp('designated_at', { withTimezone: true }).notNull().defaultNow(),
    endedOn: date('ended_on', { mode: 'string' }),
    endReason: text('end_reason'),
    endedBy: text('ended_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('escalated_designations_active_village').on(t.villageCode).where(sql`${t.endedOn} is null`),
    index('escalated_designations_commission_idx').on(t.commissionCode, t.villageCode),
    check('escalated_designations_review_after_start', sql`${t.reviewOn} >= ${t.startsOn}`),
  ],
);

export const ESCALATED_EVENT_KINDS = ['designated', 'ended', 'leaderAssigned', 'visit', 'note'] as const;
export type EscalatedEventKind = (typeof ESCALATED_EVENT_KINDS)[number];

/** Every step of a designation: designated, ended, leader assigned, a visit, a supervision note. */
export const escalatedEvents = pgTable(
  'escalated_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    designationId: text('designation_id')
      .notNull()
      .references(() => escalatedDesignations.id),
    kind: text('kind', { enum: ESCALATED_EVENT_KINDS }).notNull(),
    /** The day a visit took place (Asia/Shanghai); null for other kinds. */
    occurredOn: date('occurred_on', { mode: 'string' }),
    body: text('body').notNull(),
    /** For leaderAssigned: the leader. */
    leaderId: text('leader_id').references(() => users.id),
    actorId: text('actor_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('escalated_events_designation_idx').on(t.designationId, t.id)],
);

/** A quarterly judgement (政治生态提级研判) with the figures of the integrity picture it was based on. */
export const escalatedJudgements = pgTable(
  'escalated_judgements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    designationId: text('designation_id')
      .notNull()
      .references(() => escalatedDesignations.id),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    /** The quarter judged, e.g. 2026-Q3. */
    quarter: text('quarter').notNull(),
    body: text('body').notNull(),
    figures: jsonb('figures').$type<Record<string, unknown>>().notNull(),
    writtenBy: text('written_by').references(() => users.id),
    writtenAt: timestamp('written_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('escalated_judgements_village_idx').on(t.villageCode, t.writtenAt), check('escalated_judgements_quarter_format', sql`${t.quarter} ~ '^[0-9]{4}-Q[1-4]$'`)],
);

export type EscalatedDesignationRow = typeof escalatedDesignations.$inferSelect;
export type EscalatedEventRow = typeof escalatedEvents.$inferSelect;
export type EscalatedJudgementRow = typeof escalatedJudgements.$inferSelect;
