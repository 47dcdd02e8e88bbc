import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { users } from './auth.ts';

export const COMPLAINT_CATEGORIES = ['item', 'assets', 'conduct', 'other'] as const;
export const COMPLAINT_STATUSES = ['received', 'accepted', 'declined', 'transferred', 'in_progress', 'concluded'] as const;
/** How a clue is disposed of (问题线索处置方式). */
export const DISPOSALS = ['talk_inquiry', 'preliminary_check', 'shelve', 'close', 'open_case'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
/** What the verification found (核实结论): 属实 · 部分属实 · 不属实 · 无法查实. */
export const FINDINGS = ['substantiated', 'partly', 'unsubstantiated', 'unverifiable'] as const;
/** Measures taken (处理措施): 批评教育 · 诫勉 · 组织处理 · 党纪政务处分 · 移送司法. */
export const MEASURES = ['criticism', 'admonition', 'organisational', 'sanction', 'judicial'] as const;
/**
 * Who the complaint is about, by management authority (管理权限): it decides the commission. Every
 * level but 县领导 goes to the county commission of the place, 县领导 to the city; 乡镇领导班子成员
 * is never handed down to that township's own commission (回避).
 */
export const SUBJECT_LEVELS = ['village_cadre', 'township_cadre', 'township_leader', 'county_staff', 'county_dept_leader', 'county_leader', 'unknown'] as const;
export type SubjectLevel = (typeof SUBJECT_LEVELS)[number];
/**
 * How a complaint arrived: `online` (the public form or the JSON API, one channel: nothing says
 * which), `direct_point` (typed by a village liaison for a villager at a direct reporting point,
 * 直报点; nothing links a complaint to the liaison) or `cross_check` (a case opened on a finding of a
 * cross-check, 地地交叉检查: the finding names the case, zone_cross_check_findings.complaint_id).
 * A channel in the public statistics.
 */
export const COMPLAINT_CHANNELS = ['online', 'direct_point', 'cross_check'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
/**
 * Every kind of case history entry. Citizen steps: received, material, rated, objected (异议;
 * migration 0022 renamed the old review requests, reviewRequested, to it).
 * The rest are staff steps, each with its officer (`actor_id`).
 */
export const COMPLAINT_EVENT_KINDS = [
  'received',
  'accepted',
  'declined',
  'transferred',
  'in_progress',
  'concluded',
  'escalated',
  'disposed',
  'material',
  'rated',
  'objected',
  'merged',
  'note',
  'forwarded',
  'handedDown',
  'handDownReported',
  'reportAccepted',
  'reportReturned',
  'pressed',
  'transferReplied',
  'handlerAssigned',
  'proposed',
  'proposalApproved',
  'proposalRejected',
  'proposalWithdrawn',
  'interimReply',
  'objectionAnswered',
  'objectionPressed',
  'reopened',
  'replied',
  'zoneAssigned',
] as const;
export type ComplaintEventKind = (typeof COMPLAINT_EVENT_KINDS)[number];

/**
 * A complaint (信访举报). What is stored is what the case needs and nothing that identifies how it
 * arrived: the filing date (a day, never a time), no address, no user agent. A real-name reporter's
 * name and phone live encrypted in complaint_identities. The receipt code itself is never stored,
 * only a keyed hash of it.
 */
/**
 * A collaboration zone (片区协作区): townships of one county grouped under a commission leader as
 * zone head, one or two deputies and a liaison (zone_members, db/schema/zones.ts). The county
 * commission manages its zones and assesses them on their figures.
 */
export const zones = pgTable(
  'zones',
  {
    id: text('id').primaryKey(),
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    name: text('name').notNull(),
    townshipCodes: jsonb('township_codes').$type<string[]>().notNull(),
    /**
     * Legacy: the names typed before zone members were staff accounts (zone_members). Shown until
     * the county chooses the accounts; a zone set up or edited since keeps them null.
     */
    head: text('head'),
    deputies: jsonb('deputies').$type<string[]>(),
    liaison: text('liaison'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('zones_county_name').on(t.countyCode, t.name)],
);

export const complaints = pgTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    receiptHmac: text('receipt_hmac').notNull().unique(),
    category: text('category', { enum: COMPLAINT_CATEGORIES }).notNull(),
    /** The place the complaint is about (village, township or county). */
    areaCode: text('area_code')
      .notNull()
      .references(() => areas.code),
    /** The commission whose queue holds it: by `subject_level` (routing.ts), then forwarded or escalated. */
    routedScopeCode: text('routed_scope_code')
      .notNull()
      .references(() => areas.code),
    /** Who it is about (管理权限); the key-personnel category, when given, is `subject_role`. */
    subjectLevel: text('subject_level', { enum: SUBJECT_LEVELS }).notNull().default('unknown'),
    /** The day it reached the commission now holding it (filing, forwarding, escalation): its time limits count from here. */
    arrivedOn: date('arrived_on', { mode: 'string' }).notNull(),
    /** The township commission it is handed down to (交办); only that township's commission users reach it besides the county. */
    handedDownTo: text('handed_down_to').references(() => areas.code),
    subjectRole: text('subject_role'),
    subjectName: text('subject_name'),
    itemCode: text('item_code'),
    villageCode: text('village_code'),
    /** A published ledger entry the complaint is about (from the village page's "report" link). */
    fundEntryId: bigint('fund_entry_id', { mode: 'number' }),
    title: text('title').notNull(),
    content: text('content').notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }),
    filedOn: date('filed_on', { mode: 'string' }).notNull(),
    anonymous: boolean('anonymous').notNull(),
    channel: text('channel', { enum: COMPLAINT_CHANNELS }).notNull().default('online'),
    status: text('status', { enum: COMPLAINT_STATUSES }).notNull().default('received'),
    /** The handler (承办人): a commission account of the commission holding the case. */
    assigneeId: text('assignee_id').references(() => users.id),
    disposal: text('disposal', { enum: DISPOSALS }),
    zoneId: text('zone_id').references(() => zones.id),
    /** Set when this case was merged into another about the same matter; both records stay. */
    mergedIntoId: text('merged_into_id').references((): AnyPgColumn => complaints.id),
    /** The reply the reporter reads, its own step after the conclusion (issue 11 item 5). */
    publicReply: text('public_reply'),
    /** The approved conclusion: what was found and what was done (internal). */
    finding: text('finding', { enum: FINDINGS }),
    measures: jsonb('measures').$type<Array<(typeof MEASURES)[number]>>(),
    measuresNote: text('measures_note'),
    rating: integer('rating'),
    /**
     * The case number (桑纪举〔2026〕12号, complaints/case-numbers.ts), given once at filing by the
     * commission it first reached (`case_scope_code`) and kept when the case is forwarded,
     * escalated or handed down: it names the case, not its holder. `case_prefix` is that
     * commission area's short name, frozen.
     */
    caseScopeCode: text('case_scope_code')
      .notNull()
      .references(() => areas.code),
    caseYear: integer('case_year').notNull(),
    caseSeq: integer('case_seq').notNull(),
    casePrefix: text('case_prefix').notNull(),
  },
  (t) => [
    unique('complaints_case_number').on(t.caseScopeCode, t.caseYear, t.caseSeq),
    index('complaints_routed_status_idx').on(t.routedScopeCode, t.status, t.filedOn),
    index('complaints_area_idx').on(t.areaCode, t.filedOn),
    index('complaints_handed_down_idx').on(t.handedDownTo),
    check('complaints_filed_on_is_a_day', sql`${t.filedOn} is not null`),
    check('complaints_rating_range', sql`${t.rating} is null or ${t.rating} between 1 and 5`),
    check('complaints_channel', sql`${t.channel} in ('online', 'direct_point', 'cross_check')`),
  ],
);

/** Real-name details, AES-256-GCM encrypted under the configured complaint key. */
export const complaintIdentities = pgTable('complaint_identities', {
  complaintId: text('complaint_id')
    .primaryKey()
    .references(() => complaints.id),
  ciphertext: text('ciphertext').notNull(),
});

/**
 * The case history. Citizen-visible entries (`public`) make the tracking timeline; internal notes
 * never leave the commission. Every entry carries the day only, staff steps included: this table
 * holds the citizen's own steps (filing, material, rating, objection), and a time on the staff
 * rows beside them would bracket those. The exact time of a staff step is in the audit log, which
 * only the case's handlers can read. Entries are numbered per case (`seq`, assigned by the
 * trigger `complaint_events_seq`), never by a counter shared by all cases, which would order a
 * filing against other cases' timed staff steps.
 */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    /** 1, 2, 3… within the case; the database sets it on insert (whatever is sent). */
    seq: integer('seq')
      .notNull()
      .$defaultFn(() => 0),
    on: date('on', { mode: 'string' }).notNull(),
    actorId: text('actor_id').references(() => users.id),
    kind: text('kind', { enum: COMPLAINT_EVENT_KINDS }).notNull(),
    public: boolean('public').notNull(),
    text: text('text'),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.seq] })],
);

/**
 * Idempotency for filing: the form carries a random key; a resubmission with the same key returns
 * the same complaint instead of creating another. The receipt is kept here encrypted under a key
 * derived from the idempotency key (which only the submitting browser holds), so a retry after a
 * lost response can show the receipt again while the server alone cannot read it.
 */
export const complaintSubmissions = pgTable(
  'complaint_submissions',
  {
    keyHash: text('key_hash').primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    receiptCiphertext: text('receipt_ciphertext').notNull(),
    createdOn: date('created_on', { mode: 'string' }).notNull(),
  },
  (t) => [unique('complaint_submissions_complaint').on(t.complaintId)],
);

/**
 * The last case number given per commission and year. Filing takes the next one with an upsert on
 * this row (which locks it until the filing commits), so two filings at once never share a number;
 * a filing that rolls back gives its number back with it.
 */
export const complaintCaseCounters = pgTable(
  'complaint_case_counters',
  {
    scopeCode: text('scope_code')
      .notNull()
      .references(() => areas.code),
    year: integer('year').notNull(),
    lastSeq: integer('last_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scopeCode, t.year] })],
);

export type ComplaintRow = typeof complaints.$inferSelect;
export type ZoneRow = typeof zones.$inferSelect;
export type ComplaintEventRow = typeof complaintEvents.$inferSelect;

/** What the public complaint statistics count (complaints/statistics.ts). */
export const FLOW_MEASURES = ['received', 'accepted', 'concluded'] as const;

/**
 * The public statistics' monthly counts, kept as they happen by triggers on complaints and
 * complaint_events (migration 0040, which says exactly what is counted and why triggers): a page
 * reads a city's cells for twelve months instead of adding up every complaint and event of the
 * city. `place` is the first nine digits of the area code, a township or a county itself ("…000"):
 * nothing finer is ever published. `days` adds up, over the cases counted, the days from filing to
 * the month's last acceptance or conclusion. The key leads with the month so that a city's twelve
 * months are twelve index ranges on (month, place).
 */
export const complaintFlowCounts = pgTable(
  'complaint_flow_counts',
  {
    month: text('month').notNull(),
    place: text('place').notNull(),
    category: text('category', { enum: COMPLAINT_CATEGORIES }).notNull(),
    channel: text('channel', { enum: COMPLAINT_CHANNELS }).notNull(),
    measure: text('measure', { enum: FLOW_MEASURES }).notNull(),
    count: integer('count').notNull(),
    days: bigint('days', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.place, t.category, t.channel, t.measure] }),
    check('complaint_flow_counts_measure', sql`${t.measure} in ('received', 'accepted', 'concluded')`),
  ],
);
