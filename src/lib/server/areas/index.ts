import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import type { DbOrTx } from '../db.ts';
import { ancestorCodes, isAreaCode, subtreeRange } from './codes.ts';

export * from './codes.ts';

export async function getArea(db: DbOrTx, code: string): Promise<AreaRow | undefined> {
  if (!isAreaCode(code)) return undefined;
  const [row] = await db.select().from(areas).where(eq(areas.code, code));
  return row;
}

export async function getCounty(db: DbOrTx, code: string): Promise<AreaRow | undefined> {
  const area = await getArea(db, code);
  return area?.level === 'county' ? area : undefined;
}

export async function listChildren(db: DbOrTx, code: string): Promise<AreaRow[]> {
  return db.select().from(areas).where(eq(areas.parentCode, code)).orderBy(asc(areas.sort), asc(areas.code));
}

/** The ancestors of an area from the province down (for breadcrumbs). */
export async function getAncestors(db: DbOrTx, code: string): Promise<AreaRow[]> {
  const codes = ancestorCodes(code);
  if (codes.length === 0) return [];
  return db.select().from(areas).where(inArray(areas.code, codes)).orderBy(asc(areas.code));
}

/** Areas of one level inside a subtree, in code order (an index range scan). */
export async function listInSubtree(db: DbOrTx, scopeCode: string, level: AreaRow['level']): Promise<AreaRow[]> {
  const { from, to } = subtreeRange(scopeCode);
  return db
    .select()
    .from(areas)
    .where(and(eq(areas.level, level), gte(areas.code, from), lt(areas.code, to)))
    .orderBy(asc(areas.code));
}

export interface CityWithCounties {
  city: AreaRow;
  counties: AreaRow[];
}

/** Every county grouped under its city, for the county picker. */
export async function listCountiesByCity(db: DbOrTx): Promise<CityWithCounties[]> {
  const rows = await db
    .select()
    .from(areas)
    .where(inArray(areas.level, ['city', 'county']))
    .orderBy(asc(areas.code));
  const groups = new Map<string, CityWithCounties>();
  for (const row of rows) {
    if (row.level === 'city') groups.set(row.code, { city: row, counties: [] });
  }
  for (const row of rows) {
    if (row.level === 'county' && row.parentCode) groups.get(row.parentCode)?.counties.push(row);
  }
  return [...groups.values()].filter((group) => group.counties.length > 0);
}
