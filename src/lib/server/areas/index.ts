import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import { queryRows, type DbOrTx } from '../db.ts';
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

export interface VillageHit {
  code: string;
  name: string;
  townshipName: string;
  countyName: string;
}

/**
 * Villages whose name contains `query` (already normalised), exact names first, optionally inside one
 * area. 3+ characters use the trigram index on areas.name; 2 characters (a village name is often just
 * 2–3 characters: 前营, 河湾) scan the village rows' names — about 8 ms at province scale
 * (~50,000 villages) on PGlite, measured by `npm run bench:search`.
 */
export async function findVillagesByName(db: DbOrTx, query: string, options: { within?: string; limit: number }): Promise<VillageHit[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const range = options.within ? subtreeRange(options.within) : undefined;
  return queryRows<VillageHit>(
    db,
    sql`select v.code, v.name, coalesce(t.name, '') as "townshipName", coalesce(c.name, '') as "countyName"
          from areas v
          left join areas t on t.code = v.parent_code
          left join areas c on c.code = t.parent_code
         where v.level = 'village' and v.name like ${pattern}
           ${range ? sql`and v.code >= ${range.from} and v.code < ${range.to}` : sql``}
         order by (v.name = ${query}) desc, v.code
         limit ${options.limit}`,
  );
}
