/**
 * Substring search over micro-power items, counties and villages, for Chinese text. Results come
 * in three groups: items, counties, villages.
 *
 * A query may name a county ("桑河县 低保", "桑河 低保", or the county page's own search box, which
 * sends its code): the items are then that county's list in force, as the county publishes them
 * (its limit, phone, notes), and the villages that county's. Without a county the items are the
 * provincial catalog plus every county's own items.
 *
 * Plan by query length:
 * - 3+ characters: `search_text LIKE '%q%'` is served by the pg_trgm GIN index on search_text
 *   (pg_trgm hashes CJK trigrams on both PGlite and PostgreSQL; the planner picks the index
 *   whenever the query is selective); village names by the trigram index on areas.name.
 * - exactly 2 characters (低保, 宅基): a trigram index cannot answer a pattern shorter than a
 *   trigram, so the same predicate runs as a scan. The searched set is the provincial catalog
 *   (110 rows) plus counties' own items (a few per county), a few thousand rows at province
 *   scale, which a scan reads in well under a millisecond per thousand rows. A county's list is
 *   one list (about 110 rows, found by the list's index).
 * - 1 character: refused with a hint; it would match almost everything.
 * Naming a county reads the counties by the (level, code) index: a province has a few hundred.
 */
import { sql } from 'drizzle-orm';
import type { CategoryCode, TimeLimit } from './types.ts';
import { findVillagesByName, type VillageHit } from '../areas/index.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 40;
const RESULT_LIMIT = 50;
const VILLAGE_LIMIT = 20;

export interface SearchHit {
  /** catalog: a provincial item; county-item: a county's own item; county-version: an item as one county lists it. */
  kind: 'catalog' | 'county-item' | 'county-version';
  code: string;
  name: string;
  categoryCode: CategoryCode;
  summary: string;
  /** For county items and county versions: the county that lists it. */
  countyCode?: string;
  countyName?: string;
  /** For county versions: what the county publishes (its limit, phone, unit, note). */
  timeLimit?: TimeLimit;
  contactPhone?: string;
  responsibleUnit?: string;
  localNote?: string;
  matchedName: boolean;
}

export interface CountyHit {
  code: string;
  name: string;
  cityName: string;
}

export type { VillageHit } from '../areas/index.ts';

/** The county a search is confined to, and the version of its list it searched (null: none in force). */
export interface SearchCounty extends CountyHit {
  version: number | null;
}

export type SearchResult =
  | { status: 'empty'; county?: SearchCounty }
  | { status: 'too-short'; query: string; county?: SearchCounty }
  | {
      status: 'ok';
      query: string;
      /** What was searched for once the county is taken out ("低保" of "桑河县 低保"). */
      terms: string;
      county?: SearchCounty;
      items: SearchHit[];
      counties: CountyHit[];
      villages: VillageHit[];
    };

export function normaliseQuery(raw: string | null | undefined): string {
  return (raw ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, SEARCH_MAX_LENGTH);
}

/** `%text%` with LIKE's wildcards in the text taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

function likePattern(query: string): string {
  return containing(query.toLowerCase());
}

/** A county name without its 县/市/区/旗, when two characters or more remain ("桑河"). */
const SHORT_NAME = sql`case when char_length(c.name) >= 3 and right(c.name, 1) in ('县', '市', '区', '旗') then left(c.name, char_length(c.name) - 1) end`;

/**
 * The county a query names, and what is left to search for: "桑河县 低保", "桑河县低保", "低保 桑河"
 * and "桑河 低保" all name 桑河县; "桑河镇" does not.
 */
async function countyNamedIn(db: DbOrTx, query: string): Promise<{ county: CountyHit; rest: string } | undefined> {
  const candidates = await queryRows<{ code: string; name: string; city_name: string; short_name: string | null }>(
    db,
    sql`select c.code, c.name, coalesce(p.name, '') as city_name, ${SHORT_NAME} as short_name
          from areas c left join areas p on p.code = c.parent_code
         where c.level = 'county' and (strpos(${query}, c.name) > 0 or strpos(${query}, ${SHORT_NAME}) > 0)`,
  );
  const words = query.split(' ');
  let best: { county: CountyHit; rest: string; length: number } | undefined;
  for (const row of candidates) {
    for (const name of [row.name, row.short_name]) {
      if (!name || (best && best.length >= name.length)) continue;
      // A full name may run into the words after it (桑河县低保); a short one only as a word of its
      // own, so that 桑河镇, a township, is not 桑河县 and 镇.
      const rest = name === row.name && query.startsWith(name) ? query.slice(name.length) : words.includes(name) ? words.filter((word) => word !== name).join(' ') : undefined;
      if (rest !== undefined) best = { county: { code: row.code, name: row.name, cityName: row.city_name }, rest: rest.trim(), length: name.length };
    }
  }
  return best && { county: best.county, rest: best.rest };
}

async function countyByCode(db: DbOrTx, code: string): Promise<CountyHit | undefined> {
  const [row] = await queryRows<{ code: string; name: string; city_name: string }>(
    db,
    sql`select c.code, c.name, coalesce(p.name, '') as city_name
          from areas c left join areas p on p.code = c.parent_code
         where c.code = ${code} and c.level = 'county'`,
  );
  return row && { code: row.code, name: row.name, cityName: row.city_name };
}

/** The list in force in a county today: its id and version. */
async function listInForce(db: DbOrTx, countyCode: string, today: string): Promise<{ id: number; version: number } | undefined> {
  const [row] = await queryRows<{ id: number; version: number }>(
    db,
    sql`select id, version from county_lists
         where county_code = ${countyCode} and status = 'published' and effective_on <= ${today}
         order by version desc limit 1`,
  );
  return row;
}

/**
 * Items of one published list whose text has the query, as the list publishes them. An adopted
 * item is found by its catalog text (search_text, as for the catalog search) or the county's own
 * unit and note; a county item by its name, summary and body. Reading the published snapshots'
 * whole text instead costs a few times more (each snapshot is several kilobytes of jsonb), for the
 * rare case of a catalog item reworded since the county published.
 */
async function searchCountyList(db: DbOrTx, listId: number, county: CountyHit, pattern: string, needle: string): Promise<SearchHit[]> {
  const rows = await queryRows<{
    code: string;
    name: string;
    category_code: CategoryCode;
    summary: string;
    origin: 'catalog' | 'county';
    time_limit: TimeLimit;
    contact_phone: string | null;
    responsible_unit: string | null;
    local_note: string | null;
    matched_name: boolean;
  }>(
    db,
    sql`select i.snapshot->>'code' as code, i.snapshot->>'name' as name, i.snapshot->>'categoryCode' as category_code,
               i.snapshot->>'summary' as summary, i.snapshot->>'origin' as origin, i.snapshot->'timeLimit' as time_limit,
               i.snapshot->>'contactPhone' as contact_phone, i.snapshot->>'responsibleUnit' as responsible_unit,
               i.snapshot->>'localNote' as local_note,
               strpos(lower(i.snapshot->>'name'), ${needle}) > 0 as matched_name
          from county_list_items i
          left join catalog_items c on c.code = i.item_code
         where i.list_id = ${listId}
           and (c.search_text like ${pattern}
                or lower(concat_ws(' ', i.overrides->>'responsibleUnit', i.overrides->>'localNote',
                                   i.custom->>'name', i.custom->>'summary', i.custom->>'implementingBody')) like ${pattern})
         order by matched_name desc, i.position
         limit ${RESULT_LIMIT}`,
  );
  return rows.map((row) => ({
    kind: row.origin === 'county' ? ('county-item' as const) : ('county-version' as const),
    code: row.code,
    name: row.name,
    categoryCode: row.category_code,
    summary: row.summary,
    countyCode: county.code,
    countyName: county.name,
    timeLimit: row.time_limit,
    ...(row.contact_phone ? { contactPhone: row.contact_phone } : {}),
    ...(row.responsible_unit ? { responsibleUnit: row.responsible_unit } : {}),
    ...(row.local_note ? { localNote: row.local_note } : {}),
    matchedName: row.matched_name,
  }));
}

/** The provincial catalog and every county's own items in its list in force. */
async function searchCatalogAndCountyItems(db: DbOrTx, pattern: string, needle: string, today: string): Promise<SearchHit[]> {
  const catalogHits = await queryRows<{
    code: string;
    name: string;
    category_code: CategoryCode;
    summary: string;
    matched_name: boolean;
  }>(
    db,
    sql`select code, name, category_code, summary, strpos(lower(name), ${needle}) > 0 as matched_name
          from catalog_items
         where search_text like ${pattern}
         order by matched_name desc, sort
         limit ${RESULT_LIMIT}`,
  );

  // Counties' own items in their lists currently in force.
  const countyHits = await queryRows<{
    code: string;
    name: string;
    category_code: CategoryCode;
    summary: string;
    county_code: string;
    county_name: string;
    matched_name: boolean;
  }>(
    db,
    sql`select i.custom_code as code, i.custom->>'name' as name, i.custom->>'categoryCode' as category_code,
               i.custom->>'summary' as summary, l.county_code, a.name as county_name,
               strpos(lower(i.custom->>'name'), ${needle}) > 0 as matched_name
          from county_list_items i
          join county_lists l on l.id = i.list_id
          join areas a on a.code = l.county_code
         where i.custom_code is not null
           and l.status = 'published'
           and l.version = (select max(c.version) from county_lists c
                             where c.county_code = l.county_code and c.status = 'published'
                               and c.effective_on <= ${today})
           and lower(concat_ws(' ', i.custom->>'name', i.custom->>'summary', i.custom->>'implementingBody')) like ${pattern}
         order by matched_name desc, l.county_code, i.position
         limit ${RESULT_LIMIT}`,
  );

  return [
    ...catalogHits.map((row) => ({
      kind: 'catalog' as const,
      code: row.code,
      name: row.name,
      categoryCode: row.category_code,
      summary: row.summary,
      matchedName: row.matched_name,
    })),
    ...countyHits.map((row) => ({
      kind: 'county-item' as const,
      code: row.code,
      name: row.name,
      categoryCode: row.category_code,
      summary: row.summary,
      countyCode: row.county_code,
      countyName: row.county_name,
      matchedName: row.matched_name,
    })),
  ].sort((a, b) => Number(b.matchedName) - Number(a.matchedName));
}

/** Villages by name, within a county when the search is confined to one. */
function searchVillageNames(db: DbOrTx, query: string, county: CountyHit | undefined): Promise<VillageHit[]> {
  return findVillagesByName(db, query, { within: county?.code, limit: VILLAGE_LIMIT });
}

/**
 * Searches items, counties and villages. `countyCode` confines the search to one county (its
 * list's own search box); otherwise a county named in the query does.
 */
export async function searchItems(db: DbOrTx, rawQuery: string | null | undefined, options: { countyCode?: string | null } = {}): Promise<SearchResult> {
  const full = normaliseQuery(rawQuery);
  const today = todayInShanghai();
  const given = options.countyCode ? await countyByCode(db, options.countyCode) : undefined;
  const named = given ? undefined : full ? await countyNamedIn(db, full) : undefined;
  const scope = given ?? named?.county;
  const query = given ? full : (named?.rest ?? full);
  const list = scope ? await listInForce(db, scope.code, today) : undefined;
  const county: SearchCounty | undefined = scope && { ...scope, version: list?.version ?? null };
  const withCounty = county ? { county } : {};

  // "桑河县" alone: the county is what was asked for.
  if (named && query.length === 0) return { status: 'ok', query: full, terms: '', ...withCounty, items: [], counties: [named.county], villages: [] };
  if (query.length === 0) return { status: 'empty', ...withCounty };
  if ([...query].length < SEARCH_MIN_LENGTH) return { status: 'too-short', query: full, ...withCounty };
  const pattern = likePattern(query);
  const needle = query.toLowerCase();

  const [items, counties, villages] = await Promise.all([
    scope && list ? searchCountyList(db, list.id, scope, pattern, needle) : searchCatalogAndCountyItems(db, pattern, needle, today),
    scope
      ? Promise.resolve([scope])
      : queryRows<{ code: string; name: string; city_name: string }>(
          db,
          sql`select c.code, c.name, coalesce(p.name, '') as city_name
                from areas c left join areas p on p.code = c.parent_code
               where c.level = 'county' and lower(c.name) like ${pattern}
               order by c.code
               limit 20`,
        ).then((rows) => rows.map((row) => ({ code: row.code, name: row.name, cityName: row.city_name }))),
    searchVillageNames(db, query, scope),
  ]);

  return { status: 'ok', query: full, terms: query, ...withCounty, items: items.slice(0, RESULT_LIMIT), counties, villages };
}
