/**
 * What sits around a village's disclosure without being part of its hashed content: the answers
 * given to its red flags before signing, the commission's supervision opinions and the agency's
 * answers, the disclosure cadence the township sets for each village, and major matters disclosed
 * at once. Opinions, answers, flag answers and published notices are append-only (migration
 * `supervision_append_only`): they are the period's history, not drafts.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { disclosures } from './accounts.ts';
import { areas } from './areas.ts';
import { users } from './auth.ts';

/**
 * An answer to one red flag of a period, by the cadre (before submitting) or the supervisor (before
 * countersigning). `flagKey` names the flag (kind and lines, `flags.ts` flagKey). A later answer to
 * the same flag by the same role supersedes the earlier one, which stays.
 */
export const flagAnswers = pgTable(
  'flag_answers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    flagKey: text('flag_key').notNull(),
    role: text('role', { enum: ['cadre', 'supervisor'] }).notNull(),
    body: text('body').notNull(),
    answeredBy: text('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('flag_answers_disclosure_idx').on(t.disclosureId, t.flagKey, t.role, t.id)],
);

/** A commission's supervision opinion (监督意见) on a period or one of its entries, addressed to the township agency. */
export const supervisionOpinions = pgTable(
  'supervision_opinions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    /** The entry (line number in the period) the opinion is about, if it is about one; a line number, not a key, so a draft's cadre can still delete the entry. */
    lineNo: integer('line_no'),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    body: text('body').notNull(),
    /** The agency answers by this day (Asia/Shanghai); unanswered after it, the opinion is overdue. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    raisedBy: text('raised_by').references(() => users.id),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('supervision_opinions_village_idx').on(t.villageCode, t.raisedAt), index('supervision_opinions_disclosure_idx').on(t.disclosureId)],
);

/** The agency's answer to an opinion. One per opinion: the answer is part of the public record. */
export const opinionAnswers = pgTable(
  'opinion_answers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    opinionId: integer('opinion_id')
      .notNull()
      .references(() => supervisionOpinions.id),
    body: text('body').notNull(),
    answeredBy: text('answered_by').references(() => users.id),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('opinion_answers_opinion').on(t.opinionId)],
);

export const CADENCES = ['quarterly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

/** A village's disclosure cadence as its township agency set it; villages without a row follow DISCLOSURE_CADENCE. */
export const villageCadences = pgTable('village_cadences', {
  villageCode: text('village_code')
    .primaryKey()
    .references(() => areas.code),
  cadence: text('cadence', { enum: CADENCES }).notNull(),
  setBy: text('set_by').references(() => users.id),
  setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A major matter (重大事项) disclosed at once: a snapshot of one funds entry, reported by the cadre
 * and made public when the village supervision committee countersigns it — without waiting for the
 * period. Published notices never change; the entry itself is disclosed again with its period.
 */
export const majorMatters = pgTable(
  'major_matters',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    villageCode: text('village_code')
      .notNull()
      .references(() => areas.code),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    /** The entry's line number in its period when reported (the snapshot below is what was published). */
    lineNo: integer('line_no').notNull(),
    entryDate: date('entry_date', { mode: 'string' }).notNull(),
    direction: text('direction', { enum: ['income', 'expense'] }).notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    subject: text('subject').notNull(),
    summary: text('summary').notNull(),
    counterparty: text('counterparty').notNull(),
    decisionRef: text('decision_ref'),
    status: text('status', { enum: ['pending', 'published'] }).notNull().default('pending'),
    reportedBy: text('reported_by').references(() => users.id),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: text('published_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    index('major_matters_village_idx').on(t.villageCode, t.status, t.entryDate),
    check('major_matters_amount_positive', sql`${t.amountFen} > 0`),
    check('major_matters_published', sql`${t.status} <> 'published' or ${t.publishedAt} is not null`),
  ],
);

export type FlagAnswerRow = typeof flagAnswers.$inferSelect;
export type SupervisionOpinionRow = typeof supervisionOpinions.$inferSelect;
export type OpinionAnswerRow = typeof opinionAnswers.$inferSelect;
export type MajorMatterRow = typeof majorMatters.$inferSelect;
