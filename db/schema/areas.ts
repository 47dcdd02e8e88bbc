import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, type AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * The administrative tree, keyed by the 12-digit national division code.
 * Codes nest by prefix (province 2, city 4, county 6, township 9, village 12 significant digits),
 * so "inside my scope" and "every village of this county" are range scans on the primary key.
 */
export const areas = pgTable(
  'areas',
  {
    code: text('code').primaryKey(),
    level: text('level', { enum: ['province', 'city', 'county', 'township', 'village'] }).notNull(),
    name: text('name').notNull(),
    parentCode: text('parent_code').references((): AnyPgColumn => areas.code),
    /** Invented places used by the demo seed; the UI labels them as demo data. */
    isDemo: boolean('is_demo').notNull().default(false),
    /**
     * Real places carrying generated test data (`npm run db:scale`: ledgers, payments, a county list):
     * every page, API answer and print sheet showing them says so. Never set by the demo seed.
     */
    generatedData: boolean('generated_data').notNull().default(false),
    sort: integer('sort').notNull().default(0),
  },
  (t) => [
    check('areas_code_format', sql`${t.code} ~ '^[0-9]{12}$'`),
    index('areas_parent_idx').on(t.parentCode, t.sort),
    index('areas_level_code_idx').on(t.level, t.code),
    // Village lookup by name (3+ characters use it; see accounts/villages.ts for shorter queries).
    index('areas_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

export type AreaRow = typeof areas.$inferSelect;
export type AreaLevel = AreaRow['level'];
