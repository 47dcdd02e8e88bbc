/**
 * Daily supervision of the ten key-personnel categories (issue 13 §5; the list is SUBJECT_ROLES in
 * src/lib/server/complaints/model.ts): a commission records each act of reminding or talking
 * (提醒谈话, 咬耳扯袖) — the day, the place, the category of the official, the kind of act, a short
 * note and who did it. This is a record of the act, not a personnel database: the person talked
 * to is never named, only their category and place.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';

/** 提醒 · 谈话 · 函询 · 批评教育. */
export const SUPERVISION_ACT_KINDS = ['reminder', 'talk', 'letter', 'criticism'] as const;
export type SupervisionActKind = (typeof SUPERVISION_ACT_KINDS)[number];

export const supervisionActs = pgTable(
  'supervision_acts',
  {
    id: text('id').primaryKey(),
    /** The commission that recorded it (its area: city, county or township). */
    commissionCode: text('commission_code')
      .notNull()
      .references(() => areas.code),
    /** Where: a township or village (or the county itself) inside the commission's area. */
    areaCode: text('area_code')
      .notNull()
      .references(() => areas.code),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    /** Index into SUBJECT_ROLES (0–9): the category of the official, never their name. */
    category: smallint('category').notNull(),
    kind: text('kind', { enum: SUPERVISION_ACT_KINDS }).notNull(),
    /** Who did it, by office (乡镇纪委书记, 县纪委监委第二监督检查室), not necessarily the account. */
    conductedBy: text('conducted_by').notNull(),
    note: text('note').notNull(),
    recordedBy: text('recorded_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('supervision_acts_commission_idx').on(t.commissionCode, t.heldOn),
    // The integrity picture counts a village's acts of the last year.
    index('supervision_acts_area_idx').on(t.areaCode, t.heldOn),
    check('supervision_acts_category_range', sql`${t.category} between 0 and 9`),
    check('supervision_acts_kind', sql`${t.kind} in ('reminder', 'talk', 'letter', 'criticism')`),
    check('supervision_acts_note_length', sql`char_length(${t.note}) between 4 and 300`),
    check('supervision_acts_conducted_by_length', sql`char_length(${t.conductedBy}) between 2 and 40`),
  ],
);

export type SupervisionActRow = typeof supervisionActs.$inferSelect;
