import { asc, count, eq } from 'drizzle-orm';
import {
  catalogCategories,
  catalogItems,
  type CatalogItemRow,
  type CategoryRow,
} from '../../../../db/schema/catalog.ts';
import type { CatalogItemSeed, CategoryCode } from './types.ts';
import type { DbOrTx } from '../db.ts';

export { searchItems, type SearchResult, type SearchHit } from './search.ts';

/** A catalog item in the shape shared by pages, county lists and the open-data API. */
export type CatalogItem = CatalogItemSeed & { categoryCode: CategoryCode };

export function toCatalogItem(row: CatalogItemRow): CatalogItem {
  return {
    code: row.code,
    categoryCode: row.categoryCode,
    name: row.name,
    nameEn: row.nameEn,
    level: row.level,
    summary: row.summary,
    legalBasis: row.legalBasis,
    implementingBody: row.implementingBody,
    materials: row.materials,
    ...(row.materialsNote ? { materialsNote: row.materialsNote } : {}),
    fee: row.fee,
    timeLimit: {
      unit: row.timeLimitUnit,
      days: row.timeLimitDays,
      ...(row.timeLimitNote ? { note: row.timeLimitNote } : {}),
    },
    steps: row.steps,
    risks: row.risks,
    accountability: row.accountability,
    channel: row.channel,
  };
}

export async function listCategories(db: DbOrTx): Promise<CategoryRow[]> {
  return db.select().from(catalogCategories).orderBy(asc(catalogCategories.sort));
}

export async function listCatalogItems(db: DbOrTx): Promise<CatalogItem[]> {
  const rows = await db
    .select({ item: catalogItems })
    .from(catalogItems)
    .innerJoin(catalogCategories, eq(catalogCategories.code, catalogItems.categoryCode))
    .orderBy(asc(catalogCategories.sort), asc(catalogItems.sort));
  return rows.map((row) => toCatalogItem(row.item));
}

export async function getCatalogItem(db: DbOrTx, code: string): Promise<CatalogItem | undefined> {
  const [row] = await db.select().from(catalogItems).where(eq(catalogItems.code, code));
  return row ? toCatalogItem(row) : undefined;
}

export interface CategoryGroup<T> {
  category: CategoryRow;
  items: T[];
}

/** Groups items under the 4 categories in catalog order; empty categories are kept (count 0). */
export function groupByCategory<T extends { categoryCode: CategoryCode }>(
  categories: CategoryRow[],
  items: T[],
): CategoryGroup<T>[] {
  return categories.map((category) => ({
    category,
    items: items.filter((item) => item.categoryCode === category.code),
  }));
}

/** The text substring search runs over: every field a citizen might type words from. */
export function searchTextOf(item: CatalogItemSeed): string {
  return [
    item.name,
    item.summary,
    item.implementingBody,
    ...item.legalBasis,
    ...item.materials,
    ...item.steps.map((step) => `${step.actor} ${step.action}`),
    ...item.risks.map((risk) => `${risk.risk} ${risk.control}`),
  ]
    .join('\n')
    .toLowerCase();
}

export async function getCatalogOverview(db: DbOrTx): Promise<{ items: number; categories: number }> {
  const [items] = await db.select({ n: count() }).from(catalogItems);
  const [categories] = await db.select({ n: count() }).from(catalogCategories);
  return { items: Number(items?.n ?? 0), categories: Number(categories?.n ?? 0) };
}
