/**
 * The one place a voucher scan row is written, inside a draft edit's transaction: by the voucher
 * form of the entry page, and together with the entry itself by the add form, the edit page and
 * the inline editor (so an entry and its scan are saved, or refused, as one).
 */
import { count, eq } from 'drizzle-orm';
import { attachments } from '../../../../db/schema/attachments.ts';
import type { CleanedFile } from '../attachments/index.ts';
import type { DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';

export const MAX_VOUCHERS_PER_ENTRY = 5;

/** What a voucher file input offers to pick (cleanUpload decides by the bytes, not by this). */
export const VOUCHER_TYPES = 'image/jpeg,image/png,image/webp,application/pdf';

/** A scan that passed `cleanUpload`: what is stored, never the original bytes. */
export type CleanedVoucher = Extract<CleanedFile, { ok: true }>;

export async function insertVoucherRow(
  tx: DbOrTx,
  actor: Actor | null,
  target: { disclosureId: number; fundEntryId: number },
  cleaned: CleanedVoucher,
): Promise<Result<{ id: string }>> {
  const [existing] = await tx.select({ n: count() }).from(attachments).where(eq(attachments.fundEntryId, target.fundEntryId));
  if ((existing?.n ?? 0) >= MAX_VOUCHERS_PER_ENTRY) return fail({ voucher: `每笔分录最多上传${MAX_VOUCHERS_PER_ENTRY}个凭证文件` });
  const id = crypto.randomUUID();
  await tx.insert(attachments).values({
    id,
    kind: 'voucher',
    disclosureId: target.disclosureId,
    fundEntryId: target.fundEntryId,
    mime: cleaned.mime,
    sizeBytes: cleaned.bytes.byteLength,
    sha256: cleaned.sha256,
    stripped: cleaned.stripped,
    bytes: cleaned.bytes,
    // Voucher scans keep their upload time; complaint files may not have one (a CHECK enforces both).
    createdAt: new Date(),
    createdBy: actor?.id ?? null,
  });
  return ok({ id });
}
