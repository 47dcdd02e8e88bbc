import { and, asc, desc, eq, inArray, lte, max, sql } from 'drizzle-orm';
import { countyListItems, countyLists, type CountyListRow, type CustomItem, type ItemOverrides, type ResolvedItem } from '../../../../db/schema/county-lists.ts';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { toCatalogItem } from '../catalog/index.ts';
import { CustomItemSchema } from '../catalog/validate.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { getArea, getCounty } from '../areas/index.ts';
import { fail, ok, type Result } from '../result.ts';
import { resolveCatalogItem, resolveCustomItem, validateOverrides } from './resolve.ts';
import { describeIssues, render } from './messages.ts';
import { translator } from '../../../i18n/index.ts';
import { announcePublicChange } from '../public-changes.ts';

/** Problems found while building a version are for the seed and the logs, said in Chinese. */
const ZH = translator('zh-CN');

export * from './resolve.ts';

export interface PublishedList {
  list: CountyListRow;
  items: ResolvedItem[];
}

/** Published versions of a county's list, newest first. Drafts are never public. */
export async function listPublishedVersions(db: DbOrTx, countyCode: string): Promise<CountyListRow[]> {
  return db
    .select()
    .from(countyLists)
    .where(and(eq(countyLists.countyCode, countyCode), eq(countyLists.status, 'published')))
    .orderBy(desc(countyLists.version));
}

/**
 * The version in force on `today`: the newest published version whose effective date has come.
 * A version published with a future date is announced but not yet in force.
 */
export function pickCurrentVersion(versions: CountyListRow[], today: string): CountyListRow | undefined {
  return versions
    .filter((version) => version.status === 'published' && version.effectiveOn !== null && version.effectiveOn <= today)
    .sort((a, b) => b.version - a.version)[0];
}

async function loadItems(db: DbOrTx, listId: number): Promise<ResolvedItem[]> {
  const rows = await db
    .select({ snapshot: countyListItems.snapshot })
    .from(countyListItems)
    .where(eq(countyListItems.listId, listId))
    .orderBy(asc(countyListItems.position), asc(countyListItems.id));
  return rows.map((row) => row.snapshot).filter((snapshot): snapshot is ResolvedItem => snapshot !== null);
}

/** A published version with its items exactly as published; `version` omitted means the one in force. */
export async function getPublishedList(
  db: DbOrTx,
  countyCode: string,
  options: { version?: number; today?: string } = {},
): Promise<PublishedList | undefined> {
  const versions = await listPublishedVersions(db, countyCode);
  const list =
    options.version !== undefined
      ? versions.find((version) => version.version === options.version)
      : pickCurrentVersion(versions, options.today ?? todayInShanghai());
  if (!list) return undefined;
  return { list, items: await loadItems(db, list.id) };
}

export interface CurrentListSummary {
  version: number;
  effectiveOn: string;
  itemCount: number;
}

/**
 * Item counts of published lists, per database handle and list id. A published list's items can
 * never change (migration 0002's trigger refuses it), so a count once read stays true and is never
 * invalidated. Counting every current list's items on each home and county-list page was 6–10 ms
 * of PostgreSQL time per page at province scale (193 lists, 21,000 items), most of the page's cost.
 */
const publishedItemCounts = new WeakMap<object, Map<number, number>>();

/** The list in force today for every county that has one, with its item count (county picker, API). */
export async function listCurrentVersions(db: DbOrTx, today = todayInShanghai()): Promise<Map<string, CurrentListSummary>> {
  const current = db
    .select({ countyCode: sql<string>`${countyLists.countyCode}`.as('current_county'), version: max(countyLists.version).as('current_version') })
    .from(countyLists)
    .where(and(eq(countyLists.status, 'published'), lte(countyLists.effectiveOn, today)))
    .groupBy(countyLists.countyCode)
    .as('current');
  const lists = await db
    .select({ id: countyLists.id, countyCode: countyLists.countyCode, version: countyLists.version, effectiveOn: countyLists.effectiveOn })
    .from(countyLists)
    .innerJoin(current, and(eq(current.countyCode, countyLists.countyCode), eq(current.version, countyLists.version)));
  let counts = publishedItemCounts.get(db);
  if (!counts) publishedItemCounts.set(db, (counts = new Map()));
  const unknown = lists.map((list) => list.id).filter((id) => !counts.has(id));
  if (unknown.length) {
    const rows = await db
      .select({ listId: countyListItems.listId, itemCount: sql<number>`count(*)::int` })
      .from(countyListItems)
      .where(inArray(countyListItems.listId, unknown))
      .groupBy(countyListItems.listId);
    for (const id of unknown) counts.set(id, 0);
    for (const row of rows) counts.set(row.listId, Number(row.itemCount));
  }
  return new Map(
    lists.map((list) => [list.countyCode, { version: list.version, effectiveOn: list.effectiveOn ?? '', itemCount: counts.get(list.id) ?? 0 }]),
  );
}

export type DraftEntry = { itemCode: string; overrides?: ItemOverrides } | { custom: CustomItem };


/**
 * Creates the next draft version of a county's list from entries, validating every entry.
 * The version number is taken under a per-county advisory lock, so two drafts cannot collide.
 */
export async function createDraftList(
  db: DbOrTx,
  countyCode: string,
  entries: DraftEntry[],
  /** Entries carried over from a published version: see validateOverrides' `stepRule`. */
  options: { carried?: boolean } = {},
): Promise<Result<{ listId: number; version: number }, string[]>> {
  const errors: string[] = [];
  const catalogCodes = entries.flatMap((entry) => ('itemCode' in entry ? [entry.itemCode] : []));
  const catalogRows = catalogCodes.length
    ? await db.select().from(catalogItems).where(inArray(catalogItems.code, catalogCodes))
    : [];
  const catalogByCode = new Map(catalogRows.map((row) => [row.code, toCatalogItem(row)]));
  const seen = new Set<string>();
  for (const entry of entries) {
    const code = 'itemCode' in entry ? entry.itemCode : entry.custom.code;
    if (seen.has(code)) errors.push(`${code}：同一事项重复列入`);
    seen.add(code);
    if ('itemCode' in entry) {
      const item = catalogByCode.get(entry.itemCode);
      if (!item) {
        errors.push(`${entry.itemCode}：省级目录中没有该事项`);
        continue;
      }
      const checked = validateOverrides(item, entry.overrides ?? {}, { stepRule: !options.carried });
      if (!checked.ok) errors.push(...Object.values(checked.errors).map((message) => `${item.code}：${render(ZH, message)}`));
    } else {
      const checked = CustomItemSchema.safeParse(entry.custom);
      if (!checked.success) errors.push(...Object.values(describeIssues(checked.error)).map((message) => `${entry.custom.code}：${render(ZH, message)}`));
    }
  }
  if (entries.length === 0) errors.push('清单至少包含一个事项');
  if (errors.length > 0) return fail(errors);

  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'county-list:' + countyCode}))`);
    const [last] = await tx
      .select({ version: max(countyLists.version) })
      .from(countyLists)
      .where(eq(countyLists.countyCode, countyCode));
    const version = (last?.version ?? 0) + 1;
    const [list] = await tx.insert(countyLists).values({ countyCode, version }).returning({ id: countyLists.id });
    await tx.insert(countyListItems).values(
      entries.map((entry, position) =>
        'itemCode' in entry
          ? { listId: list!.id, itemCode: entry.itemCode, overrides: entry.overrides ?? {}, position }
          : { listId: list!.id, customCode: entry.custom.code, custom: entry.custom, position },
      ),
    );
    return { listId: list!.id, version };
  });
  return ok(result);
}

/**
 * Publishes a draft: freezes every item as it reads today (catalog content plus overrides) and
 * marks the version published. After this the database refuses any change to the list.
 */
export async function publishList(
  db: DbOrTx,
  listId: number,
  input: { effectiveOn: string; note?: string; publishedBy: string },
): Promise<Result<{ version: number }, string[]>> {
  if (!isIsoDate(input.effectiveOn)) return fail(['生效日期格式应为 YYYY-MM-DD']);
  return db.transaction(async (tx) => {
    const [list] = await tx.select().from(countyLists).where(eq(countyLists.id, listId)).for('update');
    if (!list) return fail(['清单不存在']);
    if (list.status === 'published') return fail(['该版本已发布，不能再次发布']);
    const rows = await tx
      .select({ entry: countyListItems, catalog: catalogItems })
      .from(countyListItems)
      .leftJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
      .where(eq(countyListItems.listId, listId));
    for (const { entry, catalog } of rows) {
      const snapshot = catalog
        ? resolveCatalogItem(toCatalogItem(catalog), entry.overrides)
        : resolveCustomItem(entry.custom!);
      await tx.update(countyListItems).set({ snapshot }).where(eq(countyListItems.id, entry.id));
    }
    await tx
      .update(countyLists)
      .set({
        status: 'published',
        effectiveOn: input.effectiveOn,
        note: input.note ?? null,
        publishedAt: new Date(),
        publishedBy: input.publishedBy,
      })
      .where(eq(countyLists.id, listId));
    await announcePublicChange(tx);
    return ok({ version: list.version });
  });
}

export interface CountyListView {
  county: import('../../../../db/schema/areas.ts').AreaRow;
  city: import('../../../../db/schema/areas.ts').AreaRow | undefined;
  versions: CountyListRow[];
  current: CountyListRow | undefined;
  /** The version being shown (current, or the one asked for), with its items. */
  shown: PublishedList | undefined;
}

/**
 * Everything a county page shows. `undefined` when the code is not a county; `shown` is
 * undefined when the county has no list in force (or the version asked for does not exist).
 */
export async function loadCountyList(
  db: DbOrTx,
  countyCode: string,
  options: { version?: number; today?: string } = {},
): Promise<CountyListView | undefined> {
  const county = await getCounty(db, countyCode);
  if (!county) return undefined;
  const [city, versions] = await Promise.all([
    county.parentCode ? getArea(db, county.parentCode) : Promise.resolve(undefined),
    listPublishedVersions(db, countyCode),
  ]);
  const current = pickCurrentVersion(versions, options.today ?? todayInShanghai());
  const target = options.version !== undefined ? versions.find((v) => v.version === options.version) : current;
  const shown = target ? { list: target, items: await loadItems(db, target.id) } : undefined;
  return { county, city, versions, current, shown };
}

/** Parses a `?v=` version parameter: a positive integer, or undefined when absent. Null means invalid. */
export function parseVersionParam(value: string | null): number | undefined | null {
  if (value === null || value === '') return undefined;
  if (!/^[1-9]\d{0,5}$/.test(value)) return null;
  return Number(value);
}

export interface AdoptingCounty {
  countyCode: string;
  countyName: string;
  version: number;
  /** The item as that county publishes it (its limit, phone, unit, note). */
  item: ResolvedItem;
}

/**
 * The counties whose list in force adopts a catalog item, with the item as each publishes it (the
 * catalog item page links to them). One query: each county's list in force, then its row for the
 * item through the (list, item) index.
 */
export async function listAdoptingCounties(db: DbOrTx, itemCode: string, today = todayInShanghai()): Promise<AdoptingCounty[]> {
  const rows = await queryRows<{ county_code: string; county_name: string; version: number; snapshot: ResolvedItem }>(
    db,
    sql`with current as (
          select distinct on (county_code) id, county_code, version from county_lists
           where status = 'published' and effective_on <= ${today}
           order by county_code, version desc)
        select current.county_code, a.name as county_name, current.version, i.snapshot
          from current
          join county_list_items i on i.list_id = current.id and i.item_code = ${itemCode}
          join areas a on a.code = current.county_code
         order by current.county_code`,
  );
  return rows.map((row) => ({ countyCode: row.county_code, countyName: row.county_name, version: row.version, item: row.snapshot }));
}
