/**
 * The disclosure workflow: a cadre opens a period and fills it, answers its red flags and submits
 * it once the period has ended (and may withdraw it until someone signs); the village supervision
 * committee answers the flags, goes through its checklist and countersigns or returns it; the
 * township three-assets agency approves (which publishes it into the village's hash chain) or
 * returns it. The commission supervises and signs nothing (supervision.ts). Every command is `(db, actor, input)`: it validates (zod),
 * runs in one transaction that locks the disclosure row and re-checks its status and the actor's
 * permission inside the lock, writes its event and audit rows there, and returns a `Result` with
 * Chinese messages (src/lib/server/result.ts). Pages ask `can()` first to decide what to show;
 * the command's own check is what holds when two people act at the same moment.
 */
import { and, asc, desc, eq, gte, isNotNull, lt, lte, max, ne } from 'drizzle-orm';
import { z } from 'zod';
import {
  assetItems,
  disclosureEvents,
  disclosures,
  fundEntries,
  resourceContracts,
  type AssetItemRow,
  type DisclosureRow,
  type FundEntryRow,
  type ResourceContractRow,
} from '../../../../db/schema/accounts.ts';
import { attachments } from '../../../../db/schema/attachments.ts';
import { debtItems, type DebtItemRow } from '../../../../db/schema/debts.ts';
import { flagAnswers } from '../../../../db/schema/supervision.ts';
import { recordAudit } from '../audit.ts';
import { announcePublicChange } from '../public-changes.ts';
import { getArea } from '../areas/index.ts';
import type { Db, DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { chainHash, CONTENT_VERSION, disclosureContent, GENESIS_HASH } from './canonical.ts';
import { AssetItemSchema, chartSubject, DebtItemSchema, FundEntrySchema, INCOME_SUBJECTS, LEGACY_SUBJECTS, ResourceContractSchema, type AssetItemInput, type DebtItemInput, type FundEntryInput, type ResourceContractInput } from './model.ts';
import { cadenceOf, periodKindOf } from './cadence.ts';
import { ledgerLockSql } from './ledger-lock.ts';
import { answeredFlags, unanswered, type SignerRole } from './period-flags.ts';
import { parsePeriod } from './periods.ts';
import { can } from '../auth/permissions.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { fieldErrors, rowNumber } from '../validation.ts';
import { insertVoucherRow, type CleanedVoucher } from './voucher-rows.ts';

export interface DisclosureLines {
  funds: FundEntryRow[];
  assets: AssetItemRow[];
  resources: ResourceContractRow[];
  debts: DebtItemRow[];
}

export async function getDisclosure(db: DbOrTx, id: number): Promise<DisclosureRow | undefined> {
  const [row] = await db.select().from(disclosures).where(eq(disclosures.id, id));
  return row;
}

export async function getDisclosureByPeriod(db: DbOrTx, villageCode: string, period: string): Promise<DisclosureRow | undefined> {
  const [row] = await db.select().from(disclosures).where(and(eq(disclosures.villageCode, villageCode), eq(disclosures.period, period)));
  return row;
}

export async function getLines(db: DbOrTx, disclosureId: number): Promise<DisclosureLines> {
  const [funds, assets, resources, debts] = await Promise.all([
    db.select().from(fundEntries).where(eq(fundEntries.disclosureId, disclosureId)).orderBy(asc(fundEntries.lineNo)),
    db.select().from(assetItems).where(eq(assetItems.disclosureId, disclosureId)).orderBy(asc(assetItems.lineNo)),
    db.select().from(resourceContracts).where(eq(resourceContracts.disclosureId, disclosureId)).orderBy(asc(resourceContracts.lineNo)),
    db.select().from(debtItems).where(eq(debtItems.disclosureId, disclosureId)).orderBy(asc(debtItems.lineNo)),
  ]);
  return { funds, assets, resources, debts };
}

/** The village's published periods, oldest first (the chain order). */
export async function listPublished(db: DbOrTx, villageCode: string): Promise<DisclosureRow[]> {
  return db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.villageCode, villageCode), eq(disclosures.status, 'published')))
    .orderBy(asc(disclosures.chainSeq));
}

async function logTransition(
  tx: DbOrTx,
  actor: Actor | null,
  disclosure: DisclosureRow,
  kind: 'created' | TransitionKind | 'published',
  toStatus: DisclosureRow['status'],
  reason: string | null = null,
): Promise<void> {
  await tx.insert(disclosureEvents).values({
    disclosureId: disclosure.id,
    actorId: actor?.id ?? null,
    kind,
    fromStatus: kind === 'created' ? null : disclosure.status,
    toStatus,
    reason,
  });
  await recordAudit(tx, {
    actor,
    action: `disclosure.${kind}`,
    subjectType: 'disclosure',
    subjectId: String(disclosure.id),
    scopeCode: disclosure.villageCode,
    reason,
    detail: { period: disclosure.period, from: disclosure.status, to: toStatus },
  });
}

/**
 * Opens the draft of a period. Assets and resource contracts are snapshots carried forward: the
 * draft starts with the register of the village's latest disclosure, to be updated. Only someone
 * who may edit the village's ledger opens one (`null` is the system: the demo seed, tests). There
 * is no row to lock yet, so the village's ledger lock (the one approval takes) serialises openings:
 * two people opening the same period at once get one draft and a message, not a duplicate-key error.
 */
export async function openDraft(db: Db, actor: Actor | null, villageCode: string, periodCode: string, today = todayInShanghai()): Promise<Result<DisclosureRow>> {
  const period = parsePeriod(periodCode);
  if (!period) return fail({ period: '期间应写成 2026-Q3（季度）或 2026-09（月份）' });
  if (period.start > today) return fail({ period: '不能为尚未开始的期间建立公开' });
  if (!mayAct(actor, 'ledger.edit', villageCode)) return fail({ form: '只有本村报账员可以建立本村的公开' }, 403);
  const village = await getArea(db, villageCode);
  if (!village || village.level !== 'village') return fail({ form: '没有这个村' });
  return db.transaction(async (tx) => {
    await lockVillageLedger(tx, villageCode);
    if (await getDisclosureByPeriod(tx, villageCode, periodCode)) return fail({ period: '该期间已建立公开，请直接编辑' });
    // The village's cadence decides the kind of period its cadre opens; the system (demo seed, tests) opens what it is given.
    const cadence = await cadenceOf(tx, villageCode);
    if (actor && period.kind !== periodKindOf(cadence)) {
      return fail({ period: cadence === 'monthly' ? '本村按月公开：期间应写成 2026-09 这样的月份' : '本村按季度公开：期间应写成 2026-Q3 这样的季度' });
    }
    const [overlapping] = await tx
      .select({ period: disclosures.period })
      .from(disclosures)
      .where(and(eq(disclosures.villageCode, villageCode), lte(disclosures.periodStart, period.end), gte(disclosures.periodEnd, period.start)));
    if (overlapping) return fail({ period: `与已建立的期间（${overlapping.period}）重叠` });
    const [created] = await tx
      .insert(disclosures)
      .values({ villageCode, period: periodCode, periodStart: period.start, periodEnd: period.end, createdBy: actor?.id ?? null })
      .returning();
    const [previous] = await tx
      .select()
      .from(disclosures)
      .where(and(eq(disclosures.villageCode, villageCode), lt(disclosures.periodStart, period.start)))
      .orderBy(desc(disclosures.periodStart))
      .limit(1);
    if (previous) {
      const lines = await getLines(tx, previous.id);
      if (lines.assets.length) {
        await tx.insert(assetItems).values(lines.assets.map(({ id: _id, disclosureId: _d, ...rest }) => ({ ...rest, disclosureId: created!.id })));
      }
      if (lines.resources.length) {
        await tx.insert(resourceContracts).values(lines.resources.map(({ id: _id, disclosureId: _d, ...rest }) => ({ ...rest, disclosureId: created!.id })));
      }
      if (lines.debts.length) {
        await tx.insert(debtItems).values(lines.debts.map(({ id: _id, disclosureId: _d, ...rest }) => ({ ...rest, disclosureId: created!.id })));
      }
    }
    await logTransition(tx, actor, { ...created!, status: 'draft' }, 'created', 'draft');
    return ok(created!);
  });
}

/** A village's ledger lock, held to the end of the transaction: openings and approvals take it in turn. */
async function lockVillageLedger(tx: DbOrTx, villageCode: string): Promise<void> {
  await tx.execute(ledgerLockSql(villageCode));
}

// ------------------------------------------------------------------ draft edits

/** Who may do what to a period, asked again inside the row lock (the page asked first). */
function mayAct(actor: Actor | null, action: 'ledger.edit' | 'ledger.countersign' | 'ledger.review', villageCode: string): boolean {
  // A null actor is the system itself (demo seed, tests): it acts on any village; pages always pass the user.
  return actor === null || can(actor, action, { scopeCode: villageCode });
}

const NOT_FOUND = '没有找到该期公开';
export const NOT_DRAFT_MESSAGE = '只有草稿状态可以修改；已提交的请等待审核或退回';
const NOT_DRAFT = NOT_DRAFT_MESSAGE;

/**
 * The one shape of a draft edit: lock the disclosure row (`FOR UPDATE`), re-check inside the lock
 * that it is still a draft and in the actor's village, make the change, then write the event and
 * audit rows — all in one transaction. A submit, countersign or return takes the same row lock, so
 * an edit either lands before the submit (and is in what was submitted) or sees that the period is
 * no longer a draft and is refused. A change that fails throws its result out of the transaction,
 * so nothing it wrote before failing stays.
 */
export async function editDraft<T, E = FieldErrors>(
  db: Db,
  actor: Actor | null,
  disclosureId: number,
  change: string,
  apply: (tx: DbOrTx, disclosure: DisclosureRow) => Promise<Result<T, E> & { detail?: Record<string, unknown> }>,
  options: {
    /** How a refusal (not found, not permitted, not a draft) is put, for forms whose errors are not field-keyed. */
    refuse?: (message: string) => E;
    /** The audit action; changes with an audit name of their own (voucher scans) keep theirs. */
    auditAction?: 'disclosure.edited' | 'disclosure.voucherAdded' | 'disclosure.voucherRemoved';
  } = {},
): Promise<Result<T, E>> {
  const refuse = options.refuse ?? ((message: string) => ({ form: message }) as E);
  try {
    return await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
      if (!locked) return fail(refuse(NOT_FOUND), 404);
      if (!mayAct(actor, 'ledger.edit', locked.villageCode)) return fail(refuse('只有本村报账员可以修改本村的公开'), 403);
      if (locked.status !== 'draft') return fail(refuse(NOT_DRAFT));
      const result = await apply(tx, locked);
      if (!result.ok) throw new RolledBack(result);
      await tx.insert(disclosureEvents).values({ disclosureId, actorId: actor?.id ?? null, kind: 'edited', fromStatus: 'draft', toStatus: 'draft' });
      await recordAudit(tx, {
        actor,
        action: options.auditAction ?? 'disclosure.edited',
        subjectType: 'disclosure',
        subjectId: String(disclosureId),
        scopeCode: locked.villageCode,
        detail: { period: locked.period, change, ...result.detail },
      });
      return ok(result.value);
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result as Result<T, E>;
    throw error;
  }
}

/** Carries a failed change's result out of its transaction, which rolls it back. */
class RolledBack extends Error {
  readonly result: { ok: false };
  constructor(result: { ok: false }) {
    super('rolled back');
    this.result = result;
  }
}

const DisclosureRef = z.object({ disclosureId: rowNumber() });
const LineRef = DisclosureRef.extend({ lineNo: rowNumber('没有找到该条目') });
const OptionalLineRef = DisclosureRef.extend({ lineNo: rowNumber().nullable().optional() });

function parseRef<S extends z.ZodType>(schema: S, input: unknown): Result<z.infer<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail({ form: '没有找到该条目' });
}

async function checkFundEntry(db: DbOrTx, disclosure: DisclosureRow, input: unknown): Promise<Result<FundEntryInput>> {
  const parsed = FundEntrySchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const entry = parsed.data;
  if (entry.entryDate < disclosure.periodStart || entry.entryDate > disclosure.periodEnd) {
    return fail({ entryDate: `日期应在本期（${disclosure.periodStart} 至 ${disclosure.periodEnd}）之内` });
  }
  if (entry.adjustsEntryId) {
    const [target] = await db
      .select({ village: disclosures.villageCode, status: disclosures.status })
      .from(fundEntries)
      .innerJoin(disclosures, eq(disclosures.id, fundEntries.disclosureId))
      .where(eq(fundEntries.id, entry.adjustsEntryId));
    if (!target || target.village !== disclosure.villageCode || target.status !== 'published') {
      return fail({ adjustsEntryId: '更正分录只能指向本村已公开期间的分录' });
    }
  }
  return ok(entry);
}

function fundRow(disclosureId: number, lineNo: number, entry: FundEntryInput) {
  return {
    disclosureId,
    lineNo,
    entryDate: entry.entryDate,
    direction: entry.direction,
    amountFen: entry.amountFen,
    subject: entry.subject,
    summary: entry.summary,
    counterparty: entry.counterparty,
    voucherNo: entry.voucherNo ?? null,
    method: entry.method,
    decisionRef: entry.decisionRef ?? null,
    adjustsEntryId: entry.adjustsEntryId ?? null,
  };
}

async function nextLine(db: DbOrTx, table: typeof fundEntries | typeof assetItems | typeof resourceContracts | typeof debtItems, disclosureId: number): Promise<number> {
  const [row] = await db.select({ n: max(table.lineNo) }).from(table).where(eq(table.disclosureId, disclosureId));
  return (row?.n ?? 0) + 1;
}

/**
 * Adds an entry, with its voucher scan when the form carried one (`voucher`, already cleaned by
 * `cleanUpload` outside the lock): both are written or neither. The audit row names the scan.
 */
export async function addFundEntry(db: Db, actor: Actor | null, input: { disclosureId: number; entry: unknown; voucher?: CleanedVoucher }): Promise<Result<{ lineNo: number }>> {
  const ref = parseRef(DisclosureRef, input);
  if (!ref.ok) return ref;
  return editDraft(db, actor, ref.value.disclosureId, 'fundEntry.added', async (tx, disclosure) => {
    const checked = await checkFundEntry(tx, disclosure, input.entry);
    if (!checked.ok) return checked;
    const lineNo = await nextLine(tx, fundEntries, disclosure.id);
    const [entry] = await tx.insert(fundEntries).values(fundRow(disclosure.id, lineNo, checked.value)).returning({ id: fundEntries.id });
    const scan = await attachVoucher(tx, actor, disclosure.id, entry!.id, input.voucher);
    if (!scan.ok) return scan;
    return { ...ok({ lineNo }), detail: { lineNo, ...scan.value } };
  });
}

/** Saves an entry's fields, and adds the voucher scan the edit form carried, if any: both or neither. */
export async function updateFundEntry(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo: number; entry: unknown; voucher?: CleanedVoucher }): Promise<Result> {
  const ref = parseRef(LineRef, input);
  if (!ref.ok) return ref;
  const { disclosureId, lineNo } = ref.value;
  return editDraft(db, actor, disclosureId, 'fundEntry.updated', async (tx, disclosure) => {
    const checked = await checkFundEntry(tx, disclosure, input.entry);
    if (!checked.ok) return checked;
    const [updated] = await tx
      .update(fundEntries)
      .set(fundRow(disclosureId, lineNo, checked.value))
      .where(and(eq(fundEntries.disclosureId, disclosureId), eq(fundEntries.lineNo, lineNo)))
      .returning({ id: fundEntries.id });
    if (!updated) return fail({ form: '没有找到该分录' });
    const scan = await attachVoucher(tx, actor, disclosureId, updated.id, input.voucher);
    if (!scan.ok) return scan;
    return { ...ok(), detail: { lineNo, ...scan.value } };
  });
}

/** The scan an entry form carried, written beside the entry; what the audit row says of it. */
async function attachVoucher(tx: DbOrTx, actor: Actor | null, disclosureId: number, fundEntryId: number, voucher: CleanedVoucher | undefined): Promise<Result<Record<string, string>>> {
  if (!voucher) return ok({});
  const inserted = await insertVoucherRow(tx, actor, { disclosureId, fundEntryId }, voucher);
  return inserted.ok ? ok({ attachment: inserted.value.id, sha256: voucher.sha256 }) : inserted;
}

export async function deleteFundEntry(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo: number }): Promise<Result> {
  const ref = parseRef(LineRef, input);
  if (!ref.ok) return ref;
  const { disclosureId, lineNo } = ref.value;
  return editDraft(db, actor, disclosureId, 'fundEntry.deleted', async (tx) => {
    const [entry] = await tx.select({ id: fundEntries.id }).from(fundEntries).where(and(eq(fundEntries.disclosureId, disclosureId), eq(fundEntries.lineNo, lineNo)));
    if (!entry) return fail({ form: '没有找到该分录' });
    // The entry's voucher scans go with it (the period is still a draft).
    await tx.delete(attachments).where(eq(attachments.fundEntryId, entry.id));
    await tx.delete(fundEntries).where(eq(fundEntries.id, entry.id));
    return { ...ok(), detail: { lineNo } };
  });
}

export interface ImportRowError {
  row: number | null;
  message: string;
}

/**
 * Replaces the draft's whole funds ledger with imported rows, all or nothing: every row is checked
 * (date inside the period, voucher numbers unique) and nothing is written if any fails.
 */
export async function replaceFundEntries(
  db: Db,
  actor: Actor | null,
  input: { disclosureId: number; rows: Array<FundEntryInput & { sourceRow?: number }> },
): Promise<Result<{ count: number }, ImportRowError[]>> {
  const ref = DisclosureRef.safeParse(input);
  if (!ref.success) return fail([{ row: null, message: NOT_FOUND }], 404);
  const { rows } = input;
  return editDraft(
    db,
    actor,
    ref.data.disclosureId,
    'fundEntries.imported',
    async (tx, disclosure) => {
      const errors: ImportRowError[] = [];
      for (const [index, row] of rows.entries()) {
        const checked = await checkFundEntry(tx, disclosure, row);
        if (!checked.ok) for (const message of Object.values(checked.errors)) errors.push({ row: row.sourceRow ?? index + 2, message });
      }
      if (errors.length) return fail(errors);
      await tx.delete(attachments).where(eq(attachments.disclosureId, disclosure.id));
      await tx.delete(fundEntries).where(eq(fundEntries.disclosureId, disclosure.id));
      for (let start = 0; start < rows.length; start += 500) {
        await tx.insert(fundEntries).values(rows.slice(start, start + 500).map((row, offset) => fundRow(disclosure.id, start + offset + 1, row)));
      }
      return { ...ok({ count: rows.length }), detail: { rows: rows.length } };
    },
    { refuse: (message) => [{ row: null, message }] },
  );
}

function assetValues(a: AssetItemInput) {
  return {
    name: a.name, assetType: a.assetType, quantity: a.quantity, unit: a.unit, originalValueFen: a.originalValueFen,
    acquiredOn: a.acquiredOn ?? null, location: a.location, useStatus: a.useStatus, lessee: a.lessee ?? null,
    leaseStart: a.leaseStart ?? null, leaseEnd: a.leaseEnd ?? null, annualRentFen: a.annualRentFen ?? null,
    bookAmountFen: a.bookAmountFen, actualAmountFen: a.actualAmountFen, gapReason: a.gapReason ?? null,
  };
}

function resourceValues(r: ResourceContractInput) {
  return {
    name: r.name, landClass: r.landClass, areaMu: r.areaMu, location: r.location, contractor: r.contractor,
    termStart: r.termStart, termEnd: r.termEnd, annualFeeFen: r.annualFeeFen, awardMethod: r.awardMethod,
    feeStatus: r.feeStatus, arrearsFen: r.arrearsFen,
  };
}

/** Adds a register line (lineNo null) or replaces one, after its schema accepts the input. */
async function saveRegisterLine<S extends z.ZodType>(
  db: Db,
  actor: Actor | null,
  input: { disclosureId: number; lineNo?: number | null; item: unknown },
  register: { table: typeof assetItems | typeof resourceContracts | typeof debtItems; schema: S; values: (parsed: z.infer<S>) => Record<string, unknown>; change: string; missing: string },
): Promise<Result> {
  const ref = parseRef(OptionalLineRef, input);
  if (!ref.ok) return ref;
  const { disclosureId, lineNo } = ref.value;
  const { table } = register;
  return editDraft(db, actor, disclosureId, register.change, async (tx) => {
    const parsed = register.schema.safeParse(input.item);
    if (!parsed.success) return fail(fieldErrors(parsed.error));
    const values = register.values(parsed.data);
    if (!lineNo) {
      const next = await nextLine(tx, table, disclosureId);
      await tx.insert(table).values({ ...values, disclosureId, lineNo: next } as never);
      return { ...ok(), detail: { lineNo: next } };
    }
    const updated = await tx.update(table).set(values).where(and(eq(table.disclosureId, disclosureId), eq(table.lineNo, lineNo))).returning({ id: table.id });
    return updated.length ? { ...ok(), detail: { lineNo } } : fail({ form: register.missing });
  });
}

export function saveAsset(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo?: number | null; asset: unknown }): Promise<Result> {
  return saveRegisterLine(db, actor, { ...input, item: input.asset }, { table: assetItems, schema: AssetItemSchema, values: assetValues, change: 'asset.saved', missing: '没有找到该资产' });
}

export function saveResource(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo?: number | null; resource: unknown }): Promise<Result> {
  return saveRegisterLine(db, actor, { ...input, item: input.resource }, { table: resourceContracts, schema: ResourceContractSchema, values: resourceValues, change: 'resource.saved', missing: '没有找到该合同' });
}

export function saveDebt(db: Db, actor: Actor | null, input: { disclosureId: number; lineNo?: number | null; debt: unknown }): Promise<Result> {
  return saveRegisterLine(db, actor, { ...input, item: input.debt }, { table: debtItems, schema: DebtItemSchema, values: debtValues, change: 'debt.saved', missing: '没有找到该笔债权债务' });
}

function debtValues(d: DebtItemInput) {
  return { kind: d.kind, counterparty: d.counterparty, subject: d.subject, summary: d.summary, amountFen: d.amountFen, incurredOn: d.incurredOn, dueOn: d.dueOn ?? null };
}

export async function deleteLine(db: Db, actor: Actor | null, input: { disclosureId: number; kind: 'asset' | 'resource' | 'debt'; lineNo: number }): Promise<Result> {
  const ref = parseRef(LineRef.extend({ kind: z.enum(['asset', 'resource', 'debt']) }), input);
  if (!ref.ok) return ref;
  const { disclosureId, kind, lineNo } = ref.value;
  const table = kind === 'asset' ? assetItems : kind === 'resource' ? resourceContracts : debtItems;
  return editDraft(db, actor, disclosureId, `${kind}.deleted`, async (tx) => {
    const deleted = await tx.delete(table).where(and(eq(table.disclosureId, disclosureId), eq(table.lineNo, lineNo))).returning({ id: table.id });
    return deleted.length ? { ...ok(), detail: { lineNo } } : fail({ form: '没有找到该条目' });
  });
}

const OpeningBalance = DisclosureRef.extend({
  openingBalanceFen: z.number({ message: '期初余额应为不小于0的金额' }).int('期初余额应为不小于0的金额').min(0, '期初余额应为不小于0的金额').max(Number.MAX_SAFE_INTEGER, '期初余额应为不小于0的金额'),
});

/** Sets the opening balance of a village's first period; later periods take the previous closing. */
export async function setOpeningBalance(db: Db, actor: Actor | null, input: { disclosureId: number; openingBalanceFen: number }): Promise<Result> {
  const parsed = OpeningBalance.safeParse(input);
  if (!parsed.success) return fail({ openingBalance: parsed.error.issues[0]!.message });
  const { disclosureId, openingBalanceFen } = parsed.data;
  return editDraft(db, actor, disclosureId, 'openingBalance.set', async (tx, disclosure) => {
    if ((await openingBalanceOf(tx, disclosure)).source.kind !== 'entered') {
      return fail({ openingBalance: '本村已有更早的期间，期初余额按上期期末余额自动结转' });
    }
    await tx.update(disclosures).set({ openingBalanceFen }).where(eq(disclosures.id, disclosureId));
    return { ...ok(), detail: { openingBalanceFen } };
  });
}

// ------------------------------------------------------------------ transitions

type TransitionKind = 'submitted' | 'withdrawn' | 'countersigned' | 'returned';

interface Step {
  to: DisclosureRow['status'];
  kind: TransitionKind;
  permission: 'ledger.edit' | 'ledger.countersign' | 'ledger.review';
  fields: Partial<DisclosureRow>;
  reason?: string;
  /** What else must hold, read inside the lock after the permission (flags answered, the period over). */
  check?: (tx: DbOrTx, current: DisclosureRow) => Promise<FieldErrors | null>;
}

/**
 * Moves a period from one status to the next under its row lock: the status and the actor's
 * permission for that step are read again inside the lock, so two people acting at once (a cadre
 * still editing, a supervisor countersigning) cannot both win.
 */
async function transition(
  db: Db,
  actor: Actor | null,
  disclosureId: number,
  step: (current: DisclosureRow) => Step | FieldErrors,
): Promise<Result> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
    if (!current) return fail({ form: NOT_FOUND }, 404);
    const next = step(current);
    if (!isStep(next)) return fail(next);
    if (!mayAct(actor, next.permission, current.villageCode)) return fail({ form: '您没有权限对该期公开做这一步操作' }, 403);
    const problem = next.check ? await next.check(tx, current) : null;
    if (problem) return fail(problem);
    await tx.update(disclosures).set({ ...next.fields, status: next.to }).where(eq(disclosures.id, disclosureId));
    await logTransition(tx, actor, current, next.kind, next.to, next.reason ?? null);
    return ok();
  });
}

const isStep = (next: Step | FieldErrors): next is Step => typeof next.kind === 'string' && 'fields' in next;

const STATE_CHANGED: FieldErrors = { form: '该期公开的状态已经改变，请刷新页面后再操作' };

/** Refuses a step while `role` has left flags of the period unanswered (read inside the lock). */
async function flagsAnsweredBy(tx: DbOrTx, current: DisclosureRow, role: SignerRole): Promise<FieldErrors | null> {
  const open = unanswered(await answeredFlags(tx, current, await getLines(tx, current.id)), role);
  return open.length ? { flags: `还有${open.length}条提示没有说明：请逐条写明原因，或修改分录后再${role === 'cadre' ? '提交' : '签核'}` } : null;
}

/** A cadre submits a draft once its period has ended (Asia/Shanghai) and every flag is answered. */
export function submitDisclosure(db: Db, actor: Actor | null, input: { disclosureId: number }, today = todayInShanghai()): Promise<Result> {
  return transition(db, actor, input.disclosureId, (current) =>
    current.status !== 'draft'
      ? STATE_CHANGED
      : {
          to: 'submitted',
          kind: 'submitted',
          permission: 'ledger.edit',
          fields: { submittedAt: new Date(), submittedBy: actor?.id ?? null, returnReason: null },
          check: async (tx) =>
            today <= current.periodEnd ? { form: `本期到${current.periodEnd}才结束，期满后才能提交（可以先录入、保存）` } : flagsAnsweredBy(tx, current, 'cadre'),
        },
  );
}

const NOT_WITHDRAWABLE: FieldErrors = { form: '只能撤回尚未签核的提交；已签核的请等待审核或退回' };

/** The cadre takes back a submission no one has signed yet (countersigning takes the same row lock). */
export function withdrawDisclosure(db: Db, actor: Actor | null, input: { disclosureId: number }): Promise<Result> {
  return transition(db, actor, input.disclosureId, (current) =>
    current.status !== 'submitted'
      ? NOT_WITHDRAWABLE
      : { to: 'draft', kind: 'withdrawn', permission: 'ledger.edit', fields: { submittedAt: null, submittedBy: null } },
  );
}

/** What the village supervision committee checks before countersigning, each confirmed by a tick. */
export const COUNTERSIGN_CHECKLIST = ['vouchers', 'decisions', 'cash', 'contracts'] as const;
export type ChecklistItem = (typeof COUNTERSIGN_CHECKLIST)[number];

const Countersign = z.object({
  disclosureId: rowNumber(),
  checked: z.array(z.string()).default([]),
});

/**
 * The supervision committee countersigns a submitted period: every item of the checklist ticked
 * and every flag answered by the committee itself (the cadre's answer is not the committee's).
 */
export function countersignDisclosure(db: Db, actor: Actor | null, input: { disclosureId: number; checked?: readonly string[] }): Promise<Result> {
  const parsed = Countersign.safeParse(input);
  if (!parsed.success) return Promise.resolve(fail({ form: NOT_FOUND }, 404));
  const missing = COUNTERSIGN_CHECKLIST.filter((item) => !parsed.data.checked.includes(item));
  if (missing.length) return Promise.resolve(fail({ checklist: '请逐项核对凭证、重大支出的决议、现金收付、合同和欠款，核对后勾选全部四项再签核' }));
  return transition(db, actor, input.disclosureId, (current) =>
    current.status !== 'submitted'
      ? STATE_CHANGED
      : {
          to: 'countersigned',
          kind: 'countersigned',
          permission: 'ledger.countersign',
          fields: { countersignedAt: new Date(), countersignedBy: actor?.id ?? null },
          check: (tx) => flagsAnsweredBy(tx, current, 'supervisor'),
        },
  );
}

const FlagAnswerText = z.string().trim().min(4, '说明至少写4个字：为什么这样、或已经怎样改正').max(500, '说明不超过500个字');

/**
 * Answers flags of a period: the cadre on a draft, the supervision committee on a submitted period
 * (a `null` actor is the system and names the role). `answers` maps a flag key to its text; empty
 * texts are skipped, unchanged ones not written again, keys of flags the period no longer has
 * refused. Field errors are keyed by `answerField(index)` of the flag's position in `keys`.
 */
export async function answerFlags(
  db: Db,
  actor: Actor | null,
  input: { disclosureId: number; role?: SignerRole; answers: Array<{ key: string; body: string }> },
): Promise<Result<{ written: number }>> {
  const ref = DisclosureRef.safeParse(input);
  if (!ref.success) return fail({ form: NOT_FOUND }, 404);
  const role: SignerRole | undefined = actor ? (actor.role === 'cadre' || actor.role === 'supervisor' ? actor.role : undefined) : input.role;
  if (!role) return fail({ form: '只有报账员和村务监督委员会需要说明提示' }, 403);
  const errors: FieldErrors = {};
  const texts: Array<{ key: string; body: string }> = [];
  input.answers.forEach((answer, index) => {
    if (!answer.body.trim()) return;
    const parsed = FlagAnswerText.safeParse(answer.body);
    if (parsed.success) texts.push({ key: answer.key, body: parsed.data });
    else errors[answerField(index)] = parsed.error.issues[0]!.message;
  });
  if (Object.keys(errors).length) return fail(errors);
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, ref.data.disclosureId)).for('update');
    if (!locked) return fail({ form: NOT_FOUND }, 404);
    if (!mayAct(actor, role === 'cadre' ? 'ledger.edit' : 'ledger.countersign', locked.villageCode)) return fail({ form: '您没有权限对该期公开做这一步操作' }, 403);
    if (locked.status !== (role === 'cadre' ? 'draft' : 'submitted')) return fail(STATE_CHANGED);
    const flags = await answeredFlags(tx, locked, await getLines(tx, locked.id));
    const byKey = new Map(flags.map((flag) => [flag.key, flag]));
    const fresh = texts.filter((text) => byKey.has(text.key) && byKey.get(text.key)!.answers[role]?.body !== text.body);
    if (texts.some((text) => !byKey.has(text.key))) return fail({ form: '提示已经变化（分录可能已修改），请刷新页面后再说明' });
    if (fresh.length) {
      await tx.insert(flagAnswers).values(fresh.map((text) => ({ disclosureId: locked.id, flagKey: text.key, role, body: text.body, answeredBy: actor?.id ?? null })));
      await recordAudit(tx, {
        actor,
        action: 'disclosure.flagsAnswered',
        subjectType: 'disclosure',
        subjectId: String(locked.id),
        scopeCode: locked.villageCode,
        detail: { period: locked.period, role, flags: fresh.map((text) => text.key) },
      });
    }
    return ok({ written: fresh.length });
  });
}

/** Gives every current flag the same answer: for the demo seed and tests, which sign off periods wholesale. */
export async function answerEveryFlag(db: Db, actor: Actor | null, input: { disclosureId: number; role: SignerRole; body: string }): Promise<Result<{ written: number }>> {
  const disclosure = await getDisclosure(db, input.disclosureId);
  if (!disclosure) return fail({ form: NOT_FOUND }, 404);
  const flags = await answeredFlags(db, disclosure, await getLines(db, disclosure.id));
  return answerFlags(db, actor, { disclosureId: disclosure.id, role: input.role, answers: flags.map((flag) => ({ key: flag.key, body: input.body })) });
}

/** The form field of the n-th flag's answer (the flag's key travels in `flagKeyField(n)`). */
export const answerField = (index: number) => `answer-${index}`;
export const flagKeyField = (index: number) => `flag-${index}`;

const ReturnReason = z
  .string()
  .trim()
  .min(4, '请写明退回原因（至少4个字），让报账员知道要改什么')
  .max(500, '退回原因不超过500个字');

/**
 * Sends a period under review back to draft, with a reason: a submitted one by the supervision
 * committee, a countersigned one by the township agency (which step it is, is read inside the lock).
 */
export async function returnDisclosure(db: Db, actor: Actor | null, input: { disclosureId: number; reason: string }): Promise<Result> {
  const reason = ReturnReason.safeParse(input.reason ?? '');
  if (!reason.success) return fail({ reason: reason.error.issues[0]!.message });
  const trimmed = reason.data;
  return transition(db, actor, input.disclosureId, (current) =>
    current.status !== 'submitted' && current.status !== 'countersigned'
      ? STATE_CHANGED
      : {
          to: 'draft',
          kind: 'returned',
          permission: current.status === 'submitted' ? 'ledger.countersign' : 'ledger.review',
          fields: { returnReason: trimmed, submittedAt: null, submittedBy: null, countersignedAt: null, countersignedBy: null },
          reason: trimmed,
        },
  );
}

/** Sum of a set of entries: income, expense and net (fen). */
export function totalsOf(entries: Array<Pick<FundEntryRow, 'direction' | 'amountFen'>>): { incomeFen: number; expenseFen: number } {
  let incomeFen = 0;
  let expenseFen = 0;
  for (const entry of entries) {
    if (entry.direction === 'income') incomeFen += Number(entry.amountFen);
    else expenseFen += Number(entry.amountFen);
  }
  return { incomeFen, expenseFen };
}

export interface PeriodTotals {
  openingBalanceFen: number;
  incomeFen: number;
  expenseFen: number;
  closingBalanceFen: number;
}

/** The one place a closing balance is computed: the opening balance plus income minus expense (fen). */
export function periodTotals(openingBalanceFen: number | bigint, funds: Array<Pick<FundEntryRow, 'direction' | 'amountFen'>>): PeriodTotals {
  const opening = Number(openingBalanceFen);
  const { incomeFen, expenseFen } = totalsOf(funds);
  return { openingBalanceFen: opening, incomeFen, expenseFen, closingBalanceFen: opening + incomeFen - expenseFen };
}

/**
 * A period's receipts and payments split the way the public page shows them: the period's income
 * and expense (profit-and-loss subjects; a payment booked to 投资收益 is a loss, i.e. negative
 * income) and the other cash movements (grants held for a project, construction, loans, deposits,
 * money collected for others). Both parts together are all receipts and payments, so
 * opening + income − expense + other receipts − other payments = closing, to the fen.
 */
export interface PeriodBreakdown {
  profitLoss: { incomeFen: number; expenseFen: number; netFen: number };
  other: { receiptsFen: number; paymentsFen: number };
}

export function periodBreakdown(funds: Array<Pick<FundEntryRow, 'direction' | 'amountFen' | 'subject'>>): PeriodBreakdown {
  const profitLoss = { incomeFen: 0, expenseFen: 0, netFen: 0 };
  const other = { receiptsFen: 0, paymentsFen: 0 };
  for (const entry of funds) {
    const amount = Number(entry.amountFen);
    const signed = entry.direction === 'income' ? amount : -amount;
    // A line published before the 2023 chart may carry a legacy name: it counts as the subject it maps to.
    const subject = Object.hasOwn(LEGACY_SUBJECTS, entry.subject) ? LEGACY_SUBJECTS[entry.subject]! : entry.subject;
    if (chartSubject(subject)?.category !== 'profitLoss') {
      if (entry.direction === 'income') other.receiptsFen += amount;
      else other.paymentsFen += amount;
    } else if ((INCOME_SUBJECTS as readonly string[]).includes(subject)) profitLoss.incomeFen += signed;
    else profitLoss.expenseFen -= signed;
  }
  profitLoss.netFen = profitLoss.incomeFen - profitLoss.expenseFen;
  return { profitLoss, other };
}

/**
 * The opening balance of a period that follows `previous` (the village's latest published one): a
 * village's first period opens with the balance the cadre entered (its books before the portal),
 * every later one with the previous period's closing balance.
 */
export async function carriedOpeningBalance(db: DbOrTx, disclosure: Pick<DisclosureRow, 'openingBalanceFen'>, previous: DisclosureRow | undefined): Promise<number> {
  if (!previous) return Number(disclosure.openingBalanceFen);
  const funds = await db.select({ direction: fundEntries.direction, amountFen: fundEntries.amountFen }).from(fundEntries).where(eq(fundEntries.disclosureId, previous.id));
  return periodTotals(previous.openingBalanceFen, funds).closingBalanceFen;
}

/**
 * Where a period's opening balance comes from, for the workspace to say: fixed at publication;
 * entered by the cadre (the village's first period); carried from the latest published period's
 * closing; or provisional — an earlier period is still unpublished, so the figure is that
 * period's closing as it stands now, and it is fixed only when this period is published.
 */
export type OpeningSource =
  | { kind: 'fixed' }
  | { kind: 'entered' }
  | { kind: 'carried'; from: string }
  | { kind: 'provisional'; from: string };

export async function openingBalanceOf(db: DbOrTx, disclosure: DisclosureRow): Promise<{ openingBalanceFen: number; source: OpeningSource }> {
  if (disclosure.status === 'published') return { openingBalanceFen: Number(disclosure.openingBalanceFen), source: { kind: 'fixed' } };
  const earlier = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.villageCode, disclosure.villageCode), lt(disclosures.periodStart, disclosure.periodStart)))
    .orderBy(asc(disclosures.periodStart));
  const published = earlier.filter((row) => row.status === 'published').at(-1);
  let balance = await carriedOpeningBalance(db, published ?? earlier[0] ?? disclosure, published);
  const pending = earlier.filter((row) => row.status !== 'published' && (!published || row.periodStart > published.periodStart));
  if (!pending.length) return { openingBalanceFen: balance, source: published ? { kind: 'carried', from: published.period } : { kind: 'entered' } };
  for (const row of pending) {
    const funds = await db.select({ direction: fundEntries.direction, amountFen: fundEntries.amountFen }).from(fundEntries).where(eq(fundEntries.disclosureId, row.id));
    balance = periodTotals(balance, funds).closingBalanceFen;
  }
  return { openingBalanceFen: balance, source: { kind: 'provisional', from: pending.at(-1)!.period } };
}

/**
 * Approves a countersigned period, which publishes it: the opening balance is the previous
 * published period's closing balance, and the content hash chains onto that period's hash. A
 * per-village advisory lock serialises concurrent approvals, so the chain cannot fork.
 */
export async function approveDisclosure(db: Db, actor: Actor | null, input: { disclosureId: number }): Promise<Result<{ contentHash: string; chainSeq: number }>> {
  const { disclosureId } = input;
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId));
    if (!current) return fail({ form: '没有找到该期公开' });
    await lockVillageLedger(tx, current.villageCode);
    const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
    if (!locked || locked.status !== 'countersigned') return fail({ form: '只有村务监督委员会已签核的公开才能审核通过' });
    if (!mayAct(actor, 'ledger.review', locked.villageCode)) return fail({ form: '您没有权限对该期公开做这一步操作' }, 403);
    const [previous] = await tx
      .select()
      .from(disclosures)
      .where(and(eq(disclosures.villageCode, locked.villageCode), eq(disclosures.status, 'published'), isNotNull(disclosures.chainSeq)))
      .orderBy(desc(disclosures.chainSeq))
      .limit(1);
    if (previous && previous.periodStart >= locked.periodStart) {
      return fail({ form: `本村已公开更晚的期间（${previous.period}），不能再公开更早的期间；请以更正分录在下一期调整` });
    }
    // The opening balance is fixed now, from the previous closing: an earlier period still under
    // way would change it, so it is published first.
    const [earlier] = await tx
      .select({ period: disclosures.period })
      .from(disclosures)
      .where(and(eq(disclosures.villageCode, locked.villageCode), lt(disclosures.periodStart, locked.periodStart), ne(disclosures.status, 'published')))
      .orderBy(asc(disclosures.periodStart))
      .limit(1);
    if (earlier) return fail({ form: `上一期（${earlier.period}）尚未公开：请先审核公开上一期，本期的期初余额才能确定` });
    const openingBalanceFen = await carriedOpeningBalance(tx, locked, previous);
    const lines = await getLines(tx, locked.id);
    const prevHash = previous?.contentHash ?? GENESIS_HASH;
    const chainSeq = (previous?.chainSeq ?? 0) + 1;
    // A period published now is hashed in the current content form (with its debts register); older ones keep theirs.
    const contentVersion = CONTENT_VERSION;
    const contentHash = chainHash(prevHash, disclosureContent({ ...locked, openingBalanceFen, contentVersion }, lines));
    await tx
      .update(disclosures)
      .set({ status: 'published', publishedAt: new Date(), publishedBy: actor?.id ?? null, openingBalanceFen, prevHash, contentHash, chainSeq, contentVersion })
      .where(eq(disclosures.id, locked.id));
    await logTransition(tx, actor, locked, 'published', 'published');
    await announcePublicChange(tx);
    return ok({ contentHash, chainSeq });
  });
}
