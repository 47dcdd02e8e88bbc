/**
 * Substring search over micro-power items, for Chinese text.
 *
 * Plan by query length:
 * - 3+ characters: `search_text LIKE '%q%'` is served by the pg_trgm GIN index on search_text
 *   (pg_trgm hashes CJK trigrams on both PGlite and PostgreSQL; the planner picks the index
 *   whenever the query is selective).
 * - exactly 2 characters (低保, 宅基): a trigram index cannot answer a pattern shorter than a
 *   trigram, so the same predicate runs as a scan. The searched set is the provincial catalog
 *   (110 rows) plus counties' own items (a few per county), a few thousand rows at province
 *   scale, which a scan reads in well under a millisecond per thousand rows.
 * - 1 character: refused with a hint; it would match almost everything.
 */
import { sql } from 'drizzle-orm';
import type { CategoryCode } from './types.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 40;
const RESULT_LIMIT = 50;

export interface SearchHit {
  kind: 'catalog' | 'county-item';
  code: string;
  name: string;
  categoryCode: CategoryCode;
  summary: string;
  /** For county-specific items: the county that lists it. */
  countyCode?: string;
  countyName?: string;
  matchedName: boolean;
}

export interface CountyHit {
  code: string;
  name: string;
  cityName: string;
}

export type SearchResult =
  | { status: 'empty' }
  | { status: 'too-short'; query: string }
  | { status: 'ok'; query: string; items: SearchHit[]; counties: CountyHit[] };

export function normaliseQuery(raw: string | null | undefined): string {
  return (raw ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, SEARCH_MAX_LENGTH);
}

function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export async function searchItems(db: DbOrTx, rawQuery: string | null | undefined): Promise<SearchResult> {
  const query = normaliseQuery(rawQuery);
  if (query.length === 0) return { status: 'empty' };
  if ([...query].length < SEARCH_MIN_LENGTH) return { status: 'too-short', query };
  const pattern = likePattern(query);
  const needle = query.toLowerCase();
  const today = todayInShanghai();

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

  const counties = await queryRows<{ code: string; name: string; city_name: string }>(
    db,
    sql`select c.code, c.name, coalesce(p.name, '') as city_name
          from areas c left join areas p on p.code = c.parent_code
         where c.level = 'county' and lower(c.name) like ${pattern}
         order by c.code
         limit 20`,
  );

  const items: SearchHit[] = [
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

  return {
    status: 'ok',
    query,
    items: items.slice(0, RESULT_LIMIT),
    counties: counties.map((row) => ({ code: row.code, name: row.name, cityName: row.city_name })),
  };
}
