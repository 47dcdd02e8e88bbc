/**
 * The disclosure workflow: a cadre opens a period and fills it, submits it; the village supervision
 * committee countersigns or returns it; a commission in scope approves (which publishes it into the
 * village's hash chain) or returns it. Every command validates, runs in one transaction with its
 * event and audit rows, and returns a typed result with Chinese messages. Permission is checked by
 * the caller with `can(user, 'ledger.*', { scopeCode: villageCode })`.
 */
import { and, asc, desc, eq, isNotNull, lt, max, sql } from 'drizzle-orm';
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
import { recordAudit } from '../audit.ts';
import { getArea } from '../areas/index.ts';
import type { Db, DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { chainHash, disclosureContent, GENESIS_HASH } from './canonical.ts';
import { AssetItemSchema, FundEntrySchema, ResourceContractSchema, type FundEntryInput } from './model.ts';
import { parsePeriod } from './periods.ts';
import { fieldErrors } from '../validation.ts';

export interface LedgerActor {
  id: string;
  username: string;
}

export type LedgerResult<T = null> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const fail = (errors: Record<string, string>) => ({ ok: false as const, errors });

export interface DisclosureLines {
  funds: FundEntryRow[];
  assets: AssetItemRow[];
  resources: ResourceContractRow[];
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
  const [funds, assets, resources] = await Promise.all([
    db.select().from(fundEntries).where(eq(fundEntries.disclosureId, disclosureId)).orderBy(asc(fundEntries.lineNo)),
    db.select().from(assetItems).where(eq(assetItems.disclosureId, disclosureId)).orderBy(asc(assetItems.lineNo)),
    db.select().from(resourceContracts).where(eq(resourceContracts.disclosureId, disclosureId)).orderBy(asc(resourceContracts.lineNo)),
  ]);
  return { funds, assets, resources };
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
  actor: LedgerActor | null,
  disclosure: DisclosureRow,
  kind: 'created' | 'submitted' | 'countersigned' | 'returned' | 'published',
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
 * draft starts with the register of the village's latest disclosure, to be updated.
 */
export async function openDraft(db: Db, actor: LedgerActor | null, villageCode: string, periodCode: string, today = todayInShanghai()): Promise<LedgerResult<DisclosureRow>> {
  const period = parsePeriod(periodCode);
  if (!period) return fail({ period: '期间应写成 2026-Q3（季度）或 2026-09（月份）' });
  if (period.start > today) return fail({ period: '不能为尚未开始的期间建立公开' });
  const village = await getArea(db, villageCode);
  if (!village || village.level !== 'village') return fail({ form: '没有这个村' });
  if (await getDisclosureByPeriod(db, villageCode, periodCode)) return fail({ period: '该期间已建立公开，请直接编辑' });
  return db.transaction(async (tx) => {
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
    }
    await logTransition(tx, actor, { ...created!, status: 'draft' }, 'created', 'draft');
    return { ok: true as const, value: created! };
  });
}

function requireDraft(disclosure: DisclosureRow | undefined): Record<string, string> | null {
  if (!disclosure) return { form: '没有找到该期公开' };
  if (disclosure.status !== 'draft') return { form: '只有草稿状态可以修改；已提交的请等待审核或退回' };
  return null;
}

async function checkFundEntry(db: DbOrTx, disclosure: DisclosureRow, input: unknown): Promise<LedgerResult<FundEntryInput>> {
  const parsed = FundEntrySchema.safeParse(input);
  if (!parsed.success) {
    return fail(fieldErrors(parsed.error));
  }
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
  return { ok: true, value: entry };
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

async function nextLine(db: DbOrTx, table: typeof fundEntries | typeof assetItems | typeof resourceContracts, disclosureId: number): Promise<number> {
  const [row] = await db.select({ n: max(table.lineNo) }).from(table).where(eq(table.disclosureId, disclosureId));
  return (row?.n ?? 0) + 1;
}

export async function addFundEntry(db: Db, disclosureId: number, input: unknown): Promise<LedgerResult<{ lineNo: number }>> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  const checked = await checkFundEntry(db, disclosure!, input);
  if (!checked.ok) return checked;
  return db.transaction(async (tx) => {
    const lineNo = await nextLine(tx, fundEntries, disclosureId);
    await tx.insert(fundEntries).values(fundRow(disclosureId, lineNo, checked.value));
    return { ok: true as const, value: { lineNo } };
  });
}

export async function updateFundEntry(db: Db, disclosureId: number, lineNo: number, input: unknown): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  const checked = await checkFundEntry(db, disclosure!, input);
  if (!checked.ok) return checked;
  const updated = await db
    .update(fundEntries)
    .set(fundRow(disclosureId, lineNo, checked.value))
    .where(and(eq(fundEntries.disclosureId, disclosureId), eq(fundEntries.lineNo, lineNo)))
    .returning({ id: fundEntries.id });
  return updated.length ? { ok: true, value: null } : fail({ form: '没有找到该分录' });
}

export async function deleteFundEntry(db: Db, disclosureId: number, lineNo: number): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  return db.transaction(async (tx) => {
    const [entry] = await tx.select({ id: fundEntries.id }).from(fundEntries).where(and(eq(fundEntries.disclosureId, disclosureId), eq(fundEntries.lineNo, lineNo)));
    if (!entry) return fail({ form: '没有找到该分录' });
    // The entry's voucher scans go with it (the period is still a draft).
    await tx.delete(attachments).where(eq(attachments.fundEntryId, entry.id));
    await tx.delete(fundEntries).where(eq(fundEntries.id, entry.id));
    return { ok: true as const, value: null };
  });
}

/**
 * Replaces the draft's whole funds ledger with imported rows, all or nothing: every row is checked
 * first (date inside the period, voucher numbers unique) and nothing is written if any fails.
 */
export async function replaceFundEntries(
  db: Db,
  actor: LedgerActor | null,
  disclosureId: number,
  rows: Array<FundEntryInput & { sourceRow?: number }>,
): Promise<{ ok: true; value: { count: number } } | { ok: false; errors: Array<{ row: number | null; message: string }> }> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return { ok: false, errors: [{ row: null, message: notDraft.form! }] };
  const errors: Array<{ row: number | null; message: string }> = [];
  for (const [index, row] of rows.entries()) {
    const checked = await checkFundEntry(db, disclosure!, row);
    if (!checked.ok) for (const message of Object.values(checked.errors)) errors.push({ row: row.sourceRow ?? index + 2, message });
  }
  if (errors.length) return { ok: false, errors };
  await db.transaction(async (tx) => {
    await tx.delete(attachments).where(eq(attachments.disclosureId, disclosureId));
    await tx.delete(fundEntries).where(eq(fundEntries.disclosureId, disclosureId));
    for (let start = 0; start < rows.length; start += 500) {
      await tx.insert(fundEntries).values(rows.slice(start, start + 500).map((row, offset) => fundRow(disclosureId, start + offset + 1, row)));
    }
    await recordAudit(tx, {
      actor,
      action: 'disclosure.imported',
      subjectType: 'disclosure',
      subjectId: String(disclosureId),
      scopeCode: disclosure!.villageCode,
      detail: { period: disclosure!.period, rows: rows.length },
    });
  });
  return { ok: true, value: { count: rows.length } };
}

export async function saveAsset(db: Db, disclosureId: number, lineNo: number | null, input: unknown): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  const parsed = AssetItemSchema.safeParse(input);
  if (!parsed.success) {
    return fail(fieldErrors(parsed.error));
  }
  const a = parsed.data;
  const values = {
    name: a.name, assetType: a.assetType, quantity: a.quantity, unit: a.unit, originalValueFen: a.originalValueFen,
    acquiredOn: a.acquiredOn ?? null, location: a.location, useStatus: a.useStatus, lessee: a.lessee ?? null,
    leaseStart: a.leaseStart ?? null, leaseEnd: a.leaseEnd ?? null, annualRentFen: a.annualRentFen ?? null,
    bookAmountFen: a.bookAmountFen, actualAmountFen: a.actualAmountFen, gapReason: a.gapReason ?? null,
  };
  if (lineNo === null) {
    await db.insert(assetItems).values({ ...values, disclosureId, lineNo: await nextLine(db, assetItems, disclosureId) });
    return { ok: true, value: null };
  }
  const updated = await db.update(assetItems).set(values).where(and(eq(assetItems.disclosureId, disclosureId), eq(assetItems.lineNo, lineNo))).returning({ id: assetItems.id });
  return updated.length ? { ok: true, value: null } : fail({ form: '没有找到该资产' });
}

export async function saveResource(db: Db, disclosureId: number, lineNo: number | null, input: unknown): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  const parsed = ResourceContractSchema.safeParse(input);
  if (!parsed.success) {
    return fail(fieldErrors(parsed.error));
  }
  const r = parsed.data;
  const values = {
    name: r.name, landClass: r.landClass, areaMu: r.areaMu, location: r.location, contractor: r.contractor,
    termStart: r.termStart, termEnd: r.termEnd, annualFeeFen: r.annualFeeFen, awardMethod: r.awardMethod,
    feeStatus: r.feeStatus, arrearsFen: r.arrearsFen,
  };
  if (lineNo === null) {
    await db.insert(resourceContracts).values({ ...values, disclosureId, lineNo: await nextLine(db, resourceContracts, disclosureId) });
    return { ok: true, value: null };
  }
  const updated = await db.update(resourceContracts).set(values).where(and(eq(resourceContracts.disclosureId, disclosureId), eq(resourceContracts.lineNo, lineNo))).returning({ id: resourceContracts.id });
  return updated.length ? { ok: true, value: null } : fail({ form: '没有找到该合同' });
}

export async function deleteLine(db: Db, disclosureId: number, kind: 'asset' | 'resource', lineNo: number): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  const table = kind === 'asset' ? assetItems : resourceContracts;
  const deleted = await db.delete(table).where(and(eq(table.disclosureId, disclosureId), eq(table.lineNo, lineNo))).returning({ id: table.id });
  return deleted.length ? { ok: true, value: null } : fail({ form: '没有找到该条目' });
}

/** Sets the opening balance of a village's first period; later periods take the previous closing. */
export async function setOpeningBalance(db: Db, disclosureId: number, openingBalanceFen: number): Promise<LedgerResult> {
  const disclosure = await getDisclosure(db, disclosureId);
  const notDraft = requireDraft(disclosure);
  if (notDraft) return fail(notDraft);
  if (!Number.isSafeInteger(openingBalanceFen) || openingBalanceFen < 0) return fail({ openingBalance: '期初余额应为不小于0的金额' });
  if ((await listPublished(db, disclosure!.villageCode)).length > 0) {
    return fail({ openingBalance: '本村已有公开期间，期初余额按上期期末余额自动结转' });
  }
  await db.update(disclosures).set({ openingBalanceFen }).where(eq(disclosures.id, disclosureId));
  return { ok: true, value: null };
}

// ------------------------------------------------------------------ transitions

async function transition(
  db: Db,
  actor: LedgerActor | null,
  disclosureId: number,
  from: DisclosureRow['status'],
  to: DisclosureRow['status'],
  kind: 'submitted' | 'countersigned' | 'returned',
  fields: Partial<DisclosureRow>,
  reason: string | null = null,
): Promise<LedgerResult> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
    if (!current) return fail({ form: '没有找到该期公开' });
    if (current.status !== from) return fail({ form: '该期公开的状态已经改变，请刷新页面后再操作' });
    await tx.update(disclosures).set({ ...fields, status: to }).where(eq(disclosures.id, disclosureId));
    await logTransition(tx, actor, current, kind, to, reason);
    return { ok: true as const, value: null };
  });
}

export function submitDisclosure(db: Db, actor: LedgerActor | null, disclosureId: number): Promise<LedgerResult> {
  return transition(db, actor, disclosureId, 'draft', 'submitted', 'submitted', { submittedAt: new Date(), submittedBy: actor?.id ?? null, returnReason: null });
}

export function countersignDisclosure(db: Db, actor: LedgerActor | null, disclosureId: number): Promise<LedgerResult> {
  return transition(db, actor, disclosureId, 'submitted', 'countersigned', 'countersigned', { countersignedAt: new Date(), countersignedBy: actor?.id ?? null });
}

/** Sends a submitted (supervisor) or countersigned (commission) period back to draft, with a reason. */
export async function returnDisclosure(db: Db, actor: LedgerActor | null, disclosureId: number, from: 'submitted' | 'countersigned', reason: string): Promise<LedgerResult> {
  const trimmed = reason.trim();
  if (trimmed.length < 4) return fail({ reason: '请写明退回原因（至少4个字），让报账员知道要改什么' });
  if (trimmed.length > 500) return fail({ reason: '退回原因不超过500个字' });
  return transition(db, actor, disclosureId, from, 'draft', 'returned', {
    returnReason: trimmed,
    submittedAt: null,
    submittedBy: null,
    countersignedAt: null,
    countersignedBy: null,
  }, trimmed);
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

/**
 * Approves a countersigned period, which publishes it: the opening balance is the previous
 * published period's closing balance, and the content hash chains onto that period's hash. A
 * per-village advisory lock serialises concurrent approvals, so the chain cannot fork.
 */
export async function approveDisclosure(db: Db, actor: LedgerActor | null, disclosureId: number): Promise<LedgerResult<{ contentHash: string; chainSeq: number }>> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId));
    if (!current) return fail({ form: '没有找到该期公开' });
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'ledger-chain:' + current.villageCode}))`);
    const [locked] = await tx.select().from(disclosures).where(eq(disclosures.id, disclosureId)).for('update');
    if (!locked || locked.status !== 'countersigned') return fail({ form: '只有村务监督委员会已签核的公开才能审核通过' });
    const [previous] = await tx
      .select()
      .from(disclosures)
      .where(and(eq(disclosures.villageCode, locked.villageCode), eq(disclosures.status, 'published'), isNotNull(disclosures.chainSeq)))
      .orderBy(desc(disclosures.chainSeq))
      .limit(1);
    if (previous && previous.periodStart >= locked.periodStart) {
      return fail({ form: `本村已公开更晚的期间（${previous.period}），不能再公开更早的期间；请以更正分录在下一期调整` });
    }
    // A village's first published period opens with the balance the cadre entered (its books
    // before the portal); every later one with the previous period's closing balance.
    let openingBalanceFen = Number(locked.openingBalanceFen);
    if (previous) {
      const previousTotals = totalsOf(await tx.select().from(fundEntries).where(eq(fundEntries.disclosureId, previous.id)));
      openingBalanceFen = Number(previous.openingBalanceFen) + previousTotals.incomeFen - previousTotals.expenseFen;
    }
    const lines = await getLines(tx, locked.id);
    const prevHash = previous?.contentHash ?? GENESIS_HASH;
    const chainSeq = (previous?.chainSeq ?? 0) + 1;
    const contentHash = chainHash(prevHash, disclosureContent({ ...locked, openingBalanceFen }, lines.funds, lines.assets, lines.resources));
    await tx
      .update(disclosures)
      .set({ status: 'published', publishedAt: new Date(), publishedBy: actor?.id ?? null, openingBalanceFen, prevHash, contentHash, chainSeq })
      .where(eq(disclosures.id, locked.id));
    await logTransition(tx, actor, locked, 'published', 'published');
    return { ok: true as const, value: { contentHash, chainSeq } };
  });
}
