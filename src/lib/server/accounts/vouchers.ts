/**
 * Voucher scans attached to funds entries. Added and removed while the period is a draft; kept for
 * good once it is published. Shown to staff who may see the village's ledger, never to the public:
 * vouchers carry names, account numbers and signatures of private people.
 */
import { and, asc, eq } from 'drizzle-orm';
import { attachments, type AttachmentRow } from '../../../../db/schema/attachments.ts';
import { fundEntries } from '../../../../db/schema/accounts.ts';
import { cleanUpload, extensionOf, uploadsFromForm } from '../attachments/index.ts';
import type { Db, DbOrTx } from '../db.ts';
import { editDraft, getDisclosure, NOT_DRAFT_MESSAGE } from './disclosures.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { insertVoucherRow, type CleanedVoucher } from './voucher-rows.ts';

export { MAX_VOUCHERS_PER_ENTRY } from './voucher-rows.ts';

export type VoucherInfo = Omit<AttachmentRow, 'bytes' | 'originalCiphertext' | 'complaintId'>;

const infoColumns = {
  id: attachments.id,
  kind: attachments.kind,
  disclosureId: attachments.disclosureId,
  fundEntryId: attachments.fundEntryId,
  mime: attachments.mime,
  sizeBytes: attachments.sizeBytes,
  sha256: attachments.sha256,
  stripped: attachments.stripped,
  createdAt: attachments.createdAt,
  createdBy: attachments.createdBy,
};

export async function listVouchers(db: DbOrTx, disclosureId: number): Promise<Map<number, VoucherInfo[]>> {
  const rows = await db.select(infoColumns).from(attachments).where(eq(attachments.disclosureId, disclosureId)).orderBy(asc(attachments.createdAt));
  const byEntry = new Map<number, VoucherInfo[]>();
  for (const row of rows) byEntry.set(Number(row.fundEntryId), [...(byEntry.get(Number(row.fundEntryId)) ?? []), row]);
  return byEntry;
}

export async function getVoucher(db: DbOrTx, disclosureId: number, attachmentId: string): Promise<AttachmentRow | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(attachmentId)) return undefined;
  const [row] = await db.select().from(attachments).where(and(eq(attachments.id, attachmentId), eq(attachments.disclosureId, disclosureId)));
  return row;
}

/**
 * The optional scan of an entry form's `voucher` field, cleaned (outside any lock) for the command
 * that saves the entry with it; none chosen is fine, one that cannot be cleaned is the field's error.
 */
export async function voucherFromForm(form: FormData): Promise<Result<CleanedVoucher | undefined>> {
  const [file] = await uploadsFromForm(form, 'voucher');
  if (!file) return ok(undefined);
  const cleaned = await cleanUpload(file.bytes);
  return cleaned.ok ? ok(cleaned) : fail({ voucher: `文件“${file.name.slice(0, 60)}”：${cleaned.message}，请重新选择` });
}

/**
 * Attaches a scan to a draft's entry. The file is cleaned first (slow, outside any lock); then, as
 * every draft edit, under the disclosure row lock with the draft status and the actor's village
 * checked again (`editDraft`). `name` is the uploaded file's name, used only in messages.
 */
export async function addVoucher(db: Db, actor: Actor, disclosureId: number, lineNo: number, upload: Uint8Array, name?: string): Promise<Result<{ id: string }>> {
  const refuse = (message: string) => ({ file: message === NOT_DRAFT_MESSAGE ? '只有草稿状态可以上传凭证' : message });
  const disclosure = await getDisclosure(db, disclosureId);
  if (!disclosure || disclosure.status !== 'draft') return { ok: false, errors: { file: '只有草稿状态可以上传凭证' } };
  const cleaned = await cleanUpload(upload);
  if (!cleaned.ok) return { ok: false, errors: { file: name ? `文件“${name.slice(0, 60)}”：${cleaned.message}` : cleaned.message } };
  return editDraft(
    db,
    actor,
    disclosureId,
    'voucher.added',
    async (tx) => {
      const [entry] = await tx.select().from(fundEntries).where(and(eq(fundEntries.disclosureId, disclosureId), eq(fundEntries.lineNo, lineNo)));
      if (!entry) return fail({ file: '没有找到该分录' });
      const inserted = await insertVoucherRow(tx, actor, { disclosureId, fundEntryId: entry.id }, cleaned);
      if (!inserted.ok) return fail({ file: inserted.errors.voucher ?? '' });
      return { ...inserted, detail: { line: lineNo, attachment: inserted.value.id, mime: cleaned.mime, sha256: cleaned.sha256 } };
    },
    { refuse, auditAction: 'disclosure.voucherAdded' },
  );
}

export async function removeVoucher(db: Db, actor: Actor, disclosureId: number, attachmentId: string): Promise<Result> {
  const refuse = (message: string) => ({ form: message === NOT_DRAFT_MESSAGE ? '只有草稿状态可以删除凭证' : message });
  return editDraft(
    db,
    actor,
    disclosureId,
    'voucher.removed',
    async (tx) => {
      const voucher = await getVoucher(tx, disclosureId, attachmentId);
      if (!voucher) return { ok: false, errors: { form: '没有找到该凭证' } };
      await tx.delete(attachments).where(eq(attachments.id, attachmentId));
      return { ok: true, value: null, detail: { attachment: attachmentId, sha256: voucher.sha256 } };
    },
    { refuse, auditAction: 'disclosure.voucherRemoved' },
  );
}

/**
 * How a voucher is sent. A download is an attachment under `default-src 'none'; sandbox`. Shown
 * inline, an image keeps that policy (an `<img>` ignores it; opened on its own it runs nothing);
 * a PDF cannot keep `sandbox`, under which Chromium refuses to start its PDF viewer, so it gets
 * `default-src 'none'` with the viewer allowed as its one object — safe because every PDF was
 * rewritten at upload without scripts, actions or embedded files (attachments/).
 */
export function voucherResponseHeaders(voucher: Pick<AttachmentRow, 'id' | 'mime'>, inline: boolean): Record<string, string> {
  const name = `voucher-${voucher.id.slice(0, 8)}.${extensionOf(voucher.mime)}`;
  const pdf = voucher.mime === 'application/pdf';
  return {
    'Content-Type': voucher.mime,
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"`,
    'Content-Security-Policy': inline && pdf ? "default-src 'none'; object-src 'self'; frame-ancestors 'none'" : "default-src 'none'; sandbox",
  };
}
