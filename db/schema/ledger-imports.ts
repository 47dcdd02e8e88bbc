import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { disclosures } from './accounts.ts';
import { users } from './auth.ts';

/**
 * A previewed funds import waiting for the bookkeeper's confirmation (src/lib/server/accounts/import/apply.ts):
 * the checked rows of the uploaded file, bound to the file's SHA-256 and to the state of the draft
 * the preview was computed from. The confirmation (a second POST, no JavaScript needed) names the
 * row by its random token; it is written only if the draft is still in that state. Rows are
 * short-lived: deleted when confirmed, refused and forgotten after `expires_at`.
 */
export const ledgerImportPreviews = pgTable(
  'ledger_import_previews',
  {
    /** Random, 32 bytes in base64url: the confirmation form's hidden `token`. */
    token: text('token').primaryKey(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id, { onDelete: 'cascade' }),
    /** Only the person who previewed may confirm. */
    actorId: text('actor_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: ['add', 'replace'] }).notNull(),
    fileName: text('file_name').notNull(),
    fileSha256: text('file_sha256').notNull(),
    /** SHA-256 of the draft's funds entries, their vouchers and the opening balance when previewed. */
    draftState: text('draft_state').notNull(),
    /** The checked rows and the notices shown with them. */
    rows: jsonb('rows').notNull(),
    notices: jsonb('notices').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ledger_import_previews_expires_idx').on(t.expiresAt), check('ledger_import_previews_mode', sql`${t.mode} in ('add', 'replace')`)],
);

export type LedgerImportPreviewRow = typeof ledgerImportPreviews.$inferSelect;
