/**
 * The commission's queue: which cases it shows, filtered the one way the page and its CSV export
 * both read from the address, and the export itself. Every query applies the permission module's
 * rule (`complaintReachSql`), so a case outside the actor's reach never appears, whatever the filter.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, type SQL } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { complaintObjections, complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, complaints, type ComplaintRow, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { translator } from '../../../i18n/index.ts';
import { isAreaCode, levelOfCode, subtreeRange } from '../areas/codes.ts';
import { complaintReachSql, type Actor } from '../auth/permissions.ts';
import type { DbOrTx } from '../db.ts';
import { toCsv, type CsvColumn } from '../spreadsheet.ts';
import { todayInShanghai } from '../time.ts';
import { caseNumberOf, formatCaseNumber } from './case-numbers.ts';
import { nextDeadline, type Deadline } from './deadlines.ts';
import { complaintCategoryKey, disposalKey } from './labels.ts';
import { listZones } from './zones.ts';

export interface QueueEntry {
  complaint: Omit<ComplaintRow, 'content'>;
  areaName: string;
}

export interface QueueFilter {
  status?: ComplaintRow['status'];
  category?: ComplaintRow['category'];
  zoneId?: string;
  /** A township or village: cases about that place (and below it). */
  areaCode?: string;
  /** Only cases past their next deadline. */
  overdue?: boolean;
  /** Cases merged into another too (issue 11 item 7): they leave the worklist but stay findable. */
  includeMerged?: boolean;
}

/** Cases for this commission: routed into its subtree, or (township commissions) handed down to it. */
export async function listComplaintQueue(db: DbOrTx, actor: Actor, filter: QueueFilter = {}): Promise<QueueEntry[]> {
  const conditions: SQL[] = [complaintReachSql(actor, complaints)];
  if (filter.status) conditions.push(eq(complaints.status, filter.status));
  if (filter.category) conditions.push(eq(complaints.category, filter.category));
  if (filter.zoneId) conditions.push(eq(complaints.zoneId, filter.zoneId));
  if (filter.areaCode) {
    const { from, to } = subtreeRange(filter.areaCode);
    conditions.push(gte(complaints.areaCode, from), lt(complaints.areaCode, to));
  }
  const rows = await db
    .select({ complaint: complaints, areaName: areas.name })
    .from(complaints)
    .innerJoin(areas, eq(areas.code, complaints.areaCode))
    .where(and(...conditions, filter.includeMerged ? undefined : isNull(complaints.mergedIntoId)))
    // Real-name cases first: the rules give them priority (they are owed an answer).
    .orderBy(asc(complaints.anonymous), desc(complaints.filedOn))
    .limit(500);
  return rows.map(({ complaint: { content: _content, ...rest }, areaName }) => ({ complaint: rest, areaName }));
}

const pick = <T extends string>(values: readonly T[], value: string | null): T | undefined => values.find((candidate) => candidate === value);

/**
 * The queue's filters as the address carries them (`status`, `category`, `zone`, `area`,
 * `overdue=1`, `merged=1`). A value that is not one of the choices is ignored rather than refused; a zone
 * counts only when it is one of `zones`, the actor's own county's.
 */
export function parseQueueFilter(params: URLSearchParams, zones: Pick<ZoneRow, 'id'>[]): QueueFilter {
  const area = params.get('area') ?? '';
  return {
    status: pick(COMPLAINT_STATUSES, params.get('status')),
    category: pick(COMPLAINT_CATEGORIES, params.get('category')),
    zoneId: zones.find((zone) => zone.id === params.get('zone'))?.id,
    areaCode: isAreaCode(area) ? area : undefined,
    overdue: params.get('overdue') === '1',
    includeMerged: params.get('merged') === '1',
  };
}

export interface QueueView {
  filter: QueueFilter;
  /** The zones a county commission may filter by (none for other levels). */
  zones: ZoneRow[];
  entries: Array<QueueEntry & { deadline: Deadline | null }>;
}

/** The queue as the page shows it and the export writes it, filtered by the address's parameters. */
export async function loadComplaintQueue(db: DbOrTx, actor: Actor, params: URLSearchParams, today = todayInShanghai()): Promise<QueueView> {
  const zones = actor.scopeCode && levelOfCode(actor.scopeCode) === 'county' ? await listZones(db, actor.scopeCode) : [];
  const filter = parseQueueFilter(params, zones);
  const listed = await listComplaintQueue(db, actor, filter);
  const referrals = listed.length
    ? await db
        .select({ complaintId: complaintReferrals.complaintId, kind: complaintReferrals.kind, state: complaintReferrals.state, dueOn: complaintReferrals.dueOn })
        .from(complaintReferrals)
        .where(and(inArray(complaintReferrals.complaintId, listed.map((entry) => entry.complaint.id)), ne(complaintReferrals.state, 'closed')))
    : [];
  const open = new Map(referrals.map((row) => [row.complaintId, row]));
  const concluded = listed.filter((entry) => entry.complaint.status === 'concluded').map((entry) => entry.complaint.id);
  const objections = concluded.length
    ? await db
        .select({ complaintId: complaintObjections.complaintId, state: complaintObjections.state, dueOn: complaintObjections.dueOn })
        .from(complaintObjections)
        .where(and(inArray(complaintObjections.complaintId, concluded), eq(complaintObjections.state, 'open')))
    : [];
  const objected = new Map(objections.map((row) => [row.complaintId, row]));
  const entries = listed
    .map((entry) => ({ ...entry, deadline: nextDeadline(entry.complaint, open.get(entry.complaint.id), today, objected.get(entry.complaint.id)) }))
    .filter((entry) => !filter.overdue || entry.deadline?.overdue);
  return { filter, zones, entries };
}

/** The export is a Chinese document (the commission's own records), whatever the page's language. */
const zh = translator('zh-CN');

const QUEUE_CSV_COLUMNS: CsvColumn<QueueEntry>[] = [
  { header: '案件编号', value: ({ complaint }) => formatCaseNumber(caseNumberOf(complaint)) },
  { header: '登记日期', value: ({ complaint }) => complaint.filedOn },
  { header: '标题', value: ({ complaint }) => complaint.title },
  { header: '类别', value: ({ complaint }) => zh(complaintCategoryKey(complaint.category)) },
  { header: '地点', value: ({ areaName }) => areaName },
  { header: '状态', value: ({ complaint }) => zh(`complaint.status.${complaint.status}`) },
  { header: '实名', value: ({ complaint }) => zh(complaint.anonymous ? 'common.no' : 'common.yes') },
  { header: '处置方式', value: ({ complaint }) => (complaint.disposal ? zh(disposalKey(complaint.disposal)) : '') },
];

/**
 * The queue as CSV for the commission's own records. Never any reporter identity, not even when
 * revealed. Titles are the citizen's text: `toCsv` neutralises formula-looking ones.
 */
export function queueCsv(queue: QueueEntry[]): string {
  return toCsv(queue, QUEUE_CSV_COLUMNS);
}
