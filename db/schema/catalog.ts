import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { RiskPoint, Step } from '../../src/lib/server/catalog/types.ts';

/** The 4 categories of the provincial catalog. */
export const catalogCategories = pgTable('catalog_categories', {
  code: text('code', { enum: ['enforcement', 'approval', 'management', 'service'] }).primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  sort: integer('sort').notNull(),
});

export const TIME_LIMIT_UNITS = ['workingDays', 'calendarDays', 'onTheSpot', 'periodic'] as const;

/**
 * One item of the provincial micro-power catalog. Lists are stored as jsonb arrays: they are
 * always read and written whole, and their order is part of the content (steps especially).
 */
export const catalogItems = pgTable(
  'catalog_items',
  {
    code: text('code').primaryKey(),
    categoryCode: text('category_code', { enum: ['enforcement', 'approval', 'management', 'service'] })
      .notNull()
      .references(() => catalogCategories.code),
    level: text('level', { enum: ['township', 'village'] }).notNull(),
    name: text('name').notNull().unique(),
    nameEn: text('name_en').notNull(),
    summary: text('summary').notNull(),
    legalBasis: jsonb('legal_basis').$type<string[]>().notNull(),
    implementingBody: text('implementing_body').notNull(),
    materials: jsonb('materials').$type<string[]>().notNull(),
    materialsNote: text('materials_note'),
    fee: text('fee').notNull(),
    timeLimitUnit: text('time_limit_unit', { enum: TIME_LIMIT_UNITS }).notNull(),
    timeLimitDays: integer('time_limit_days'),
    timeLimitNote: text('time_limit_note'),
    steps: jsonb('steps').$type<Step[]>().notNull(),
    risks: jsonb('risks').$type<RiskPoint[]>().notNull(),
    accountability: jsonb('accountability').$type<string[]>().notNull(),
    channel: text('channel').notNull(),
    sort: integer('sort').notNull(),
    /** Name and body text flattened for substring search (see catalog/search.ts). */
    searchText: text('search_text').notNull(),
  },
  (t) => [
    index('catalog_items_category_idx').on(t.categoryCode, t.sort),
    index('catalog_items_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    check(
      'catalog_items_time_limit_days',
      sql`(${t.timeLimitUnit} = 'onTheSpot' and ${t.timeLimitDays} is null) or (${t.timeLimitUnit} <> 'onTheSpot')`,
    ),
  ],
);

export type CatalogItemRow = typeof catalogItems.$inferSelect;
export type CategoryRow = typeof catalogCategories.$inferSelect;
