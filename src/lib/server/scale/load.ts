/**
 * Writes the generated test data of generate.ts into a database at province scale (`npm run
 * db:scale`, src/server/db-scale.ts) or at a moderate scale for the plan tests (plans.test.ts).
 *
 * Rows go in with COPY (postgres.js `.writable()`, or PGlite's `/dev/blob`), a batch of villages per
 * transaction. The ledgers obey the schema's rules rather than going round them: a period is
 * written as a draft (the `ledger_lines_guard` trigger refuses lines under a published period), its
 * lines are copied under it, and then it is published with the hash chain computed as approval
 * computes it, so `npm run verify-ledgers` holds. In the same transaction the villages are marked
 * `generated_data`, which is what makes a second run skip them: a run that stops can be run again
 * and carries on. County lists go through the county-list domain (createDraftList, publishList).
 */
import { and, count, eq, gte, lt } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { countyLists } from '../../../../db/schema/county-lists.ts';
import { allCatalogItems } from '../../../../db/seed/catalog/index.ts';
import { subtreeRange } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { casePrefixOf } from '../complaints/case-numbers.ts';
import { encryptJson, generateReceipt, receiptHmac } from '../complaints/crypto.ts';
import { getConfig } from '../config.ts';
import { createDraftList, publishList } from '../county-lists/index.ts';
import type { Db, DbHandle } from '../db.ts';
import { idHash, idLast4, maskName, nameHash } from '../livelihood/id-number.ts';
import { todayInShanghai } from '../time.ts';
import { complaintAt, complaintSteps, lastMonths, personName, rng, villageBatches, villageLedger, villageRecipients, type GeneratedPeriod } from './generate.ts';

type Cell = string | number | boolean | null | Date | object;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One COPY text-format field. */
function field(value: Cell): string {
  if (value === null) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : text;
}

export function copyText(rows: Cell[][]): string {
  let out = '';
  for (const row of rows) out += row.map(field).join('\t') + '\n';
  return out;
}

export interface ScaleTx {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  copy(table: string, columns: string[], rows: Cell[][]): Promise<void>;
}

export interface ScaleWriter extends ScaleTx {
  transaction<T>(fn: (tx: ScaleTx) => Promise<T>): Promise<T>;
  /** How many transactions may run at once (connections). */
  parallel?: number;
  close(): Promise<void>;
}

/** A writer on the handle's own database: a dedicated postgres.js connection, or the PGlite client itself. */
export async function scaleWriter(handle: DbHandle): Promise<ScaleWriter> {
  if (handle.driver === 'postgres') {
    const { default: postgres } = await import('postgres');
    const client = postgres(handle.url!, { max: 2, onnotice: () => {}, connection: { application_name: 'yidiantong-db-scale', TimeZone: 'UTC' } });
    type Sql = import('postgres').Sql | import('postgres').TransactionSql;
    const on = (sql: Sql): ScaleTx => ({
      query: async <T>(text: string, params: unknown[] = []) => (await sql.unsafe(text, params as never[])) as unknown as T[],
      copy: async (table, columns, rows) => {
        if (!rows.length) return;
        const stream = await sql.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
        const text = copyText(rows);
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', () => resolve());
          stream.end(text);
        });
      },
    });
    return {
      ...on(client),
      parallel: 2,
      transaction: (fn) => client.begin((tx) => fn(on(tx as Sql))) as Promise<never>,
      close: () => client.end({ timeout: 5 }),
    };
  }
  type PGliteLike = {
    query<T>(text: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[] }>;
    transaction<T>(fn: (tx: PGliteLike) => Promise<T>): Promise<T>;
  };
  const client = (handle.db as unknown as { $client: PGliteLike }).$client;
  const on = (pg: PGliteLike): ScaleTx => ({
    query: async <T>(text: string, params: unknown[] = []) => (await pg.query<T>(text, params)).rows,
    copy: async (table, columns, rows) => {
      if (!rows.length) return;
      await pg.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([copyText(rows)]) });
    },
  });
  return { ...on(client), transaction: (fn) => client.transaction((tx) => fn(on(tx))), close: async () => {} };
}

export interface ScaleOptions {
  /** The province (2 digits, or its 12-digit code). */
  province: string;
  /** At most this many villages (default: all). */
  villages?: number;
  /** Villages per transaction. */
  batch?: number;
  /** Complaints in the whole province (default 200,000). */
  complaints?: number;
  /** Months of ledgers per village (default 36). */
  months?: number;
  today?: string;
  now?: Date;
}

export interface ScaleProgress {
  (stage: 'lists' | 'villages' | 'complaints' | 'analyze', done: number, total: number): void;
}

export interface ScaleSummary {
  province: { code: string; name: string };
  counties: number;
  listsPublished: number;
  villages: number;
  villagesSkipped: number;
  disclosures: number;
  fundEntries: number;
  registerLines: number;
  payments: number;
  complaints: number;
}

export type ScaleRefusal = { reason: 'no-province' | 'no-villages'; province: string };

const DEPARTMENTS = [
  { item: 'land', department: '农业农村局', name: '耕地地力保护补贴', standardText: '按确权承包地面积每亩每年112.5元', standardFen: null, legalBasis: '《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）' },
  { item: 'dibao', department: '民政局', name: '最低生活保障金', standardText: '按家庭人均收入低于当地低保标准的差额按月发放', standardFen: 300_000, legalBasis: '《社会救助暂行办法》（国务院令第649号）' },
] as const;

/** The village rows a run fills: real villages of the province, not yet generated and with no ledger of their own. */
async function pendingVillages(w: ScaleWriter, provinceCode: string, limit: number | null) {
  const { from, to } = subtreeRange(provinceCode);
  return w.query<{ code: string; name: string; township_name: string; county_code: string }>(
    `select v.code, v.name, t.name as township_name, substr(v.code, 1, 6) || '000000' as county_code
       from areas v join areas t on t.code = v.parent_code
      where v.level = 'village' and v.code >= $1 and v.code < $2 and not v.is_demo and not v.generated_data
        and not exists (select 1 from disclosures d where d.village_code = v.code)
      order by v.code ${limit === null ? '' : `limit ${Math.max(0, Math.floor(limit))}`}`,
    [from, to],
  );
}

/** Fills the province. Safe to run again: generated villages, published lists and generated complaints are counted, not redone. */
export async function loadScale(db: Db, w: ScaleWriter, options: ScaleOptions, progress: ScaleProgress = () => {}): Promise<{ ok: true; value: ScaleSummary } | { ok: false; error: ScaleRefusal }> {
  const provinceCode = options.province.length === 2 ? `${options.province}0000000000` : options.province;
  const [province] = await db.select().from(areas).where(and(eq(areas.code, provinceCode), eq(areas.level, 'province')));
  if (!province) return { ok: false, error: { reason: 'no-province', province: provinceCode } };
  const { from, to } = subtreeRange(provinceCode);
  const [villageCount] = await db.select({ n: count() }).from(areas).where(and(eq(areas.level, 'village'), gte(areas.code, from), lt(areas.code, to)));
  if (!villageCount?.n) return { ok: false, error: { reason: 'no-villages', province: provinceCode } };
  const today = options.today ?? todayInShanghai();
  const now = options.now ?? new Date();
  const config = getConfig();
  const summary: ScaleSummary = { province: { code: province.code, name: province.name }, counties: 0, listsPublished: 0, villages: 0, villagesSkipped: 0, disclosures: 0, fundEntries: 0, registerLines: 0, payments: 0, complaints: 0 };

  // 1. Every county gets a published list (all catalog items) unless it has one of its own.
  const counties = await db.select().from(areas).where(and(eq(areas.level, 'county'), gte(areas.code, from), lt(areas.code, to))).orderBy(areas.code);
  summary.counties = counties.length;
  const entries = allCatalogItems().map((item) => ({ itemCode: item.code }));
  for (const [index, county] of counties.entries()) {
    const [existing] = await db.select({ n: count() }).from(countyLists).where(eq(countyLists.countyCode, county.code));
    if (!existing?.n) {
      const draft = await createDraftList(db, county.code, entries);
      if (!draft.ok) throw new Error(`county list ${county.code}: ${draft.errors.join('; ')}`);
      const published = await publishList(db, draft.value.listId, { effectiveOn: `${Number(today.slice(0, 4)) - 3}-01-01`, note: '生成的测试数据（db:scale）', publishedBy: 'db-scale' });
      if (!published.ok) throw new Error(`county list ${county.code}: ${published.errors.join('; ')}`);
      await w.query(`update areas set generated_data = true where code = $1`, [county.code]);
      summary.listsPublished += 1;
    }
    progress('lists', index + 1, counties.length);
  }
  const countyName = new Map(counties.map((county) => [county.code, county.name]));

  // 2. Villages, a batch per transaction.
  const months = lastMonths(today, options.months ?? 36);
  const villages = await pendingVillages(w, provinceCode, options.villages ?? null);
  const [skipped] = await w.query<{ n: number }>(`select count(*)::int as n from areas where level = 'village' and code >= $1 and code < $2 and generated_data`, [from, to]);
  summary.villagesSkipped = skipped?.n ?? 0;
  const items = await subsidyItemsFor(w, [...new Set(villages.map((v) => v.county_code))], countyName);
  const batchSize = options.batch ?? 250;
  const key = config.livelihoodIdKey;
  // Two batches in flight: one being generated here while PostgreSQL takes the other (a second connection).
  const inFlight = new Set<Promise<void>>();
  for (let start = 0; start < villages.length; start += batchSize) {
    const batch = villages.slice(start, start + batchSize);
    const ledgers: GeneratedPeriod[][] = [];
    for (const village of batch) {
      ledgers.push(villageLedger({ code: village.code, name: village.name, townshipName: village.township_name }, months, now));
      // Let the socket drain the batch already being copied.
      if (ledgers.length % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const written = writeVillages(w, batch, ledgers, months.length, items, key, today, now).then((counts) => {
      summary.disclosures += counts.disclosures;
      summary.fundEntries += counts.fundEntries;
      summary.registerLines += counts.registerLines;
      summary.payments += counts.payments;
      summary.villages += batch.length;
      progress('villages', summary.villages, villages.length);
    });
    inFlight.add(written);
    void written.finally(() => inFlight.delete(written)).catch(() => {});
    if (inFlight.size >= (w.parallel ?? 1)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  // 3. Complaints about generated villages, numbered on after what is already there.
  summary.complaints = await writeComplaints(w, provinceCode, options.complaints ?? 200_000, countyName, today, progress);

  progress('analyze', 0, 1);
  for (const table of ['disclosures', 'fund_entries', 'asset_items', 'resource_contracts', 'debt_items', 'disclosure_events', 'payment_batches', 'payments', 'complaints', 'complaint_events', 'areas', 'county_lists', 'county_list_items']) {
    await w.query(`analyze ${table}`);
  }
  progress('analyze', 1, 1);
  await recordAudit(db, { actor: null, action: 'scale.generated', subjectType: 'area', subjectId: province.code, scopeCode: province.code, detail: { ...summary, province: province.code } });
  return { ok: true, value: summary };
}

type ItemIds = Map<string, { land: string; dibao: string }>;

/** One batch of villages in one transaction: drafts, their lines, publication, events, cadences, payments, the flag. */
async function writeVillages(
  w: ScaleWriter,
  batch: Array<{ code: string; county_code: string }>,
  ledgers: GeneratedPeriod[][],
  monthCount: number,
  items: ItemIds,
  key: Buffer,
  today: string,
  now: Date,
): Promise<{ disclosures: number; fundEntries: number; registerLines: number; payments: number }> {
  return w.transaction(async (tx0) => {
    const tx: ScaleTx = process.env.SCALE_TIMING
      ? {
          query: async (text, params) => { const t = performance.now(); const r = await tx0.query(text, params); process.stderr.write(`[${Math.round(performance.now() - t)} ms] ${text.slice(0, 40)}\n`); return r as never; },
          copy: async (table, columns, rows) => { const t = performance.now(); await tx0.copy(table, columns, rows); process.stderr.write(`[${Math.round(performance.now() - t)} ms] copy ${table} ${rows.length}\n`); },
        }
      : tx0;
    const ids = (await tx.query<{ id: number }>(`select nextval(pg_get_serial_sequence('disclosures', 'id'))::int as id from generate_series(1, $1)`, [batch.length * monthCount])).map((row) => row.id);
    const disclosureRows: Cell[][] = [];
    const fundRows: Cell[][] = [];
    const assetRows: Cell[][] = [];
    const resourceRows: Cell[][] = [];
    const debtRows: Cell[][] = [];
    let next = 0;
    for (const [v, village] of batch.entries()) {
      for (const period of ledgers[v]!) {
        const id = ids[next++]!;
        disclosureRows.push([id, village.code, period.period.code, period.period.start, period.period.end, 'draft', period.openingBalanceFen, period.chainSeq, period.contentHash, period.prevHash, period.contentVersion]);
        for (const f of period.funds) fundRows.push([id, f.lineNo, f.entryDate, f.direction, f.amountFen, f.subject, f.summary, f.counterparty, f.voucherNo, f.method, f.decisionRef]);
        for (const a of period.assets) assetRows.push([id, a.lineNo, a.name, a.assetType, a.quantity, a.unit, a.originalValueFen, a.acquiredOn, a.location, a.useStatus, a.lessee, a.leaseStart, a.leaseEnd, a.annualRentFen, a.bookAmountFen, a.actualAmountFen, a.gapReason]);
        for (const r of period.resources) resourceRows.push([id, r.lineNo, r.name, r.landClass, r.areaMu, r.location, r.contractor, r.termStart, r.termEnd, r.annualFeeFen, r.awardMethod, r.feeStatus, r.arrearsFen]);
        for (const d of period.debts) debtRows.push([id, d.lineNo, d.kind, d.counterparty, d.subject, d.summary, d.amountFen, d.incurredOn, d.dueOn]);
      }
    }
    const codes = batch.map((v) => v.code);
    await tx.copy('disclosures', ['id', 'village_code', 'period', 'period_start', 'period_end', 'status', 'opening_balance_fen', 'chain_seq', 'content_hash', 'prev_hash', 'content_version'], disclosureRows);
    await tx.copy('fund_entries', ['disclosure_id', 'line_no', 'entry_date', 'direction', 'amount_fen', 'subject', 'summary', 'counterparty', 'voucher_no', 'method', 'decision_ref'], fundRows);
    await tx.copy('asset_items', ['disclosure_id', 'line_no', 'name', 'asset_type', 'quantity', 'unit', 'original_value_fen', 'acquired_on', 'location', 'use_status', 'lessee', 'lease_start', 'lease_end', 'annual_rent_fen', 'book_amount_fen', 'actual_amount_fen', 'gap_reason'], assetRows);
    await tx.copy('resource_contracts', ['disclosure_id', 'line_no', 'name', 'land_class', 'area_mu', 'location', 'contractor', 'term_start', 'term_end', 'annual_fee_fen', 'award_method', 'fee_status', 'arrears_fen'], resourceRows);
    await tx.copy('debt_items', ['disclosure_id', 'line_no', 'kind', 'counterparty', 'subject', 'summary', 'amount_fen', 'incurred_on', 'due_on'], debtRows);
    // Published now that its lines are in: from here on the triggers freeze them.
    await tx.query(
      `update disclosures set status = 'published',
              published_at = least((((period_end + 8)::timestamp + interval '10 hours') at time zone 'Asia/Shanghai'), $2::timestamptz)
        where id = any($1::int[]) and status = 'draft'`,
      [ids, now.toISOString()],
    );
    await tx.query(
      `insert into disclosure_events (disclosure_id, at, kind, from_status, to_status)
       select id, published_at, 'published', 'countersigned', 'published' from disclosures where id = any($1::int[])`,
      [ids],
    );
    await tx.query(`insert into village_cadences (village_code, cadence) select unnest($1::text[]), 'monthly' on conflict (village_code) do nothing`, [codes]);
    const payments = await writePayments(tx, batch, items, key, today);
    await tx.query(`update areas set generated_data = true where code = any($1::text[])`, [codes]);
    return { disclosures: disclosureRows.length, fundEntries: fundRows.length, registerLines: assetRows.length + resourceRows.length + debtRows.length, payments };
  });
}


/** Each county's two generated subsidy items (and their departments), made once. */
async function subsidyItemsFor(w: ScaleWriter, countyCodes: string[], countyName: Map<string, string>): Promise<ItemIds> {
  const ids: ItemIds = new Map();
  for (const county of countyCodes) {
    const found: Record<string, string> = {};
    for (const spec of DEPARTMENTS) {
      const departmentName = `${countyName.get(county) ?? ''}${spec.department}`;
      await w.query(`insert into livelihood_departments (id, county_code, name) values ($1, $2, $3) on conflict (county_code, name) do nothing`, [crypto.randomUUID(), county, departmentName]);
      const [department] = await w.query<{ id: string }>(`select id from livelihood_departments where county_code = $1 and name = $2`, [county, departmentName]);
      await w.query(
        `insert into subsidy_items (id, department_id, name, standard_text, standard_fen, legal_basis, created_by) values ($1, $2, $3, $4, $5, $6, 'db-scale')
         on conflict (department_id, name) do nothing`,
        [crypto.randomUUID(), department!.id, spec.name, spec.standardText, spec.standardFen, spec.legalBasis],
      );
      const [item] = await w.query<{ id: string }>(`select id from subsidy_items where department_id = $1 and name = $2`, [department!.id, spec.name]);
      found[spec.item] = item!.id;
    }
    ids.set(county, { land: found.land!, dibao: found.dibao! });
  }
  return ids;
}

async function writePayments(tx: ScaleTx, batch: Array<{ code: string; county_code: string }>, items: ItemIds, key: Buffer, today: string): Promise<number> {
  const batchRows: Cell[][] = [];
  const paymentRows: Cell[][] = [];
  for (const village of batch) {
    const people = villageRecipients(village.code).map((person) => ({ nameHash: nameHash(key, person.name), nameMasked: maskName(person.name), idHash: idHash(key, person.idNumber), idLast4: idLast4(person.idNumber) }));
    for (const generated of villageBatches(village.code, today)) {
      const id = crypto.randomUUID();
      const at = new Date(`${generated.paidOn}T10:00:00+08:00`);
      const sha = rngHex(`${village.code}:${generated.item}:${generated.period}`);
      batchRows.push([id, items.get(village.county_code)![generated.item], village.code, generated.period, 'published', sha, 'db-scale', at, at, 'db-scale']);
      for (const [index, row] of generated.rows.entries()) {
        const person = people[row.recipient]!;
        paymentRows.push([id, index + 2, person.nameHash, person.nameMasked, person.idHash, person.idLast4, row.amountFen, generated.paidOn]);
      }
    }
  }
  await tx.copy('payment_batches', ['id', 'item_id', 'village_code', 'period', 'status', 'source_sha256', 'imported_by', 'imported_at', 'published_at', 'published_by'], batchRows);
  await tx.copy('payments', ['batch_id', 'line', 'name_hash', 'name_masked', 'id_hash', 'id_last4', 'amount_fen', 'paid_on'], paymentRows);
  return paymentRows.length;
}

/** 64 hex digits standing for the imported file's SHA-256 (there was no file). */
function rngHex(seed: string): string {
  const r = rng(seed);
  let out = '';
  while (out.length < 64) out += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}

/** Generated complaint ids: a fixed prefix and the complaint's number, so a second run knows how far the first got. */
export const GENERATED_COMPLAINT_PREFIX = '00000000-5ca1-4000-8000-';
const complaintId = (n: number) => `${GENERATED_COMPLAINT_PREFIX}${String(n).padStart(12, '0')}`;

async function writeComplaints(w: ScaleWriter, provinceCode: string, total: number, countyName: Map<string, string>, today: string, progress: ScaleProgress): Promise<number> {
  const { from, to } = subtreeRange(provinceCode);
  const villages = (await w.query<{ code: string }>(`select code from areas where level = 'village' and generated_data and code >= $1 and code < $2 order by code`, [from, to])).map((row) => row.code);
  if (!villages.length || total <= 0) return 0;
  const [done] = await w.query<{ n: number }>(`select count(*)::int as n from complaints where id like $1`, [`${GENERATED_COMPLAINT_PREFIX}%`]);
  let n = done?.n ?? 0;
  const config = getConfig();
  const counters = new Map((await w.query<{ scope_code: string; year: number; last_seq: number }>(`select scope_code, year, last_seq from complaint_case_counters`)).map((row) => [`${row.scope_code}:${row.year}`, row.last_seq]));
  const batchSize = 5_000;
  while (n < total) {
    const end = Math.min(total, n + batchSize);
    const complaintRows: Cell[][] = [];
    const identityRows: Cell[][] = [];
    const eventRows: Cell[][] = [];
    const touched = new Set<string>();
    for (let i = n; i < end; i++) {
      const c = complaintAt(i, today);
      const village = villages[Math.floor(rng(`where:${i}`)() * villages.length)]!;
      const county = `${village.slice(0, 6)}000000`;
      const year = Number(c.filedOn.slice(0, 4));
      const counterKey = `${county}:${year}`;
      const seq = (counters.get(counterKey) ?? 0) + 1;
      counters.set(counterKey, seq);
      touched.add(counterKey);
      const id = complaintId(i);
      const steps = complaintSteps(c.status);
      const concluded = c.status === 'concluded';
      const reply = steps.find((step) => step.kind === 'replied')?.text ?? null;
      complaintRows.push([
        id, receiptHmac(config.receiptKey, generateReceipt()), c.category, village, county, 'village_cadre', c.filedOn, village, c.title, c.content, c.filedOn, c.anonymous,
        i % 10 === 0 ? 'direct_point' : 'online', c.status, c.finding, concluded ? ['criticism'] : null, reply, c.rating, county, year, seq, casePrefixOf(countyName.get(county) ?? ''),
      ]);
      if (!c.anonymous) identityRows.push([id, encryptJson(config.complaintKey, { name: personName(rng(`reporter:${i}`)), phone: `13${String(100_000_000 + (i % 900_000_000)).slice(0, 9)}` })]);
      eventRows.push([id, 0, c.filedOn, 'received', true, null]);
      const day = new Date(`${c.filedOn}T00:00:00Z`);
      for (const step of steps) {
        day.setUTCDate(day.getUTCDate() + 3);
        const on = day.toISOString().slice(0, 10);
        eventRows.push([id, 0, on > today ? today : on, step.kind, true, step.text]);
      }
    }
    await w.transaction(async (tx) => {
      await tx.copy(
        'complaints',
        ['id', 'receipt_hmac', 'category', 'area_code', 'routed_scope_code', 'subject_level', 'arrived_on', 'village_code', 'title', 'content', 'filed_on', 'anonymous', 'channel', 'status', 'finding', 'measures', 'public_reply', 'rating', 'case_scope_code', 'case_year', 'case_seq', 'case_prefix'],
        complaintRows,
      );
      await tx.copy('complaint_identities', ['complaint_id', 'ciphertext'], identityRows);
      // The seq column is set by the complaint_events_seq trigger (1, 2, … within each case).
      await tx.copy('complaint_events', ['complaint_id', 'seq', '"on"', 'kind', 'public', 'text'], eventRows);
      for (const counterKey of touched) {
        const [scope, year] = counterKey.split(':');
        await tx.query(
          `insert into complaint_case_counters (scope_code, year, last_seq) values ($1, $2, $3)
           on conflict (scope_code, year) do update set last_seq = greatest(complaint_case_counters.last_seq, excluded.last_seq)`,
          [scope, Number(year), counters.get(counterKey)],
        );
      }
    });
    n = end;
    progress('complaints', n, total);
  }
  return n;
}
