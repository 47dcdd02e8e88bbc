/**
 * The commission's queue: which cases it shows, searched and filtered the one way the page and its
 * exports both read from the address, a page at a time, and the exports themselves. Every query
 * applies the permission module's rule (`complaintReachSql`), so a case outside the actor's reach
 * never appears, whatever the filter or search.
 *
 * Search: a case's title and content are stored as typed (only a real-name reporter's identity is
 * encrypted, in complaint_identities, and it is never searched), so the keywords are matched with
 * ILIKE over title and content of the cases in reach — every word must occur. A query that reads
 * like a case number (桑纪举〔2026〕12号, "2026 12") also finds that number. The reach rule narrows the
 * scan to one commission's cases first (index complaints_routed_status_idx).
 *
 * Filters read as words: every value is one of the choices offered by the page's selects (status,
 * category, who it is about, handler, zone, place); a value that is not one of them is ignored,
 * never refused and never an error.
 */
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaintObjections, complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, complaintEvents, complaints, SUBJECT_LEVELS, zones as zonesTable, type ComplaintRow, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { translator } from '../../../i18n/index.ts';
import { levelOfCode, subtreeRange } from '../areas/codes.ts';
import { complaintReach, complaintReachSql, type Actor } from '../auth/permissions.ts';
import type { DbOrTx } from '../db.ts';
import { toCsv, toXlsx, type CsvColumn } from '../spreadsheet.ts';
import { todayInShanghai } from '../time.ts';
import { caseNumberOf, formatCaseNumber } from './case-numbers.ts';
import { listHandlers } from './casework.ts';
import { nextDeadline, type Deadline } from './deadlines.ts';
import { complaintCategoryKey, disposalKey, subjectLevelKey } from './labels.ts';
import { listZones } from './zones.ts';
import { complaintVillage, designatedAmong } from '../supervision/escalated.ts';

export interface QueueEntry {
  complaint: Omit<ComplaintRow, 'content'>;
  areaName: string;
}

/** `handler`: an account id, or `none` for cases without a handler. */
export interface QueueFilter {
  /** Keywords over title and content (every word must occur), or a case number. */
  q?: string;
  status?: ComplaintRow['status'];
  category?: ComplaintRow['category'];
  subjectLevel?: ComplaintRow['subjectLevel'];
  handler?: string;
  zoneId?: string;
  /** A place from the picker (county, township or village in scope): cases about it and below it. */
  areaCode?: string;
  /** Only cases past their next deadline. */
  overdue?: boolean;
  /** Cases merged into another too (issue 11 item 7): they leave the worklist but stay findable. */
  includeMerged?: boolean;
}

/** At most this many cases are read for one view; a narrower filter finds the rest. */
export const QUEUE_LIMIT = 2000;
export const QUEUE_PAGE_SIZE = 50;
export const MAX_QUERY_LENGTH = 50;

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** 桑纪举〔2026〕12号, 〔2026〕12, "2026 12", 2026-12: the year and the sequence, when a query reads like a case number. */
export function caseNumberQuery(q: string): { year: number; seq: number } | null {
  const match = /(?:^|[^\d])((?:19|20)\d{2})[\s〕\]）)年\-—_/第]{1,4}(\d{1,6})\s*号?\s*$/.exec(q) ?? /^((?:19|20)\d{2})[〕\]）)年\-—_/第\s]{1,4}(\d{1,6})/.exec(q);
  return match ? { year: Number(match[1]), seq: Number(match[2]) } : null;
}

function searchCondition(q: string): SQL | undefined {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8);
  if (!words.length) return undefined;
  const text = and(...words.map((word) => or(sql`${complaints.title} ilike ${likePattern(word)}`, sql`${complaints.content} ilike ${likePattern(word)}`)!));
  const number = caseNumberQuery(q);
  return number ? or(text, and(eq(complaints.caseYear, number.year), eq(complaints.caseSeq, number.seq))) : text;
}

/** Cases for this commission: routed into its subtree, or (township commissions) handed down to it. */
export async function listComplaintQueue(db: DbOrTx, actor: Actor, filter: QueueFilter = {}, limit = QUEUE_LIMIT): Promise<QueueEntry[]> {
  const conditions: Array<SQL | undefined> = [complaintReachSql(actor, complaints)];
  if (filter.q) conditions.push(searchCondition(filter.q));
  if (filter.status) conditions.push(eq(complaints.status, filter.status));
  if (filter.category) conditions.push(eq(complaints.category, filter.category));
  if (filter.subjectLevel) conditions.push(eq(complaints.subjectLevel, filter.subjectLevel));
  if (filter.handler) conditions.push(filter.handler === 'none' ? isNull(complaints.assigneeId) : eq(complaints.assigneeId, filter.handler));
  if (filter.zoneId) conditions.push(eq(complaints.zoneId, filter.zoneId));
  if (filter.areaCode) {
    const { from, to } = subtreeRange(filter.areaCode);
    conditions.push(gte(complaints.areaCode, from), lt(complaints.areaCode, to));
  }
  if (!filter.includeMerged) conditions.push(isNull(complaints.mergedIntoId));
  const { content: _content, ...columns } = getTableColumns(complaints);
  const rows = await db
    .select({ complaint: columns, areaName: areas.name })
    .from(complaints)
    .innerJoin(areas, eq(areas.code, complaints.areaCode))
    .where(and(...conditions))
    // Real-name cases first: the rules give them priority (they are owed an answer).
    .orderBy(asc(complaints.anonymous), desc(complaints.filedOn), desc(complaints.caseSeq))
    .limit(limit);
  return rows;
}

/** A place the picker offers: `depth` 0 for the top level shown, 1 below it. */
export interface PlaceChoice {
  code: string;
  name: string;
  depth: number;
}

/**
 * The places a commission may filter its queue by, in tree order: for a county commission its
 * townships, each followed by its villages; for a city its counties and their townships; for a
 * township commission (hand-downs) its villages. A select, so it works without JavaScript.
 */
export async function listPlaceChoices(db: DbOrTx, actor: Actor): Promise<PlaceChoice[]> {
  const reach = complaintReach(actor);
  if (reach.kind === 'none') return [];
  const scope = reach.kind === 'handedDown' ? reach.townshipCode : reach.scopeCode;
  const levels = { province: ['city', 'county'], city: ['county', 'township'], county: ['township', 'village'], township: ['village'], village: [] }[levelOfCode(scope)] as Array<'city' | 'county' | 'township' | 'village'>;
  if (!levels.length) return [];
  const { from, to } = subtreeRange(scope);
  const rows = await db
    .select({ code: areas.code, name: areas.name, level: areas.level })
    .from(areas)
    .where(and(inArray(areas.level, levels), gte(areas.code, from), lt(areas.code, to)))
    .orderBy(asc(areas.code));
  return rows.map((row) => ({ code: row.code, name: row.name, depth: levels.indexOf(row.level as (typeof levels)[number]) }));
}

export interface QueueChoices {
  /** The zones a county commission may filter by (none for other levels). */
  zones: Pick<ZoneRow, 'id' | 'name'>[];
  places: PlaceChoice[];
  /** The actor's commission's accounts (empty for a township commission working hand-downs). */
  handlers: Array<{ id: string; displayName: string }>;
}

const pick = <T extends string>(values: readonly T[], value: string | null): T | undefined => values.find((candidate) => candidate === value);

/**
 * The queue's filters as the address carries them (`q`, `status`, `category`, `subject`, `handler`,
 * `zone`, `area`, `overdue=1`, `merged=1`). A value that is not one of the choices is ignored
 * rather than refused; keywords are trimmed, their spaces collapsed and cut at 50 characters.
 */
export function parseQueueFilter(params: URLSearchParams, choices: Partial<QueueChoices> = {}): QueueFilter {
  const q = (params.get('q') ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH).trim();
  const handler = params.get('handler');
  return {
    q: q || undefined,
    status: pick(COMPLAINT_STATUSES, params.get('status')),
    category: pick(COMPLAINT_CATEGORIES, params.get('category')),
    subjectLevel: pick(SUBJECT_LEVELS, params.get('subject')),
    handler: handler === 'none' ? 'none' : (choices.handlers ?? []).find((h) => h.id === handler)?.id,
    zoneId: (choices.zones ?? []).find((zone) => zone.id === params.get('zone'))?.id,
    areaCode: (choices.places ?? []).find((place) => place.code === params.get('area'))?.code,
    overdue: params.get('overdue') === '1',
    includeMerged: params.get('merged') === '1',
  };
}

/** A case as the queue and its exports show it. */
export interface QueueRow extends QueueEntry {
  deadline: Deadline | null;
  handlerName?: string | null;
  zoneName?: string | null;
  /** The day of the latest conclusion (办结), for a concluded case. */
  concludedOn?: string | null;
  /** The case's village is under escalated supervision (提级监督): handled at county level, never handed down. */
  escalated?: boolean;
}

export interface QueueView extends QueueChoices {
  filter: QueueFilter;
  /** Every case matching the filter (up to QUEUE_LIMIT): what the exports write. */
  entries: QueueRow[];
  /** The page shown (1-based), of `pageCount`, and its cases. */
  page: number;
  pageCount: number;
  pageEntries: QueueRow[];
  /** True when more than QUEUE_LIMIT cases matched. */
  truncated: boolean;
}

/** The queue as the page shows it and the exports write it, filtered by the address's parameters. */
export async function loadComplaintQueue(db: DbOrTx, actor: Actor, params: URLSearchParams, today = todayInShanghai()): Promise<QueueView> {
  const reach = complaintReach(actor);
  const ownScope = reach.kind === 'routed' ? reach.scopeCode : null;
  const [zoneList, places, handlerList] = await Promise.all([
    ownScope && levelOfCode(ownScope) === 'county' ? listZones(db, ownScope) : Promise.resolve([] as ZoneRow[]),
    listPlaceChoices(db, actor),
    ownScope ? listHandlers(db, ownScope) : Promise.resolve([]),
  ]);
  const choices: QueueChoices = { zones: zoneList.map(({ id, name }) => ({ id, name })), places, handlers: handlerList.map(({ id, displayName }) => ({ id, displayName })) };
  const filter = parseQueueFilter(params, choices);
  const listed = await listComplaintQueue(db, actor, filter, QUEUE_LIMIT + 1);
  const truncated = listed.length > QUEUE_LIMIT;
  if (truncated) listed.pop();
  const ids = listed.map((entry) => entry.complaint.id);
  const referrals = ids.length
    ? await db
        .select({ complaintId: complaintReferrals.complaintId, kind: complaintReferrals.kind, state: complaintReferrals.state, dueOn: complaintReferrals.dueOn })
        .from(complaintReferrals)
        .where(and(inArray(complaintReferrals.complaintId, ids), ne(complaintReferrals.state, 'closed')))
    : [];
  const open = new Map(referrals.map((row) => [row.complaintId, row]));
  const concluded = listed.filter((entry) => entry.complaint.status === 'concluded').map((entry) => entry.complaint.id);
  const [objections, conclusions, names, zoneNames, escalated] = await Promise.all([
    concluded.length
      ? db
          .select({ complaintId: complaintObjections.complaintId, state: complaintObjections.state, dueOn: complaintObjections.dueOn })
          .from(complaintObjections)
          .where(and(inArray(complaintObjections.complaintId, concluded), eq(complaintObjections.state, 'open')))
      : [],
    concluded.length
      ? db
          .select({ complaintId: complaintEvents.complaintId, on: sql<string>`max(${complaintEvents.on})::text` })
          .from(complaintEvents)
          .where(and(inArray(complaintEvents.complaintId, concluded), eq(complaintEvents.kind, 'concluded')))
          .groupBy(complaintEvents.complaintId)
      : [],
    idsOf(listed, (entry) => entry.complaint.assigneeId, (handlerIds) => db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, handlerIds))),
    idsOf(listed, (entry) => entry.complaint.zoneId, (zoneIds) => db.select({ id: zonesTable.id, name: zonesTable.name }).from(zonesTable).where(inArray(zonesTable.id, zoneIds))),
    designatedAmong(db, listed.map((entry) => complaintVillage(entry.complaint) ?? '')),
  ]);
  const objected = new Map(objections.map((row) => [row.complaintId, row]));
  const concludedOn = new Map(conclusions.map((row) => [row.complaintId, row.on]));
  const entries = listed
    .map((entry) => ({
      ...entry,
      deadline: nextDeadline(entry.complaint, open.get(entry.complaint.id), today, objected.get(entry.complaint.id)),
      handlerName: entry.complaint.assigneeId ? (names.get(entry.complaint.assigneeId) ?? null) : null,
      zoneName: entry.complaint.zoneId ? (zoneNames.get(entry.complaint.zoneId) ?? null) : null,
      concludedOn: concludedOn.get(entry.complaint.id) ?? null,
      escalated: escalated.has(complaintVillage(entry.complaint) ?? ''),
    }))
    .filter((entry) => !filter.overdue || entry.deadline?.overdue);
  const pageCount = Math.max(1, Math.ceil(entries.length / QUEUE_PAGE_SIZE));
  const requested = Number.parseInt(params.get('page') ?? '1', 10);
  const page = Number.isFinite(requested) ? Math.min(Math.max(requested, 1), pageCount) : 1;
  return { ...choices, filter, entries, page, pageCount, pageEntries: entries.slice((page - 1) * QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE), truncated };
}

async function idsOf<T>(listed: T[], id: (entry: T) => string | null, read: (ids: string[]) => PromiseLike<Array<{ id: string; name: string }>>): Promise<Map<string, string>> {
  const ids = [...new Set(listed.map(id).filter((value): value is string => !!value))];
  return new Map(ids.length ? (await read(ids)).map((row) => [row.id, row.name]) : []);
}

/** The address of the queue with these filters (and page), for links and the form's exports. */
export function queueSearch(filter: QueueFilter, page?: number): string {
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (filter.status) params.set('status', filter.status);
  if (filter.category) params.set('category', filter.category);
  if (filter.subjectLevel) params.set('subject', filter.subjectLevel);
  if (filter.handler) params.set('handler', filter.handler);
  if (filter.zoneId) params.set('zone', filter.zoneId);
  if (filter.areaCode) params.set('area', filter.areaCode);
  if (filter.overdue) params.set('overdue', '1');
  if (filter.includeMerged) params.set('merged', '1');
  if (page && page > 1) params.set('page', String(page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The exports are Chinese documents (the commission's own records), whatever the page's language. */
const zh = translator('zh-CN');

const QUEUE_COLUMNS: CsvColumn<QueueEntry & Partial<QueueRow>>[] = [
  { header: '案件编号', value: ({ complaint }) => formatCaseNumber(caseNumberOf(complaint)) },
  { header: '登记日期', value: ({ complaint }) => complaint.filedOn },
  { header: '标题', value: ({ complaint }) => complaint.title },
  { header: '类别', value: ({ complaint }) => zh(complaintCategoryKey(complaint.category)) },
  { header: '被反映人类别', value: ({ complaint }) => zh(subjectLevelKey(complaint.subjectLevel)) },
  { header: '地点', value: ({ areaName }) => areaName },
  { header: '状态', value: ({ complaint }) => zh(`complaint.status.${complaint.status}`) },
  { header: '实名', value: ({ complaint }) => zh(complaint.anonymous ? 'common.no' : 'common.yes') },
  { header: '承办人', value: ({ handlerName }) => handlerName ?? '' },
  { header: '片区', value: ({ zoneName }) => zoneName ?? '' },
  { header: '下一期限', value: ({ deadline }) => deadline?.due ?? '' },
  { header: '期限事项', value: ({ deadline }) => (deadline ? zh(`console.deadlineKind.${deadline.kind}`) : '') },
  { header: '是否逾期', value: ({ deadline }) => (deadline ? zh(deadline.overdue ? 'common.yes' : 'common.no') : '') },
  { header: '处置方式', value: ({ complaint }) => (complaint.disposal ? zh(disposalKey(complaint.disposal)) : '') },
  { header: '办结日期', value: ({ concludedOn }) => concludedOn ?? '' },
];

/**
 * The queue as CSV for the commission's own records. Never any reporter identity or contact, not
 * even when revealed (whether a case is real-name is a fact of the case, not an identity). Titles
 * are the citizen's text: `toCsv` neutralises formula-looking ones.
 */
export function queueCsv(queue: Array<QueueEntry & Partial<QueueRow>>): string {
  return toCsv(queue, QUEUE_COLUMNS);
}

/** The same columns as an XLSX workbook (typed text cells: a title like "=1+1" stays text). */
export function queueXlsx(queue: Array<QueueEntry & Partial<QueueRow>>): Promise<Uint8Array> {
  return toXlsx(queue, QUEUE_COLUMNS, '检举控告案件');
}
