/**
 * Collaboration zones that work (片区协作, issue 13 §4): who sits in a zone (staff accounts), every
 * change to a zone as a recorded step, the tasks the county gives a zone, the cross-checks it
 * schedules (地地交叉检查) and their findings, and the per-zone assessment (考核到片): base targets per
 * period and each case's contribution shares. History tables (zone_changes, zone_cross_check_findings)
 * are append-only by use: the domain only inserts into them.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';
import { complaints, zones } from './complaints.ts';
import { supervisionOpinions } from './supervision.ts';

export const ZONE_POSTS = ['head', 'deputy', 'liaison'] as const;
export type ZonePost = (typeof ZONE_POSTS)[number];

/** A zone's members today: one head, one or two deputies, one liaison (checked by the domain, zones/members.ts). */
export const zoneMembers = pgTable(
  'zone_members',
  {
    zoneId: text('zone_id')
      .notNull()
      .references(() => zones.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    post: text('post', { enum: ZONE_POSTS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.zoneId, t.userId] }), index('zone_members_user_idx').on(t.userId)],
);

/** What a zone was after each change: name, townships and members (ids and the names shown then). */
export interface ZoneSnapshot {
  name: string;
  townshipCodes: string[];
  members: { userId: string; post: ZonePost; displayName: string }[];
}

/** One recorded step of a zone's history (set up, edited). Never updated or deleted. */
export const zoneChanges = pgTable(
  'zone_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    zoneId: text('zone_id')
      .notNull()
      .references(() => zones.id),
    kind: text('kind', { enum: ['created', 'edited'] }).notNull(),
    snapshot: jsonb('snapshot').$type<ZoneSnapshot>().notNull(),
    changedBy: text('changed_by').references(() => users.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('zone_changes_zone_idx').on(t.zoneId, t.id)],
);

export const ZONE_TASK_KINDS = ['inspection', 'clue', 'investigation'] as const;
export type ZoneTaskKind = (typeof ZONE_TASK_KINDS)[number];

/**
 * A task the county commission gives a zone: 监督检查 (inspection), 问题线索处置 (clue), 根据授权开展审查调查
 * (investigation). The subject is free text, optionally a village (the hook escalated supervision
 * of a village uses) or a case the county holds. A member of the zone records the result once.
 */
export const zoneTasks = pgTable(
  'zone_tasks',
  {
    id: text('id').primaryKey(),
    zoneId: text('zone_id')
      .notNull()
      .references(() => zones.id),
    kind: text('kind', { enum: ZONE_TASK_KINDS }).notNull(),
    subject: text('subject').notNull(),
    villageCode: text('village_code').references(() => areas.code),
    complaintId: text('complaint_id').references(() => complaints.id),
    assignedOn: date('assigned_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    assignedBy: text('assigned_by').references(() => users.id),
    result: text('result'),
    resultOn: date('result_on', { mode: 'string' }),
    resultBy: text('result_by').references(() => users.id),
  },
  (t) => [
    index('zone_tasks_zone_idx').on(t.zoneId, t.dueOn),
    check('zone_tasks_due_after_assigned', sql`${t.dueOn} >= ${t.assignedOn}`),
    check('zone_tasks_result_whole', sql`(${t.result} is null) = (${t.resultOn} is null)`),
  ],
);

/**
 * A cross-check (地地交叉检查): the county schedules a zone or a township commission to inspect
 * another township's matters, never its own (回避, checked by the domain, zones/cross-checks.ts).
 */
export const zoneCrossChecks = pgTable(
  'zone_cross_checks',
  {
    id: text('id').primaryKey(),
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    inspectingZoneId: text('inspecting_zone_id').references(() => zones.id),
    inspectingTownshipCode: text('inspecting_township_code').references(() => areas.code),
    inspectedTownshipCode: text('inspected_township_code')
      .notNull()
      .references(() => areas.code),
    subject: text('subject').notNull(),
    scheduledOn: date('scheduled_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    scheduledBy: text('scheduled_by').references(() => users.id),
  },
  (t) => [
    index('zone_cross_checks_county_idx').on(t.countyCode, t.dueOn),
    check('zone_cross_checks_one_inspector', sql`(${t.inspectingZoneId} is null) <> (${t.inspectingTownshipCode} is null)`),
    check('zone_cross_checks_not_own', sql`${t.inspectingTownshipCode} is null or ${t.inspectingTownshipCode} <> ${t.inspectedTownshipCode}`),
  ],
);

/**
 * A finding of a cross-check, with what it led to: a supervision opinion (raised with the finding, or
 * an existing one named), a case opened with it through the one intake (channel `cross_check`), or
 * a note of a case the commission opened otherwise.
 */
export const zoneCrossCheckFindings = pgTable(
  'zone_cross_check_findings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    crossCheckId: text('cross_check_id')
      .notNull()
      .references(() => zoneCrossChecks.id),
    body: text('body').notNull(),
    opinionId: integer('opinion_id').references(() => supervisionOpinions.id),
    /** A case opened on the finding, named as the commission files it (its case number or a note). */
    caseNote: text('case_note'),
    /** The case opened with the finding (channel `cross_check`). */
    complaintId: text('complaint_id').references(() => complaints.id),
    recordedBy: text('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('zone_cross_check_findings_check_idx').on(t.crossCheckId, t.id)],
);

/** A zone's base targets (基础任务指标) for one period: `2026` (a year) or `2026Q4` (a quarter). */
export const zoneTargets = pgTable(
  'zone_targets',
  {
    zoneId: text('zone_id')
      .notNull()
      .references(() => zones.id),
    period: text('period').notNull(),
    tasks: integer('tasks').notNull(),
    cases: integer('cases').notNull(),
    setBy: text('set_by').references(() => users.id),
    setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.zoneId, t.period] }),
    check('zone_targets_period', sql`${t.period} ~ '^[0-9]{4}(Q[1-4])?$'`),
    check('zone_targets_non_negative', sql`${t.tasks} >= 0 and ${t.cases} >= 0`),
  ],
);

/**
 * A case's contribution shares (贡献率) among the zones that worked on it, in whole percent; the
 * domain refuses a set that does not sum to 100.
 */
export const zoneCaseShares = pgTable(
  'zone_case_shares',
  {
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    zoneId: text('zone_id')
      .notNull()
      .references(() => zones.id),
    percent: integer('percent').notNull(),
    recordedBy: text('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.zoneId] }), check('zone_case_shares_percent', sql`${t.percent} > 0 and ${t.percent} <= 100`)],
);

export type ZoneMemberRow = typeof zoneMembers.$inferSelect;
export type ZoneTaskRow = typeof zoneTasks.$inferSelect;
export type ZoneCrossCheckRow = typeof zoneCrossChecks.$inferSelect;
export type ZoneTargetRow = typeof zoneTargets.$inferSelect;
