import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { catalogCategories, catalogItems } from './catalog.ts';
import type { CatalogItemSeed } from '../../src/lib/server/catalog/types.ts';

/**
 * A county's micro-power list. Each version is a row; once published it never changes
 * (enforced by triggers in the migration `county_lists_immutable`), so citizens can always
 * see exactly what was in force on a given day.
 */
export const countyLists = pgTable(
  'county_lists',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    version: integer('version').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull().default('draft'),
    effectiveOn: date('effective_on', { mode: 'string' }),
    /** Official document number or short explanation of the version, e.g. 桑纪发〔2026〕3号. */
    note: text('note'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: text('published_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('county_lists_county_version').on(t.countyCode, t.version),
    index('county_lists_county_status_idx').on(t.countyCode, t.status, t.version),
    check(
      'county_lists_published_fields',
      sql`${t.status} = 'draft' or (${t.effectiveOn} is not null and ${t.publishedAt} is not null)`,
    ),
  ],
);

/** What a county may change on an adopted catalog item. */
export interface ItemOverrides {
  /** 责任单位, e.g. "桑河县民政局社会救助股". */
  responsibleUnit?: string;
  /** 咨询/监督电话 of the county. */
  contactPhone?: string;
  /** A shorter total time limit, in the catalog item's own unit. Never longer. */
  timeLimitDays?: number;
  /** 本地说明. */
  localNote?: string;
  /** The county's own limit of a step, by the step's position (null keeps the catalog's); see validateOverrides. */
  stepLimits?: Array<string | null>;
}

/** A county-specific item: the full item content, with a county-local code such as "DF-01". */
export type CustomItem = Omit<CatalogItemSeed, 'code'> & {
  code: string;
  categoryCode: (typeof catalogCategories.$inferSelect)['code'];
};

/** An item as a citizen sees it in a county list: catalog content with the county's changes applied. */
export type ResolvedItem = Omit<CatalogItemSeed, 'timeLimit'> & {
  categoryCode: CustomItem['categoryCode'];
  origin: 'catalog' | 'county';
  timeLimit: CatalogItemSeed['timeLimit'];
  /** For catalog items: the catalog's own total days when the county shortened it. */
  catalogTimeLimitDays?: number | null;
  responsibleUnit?: string;
  contactPhone?: string;
  localNote?: string;
};

export const countyListItems = pgTable(
  'county_list_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    listId: integer('list_id')
      .notNull()
      .references(() => countyLists.id),
    /** The adopted catalog item; null for a county-specific item. */
    itemCode: text('item_code').references(() => catalogItems.code),
    /** County-specific items only: the code shown to citizens. */
    customCode: text('custom_code'),
    overrides: jsonb('overrides').$type<ItemOverrides>().notNull().default({}),
    custom: jsonb('custom').$type<CustomItem>(),
    /**
     * The item exactly as published (catalog content + overrides, or the custom item), written
     * when the list is published. Later catalog edits therefore never change a published list.
     */
    snapshot: jsonb('snapshot').$type<ResolvedItem>(),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    unique('county_list_items_list_item').on(t.listId, t.itemCode),
    unique('county_list_items_list_custom').on(t.listId, t.customCode),
    check(
      'county_list_items_kind',
      sql`(${t.itemCode} is not null and ${t.custom} is null and ${t.customCode} is null)
       or (${t.itemCode} is null and ${t.custom} is not null and ${t.customCode} is not null)`,
    ),
  ],
);

export type CountyListRow = typeof countyLists.$inferSelect;
export type CountyListItemRow = typeof countyListItems.$inferSelect;
