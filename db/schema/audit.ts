import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only record of every privileged action. The database refuses UPDATE, DELETE and
 * TRUNCATE (migration `audit_append_only`). `scopeCode` is the area the action concerns, so a
 * commission user sees the entries inside their scope and nothing else.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Null for the system (seed, start-up) and the command line. */
    actorId: text('actor_id'),
    /** The actor's username at the time, kept so the entry reads the same if the account changes. */
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    /** Null for installation-wide actions (catalog, administrators), which only administrators see. */
    scopeCode: text('scope_code'),
    reason: text('reason'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_events_scope_at_idx').on(t.scopeCode, t.at),
    index('audit_events_at_idx').on(t.at),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
