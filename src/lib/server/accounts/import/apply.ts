/**
 * Importing a file into a draft in two steps, so that nothing is written — and above all nothing
 * deleted — before the bookkeeper has seen what will happen:
 *
 * 1. `previewImport` reads and checks the file against the draft (its period, and in 追加 mode the
 *    entries already there), and returns what the import would do: the rows to add, in 替换 mode
 *    the entries it would delete and what becomes of their vouchers, and the totals before and
 *    after. The checked rows are kept in a short-lived stash (`ledger_import_previews`) under a
 *    random token, bound to the file's SHA-256 and to a digest of the draft's state (its entries,
 *    their vouchers and the opening balance) taken at the same moment.
 * 2. `confirmImport` (the second POST; no JavaScript needed) names the token, the file's hash and
 *    the draft state it was shown. Inside the draft's row lock the state is taken again; if the
 *    draft changed since the preview (an entry edited, a voucher added, the previous period
 *    published), nothing is written and a new preview against the new state comes back instead.
 *    Otherwise the rows are written in one transaction, with the event and audit rows
 *    (`editDraft`), and the stash is consumed.
 *
 * Vouchers in 替换 mode: the voucher scans of an entry to be deleted move to the imported row with
 * the same 凭证号 (a corrected export of the same books keeps its voucher numbers), up to the
 * per-entry limit; every other scan is deleted with its entry. The preview lists each scan and its
 * fate, and the confirmation button says how many are deleted: none vanishes unannounced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, lt, max, or, sql } from 'drizzle-orm';
import { fundEntries, type DisclosureRow, type FundEntryRow } from '../../../../../db/schema/accounts.ts';
import { attachments } from '../../../../../db/schema/attachments.ts';
import { ledgerImportPreviews } from '../../../../../db/schema/ledger-imports.ts';
import { can } from '../../auth/permissions.ts';
import type { Db, DbOrTx } from '../../db.ts';
import { fail, ok, type Actor, type Result } from '../../result.ts';
import { editDraft, getDisclosure, NOT_DRAFT_MESSAGE, openingBalanceOf, periodTotals, type PeriodTotals } from '../disclosures.ts';
import { FundEntrySchema, type FundEntryInput } from '../model.ts';
import { MAX_VOUCHERS_PER_ENTRY } from '../vouchers.ts';
import { parseFundEntriesFile, recheckRows, type ImportIssue } from './index.ts';

export const IMPORT_MODES = ['add', 'replace'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** How long a preview may be confirmed. */
export const PREVIEW_MINUTES = 30;

export type ImportedRow = FundEntryInput & { sourceRow: number };

/** A voucher scan of an entry that 替换 deletes: moved to the imported row with its 凭证号 (`toRow`, the file's row), or deleted. */
export interface VoucherFate {
  id: string;
  mime: string;
  sizeBytes: number;
  createdAt: Date | null;
  toRow: number | null;
}

export interface DeletedEntry {
  lineNo: number;
  entryDate: string;
  direction: FundEntryRow['direction'];
  amountFen: number;
  subject: string;
  summary: string;
  counterparty: string;
  voucherNo: string | null;
  vouchers: VoucherFate[];
}

export interface ImportPreview {
  token: string;
  mode: ImportMode;
  fileName: string;
  fileSha256: string;
  draftState: string;
  rows: ImportedRow[];
  notices: ImportIssue[];
  /** The entries 替换 deletes (none when adding). */
  deleted: DeletedEntry[];
  vouchers: { moved: number; deleted: number };
  before: PeriodTotals;
  after: PeriodTotals;
  expiresAt: Date;
}

/** Why a preview or a confirmation was refused: a field-keyed message, and the file's problems if any. */
export interface ImportRefusal {
  field: 'file' | 'mode' | 'form';
  message: string;
  problems: ImportIssue[];
  notices: ImportIssue[];
}

const refusal = (field: ImportRefusal['field'], message: string, problems: ImportIssue[] = [], notices: ImportIssue[] = []): ImportRefusal => ({ field, message, problems, notices });

export const isImportMode = (value: unknown): value is ImportMode => value === 'add' || value === 'replace';

// ------------------------------------------------------------------ the draft's state

interface DraftState {
  funds: FundEntryRow[];
  vouchers: Array<{ id: string; fundEntryId: number; mime: string; sizeBytes: number; createdAt: Date | null }>;
  openingBalanceFen: number;
  digest: string;
}

/**
 * What a preview is computed from, and its digest: every field of every entry, every voucher scan
 * (by id and entry) and the opening balance in effect. Any change to the draft changes the digest.
 */
async function draftState(db: DbOrTx, disclosure: DisclosureRow): Promise<DraftState> {
  const [funds, vouchers, opening] = await Promise.all([
    db.select().from(fundEntries).where(eq(fundEntries.disclosureId, disclosure.id)).orderBy(asc(fundEntries.lineNo)),
    db
      .select({ id: attachments.id, fundEntryId: attachments.fundEntryId, mime: attachments.mime, sizeBytes: attachments.sizeBytes, createdAt: attachments.createdAt })
      .from(attachments)
      .where(eq(attachments.disclosureId, disclosure.id))
      .orderBy(asc(attachments.createdAt), asc(attachments.id)),
    openingBalanceOf(db, disclosure),
  ]);
  const digest = createHash('sha256')
    .update(
      JSON.stringify({
        status: disclosure.status,
        opening: opening.openingBalanceFen,
        funds: funds.map((entry) => [
          entry.id,
          entry.lineNo,
          entry.entryDate,
          entry.direction,
          Number(entry.amountFen),
          entry.subject,
          entry.summary,
          entry.counterparty,
          entry.voucherNo,
          entry.method,
          entry.decisionRef,
          entry.adjustsEntryId,
        ]),
        vouchers: vouchers.map((voucher) => [voucher.id, Number(voucher.fundEntryId)]).sort(),
      }),
    )
    .digest('hex');
  return {
    funds,
    vouchers: vouchers.map((voucher) => ({ ...voucher, fundEntryId: Number(voucher.fundEntryId) })),
    openingBalanceFen: opening.openingBalanceFen,
    digest,
  };
}

const voucherKey = (voucherNo: string | null | undefined) => (voucherNo ?? '').normalize('NFKC').replace(/\s+/g, '');

/** What replacing the draft's entries with `rows` deletes, and where each voucher scan goes. */
function plan(mode: ImportMode, state: DraftState, rows: ImportedRow[]): Pick<ImportPreview, 'deleted' | 'vouchers' | 'before' | 'after'> {
  const before = periodTotals(state.openingBalanceFen, state.funds);
  if (mode === 'add') {
    return { deleted: [], vouchers: { moved: 0, deleted: 0 }, before, after: periodTotals(state.openingBalanceFen, [...state.funds, ...rows]) };
  }
  const byVoucher = new Map<string, number>();
  for (const row of rows) if (voucherKey(row.voucherNo) !== '') byVoucher.set(voucherKey(row.voucherNo), row.sourceRow);
  const movedTo = new Map<number, number>();
  let moved = 0;
  let deletedCount = 0;
  const deleted = state.funds.map((entry): DeletedEntry => {
    const target = voucherKey(entry.voucherNo) === '' ? undefined : byVoucher.get(voucherKey(entry.voucherNo));
    const vouchers = state.vouchers
      .filter((voucher) => voucher.fundEntryId === entry.id)
      .map((voucher): VoucherFate => {
        const room = target !== undefined && (movedTo.get(target) ?? 0) < MAX_VOUCHERS_PER_ENTRY;
        if (room) movedTo.set(target, (movedTo.get(target) ?? 0) + 1);
        if (room) moved++;
        else deletedCount++;
        return { id: voucher.id, mime: voucher.mime, sizeBytes: voucher.sizeBytes, createdAt: voucher.createdAt, toRow: room ? target : null };
      });
    return {
      lineNo: entry.lineNo,
      entryDate: entry.entryDate,
      direction: entry.direction,
      amountFen: Number(entry.amountFen),
      subject: entry.subject,
      summary: entry.summary,
      counterparty: entry.counterparty,
      voucherNo: entry.voucherNo,
      vouchers,
    };
  });
  return { deleted, vouchers: { moved, deleted: deletedCount }, before, after: periodTotals(state.openingBalanceFen, rows) };
}

// ------------------------------------------------------------------ step 1: preview

async function editable(db: DbOrTx, actor: Actor, disclosureId: number): Promise<Result<DisclosureRow, ImportRefusal>> {
  const disclosure = await getDisclosure(db, disclosureId);
  if (!disclosure || !can(actor, 'ledger.edit', { scopeCode: disclosure.villageCode })) return fail(refusal('form', '只有本村报账员可以导入本村的资金明细'), 403);
  if (disclosure.status !== 'draft') return fail(refusal('form', NOT_DRAFT_MESSAGE));
  return ok(disclosure);
}

/** Stores a preview under a fresh token; the person's earlier previews of this draft and every expired one go. */
async function stash(db: DbOrTx, actor: Actor, disclosure: DisclosureRow, input: Omit<ImportPreview, 'token' | 'expiresAt' | keyof ReturnType<typeof plan>>, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + PREVIEW_MINUTES * 60_000);
  await db
    .delete(ledgerImportPreviews)
    .where(or(lt(ledgerImportPreviews.expiresAt, now), and(eq(ledgerImportPreviews.disclosureId, disclosure.id), eq(ledgerImportPreviews.actorId, actor.id))));
  await db.insert(ledgerImportPreviews).values({
    token,
    disclosureId: disclosure.id,
    actorId: actor.id,
    mode: input.mode,
    fileName: input.fileName,
    fileSha256: input.fileSha256,
    draftState: input.draftState,
    rows: input.rows,
    notices: input.notices,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Step 1: checks the file against the draft and says what importing it would do, writing nothing
 * to the draft (only the stash). Refused: no such draft or not this person's village, not a draft,
 * no mode chosen, a file with problems (all of them listed, one line per row).
 */
export async function previewImport(
  db: Db,
  actor: Actor,
  input: { disclosureId: number; mode: unknown; fileName: string; bytes: Uint8Array },
): Promise<Result<ImportPreview, ImportRefusal>> {
  const found = await editable(db, actor, input.disclosureId);
  if (!found.ok) return found;
  const disclosure = found.value;
  if (!isImportMode(input.mode)) return fail(refusal('mode', '请选择导入方式：追加到本期已有明细，或替换本期全部明细'));
  const { mode } = input;
  const state = await draftState(db, disclosure);
  const parsed = await parseFundEntriesFile(input.bytes, input.fileName, {
    period: { start: disclosure.periodStart, end: disclosure.periodEnd },
    existing: mode === 'add' ? state.funds : [],
  });
  if (!parsed.ok) return fail(refusal('file', `文件未导入，共发现${parsed.errors.length}处问题，请改正后重新上传`, parsed.errors));
  const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');
  const fileName = input.fileName.split(/[\\/]/).pop()?.slice(0, 120) || '上传的文件';
  const content = { mode, fileName, fileSha256, draftState: state.digest, rows: parsed.rows, notices: parsed.notices };
  const stashed = await stash(db, actor, disclosure, content);
  return ok({ ...content, ...stashed, ...plan(mode, state, parsed.rows) });
}

/** Forgets previews past their time (an hourly job; a preview is refused once expired anyway, this keeps no ledger rows longer than needed). */
export async function sweepImportPreviews(db: DbOrTx, now = new Date()): Promise<void> {
  await db.delete(ledgerImportPreviews).where(lt(ledgerImportPreviews.expiresAt, now));
}

// ------------------------------------------------------------------ step 2: confirm

export type ConfirmOutcome =
  | { kind: 'written'; mode: ImportMode; added: number; removed: number; vouchersMoved: number; vouchersDeleted: number; notices: number }
  /** The draft changed after the preview: nothing was written; here is the preview against the new state. */
  | { kind: 'stale'; preview: ImportPreview };

const EXPIRED = '这次预览已失效（超过30分钟、已经确认过，或之后又上传了文件）。请重新选择文件上传，核对预览后再确认。';
const OTHER_FILE = '确认的不是预览过的文件，没有导入。请重新上传文件，核对预览后再确认。';
/** Said above the new preview when a confirmation found the draft changed. */
export const STALE_MESSAGE = '预览之后本期草稿有了改动（明细、凭证或期初余额），没有导入。下面是按草稿现状重新生成的预览，请核对后再确认。';
const STALE_WITH_PROBLEMS = (count: number) => `预览之后本期草稿有了改动，没有导入；按草稿现状，文件中有${count}处问题，请改正后重新上传`;
const NOT_IMPORTABLE = '预览中的明细已不符合本期的要求，没有导入。请重新上传文件。';

/**
 * Step 2: writes exactly what was previewed, if the draft is still as it was. `fileSha256` and
 * `draftState` are the preview form's hidden fields: they must be the stash's, and the draft's
 * state, taken again inside its row lock, must still be the one the preview was computed from.
 */
export async function confirmImport(
  db: Db,
  actor: Actor,
  input: { disclosureId: number; token: string; fileSha256: string; draftState: string },
  now = new Date(),
): Promise<Result<ConfirmOutcome, ImportRefusal>> {
  const found = await editable(db, actor, input.disclosureId);
  if (!found.ok) return found;
  const [stashed] = /^[A-Za-z0-9_-]{43}$/.test(input.token) ? await db.select().from(ledgerImportPreviews).where(eq(ledgerImportPreviews.token, input.token)) : [];
  if (!stashed || stashed.disclosureId !== input.disclosureId || stashed.actorId !== actor.id || stashed.expiresAt < now) return fail(refusal('file', EXPIRED), 409);
  if (stashed.fileSha256 !== input.fileSha256) return fail(refusal('file', OTHER_FILE), 409);
  const mode = stashed.mode;
  const rows = stashed.rows as ImportedRow[];
  const notices = stashed.notices as ImportIssue[];

  const written = await editDraft<Extract<ConfirmOutcome, { kind: 'written' }>, ImportRefusal | 'stale'>(
    db,
    actor,
    input.disclosureId,
    mode === 'add' ? 'fundEntries.importAdded' : 'fundEntries.importReplaced',
    async (tx, disclosure) => {
      // A confirmation that waited for the lock behind another one of the same preview (a double click) finds it consumed.
      const [still] = await tx.select({ token: ledgerImportPreviews.token }).from(ledgerImportPreviews).where(eq(ledgerImportPreviews.token, stashed.token));
      if (!still) return fail(refusal('file', EXPIRED), 409);
      const state = await draftState(tx, disclosure);
      if (state.digest !== stashed.draftState || input.draftState !== stashed.draftState) return fail('stale' as const);
      for (const row of rows) {
        const checked = FundEntrySchema.safeParse(row);
        if (!checked.success || row.entryDate < disclosure.periodStart || row.entryDate > disclosure.periodEnd) return fail(refusal('file', NOT_IMPORTABLE));
      }
      const { deleted, vouchers } = plan(mode, state, rows);
      const [top] = await tx.select({ n: max(fundEntries.lineNo) }).from(fundEntries).where(eq(fundEntries.disclosureId, disclosure.id));
      const highest = top?.n ?? 0;
      // Replacing: the new rows go in above every line number in use, the scans that move are
      // copied onto them, the old entries and scans go, then the new rows are numbered from 1.
      const offset = mode === 'add' ? highest : Math.max(highest, rows.length);
      const ids: number[] = [];
      for (let start = 0; start < rows.length; start += 500) {
        const inserted = await tx
          .insert(fundEntries)
          .values(rows.slice(start, start + 500).map((row, index) => entryValues(disclosure.id, offset + start + index + 1, row)))
          .returning({ id: fundEntries.id, lineNo: fundEntries.lineNo });
        ids.push(...inserted.sort((a, b) => a.lineNo - b.lineNo).map((entry) => entry.id));
      }
      if (mode === 'replace') {
        const entryOfRow = new Map(rows.map((row, index) => [row.sourceRow, ids[index]!]));
        const moved: Array<{ from: string; to: string }> = [];
        for (const fate of deleted.flatMap((entry) => entry.vouchers)) {
          if (fate.toRow === null) continue;
          const to = crypto.randomUUID();
          await copyVoucher(tx, fate.id, to, entryOfRow.get(fate.toRow)!);
          moved.push({ from: fate.id, to });
        }
        const oldIds = state.funds.map((entry) => entry.id);
        if (oldIds.length > 0) {
          await tx.delete(attachments).where(and(eq(attachments.disclosureId, disclosure.id), inArray(attachments.fundEntryId, oldIds)));
          await tx.delete(fundEntries).where(and(eq(fundEntries.disclosureId, disclosure.id), inArray(fundEntries.id, oldIds)));
        }
        if (offset > 0) await tx.execute(renumber(disclosure.id, offset));
      }
      await tx.delete(ledgerImportPreviews).where(eq(ledgerImportPreviews.token, stashed.token));
      const value = { kind: 'written' as const, mode, added: rows.length, removed: deleted.length, vouchersMoved: vouchers.moved, vouchersDeleted: vouchers.deleted, notices: notices.length };
      return {
        ...ok(value),
        detail: { mode, file: stashed.fileSha256, added: rows.length, removed: deleted.length, vouchersMoved: vouchers.moved, vouchersDeleted: vouchers.deleted },
      };
    },
    { refuse: (message) => refusal('form', message) },
  );
  if (written.ok) return written;
  if (written.errors !== 'stale') return { ...written, errors: written.errors };

  // The draft changed: nothing was written. The same rows, checked and planned against the draft as it is now.
  const disclosure = (await getDisclosure(db, input.disclosureId))!;
  const state = await draftState(db, disclosure);
  const problems = recheckRows(rows, { period: { start: disclosure.periodStart, end: disclosure.periodEnd }, existing: mode === 'add' ? state.funds : [] });
  if (problems.length > 0) {
    await db.delete(ledgerImportPreviews).where(eq(ledgerImportPreviews.token, stashed.token));
    return fail(refusal('file', STALE_WITH_PROBLEMS(problems.length), problems, notices), 409);
  }
  const content = { mode, fileName: stashed.fileName, fileSha256: stashed.fileSha256, draftState: state.digest, rows, notices };
  const again = await stash(db, actor, disclosure, content, now);
  return ok({ kind: 'stale', preview: { ...content, ...again, ...plan(mode, state, rows) } });
}

function entryValues(disclosureId: number, lineNo: number, row: ImportedRow) {
  const { sourceRow: _row, adjustsEntryId: _adjusts, ...entry } = row;
  return { ...entry, disclosureId, lineNo, voucherNo: entry.voucherNo ?? null, decisionRef: entry.decisionRef ?? null };
}

/** A voucher scan copied onto another entry of the same draft (scans are never updated in place). */
async function copyVoucher(tx: DbOrTx, from: string, to: string, fundEntryId: number): Promise<void> {
  await tx.execute(
    sql`insert into attachments (id, kind, disclosure_id, fund_entry_id, mime, size_bytes, sha256, stripped, bytes, original_ciphertext, created_at, created_by)
        select ${to}, kind, disclosure_id, ${fundEntryId}, mime, size_bytes, sha256, stripped, bytes, original_ciphertext, created_at, created_by
        from attachments where id = ${from}`,
  );
}

/** Moves the rows inserted above `offset` down to 1…n (the range they leave is empty by then). */
function renumber(disclosureId: number, offset: number) {
  return sql`update fund_entries set line_no = line_no - ${offset} where disclosure_id = ${disclosureId} and line_no > ${offset}`;
}
