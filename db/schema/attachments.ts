import { sql } from 'drizzle-orm';
import { bigint, boolean, check, customType, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { disclosures, fundEntries } from './accounts.ts';
import { users } from './auth.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * Uploaded files, stored in the database (small, few, and backed up with everything else).
 * Type is decided from the content, never the name; images are re-encoded, which drops EXIF, GPS
 * and XMP metadata. A voucher scan belongs to a ledger entry and, once its period is published,
 * can no longer be removed (migration `attachments_immutable`).
 */
export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['voucher'] }).notNull(),
    disclosureId: integer('disclosure_id').references(() => disclosures.id),
    fundEntryId: bigint('fund_entry_id', { mode: 'number' }).references(() => fundEntries.id),
    mime: text('mime').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** True when metadata was removed by re-encoding (images). */
    stripped: boolean('stripped').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').references(() => users.id),
  },
  (t) => [
    index('attachments_entry_idx').on(t.fundEntryId),
    check('attachments_voucher_owner', sql`${t.kind} <> 'voucher' or (${t.disclosureId} is not null and ${t.fundEntryId} is not null)`),
  ],
);

export type AttachmentRow = typeof attachments.$inferSelect;
