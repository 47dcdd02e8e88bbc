/**
 * Indexes match every public query (issue 15 item 4): on a province-shaped database every public
 * page and endpoint is requested as a visitor would, every statement it sends is recorded with its
 * parameters (a logging drizzle instance behind getDb()), and each one's plan is read with EXPLAIN.
 * No plan may read a table that grows with villages, periods, payments or complaints whole.
 *
 * How, and why so: the areas are real (河北's whole tree beside 宁夏's) and 宁夏 carries `db:scale`'s
 * own data at three months a village (tests/support/plan-data.ts), analyzed, so that the tables the pages read are big enough here for
 * the planner to take a sequential scan wherever no index serves — and the test reads the planner's
 * own choice under its normal settings, which is what the server gets. Tables that stay small in
 * this data (a few thousand rows or fewer: opinions, objections, hits, county list items) the
 * planner rightly reads whole here, which says nothing about province scale; for those alone the
 * statement is planned again with `enable_seqscan = off`, which proves an index serves the query
 * (the plan must reach the table through an index condition) without pretending the planner would
 * choose it at this size. The same test runs on PGlite and on PostgreSQL at the same scale.
 *
 * A "whole read" is a Seq Scan, or an index scan without an index condition that no Limit stops
 * (the planner's other way of reading every row). The tables a public page may read whole are in
 * SMALL_TABLES, each with why it stays small at province scale; the statements that read a big
 * table whole by nature are in WHOLE_BY_NATURE, each with why. Every other table is held to the
 * rule, so a table added later is covered without anyone remembering to add it.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { fundEntries, disclosures } from '../../db/schema/accounts.ts';
import { createPageTester, type PageTester } from '../support/pages.ts';
import { useDatabaseForTests } from '../support/test-db.ts';
import { explain, formatPlan, loadPlanData, recordingDb, tableRows, wholeReads, type PlanData, type Statement } from '../support/plan-data.ts';
import { intakeComplaint } from '../../src/lib/server/complaints/intake.ts';
import { listCurrentVersions } from '../../src/lib/server/county-lists/index.ts';
import { formatReceipt } from '../../src/lib/server/complaints/crypto.ts';
import { queryRows, type Db } from '../../src/lib/server/db.ts';
import { translator } from '../../src/i18n/index.ts';
import Home from '../../src/pages/index.astro';
import Catalog from '../../src/pages/catalog/index.astro';
import CatalogItem from '../../src/pages/catalog/[code].astro';
import Counties from '../../src/pages/counties/index.astro';
import County from '../../src/pages/counties/[code]/index.astro';
import CountyItem from '../../src/pages/counties/[code]/items/[item].astro';
import Changes from '../../src/pages/counties/[code]/changes.astro';
import Overdue from '../../src/pages/counties/[code]/overdue.astro';
import Search from '../../src/pages/search.astro';
import SearchPartial from '../../src/pages/partials/search.astro';
import Villages from '../../src/pages/villages/index.astro';
import Village from '../../src/pages/villages/[code]/index.astro';
import VillagePrint from '../../src/pages/villages/[code]/print.astro';
import VillageVerify from '../../src/pages/villages/[code]/verify.astro';
import Head from '../../src/pages/ledgers/head.astro';
import Statistics from '../../src/pages/statistics/[code].astro';
import LivelihoodStatistics from '../../src/pages/statistics/[code]/livelihood/index.astro';
import LivelihoodItemStatistics from '../../src/pages/statistics/[code]/livelihood/[item].astro';
import Lookup from '../../src/pages/livelihood/lookup.astro';
import Report from '../../src/pages/report/index.astro';
import Track from '../../src/pages/track.astro';
import * as villageDownload from '../../src/pages/villages/[code]/download.ts';
import * as catalogApi from '../../src/pages/api/v1/catalog.ts';
import * as countiesApi from '../../src/pages/api/v1/counties/index.ts';
import * as countyItemsApi from '../../src/pages/api/v1/counties/[code]/items.ts';
import * as villagesApi from '../../src/pages/api/v1/villages/index.ts';
import * as villageApi from '../../src/pages/api/v1/villages/[code]/index.ts';
import * as villageDisclosuresApi from '../../src/pages/api/v1/villages/[code]/disclosures.ts';
import * as villageSectionApi from '../../src/pages/api/v1/villages/[code]/[section].ts';
import * as villageLivelihoodApi from '../../src/pages/api/v1/villages/[code]/livelihood.ts';
import * as statisticsApi from '../../src/pages/api/v1/statistics/[code].ts';
import * as livelihoodStatisticsApi from '../../src/pages/api/v1/statistics/[code]/livelihood/index.ts';
import * as livelihoodItemStatisticsApi from '../../src/pages/api/v1/statistics/[code]/livelihood/[item].ts';
import * as trackApi from '../../src/pages/api/v1/complaints/[receipt].ts';

/**
 * Tables a public page may read whole: reference and configuration rows whose number does not grow
 * with villages, periods, payments or complaints. A sequential scan of one is what the planner
 * should choose; anything else is held to an index.
 */
const SMALL_TABLES: Record<string, string> = {
  catalog_categories: 'the four categories of the provincial catalog',
  catalog_items: 'the provincial catalog, about a hundred items',
  county_lists: 'one row per version of a county list: a few per county, hundreds in a province',
  users: 'staff accounts, a few per commission and township: thousands at most',
  livelihood_departments: 'the paying departments, a handful per county',
  subsidy_items: 'the subsidy items each department defines, tens per county',
  chain_heads: 'one row a day',
  zones: 'collaboration zones, a few per county',
};

/** At least this many rows here and the planner's own choice is the test: a whole read of it is a missing index. */
const BIG_HERE = 5_000;

/**
 * Statements that read a big table whole by nature, each with why. Matched on the statement and,
 * where it says, on its parameters, so that nothing else reading the table gets through.
 */
const WHOLE_BY_NATURE: Array<{ table: string; statement: RegExp; when?: (params: unknown[]) => boolean; why: string }> = [
  {
    table: 'areas',
    statement: /from areas v .*where v\.level = 'village' and v\.name like \$1/s,
    when: (params) => [...String(params[0]).replace(/^%|%$/g, '').replace(/\\(.)/g, '$1')].length < 3,
    why: 'a village name of two characters (前营, 河湾) has no trigram for areas_name_trgm_idx to look up; findVillagesByName scans the village names, ~8 ms at province scale (areas/index.ts)',
  },
  {
    table: 'disclosures',
    statement: /^select distinct on \(village_code\) village_code, content_hash\s+from disclosures where status = 'published'/,
    why: "the day's head hash covers every village's latest published period, so it reads them all; computed on the day's first request and stored (verify.ts ensureDailyHead)",
  },
];

interface Violation {
  statement: string;
  table: string;
  why: string;
  plan: string;
}

let pages: PageTester;
let data: PlanData;
let recorder: ReturnType<typeof recordingDb>;
/** The database behind the pages, for calling domain functions as the pages do. */
let db: Db;
let rows: Map<string, number>;

beforeAll(async () => {
  pages = await createPageTester();
  data = await loadPlanData(pages.test);
  rows = await tableRows(pages.test);
  recorder = recordingDb(pages.test);
  db = recorder.db;
  useDatabaseForTests({ ...pages.test, db });
}, 300_000);
afterAll(async () => pages?.test.dispose());

type Endpoint = { GET: (context: never) => Response | Promise<Response> };
const call = async (route: Endpoint, url: string, params: Record<string, string> = {}): Promise<Response> =>
  route.GET({
    request: new Request(`http://localhost${url}`),
    url: new URL(`http://localhost${url}`),
    params,
    cookies: { set: () => {} },
    redirect: (path: string, status: number) => new Response(null, { status, headers: { Location: path } }),
  } as never);
let container: AstroContainer | undefined;
const post = async (page: Parameters<PageTester['render']>[0], url: string, body: Record<string, string>) => {
  const request = new Request(`http://localhost${url}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  container ??= await AstroContainer.create();
  const response = await container.renderToResponse(page, { request, partial: false, locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null } });
  return { status: response.status, html: await response.text() };
};

/**
 * Explains each recorded statement and returns every whole read of a table not in SMALL_TABLES.
 * A table with BIG_HERE rows or more is held to the planner's own plan. A smaller one (big at
 * province scale, but few rows in this data: opinions, objections, hits) the planner rightly reads
 * whole here, so for it the statement is planned again with sequential scans disabled: if even then
 * the table is read whole, no index serves the query.
 */
async function unindexedReads(statements: Statement[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const statement of statements) {
    if (!/^\s*(select|with|insert|update|delete)\b/i.test(statement.sql)) continue;
    const plan = await explain(pages.test, statement);
    const text = statement.sql.replace(/\s+/g, ' ').trim();
    const held = wholeReads(plan).filter(
      ({ table }) => !(table in SMALL_TABLES) && !WHOLE_BY_NATURE.some((rule) => rule.table === table && rule.statement.test(text) && (rule.when?.(statement.params) ?? true)),
    );
    const fewRows = new Set(held.filter(({ table }) => (rows.get(table) ?? 0) < BIG_HERE).map(({ table }) => table));
    for (const read of held) {
      if (!fewRows.has(read.table)) violations.push({ statement: text.slice(0, 400), table: read.table, why: `${read.node} (${rows.get(read.table)} rows)`, plan: formatPlan(plan) });
    }
    if (fewRows.size === 0) continue;
    const forced = await explain(pages.test, statement, { seqscanOff: true });
    for (const read of wholeReads(forced)) {
      if (fewRows.has(read.table)) violations.push({ statement: text.slice(0, 400), table: read.table, why: `${read.node} even with enable_seqscan = off: no index serves it`, plan: formatPlan(forced) });
    }
  }
  return violations;
}

/** Runs a request, checks its answer, and returns what it sent, the tables named, and its unindexed reads. */
async function planned(request: () => Promise<{ status: number }>, status = 200) {
  recorder.take();
  const answer = await request();
  expect(answer.status).toBe(status);
  const statements = recorder.take();
  return { statements, tables: tablesOf(statements), violations: await unindexedReads(statements) };
}

/** Fails with each offending statement and its plan, and nothing else. */
function expectNone(violations: Violation[]): void {
  const report = violations.map((v) => `${v.table}: ${v.why}, in\n${v.statement}\n${v.plan}`).join('\n\n');
  expect(violations.length, report).toBe(0);
}

const tablesOf = (statements: Statement[]) => new Set(statements.flatMap((s) => [...s.sql.matchAll(/(?:from|join|into|update)\s+"?([a-z_]+)"?/gi)].map((m) => m[1]!.toLowerCase())));

describe('the plan data', () => {
  it('is province-shaped: the big tables the public pages read hold tens of thousands of rows', async () => {
    const [counts] = await queryRows<Record<string, number>>(
      pages.test.db,
      sql`select (select count(*) from fund_entries)::int as funds, (select count(*) from disclosures)::int as periods,
                 (select count(*) from payments)::int as payments, (select count(*) from complaints)::int as complaints,
                 (select count(*) from complaint_events)::int as events, (select count(*) from areas)::int as areas`,
    );
    expect(counts!.funds).toBeGreaterThan(40_000);
    expect(counts!.periods).toBeGreaterThan(8_000);
    expect(counts!.payments).toBeGreaterThan(100_000);
    expect(counts!.complaints).toBeGreaterThanOrEqual(10_000);
    expect(counts!.events).toBeGreaterThan(20_000);
    expect(counts!.areas).toBeGreaterThan(50_000);
    expect(data.summary.villages).toBeGreaterThan(2_500);
  });

  it('shows a missing index: a query no index serves is caught, on a big table and on one with few rows here', async () => {
    // Payments by masked name alone: nothing indexes it (the lookup matches on the two hashes).
    const big = await unindexedReads([{ sql: 'select count(*) from payments where name_masked = $1', params: ['张*国'] }]);
    expect(big.map((v) => [v.table, v.why])).toEqual([['payments', expect.stringContaining('Seq Scan')]]);
    // Objections by their text: few rows here, and no index even when the planner may not scan.
    expect(rows.get('complaint_objections')).toBeLessThan(BIG_HERE);
    const few = await unindexedReads([{ sql: 'select id from complaint_objections where reasons = $1', params: ['处理结果不公'] }]);
    expect(few.map((v) => [v.table, v.why])).toEqual([['complaint_objections', expect.stringContaining('no index serves it')]]);
    // Objections of a case: few rows here too, and complaint_objections_complaint_idx serves it.
    expect(await unindexedReads([{ sql: 'select id from complaint_objections where complaint_id = $1', params: ['x'] }])).toEqual([]);
    // A small table read whole is no violation, nor is a two-character village search (and only that).
    expect(await unindexedReads([{ sql: 'select * from catalog_items', params: [] }])).toEqual([]);
    const villageSearch = (pattern: string) => ({
      sql: `select v.code from areas v left join areas t on t.code = v.parent_code where v.level = 'village' and v.name like $1 order by v.code limit $2`,
      params: [pattern, 50],
    });
    expect(await unindexedReads([villageSearch('%前营%')])).toEqual([]);
    expect((await unindexedReads([{ sql: `select count(*) from areas where name like $1`, params: ['%前营%'] }])).map((v) => v.table)).toEqual(['areas']);
  });
});

describe('public pages and endpoints use an index on every big table', () => {
  const cases: Array<[string, () => Promise<{ status: number }>, string[]]> = [];
  const route = (name: string, request: () => Promise<{ status: number }>, touches: string[] = []) => cases.push([name, request, touches]);
  const v = () => data.village;

  // Item counts of published lists are read once per handle (listCurrentVersions), so which of
  // the home page, the county picker and the counties API reads county_list_items depends on the
  // order; the read itself is planned here, on a transaction (a handle of its own).
  route('current lists with their item counts, first read on a handle', () =>
    db.transaction(async (tx) => {
      await listCurrentVersions(tx);
      return { status: 200 };
    }), ['county_lists', 'county_list_items']);
  route('home', () => pages.render(Home, '/'), ['disclosures', 'county_lists']);
  route('catalog', () => pages.render(Catalog, '/catalog'));
  route('catalog item with adopting counties', () => pages.render(CatalogItem, `/catalog/${data.catalogItem}`, { code: data.catalogItem }), ['county_list_items']);
  route('county picker', () => pages.render(Counties, '/counties'), ['county_lists']);
  route('county list', () => pages.render(County, `/counties/${data.county}`, { code: data.county }), ['county_list_items']);
  route('county list item', () => pages.render(CountyItem, `/counties/${data.county}/items/${data.catalogItem}`, { code: data.county, item: data.catalogItem }), ['county_list_items']);
  route('county list changes', () => pages.render(Changes, `/counties/${data.county}/changes`, { code: data.county }), ['county_list_items']);
  route('overdue villages', () => pages.render(Overdue, `/counties/${data.county}/overdue`, { code: data.county }), ['disclosures']);
  route('search', () => pages.render(Search, `/search?q=${encodeURIComponent('低保')}`));
  route('search in a county', () => pages.render(Search, `/search?q=${encodeURIComponent('低保')}&county=${data.county}`), ['county_list_items']);
  route('search partial', () => pages.render(SearchPartial, `/partials/search?county=${data.county}&q=${encodeURIComponent('宅基地')}`), ['county_list_items']);
  route('village finder', () => pages.render(Villages, '/villages'), ['areas']);
  route('villages of a county', () => pages.render(Villages, `/villages?county=${data.county}`), ['areas', 'disclosures']);
  route('village finder, three characters', () => pages.render(Villages, `/villages?q=${encodeURIComponent([...v().name].slice(0, 3).join(''))}`), ['areas']);
  route('village finder, two characters', () => pages.render(Villages, `/villages?q=${encodeURIComponent([...v().name].slice(0, 2).join(''))}`), ['areas']);
  route('village page, latest period', () => pages.render(Village, `/villages/${v().code}`, { code: v().code }), ['fund_entries', 'asset_items', 'resource_contracts', 'debt_items', 'payments']);
  route('village page, an earlier period', () => pages.render(Village, `/villages/${v().code}?period=${v().periods[0]}`, { code: v().code }), ['fund_entries', 'payments']);
  route('village print sheet', () => pages.render(VillagePrint, `/villages/${v().code}/print`, { code: v().code }), ['fund_entries', 'payments']);
  route('village chain check', () => pages.render(VillageVerify, `/villages/${v().code}/verify`, { code: v().code }), ['fund_entries', 'disclosures']);
  route('village download', () => call(villageDownload, `/villages/${v().code}/download?format=json`, { code: v().code }), ['fund_entries']);
  route('ledger head', () => pages.render(Head, '/ledgers/head'), ['chain_heads']);
  route('complaint statistics, county', () => pages.render(Statistics, `/statistics/${data.county}`, { code: data.county }), ['complaint_flow_counts']);
  route('complaint statistics, city', () => pages.render(Statistics, `/statistics/${data.city}`, { code: data.city }), ['complaint_flow_counts']);
  route('livelihood statistics', () => pages.render(LivelihoodStatistics, `/statistics/${data.county}/livelihood`, { code: data.county }), ['payments']);
  route('livelihood item statistics', () => pages.render(LivelihoodItemStatistics, `/statistics/${data.county}/livelihood/${data.itemId}`, { code: data.county, item: data.itemId }), ['payments']);
  route('report form from a ledger line', async () => {
    const [entry] = await db.select({ id: fundEntries.id }).from(fundEntries).innerJoin(disclosures, eq(disclosures.id, fundEntries.disclosureId)).where(and(eq(disclosures.villageCode, v().code), eq(disclosures.status, 'published'))).orderBy(asc(fundEntries.id)).limit(1);
    return pages.render(Report, `/report?village=${v().code}&entry=${entry!.id}`);
  }, ['fund_entries']);
  route('livelihood lookup', () => post(Lookup, '/livelihood/lookup', data.recipient), ['payments']);
  route('api: catalog', () => call(catalogApi, '/api/v1/catalog'));
  route('api: counties', () => call(countiesApi, '/api/v1/counties'), ['county_lists']);
  route('api: county items', () => call(countyItemsApi, `/api/v1/counties/${data.county}/items`, { code: data.county }), ['county_list_items']);
  route('api: villages of a county', () => call(villagesApi, `/api/v1/villages?county=${data.county}`), ['disclosures']);
  route('api: village', () => call(villageApi, `/api/v1/villages/${v().code}`, { code: v().code }), ['fund_entries']);
  route('api: village disclosures', () => call(villageDisclosuresApi, `/api/v1/villages/${v().code}/disclosures`, { code: v().code }), ['disclosures']);
  route('api: village funds of a period', () => call(villageSectionApi, `/api/v1/villages/${v().code}/funds?period=${v().periods[0]}`, { code: v().code, section: 'funds' }), ['fund_entries']);
  route('api: village livelihood', () => call(villageLivelihoodApi, `/api/v1/villages/${v().code}/livelihood`, { code: v().code }), ['payments']);
  route('api: complaint statistics', () => call(statisticsApi, `/api/v1/statistics/${data.county}`, { code: data.county }), ['complaint_flow_counts']);
  route('api: livelihood statistics', () => call(livelihoodStatisticsApi, `/api/v1/statistics/${data.county}/livelihood`, { code: data.county }), ['payments']);
  route('api: livelihood item statistics', () => call(livelihoodItemStatisticsApi, `/api/v1/statistics/${data.county}/livelihood/${data.itemId}`, { code: data.county, item: data.itemId }), ['payments']);

  it.each(cases)('%s', async (_name, request, touches) => {
    const { tables, violations } = await planned(request);
    for (const table of touches) expect(tables, `reads ${table}`).toContain(table);
    expectNone(violations);
  });

  it('complaint filing, and tracking it by receipt on the page and the API', async () => {
    recorder.take();
    const filed = await intakeComplaint(db, {
      channel: 'form',
      client: 'plan-test-client',
      idempotencyKey: 'plan-test-form-key-000001',
      read: async () => ({
        input: { category: 'assets', areaCode: data.village.code, subjectLevel: 'village_cadre', anonymous: true, title: '机动地承包费没有公开', content: '村里的集体机动地今年重新发包，承包费收了多少、交到哪里都没有公开，村民代表会议也没有开。' },
        pow: undefined,
      }),
    });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    const filing = recorder.take();
    expect(tablesOf(filing)).toContain('complaints');
    expect(tablesOf(filing)).toContain('complaint_submissions');
    const tracked = await planned(() => post(Track, '/track', { receipt: formatReceipt(filed.value.receipt) }));
    expect(tracked.tables).toContain('complaint_events');
    const api = await planned(() => call(trackApi, `/api/v1/complaints/${filed.value.receipt}`, { receipt: filed.value.receipt }));
    expect(api.tables).toContain('complaints');
    expectNone([...(await unindexedReads(filing)), ...tracked.violations, ...api.violations]);
  });
});
