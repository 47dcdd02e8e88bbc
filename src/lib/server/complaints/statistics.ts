/**
 * Public complaint statistics (信访举报统计) of a county or a city, one closed calendar month at a time.
 *
 * Why months, and only closed ones. Figures that moved as soon as a complaint was filed told the
 * officials of a small place, within a minute, that someone had reported them. Every published
 * figure therefore covers one complete calendar month (Asia/Shanghai) that has ended: a filing
 * shows at the earliest after its month is over. And every figure counts what happened IN that
 * month (flows), never a running total: a month's figures never change once published, so nobody
 * can subtract last month's page from this month's to isolate the newest complaints (which is what
 * an "all time" or "year to date" total refreshed monthly would give away).
 *
 * What is counted, by the AREA a complaint is about (not the commission it was routed to):
 * - received  — complaints filed in the month;
 * - accepted  — complaints accepted (受理) in the month;
 * - concluded — complaints concluded (办结, with a public reply) in the month; a case reopened by
 *               a review (复查) counts again in the month its review is concluded;
 * - averageDaysToConclude — for the month's concluded cases, mean days from filing to conclusion.
 *
 * Protection (see suppression.ts): counts 0–4 are "<5", and complementary suppression ("*") makes
 * sure that no masked count can be worked out from the totals. The tables of a city and all its
 * counties are linked (a county's total is a row of the city's table, the city's category figures
 * add up its counties' and its own; the channels — online or a village direct reporting point,
 * 直报点 — add up to each county's total and the city's), so they are suppressed together, per month and per measure,
 * as one system: every page, JSON and CSV shows the same masks. Nothing is finer than the township;
 * complaints about a county itself form its own row "县本级". (A complaint is never about a city as
 * a whole — the filing form asks for a county, township or village — so a city has no such row.)
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, type ComplaintChannel } from '../../../../db/schema/complaints.ts';
import type { AreaLevel } from '../../../../db/schema/areas.ts';
import { getArea, listInSubtree } from '../areas/index.ts';
import { levelOfCode, subtreeRange } from '../areas/codes.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { SMALL, suppress, WITHHELD, type Published, type Relation } from './suppression.ts';
import type { ComplaintCategory } from './labels.ts';

/** A published count: exact, "<5" (0–4) or "*" (5 or more, withheld to protect a "<5"). */
export type Count = Published;

export interface Figures {
  received: Count;
  accepted: Count;
  concluded: Count;
  /** Null unless the concluded count is published exactly (so at least five cases). */
  averageDaysToConclude: number | null;
}

export interface CategoryFigures {
  category: ComplaintCategory;
  figures: Figures;
}

export interface ChannelFigures {
  channel: ComplaintChannel;
  figures: Figures;
}

export interface PlaceFigures {
  code: string;
  name: string;
  figures: Figures;
}

export interface ComplaintStatistics {
  scope: { code: string; name: string; level: AreaLevel };
  /** The month the figures cover (YYYY-MM), its first and last day. */
  period: { month: string; from: string; through: string };
  /** The last day that any published statistics include: the end of the last complete month. */
  closedThrough: string;
  totals: Figures;
  byCategory: CategoryFigures[];
  /** How the complaints arrived (online, or typed at a village direct reporting point), adding up to the totals. */
  byChannel: ChannelFigures[];
  /** Counties: every township of the county, in code order. Empty for a city. */
  byTownship: PlaceFigures[];
  /** Cities: every county of the city, in code order. Empty for a county. */
  byCounty: PlaceFigures[];
  /**
   * Counties: complaints about the county itself (its own organs and officials, 县本级), counted in
   * the totals and in no township. Null for a city: a complaint is always about a county or below.
   */
  ownLevel: Figures | null;
  /** The twelve months up to and including `period.month`, each on its own (never added up). */
  byMonth: Array<{ month: string; figures: Figures; byCategory: CategoryFigures[] }>;
}

export const MONTHS_SHOWN = 12;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const EARLIEST_MONTH = '2000-01';

/** The last complete month (YYYY-MM) on `today` (Asia/Shanghai). */
export function lastClosedMonth(today: string = todayInShanghai()): string {
  return addMonths(today.slice(0, 7), -1);
}

/**
 * A month a person asked for: the last closed month when nothing was asked, null for anything that
 * is not a complete month that has ended (a malformed value, a month still running or to come).
 */
export function parseStatisticsMonth(raw: string | null | undefined, today: string = todayInShanghai()): string | null {
  if (raw === null || raw === undefined || raw === '') return lastClosedMonth(today);
  if (!MONTH_PATTERN.test(raw) || raw < EARLIEST_MONTH || raw > lastClosedMonth(today)) return null;
  return raw;
}

function addMonths(month: string, delta: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function lastDayOf(month: string): string {
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, '0')}`;
}

const MEASURES = ['received', 'accepted', 'concluded'] as const;
type Measure = (typeof MEASURES)[number];

/**
 * One month's count for a place (the first 9 digits of the area code: a township "xxxxxxyyy" with
 * its villages, or a county itself "xxxxxx000"), a category and a measure; `days` adds up
 * filing-to-conclusion days (conclusions only).
 */
export interface MonthlyFlow {
  month: string;
  place: string;
  category: ComplaintCategory;
  channel: ComplaintChannel;
  measure: Measure;
  count: number;
  days: number;
}

/**
 * One place's counts in one month for one measure: by category (index into COMPLAINT_CATEGORIES),
 * by channel (index into COMPLAINT_CHANNELS) and their total. Kept as arrays, looked up once per
 * place: a city's layout reads every township for every cell, month and measure, and building a
 * string key per lookup was most of a statistics page's time once its suppression was memoised.
 */
interface PlaceFacts {
  n: number[];
  days: number[];
  channelN: number[];
  channelDays: number[];
  totalN: number;
  totalDays: number;
}
/** Counts in one month: per measure, then per place (see MonthlyFlow). */
type MonthFacts = Map<Measure, Map<string, PlaceFacts>>;
const CATEGORY_INDEX = new Map<string, number>(COMPLAINT_CATEGORIES.map((category, index) => [category, index]));
const CHANNEL_INDEX = new Map<string, number>(COMPLAINT_CHANNELS.map((channel, index) => [channel, index]));

/** Adds a flow to a month's facts, by category and, separately, by channel. */
function addFact(facts: MonthFacts, flow: MonthlyFlow): void {
  let places = facts.get(flow.measure);
  if (!places) {
    places = new Map();
    facts.set(flow.measure, places);
  }
  let fact = places.get(flow.place);
  if (!fact) {
    fact = { n: COMPLAINT_CATEGORIES.map(() => 0), days: COMPLAINT_CATEGORIES.map(() => 0), channelN: COMPLAINT_CHANNELS.map(() => 0), channelDays: COMPLAINT_CHANNELS.map(() => 0), totalN: 0, totalDays: 0 };
    places.set(flow.place, fact);
  }
  const category = CATEGORY_INDEX.get(flow.category);
  if (category !== undefined) {
    fact.n[category]! += flow.count;
    fact.days[category]! += flow.days;
    fact.totalN += flow.count;
    fact.totalDays += flow.days;
  }
  const channel = CHANNEL_INDEX.get(flow.channel);
  if (channel !== undefined) {
    fact.channelN[channel]! += flow.count;
    fact.channelDays[channel]! += flow.days;
  }
}

/**
 * Statistics for a county or a city for a closed month (default: the last one); undefined for any
 * other code (unknown, province, township, village). Throws RangeError for a month that is not
 * closed on `today` — callers check people's input with `parseStatisticsMonth` first.
 */
export async function complaintStatistics(
  db: DbOrTx,
  scopeCode: string,
  options: { month?: string; today?: string } = {},
): Promise<ComplaintStatistics | undefined> {
  const today = options.today ?? todayInShanghai();
  const month = options.month ?? lastClosedMonth(today);
  if (parseStatisticsMonth(month, today) !== month) throw new RangeError(`not a closed month on ${today}: ${month}`);
  const area = await getArea(db, scopeCode);
  if (!area || (area.level !== 'county' && area.level !== 'city')) return undefined;

  // The whole city is one system of linked tables, whichever page is asked for.
  const cityCode = area.code.slice(0, 4).padEnd(12, '0');
  const [counties, townships] = await Promise.all([listInSubtree(db, cityCode, 'county'), listInSubtree(db, cityCode, 'township')]);
  const months = Array.from({ length: MONTHS_SHOWN }, (_, index) => addMonths(month, index - (MONTHS_SHOWN - 1)));
  // Suppressing a city's linked tables is most of a page's cost (70 ms of CPU at province scale):
  // the answer is kept for the same places, names, day and counts. The counts are compared by a
  // digest PostgreSQL computes over the same rows, so a repair or a late entry in a closed month is
  // seen at once, by every instance.
  const fingerprint = createHash('sha256')
    .update([scopeCode, month, today, area.name, ...[...counties, ...townships].map((entry) => `${entry.code}=${entry.name}`), await flowDigest(db, cityCode, months[0]!, month)].join('\n'))
    .digest('base64');
  let remembered = statisticsMemo.get(db);
  if (!remembered) statisticsMemo.set(db, (remembered = new Map()));
  const known = remembered.get(fingerprint);
  if (known) return known;
  // The promise is kept, so requests arriving while it is computed wait for this one computation.
  const statistics = countMonthlyFlows(db, cityCode, months[0]!, month).then((flows) => computeStatistics(area, month, today, months, counties, townships, flows));
  remembered.set(fingerprint, statistics);
  if (remembered.size > STATISTICS_MEMO_LIMIT) remembered.delete(remembered.keys().next().value!);
  statistics.catch(() => remembered.delete(fingerprint));
  return statistics;
}

/** Answers kept per database handle, the oldest dropped first (a city's pages and months). */
const STATISTICS_MEMO_LIMIT = 256;
const statisticsMemo = new WeakMap<object, Map<string, Promise<ComplaintStatistics>>>();

function computeStatistics(
  area: { code: string; name: string; level: AreaLevel },
  month: string,
  today: string,
  months: string[],
  counties: Array<{ code: string; name: string }>,
  townships: Array<{ code: string; name: string }>,
  flows: MonthlyFlow[],
): ComplaintStatistics {
  const facts = new Map<string, MonthFacts>();
  for (const flow of flows) {
    const monthFacts: MonthFacts = facts.get(flow.month) ?? new Map();
    facts.set(flow.month, monthFacts);
    addFact(monthFacts, flow);
  }

  const family = familyLayout(
    counties.map((county) => county.code),
    townships.map((township) => township.code),
  );
  const published = months.map((each) => publishMonth(family, facts.get(each) ?? new Map<Measure, Map<string, PlaceFacts>>()));

  const figuresOf = (monthIndex: number, cell: number) => published[monthIndex]!(cell);
  const categoriesOf = (monthIndex: number, cells: readonly number[]) =>
    COMPLAINT_CATEGORIES.map((category, index) => ({ category, figures: figuresOf(monthIndex, cells[index]!) }));
  const current = months.length - 1;
  const isCounty = area.level === 'county';
  const row = isCounty ? family.rows.find((entry) => entry.code === area.code)! : undefined;
  const scopeTotal = row ? row.total : family.grand;
  const scopeCategories = row ? row.cells : family.categoryTotals;
  const names = new Map([...counties, ...townships].map((entry) => [entry.code, entry.name]));

  return {
    scope: { code: area.code, name: area.name, level: area.level as 'county' | 'city' },
    period: { month, from: `${month}-01`, through: lastDayOf(month) },
    closedThrough: lastDayOf(lastClosedMonth(today)),
    totals: figuresOf(current, scopeTotal),
    byCategory: categoriesOf(current, scopeCategories),
    byChannel: COMPLAINT_CHANNELS.map((channel, index) => ({ channel, figures: figuresOf(current, row ? row.channels[index]! : family.channelTotals[index]!) })),
    byTownship: row
      ? family.townships.filter((entry) => entry.county === area.code).map((entry) => ({ code: entry.code, name: names.get(entry.code) ?? entry.code, figures: figuresOf(current, entry.cell) }))
      : [],
    byCounty: isCounty ? [] : family.rows.map((entry) => ({ code: entry.code, name: names.get(entry.code) ?? entry.code, figures: figuresOf(current, entry.total) })),
    ownLevel: row ? figuresOf(current, family.countyOwn.get(area.code)!) : null,
    byMonth: months.map((each, index) => ({ month: each, figures: figuresOf(index, scopeTotal), byCategory: categoriesOf(index, scopeCategories) })),
  };
}

/** Months named one by one in the query up to this many (see countMonthlyFlows). */
const MONTHS_LISTED = 36;

/**
 * The unmasked monthly counts of a subtree (a city) from `firstMonth` to `lastMonth`: what
 * suppression starts from. Read from complaint_flow_counts, which triggers keep as complaints are
 * filed, accepted and concluded (migration 0040 says what is counted: one per complaint, month and
 * measure, so a case accepted twice in a month counts once; for conclusions, the days from filing
 * to the month's last conclusion). Adding them up here from complaints and events meant reading
 * every case of the city on each request. The months are named one by one: with the key on
 * (month, place, …) each is one index range over the subtree's places.
 *
 * Places are townships (nine digits), so the subtree is a township or above; a village's own
 * counts are not kept (nothing below the township is ever published).
 */
export async function countMonthlyFlows(db: DbOrTx, subtreeCode: string, firstMonth: string, lastMonth: string): Promise<MonthlyFlow[]> {
  const range = flowRange(subtreeCode, firstMonth, lastMonth);
  if (!range) return [];
  // A cell emptied by a deletion or a move (tests, repairs) stays as a 0: the old query had no such row.
  const rows = await queryRows<MonthlyFlow>(
    db,
    sql`
      select month, place, category, channel, measure, count, days
        from complaint_flow_counts
       where ${range} and count > 0
       order by month, place, category, channel, measure
    `,
  );
  return rows.map((row) => ({ ...row, count: Number(row.count), days: Number(row.days) }));
}

/**
 * A fingerprint of the rows countMonthlyFlows would return, computed by PostgreSQL (one row back):
 * how many, their sums, and the sum of a hash of each whole row, so any changed, added or removed
 * row changes it (two changes cancelling out would need their 32-bit hashes to). An md5 over the
 * ordered rows cost 30 ms for a city's year (11,500 rows) against 8 ms for this.
 */
async function flowDigest(db: DbOrTx, subtreeCode: string, firstMonth: string, lastMonth: string): Promise<string> {
  const range = flowRange(subtreeCode, firstMonth, lastMonth);
  if (!range) return '';
  const [row] = await queryRows<{ rows: string; counts: string | null; days: string | null; hashes: string | null }>(
    db,
    sql`
      select count(*) as rows, sum(count) as counts, sum(days) as days,
             sum(hashtext(concat_ws(' ', month, place, category, channel, measure, count, days))) as hashes
        from complaint_flow_counts
       where ${range} and count > 0
    `,
  );
  return row ? `${row.rows} ${row.counts ?? 0} ${row.days ?? 0} ${row.hashes ?? 0}` : '';
}

/** Where a subtree's flows of the months from `firstMonth` to `lastMonth` are; undefined for no months. */
function flowRange(subtreeCode: string, firstMonth: string, lastMonth: string): SQL | undefined {
  if (levelOfCode(subtreeCode) === 'village') throw new RangeError(`flows are kept per township, not for a village: ${subtreeCode}`);
  const { from, to } = subtreeRange(subtreeCode);
  // A code of the subtree lies in [from, to) exactly when its place (first nine digits) lies in
  // [from's, to's): both bounds end in "000" below the township. The province's upper bound is
  // thirteen nines, above every place.
  const placeFrom = from.slice(0, 9);
  const placeTo = to.length > 12 ? to : to.slice(0, 9);
  const months: string[] = [];
  for (let month = firstMonth; month <= lastMonth && months.length <= MONTHS_LISTED; month = addMonths(month, 1)) months.push(month);
  if (months.length === 0) return undefined;
  // A long span (no page asks for one) is one range over the months instead.
  const inMonths =
    months.length > MONTHS_LISTED
      ? sql`month >= ${firstMonth} and month <= ${lastMonth}`
      : sql`month in (${sql.join(
          months.map((month) => sql`${month}`),
          sql`, `,
        )})`;
  return sql`${inMonths} and place >= ${placeFrom} and place < ${placeTo}`;
}

/**
 * The cells of a city's linked tables and how they add up, the same for every month and measure:
 * - rows: each county × the four categories, with row totals;
 * - category totals of the city and the city's grand total;
 * - each county's townships and the county's own row, adding up to the county's total.
 */
interface FamilyLayout {
  /** The areas the layout is made of: equal signatures, equal layouts. */
  signature: string;
  size: number;
  relations: Relation[];
  rows: Array<{ code: string; cells: number[]; total: number; places: string[]; channels: number[] }>;
  categoryTotals: number[];
  /** The city's figure per channel; each county row has its own (`channels`), adding up to its total. */
  channelTotals: number[];
  grand: number;
  townships: Array<{ code: string; county: string; cell: number }>;
  countyOwn: Map<string, number>;
}

function familyLayout(countyCodes: string[], townshipCodes: string[]): FamilyLayout {
  let size = 0;
  const next = () => size++;
  const relations: Relation[] = [];
  const place9 = (code: string) => code.slice(0, 9);
  const townshipsOf = new Map(countyCodes.map((county) => [county, townshipCodes.filter((code) => code.startsWith(county.slice(0, 6)))]));
  const rows = countyCodes.map((code) => {
    const cells = COMPLAINT_CATEGORIES.map(next);
    const total = next();
    relations.push({ total, parts: cells });
    const channels = COMPLAINT_CHANNELS.map(next);
    relations.push({ total, parts: channels });
    // A county row gathers the county itself and its townships (and so their villages).
    return { code, cells, total, places: [place9(code), ...townshipsOf.get(code)!.map(place9)], channels };
  });
  const categoryTotals = COMPLAINT_CATEGORIES.map((_, index) => {
    const total = next();
    relations.push({ total, parts: rows.map((row) => row.cells[index]!) });
    return total;
  });
  const channelTotals = COMPLAINT_CHANNELS.map((_, index) => {
    const total = next();
    relations.push({ total, parts: rows.map((row) => row.channels[index]!) });
    return total;
  });
  const grand = next();
  relations.push({ total: grand, parts: rows.map((row) => row.total) }, { total: grand, parts: categoryTotals }, { total: grand, parts: channelTotals });
  const townships: FamilyLayout['townships'] = [];
  const countyOwn = new Map<string, number>();
  for (const county of countyCodes) {
    const own = next();
    countyOwn.set(county, own);
    const cells = townshipsOf.get(county)!.map((code) => {
      const cell = next();
      townships.push({ code, county, cell });
      return cell;
    });
    relations.push({ total: rows.find((row) => row.code === county)!.total, parts: [...cells, own] });
  }
  return { signature: [...countyCodes, ...townshipCodes].join(','), size, relations, rows, categoryTotals, channelTotals, grand, townships, countyOwn };
}

/**
 * Suppression is pure, and a closed month's counts never change (every event is stamped with the
 * day it happens), so its result is kept: the key is the layout and the counts themselves, which
 * can never serve a stale answer. Bounded, oldest dropped first.
 */
const suppressed = new Map<string, Published[]>();
const SUPPRESSED_KEPT = 2_000;

function suppressOnce(family: FamilyLayout, values: number[]): Published[] {
  const key = `${family.signature}#${values.join(',')}`;
  const kept = suppressed.get(key);
  if (kept) return kept;
  const view = suppress({ values, relations: family.relations });
  if (suppressed.size >= SUPPRESSED_KEPT) suppressed.delete(suppressed.keys().next().value!);
  suppressed.set(key, view);
  return view;
}

/** Suppresses one month's three measures; returns the published figures of any cell of the layout. */
function publishMonth(family: FamilyLayout, facts: MonthFacts): (cell: number) => Figures {
  const views = {} as Record<Measure, Published[]>;
  let concludedDays: number[] = [];
  for (const measure of MEASURES) {
    const values = new Array<number>(family.size).fill(0);
    const days = new Array<number>(family.size).fill(0);
    const byPlace = facts.get(measure) ?? new Map<string, PlaceFacts>();
    const put = (cell: number, place: string, categoryIndex?: number) => {
      const fact = byPlace.get(place);
      if (!fact) return;
      values[cell]! += categoryIndex === undefined ? fact.totalN : fact.n[categoryIndex]!;
      days[cell]! += categoryIndex === undefined ? fact.totalDays : fact.days[categoryIndex]!;
    };
    for (const row of family.rows) {
      for (const place of row.places) {
        row.cells.forEach((cell, index) => put(cell, place, index));
        put(row.total, place);
      }
    }
    family.categoryTotals.forEach((cell, index) => family.rows.forEach((row) => row.places.forEach((place) => put(cell, place, index))));
    family.rows.forEach((row) => row.places.forEach((place) => put(family.grand, place)));
    const putChannel = (cell: number, places: readonly string[], channelIndex: number) => {
      for (const place of places) {
        const fact = byPlace.get(place);
        values[cell]! += fact?.channelN[channelIndex] ?? 0;
        days[cell]! += fact?.channelDays[channelIndex] ?? 0;
      }
    };
    COMPLAINT_CHANNELS.forEach((_channel, index) => {
      family.rows.forEach((row) => putChannel(row.channels[index]!, row.places, index));
      putChannel(family.channelTotals[index]!, family.rows.flatMap((row) => row.places), index);
    });
    for (const township of family.townships) put(township.cell, township.code.slice(0, 9));
    for (const [county, cell] of family.countyOwn) put(cell, county.slice(0, 9));
    views[measure] = suppressOnce(family, values);
    if (measure === 'concluded') {
      concludedDays = days.map((sum, cell) => (typeof views.concluded[cell] === 'number' ? sum / values[cell]! : Number.NaN));
    }
  }
  return (cell) => ({
    received: views.received[cell]!,
    accepted: views.accepted[cell]!,
    concluded: views.concluded[cell]!,
    averageDaysToConclude: Number.isNaN(concludedDays[cell]!) ? null : Math.round(concludedDays[cell]! * 10) / 10,
  });
}

/** The measures shown for each group of figures, in display order, as page columns or rows. */
export const FIGURE_MEASURES: Array<{ key: 'statistics.received' | 'statistics.accepted' | 'statistics.concluded' | 'statistics.averageDays'; value: (figures: Figures) => string }> = [
  { key: 'statistics.received', value: (f) => String(f.received) },
  { key: 'statistics.accepted', value: (f) => String(f.accepted) },
  { key: 'statistics.concluded', value: (f) => String(f.concluded) },
  { key: 'statistics.averageDays', value: (f) => (f.averageDaysToConclude === null ? '—' : String(f.averageDaysToConclude)) },
];

/** The note that explains a shown figure that is not a plain number ("<5", "*", "—"), as a message key. */
export function figureNoteKey(shown: string): 'statistics.small' | 'statistics.withheld' | 'statistics.hidden' | undefined {
  return shown === SMALL ? 'statistics.small' : shown === WITHHELD ? 'statistics.withheld' : shown === '—' ? 'statistics.hidden' : undefined;
}
