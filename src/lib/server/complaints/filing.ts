/**
 * Filing a complaint, as a citizen. Nothing about the request (address, browser, time of day) is
 * stored or logged; the receipt is returned only after the transaction commits.
 *
 * The write shape without an actor: nobody is signed in and nothing may identify the sender, so
 * a filing takes `(db, input, options)`. It creates its rows rather than changing one, so there is
 * nothing to lock; two sends of the same form meet at the submission key's unique row, and the
 * loser answers with the winner's receipt. Like every citizen step it writes no audit row (an
 * audit row has a time, which would date the filing finer than the day).
 */
import { eq, sql } from 'drizzle-orm';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import { complaintIdentities, complaints, complaintSubmissions, type ComplaintChannel } from '../../../../db/schema/complaints.ts';
import { getArea } from '../areas/index.ts';
import { isWithin } from '../areas/codes.ts';
import { getConfig } from '../config.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors } from '../validation.ts';
import { decryptJson, encryptBytes, encryptJson, generateReceipt, receiptHmac, submissionKeys } from './crypto.ts';
import { cleanUpload } from '../attachments/index.ts';
import { attachments } from '../../../../db/schema/attachments.ts';
import { ComplaintInputSchema } from './model.ts';
import { routeComplaint } from './routing.ts';
import { recordEvent } from './cases.ts';
import { caseNumberColumns, nextCaseNumber } from './case-numbers.ts';
import { fail, ok, type Result } from '../result.ts';

/** The receipt, shown once; `repeated` when this form had been filed before (the same receipt again). */
/** The receipt (shown once to who filed), and the case's id for a caller that links it (a cross-check finding). */
export type Filed = { receipt: string; repeated: boolean; complaintId: string };

async function existingSubmission(db: DbOrTx, idempotencyKey: string): Promise<{ receipt: string; complaintId: string } | null> {
  const { keyHash, sealKey } = submissionKeys(idempotencyKey);
  const [row] = await db.select().from(complaintSubmissions).where(eq(complaintSubmissions.keyHash, keyHash));
  return row ? { receipt: decryptJson<string>(sealKey, row.receiptCiphertext), complaintId: row.complaintId } : null;
}

export const MAX_COMPLAINT_FILES = 5;

export interface ComplaintUpload {
  bytes: Uint8Array;
  /** Shown in error messages only; never stored. */
  name: string;
}

export async function fileComplaint(
  db: DbOrTx,
  raw: unknown,
  options: { idempotencyKey?: string; today?: string; files?: ComplaintUpload[]; keepMetadata?: boolean; channel?: ComplaintChannel } = {},
): Promise<Result<Filed>> {
  const idempotencyKey = options.idempotencyKey && /^[A-Za-z0-9_-]{16,64}$/.test(options.idempotencyKey) ? options.idempotencyKey : undefined;
  if (idempotencyKey) {
    const existing = await existingSubmission(db, idempotencyKey);
    if (existing) return ok({ ...existing, repeated: true });
  }
  const parsed = ComplaintInputSchema.safeParse(raw);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const input = parsed.data;
  const area = await getArea(db, input.areaCode);
  if (!area || !['village', 'township', 'county'].includes(area.level)) return fail({ areaCode: '请选择问题发生的乡镇或村' });
  if (input.villageCode && (!isWithin(area.code, input.villageCode) || (await getArea(db, input.villageCode))?.level !== 'village')) {
    return fail({ villageCode: '所选的村不在该地区内' });
  }
  if (input.fundEntryId) {
    // Only a published entry of a village inside the chosen place can be pointed at.
    const [entry] = await queryRows<{ village_code: string }>(
      db,
      sql`select d.village_code from fund_entries e join disclosures d on d.id = e.disclosure_id where e.id = ${input.fundEntryId} and d.status = 'published'`,
    );
    if (!entry || !isWithin(area.code, entry.village_code)) return fail({ fundEntryId: '所指的账目不在该地区的公开账目中' });
  }
  if (input.itemCode) {
    const [item] = await db.select({ code: catalogItems.code }).from(catalogItems).where(eq(catalogItems.code, input.itemCode));
    if (!item) return fail({ itemCode: '没有这个事项编码' });
  }

  const files = options.files ?? [];
  if (files.length > MAX_COMPLAINT_FILES) return fail({ attachments: `最多上传${MAX_COMPLAINT_FILES}个文件` });
  const cleaned: Array<{ result: Extract<Awaited<ReturnType<typeof cleanUpload>>, { ok: true }>; original: Uint8Array }> = [];
  for (const [index, file] of files.entries()) {
    const result = await cleanUpload(file.bytes, { allowVideo: true });
    if (!result.ok) return fail({ attachments: `第${index + 1}个文件（${file.name.slice(0, 40)}）：${result.message}` });
    cleaned.push({ result, original: file.bytes });
  }

  const config = getConfig();
  const receipt = generateReceipt();
  const id = crypto.randomUUID();
  const filedOn = options.today ?? todayInShanghai();
  try {
    await db.transaction(async (tx) => {
      // By jurisdiction over the person; one about the commission's own head skips that commission (rules on 检举控告).
      const routedScopeCode = routeComplaint(area.code, input.subjectLevel, input.aboutCommissionHead);
      // Numbered by the commission it reaches first; forwarding and escalation keep the number (case-numbers.ts).
      const number = await nextCaseNumber(tx, routedScopeCode, filedOn);
      await tx.insert(complaints).values({
        id,
        receiptHmac: receiptHmac(config.receiptKey, receipt),
        category: input.category,
        areaCode: area.code,
        routedScopeCode,
        ...caseNumberColumns(number),
        subjectLevel: input.subjectLevel,
        subjectRole: input.subjectRole ?? null,
        subjectName: input.subjectName || null,
        itemCode: input.itemCode ?? null,
        villageCode: input.villageCode ?? (area.level === 'village' ? area.code : null),
        fundEntryId: input.fundEntryId ?? null,
        title: input.title,
        content: input.content,
        occurredOn: input.occurredOn ?? null,
        filedOn,
        arrivedOn: filedOn,
        anonymous: input.anonymous,
        channel: options.channel ?? 'online',
      });
      if (!input.anonymous) {
        await tx.insert(complaintIdentities).values({ complaintId: id, ciphertext: encryptJson(config.complaintKey, { name: input.name, phone: input.phone }) });
      }
      for (const { result, original } of cleaned) {
        await tx.insert(attachments).values({
          id: crypto.randomUUID(),
          kind: 'complaint',
          complaintId: id,
          mime: result.mime,
          sizeBytes: result.bytes.byteLength,
          sha256: result.sha256,
          stripped: result.stripped,
          bytes: result.bytes,
          // Kept only on request, encrypted; the handling commission opens it, and that is audited.
          originalCiphertext: options.keepMetadata && result.stripped ? encryptBytes(config.complaintKey, original) : null,
        });
      }
      await recordEvent(tx, { complaintId: id, on: filedOn, kind: 'received', public: true });
      if (idempotencyKey) {
        const { keyHash, sealKey } = submissionKeys(idempotencyKey);
        await tx.insert(complaintSubmissions).values({ keyHash, complaintId: id, receiptCiphertext: encryptJson(sealKey, receipt), createdOn: filedOn });
      }
    });
  } catch (error) {
    // Two submissions of the same form raced: the other one committed first, so answer with its receipt.
    if (idempotencyKey) {
      const winner = await existingSubmission(db, idempotencyKey);
      if (winner) return ok({ ...winner, repeated: true });
    }
    throw error;
  }
  return ok({ receipt, repeated: false, complaintId: id });
}
