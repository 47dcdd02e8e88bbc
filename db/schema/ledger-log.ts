import { sql } from 'drizzle-orm';
import { bigint, check, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { disclosures } from './accounts.ts';

/**
 * The ledger log: every published period of the province, one leaf each, in the order the daily
 * checkpoint took them in (src/lib/server/ledger-log/checkpoints.ts). Leaf i's value is the period's
 * content hash; checkpoints sign the RFC 6962 root over the first n leaves. Append-only (migration
 * `ledger_log_append_only`): a leaf's index and hash never change, so a checkpoint signed once stays
 * checkable against the database for good — and a rewrite, even one that bypasses the triggers, shows.
 */
export const ledgerLog = pgTable(
  'ledger_log',
  {
    /** 0, 1, 2, … with no gap: taken as max + 1 under the log's lock. */
    leafIndex: bigint('leaf_index', { mode: 'number' }).primaryKey(),
    disclosureId: integer('disclosure_id')
      .notNull()
      .unique('ledger_log_disclosure')
      .references(() => disclosures.id),
    /** The period's content hash when it joined the log (lowercase hex). */
    contentHash: text('content_hash').notNull(),
    appendedAt: timestamp('appended_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_log_index_nonnegative', sql`${t.leafIndex} >= 0`),
    check('ledger_log_hash_format', sql`${t.contentHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** One signed checkpoint a day: the log's size then, its root, and the signed note served at /ledgers/checkpoint. Append-only. */
export const ledgerCheckpoints = pgTable('ledger_checkpoints', {
  day: date('day', { mode: 'string' }).primaryKey(),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
  /** Lowercase hex of the root (the note carries it in base64). */
  rootHash: text('root_hash').notNull(),
  /** The checkpoint as a signed note, exactly as served. */
  note: text('note').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type LedgerCheckpointRow = typeof ledgerCheckpoints.$inferSelect;
