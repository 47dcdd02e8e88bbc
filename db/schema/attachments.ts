import { sql } from 'drizzle-orm';
import { bigint, boolean, check, customType, index, integer, pgTable, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { complaints } from './complaints.ts';
import { disclosures, fundEntries } from './accounts.ts';
import { users } from './auth.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * Uploaded files, stored in the database (small, few, and backed up with everything else):
 * voucher scans of ledger entries, and the photos and documents attached to complaints.
 * Type is decided from the content, never the name; images are re-encoded, which drops EXIF, GPS
 * and XMP metadata. A voucher scan belongs to a ledger entry and, once its period is published,
 * can no longer be removed (migration `attachments_immutable`).
 */
export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['voucher', 'complaint'] }).notNull(),
    disclosureId: integer('disclosure_id').references(() => disclosures.id),
    fundEntryId: bigint('fund_entry_id', { mode: 'number' }).references(() => fundEntries.id),
    complaintId: text('complaint_id').references((): AnyPgColumn => complaints.id),
    mime: text('mime').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** True when metadata was removed by re-encoding (images). */
    stripped: boolean('stripped').notNull(),
    bytes: bytea('bytes').notNull(),
    /**
     * Complaints only, when the reporter asked to keep location and time data as evidence: the
     * original upload, AES-256-GCM encrypted under the complaint key. Opening it is audited.
     */
    originalCiphertext: bytea('original_ciphertext'),
    /**
     * Voucher scans only (set by the code that adds one). A complaint file has none: a time beside
     * a filing could be lined up with who was where (DESIGN.md §2); its complaint has the day.
     */
    createdAt: timestamp('created_at', { withTimezone: true }),
    createdBy: text('created_by').references(() => users.id),
  },
  (t) => [
    index('attachments_entry_idx').on(t.fundEntryId),
    index('attachments_complaint_idx').on(t.complaintId),
    check('attachments_complaint_owner', sql`${t.kind} <> 'complaint' or ${t.complaintId} is not null`),
    check('attachments_voucher_owner', sql`${t.kind} <> 'voucher' or (${t.disclosureId} is not null and ${t.fundEntryId} is not null)`),
    check('attachments_time_only_for_vouchers', sql`(${t.kind} = 'voucher') = (${t.createdAt} is not null)`),
  ],
);

export type AttachmentRow = typeof attachments.$inferSelect;
