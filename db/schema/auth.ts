import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { livelihoodDepartments } from './livelihood.ts';

export const ROLES = ['admin', 'commission', 'agency', 'cadre', 'supervisor', 'department', 'liaison'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Staff accounts. A user's scope is an area of the administrative tree: everything they may see
 * or do lies inside it (prefix of the division code). Accounts are disabled, never deleted, so the
 * audit log keeps pointing at real people.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Null only for administrators, whose scope is the whole installation. */
    scopeCode: text('scope_code').references(() => areas.code),
    passwordHash: text('password_hash').notNull(),
    /** Set for accounts created or reset by someone else: the first sign-in must choose a new password. */
    mustChangePassword: boolean('must_change_password').notNull().default(true),
    /**
     * A commission account that may approve complaint decisions proposed by another (disposal,
     * decline, conclusion, identity release: the two-person rule, DESIGN.md §2).
     */
    approver: boolean('approver').notNull().default(false),
    /**
     * For a county department's account (role `department`): the department it acts for
     * (db/schema/livelihood.ts says why a department is a row and not a name on the account).
     */
    departmentId: text('department_id').references(() => livelihoodDepartments.id),
    /**
     * Where the digest of waiting work is sent: an e-mail address (SMTP) or a mobile number (the
     * webhook's SMS gateway). Validated by notify/contact.ts; never logged or put in the audit log.
     */
    contact: text('contact'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledBy: text('disabled_by'),
  },
  (t) => [
    index('users_scope_idx').on(t.scopeCode, t.role),
    check('users_username_format', sql`${t.username} ~ '^[a-z0-9][a-z0-9_.-]{2,31}$'`),
    check('users_scope_by_role', sql`(${t.role} = 'admin') = (${t.scopeCode} is null)`),
    check('users_approver_commission', sql`not ${t.approver} or ${t.role} = 'commission'`),
    check('users_department_by_role', sql`(${t.role} = 'department') = (${t.departmentId} is not null)`),
    check('users_contact_length', sql`length(${t.contact}) <= 254`),
  ],
);

/**
 * Sessions the Lucia way: the cookie holds a random token, the database only its SHA-256 (the id),
 * so a leaked sessions table cannot be replayed. Sliding expiry within an absolute lifetime.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
