/**
 * The open-data API's JSON shapes (documented in README, "Open data"). Field names here are a
 * public contract: add fields freely, never rename or remove one within /api/v1.
 */
import type { ResolvedItem } from '../../../db/schema/county-lists.ts';
import type { DbOrTx } from './db.ts';
import { listCountiesByCity } from './areas/index.ts';
import { groupByCategory, listCatalogItems, listCategories, type CatalogItem } from './catalog/index.ts';
import { listCurrentVersions, loadCountyList } from './county-lists/index.ts';
import { complaintCategoryKey, type ComplaintCategory } from './complaints/labels.ts';
import type { ComplaintStatistics, Figures } from './complaints/statistics.ts';
import { translator } from '../../i18n/index.ts';
import { toCsv, type CsvColumn } from './spreadsheet.ts';
import type { CountyLivelihoodStatistics, ItemPeriodStatistics, LivelihoodItemInfo, PaymentFigures } from './livelihood/statistics.ts';

export const API_VERSION = 1;

export interface ItemJson {
  code: string;
  category: string;
  name: string;
  nameEn: string;
  level: 'township' | 'village';
  summary: string;
  legalBasis: string[];
  implementingBody: string;
  materials: string[];
  materialsNote: string | null;
  fee: string;
  timeLimit: { unit: string; days: number | null; note: string | null };
  steps: Array<{ order: number; actor: string; action: string; limit: string }>;
  risks: Array<{ risk: string; level: string; control: string }>;
  accountability: string[];
  channel: string;
}

export function itemJson(item: CatalogItem | ResolvedItem): ItemJson {
  return {
    code: item.code,
    category: item.categoryCode,
    name: item.name,
    nameEn: item.nameEn,
    level: item.level,
    summary: item.summary,
    legalBasis: item.legalBasis,
    implementingBody: item.implementingBody,
    materials: item.materials,
    materialsNote: item.materialsNote ?? null,
    fee: item.fee,
    timeLimit: { unit: item.timeLimit.unit, days: item.timeLimit.days, note: item.timeLimit.note ?? null },
    steps: item.steps.map((step, index) => ({ order: index + 1, actor: step.actor, action: step.action, limit: step.limit })),
    risks: item.risks.map((risk) => ({ risk: risk.risk, level: risk.level, control: risk.control })),
    accountability: item.accountability,
    channel: item.channel,
  };
}

export async function catalogJson(db: DbOrTx) {
  const [categories, items] = await Promise.all([listCategories(db), listCatalogItems(db)]);
  return {
    apiVersion: API_VERSION,
    itemCount: items.length,
    categories: groupByCategory(categories, items).map((group) => ({
      code: group.category.code,
      name: group.category.nameZh,
      nameEn: group.category.nameEn,
      itemCount: group.items.length,
      items: group.items.map(itemJson),
    })),
  };
}

export async function countiesJson(db: DbOrTx) {
  const [groups, current] = await Promise.all([listCountiesByCity(db), listCurrentVersions(db)]);
  return {
    apiVersion: API_VERSION,
    counties: groups.flatMap((group) =>
      group.counties.map((county) => ({
        code: county.code,
        name: county.name,
        cityCode: group.city.code,
        cityName: group.city.name,
        demo: county.isDemo,
        currentList: current.get(county.code) ?? null,
      })),
    ),
  };
}

/** The list in force for a county, overrides applied; undefined when there is none. */
export async function countyItemsJson(db: DbOrTx, countyCode: string) {
  const view = await loadCountyList(db, countyCode);
  if (!view || !view.shown) return undefined;
  const { county, shown } = view;
  return {
    apiVersion: API_VERSION,
    county: { code: county.code, name: county.name, demo: county.isDemo },
    list: {
      version: shown.list.version,
      effectiveOn: shown.list.effectiveOn,
      publishedAt: shown.list.publishedAt?.toISOString() ?? null,
      note: shown.list.note,
      itemCount: shown.items.length,
    },
    items: shown.items.map((item) => ({
      ...itemJson(item),
      origin: item.origin,
      responsibleUnit: item.responsibleUnit ?? null,
      contactPhone: item.contactPhone ?? null,
      localNote: item.localNote ?? null,
      catalogTimeLimitDays: item.catalogTimeLimitDays ?? null,
    })),
  };
}

/** GET /api/v1/statistics/{code}: one closed month of complaint statistics, masks as on the page. */
export function statisticsJson(stats: ComplaintStatistics) {
  return { apiVersion: API_VERSION, ...stats };
}

type StatisticsCsvRow = { table: string; month: string; code: string; place: string; category: ComplaintCategory | null; figures: Figures };

/** The statistics CSV is a Chinese document: its headers and table names are part of the v1 contract. */
const zh = translator('zh-CN');

const STATISTICS_CSV_COLUMNS: CsvColumn<StatisticsCsvRow>[] = [
  { header: '表', value: (row) => row.table },
  { header: '月份', value: (row) => row.month },
  { header: '地区代码', value: (row) => row.code },
  { header: '地区', value: (row) => row.place },
  { header: '问题类别', value: (row) => (row.category ? zh(complaintCategoryKey(row.category)) : '') },
  // Counts are numbers, "<5" or "*": text columns (so the masks stay as published), numbers unquoted.
  { header: '收到', value: (row) => row.figures.received },
  { header: '受理', value: (row) => row.figures.accepted },
  { header: '办结', value: (row) => row.figures.concluded },
  { header: '平均办结天数', value: (row) => row.figures.averageDaysToConclude, numeric: true },
];

/**
 * The same statistics as CSV, one row per published figure group (long format, for spreadsheets):
 * the month's totals, by category, by township (and 县本级) or by county, then the twelve months.
 */
export function statisticsCsv(stats: ComplaintStatistics): string {
  const { scope, period } = stats;
  const at = (table: string, figures: Figures, extra: Partial<StatisticsCsvRow> = {}): StatisticsCsvRow => ({
    table,
    month: period.month,
    code: scope.code,
    place: scope.name,
    category: null,
    figures,
    ...extra,
  });
  const rows: StatisticsCsvRow[] = [
    at('合计', stats.totals),
    ...stats.byCategory.map((entry) => at('按问题类别', entry.figures, { category: entry.category })),
    ...stats.byTownship.map((entry) => at('按乡镇', entry.figures, { code: entry.code, place: entry.name })),
    ...(stats.ownLevel ? [at('县本级', stats.ownLevel, { place: `${scope.name}本级` })] : []),
    ...stats.byCounty.map((entry) => at('按县（市、区）', entry.figures, { code: entry.code, place: entry.name })),
    ...stats.byMonth.flatMap((entry) => [
      at('按月份', entry.figures, { month: entry.month }),
      ...entry.byCategory.map((each) => at('按月份和问题类别', each.figures, { month: entry.month, category: each.category })),
    ]),
  ];
  return toCsv(rows, STATISTICS_CSV_COLUMNS);
}

/** GET /api/v1/statistics/{county}/livelihood: the county's items with their periods and latest figures (amounts in fen, masks as on the page). */
export function livelihoodStatisticsJson(stats: CountyLivelihoodStatistics) {
  return {
    apiVersion: API_VERSION,
    county: stats.county,
    unit: 'fen',
    items: stats.items.map((entry) => ({ ...livelihoodItemJson(entry.item), periods: entry.periods, latest: entry.latest })),
    crossChecks: stats.crossChecks,
  };
}

/** GET /api/v1/statistics/{county}/livelihood/{item}?period=…: one item and period by township and village. */
export function livelihoodItemStatisticsJson(stats: ItemPeriodStatistics) {
  return {
    apiVersion: API_VERSION,
    county: stats.county,
    unit: 'fen',
    item: livelihoodItemJson(stats.item),
    period: stats.period,
    periods: stats.periods,
    totals: stats.totals,
    byTownship: stats.byTownship,
  };
}

function livelihoodItemJson(item: LivelihoodItemInfo) {
  return { id: item.id, name: item.name, department: item.departmentName, standardText: item.standardText, legalBasis: item.legalBasis };
}

type LivelihoodCsvRow = { table: string; item: LivelihoodItemInfo; period: string; code: string; place: string; township: string; villages?: number; figures: PaymentFigures };

/** Amounts as yuan with two decimals ("*" when withheld): a text column, so the masks stay as published. */
const yuanOrMask = (figures: PaymentFigures): string => (typeof figures.amountFen === 'number' ? (figures.amountFen / 100).toFixed(2) : figures.amountFen);

const LIVELIHOOD_CSV_COLUMNS: CsvColumn<LivelihoodCsvRow>[] = [
  { header: '表', value: (row) => row.table },
  { header: '补贴项目', value: (row) => row.item.name },
  { header: '发放部门', value: (row) => row.item.departmentName },
  { header: '发放期间', value: (row) => row.period },
  { header: '地区代码', value: (row) => row.code },
  { header: '地区', value: (row) => row.place },
  { header: '所属乡镇', value: (row) => row.township },
  { header: '发放村数', value: (row) => row.villages, numeric: true },
  { header: '发放人数', value: (row) => row.figures.recipients },
  { header: '发放金额（元）', value: (row) => yuanOrMask(row.figures) },
];

/** The county overview as CSV: one row per item, its latest period's county figures. */
export function livelihoodStatisticsCsv(stats: CountyLivelihoodStatistics): string {
  return toCsv(
    stats.items.map((entry) => ({ table: '最近一期全县合计', item: entry.item, period: entry.latest.period, code: stats.county.code, place: stats.county.name, township: '', villages: entry.latest.villages, figures: entry.latest.totals })),
    LIVELIHOOD_CSV_COLUMNS,
  );
}

/** One item and period as CSV (long format): the county, each township, each village. */
export function livelihoodItemStatisticsCsv(stats: ItemPeriodStatistics): string {
  const at = (table: string, code: string, place: string, township: string, figures: PaymentFigures): LivelihoodCsvRow => ({ table, item: stats.item, period: stats.period, code, place, township, figures });
  return toCsv(
    [
      at('全县合计', stats.county.code, stats.county.name, '', stats.totals),
      ...stats.byTownship.flatMap((township) => [
        at('按乡镇', township.code, township.name, township.name, township.figures),
        ...township.villages.map((village) => at('按村', village.code, village.name, township.name, village.figures)),
      ]),
    ],
    LIVELIHOOD_CSV_COLUMNS,
  );
}
