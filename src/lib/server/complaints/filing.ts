/**
 * Filing and tracking a complaint, as a citizen. Nothing about the request (address, browser,
 * time of day) is stored or logged; the receipt is returned only after the transaction commits.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import { complaintEvents, complaintIdentities, complaints, complaintSubmissions, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { getArea } from '../areas/index.ts';
import { isWithin } from '../areas/codes.ts';
import { getConfig } from '../config.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors } from '../validation.ts';
import { decryptJson, encryptBytes, encryptJson, generateReceipt, normaliseReceipt, receiptHmac, submissionKeys } from './crypto.ts';
import { cleanUpload } from '../attachments/index.ts';
import { attachments } from '../../../../db/schema/attachments.ts';
import { ComplaintInputSchema } from './model.ts';
import { escalationTarget, routeComplaint } from './routing.ts';

export type FilingResult = { ok: true; receipt: string; repeated: boolean } | { ok: false; errors: Record<string, string> };

async function existingSubmission(db: DbOrTx, idempotencyKey: string): Promise<string | null> {
  const { keyHash, sealKey } = submissionKeys(idempotencyKey);
  const [row] = await db.select().from(complaintSubmissions).where(eq(complaintSubmissions.keyHash, keyHash));
  return row ? decryptJson<string>(sealKey, row.receiptCiphertext) : null;
}

export const MAX_COMPLAINT_FILES = 5;

export interface ComplaintUpload {
  bytes: Uint8Array;
  /** Shown in error messages only; never stored. */
  name: string;
}

export async function fileComplaint(
  db: Db,
  raw: unknown,
  options: { idempotencyKey?: string; today?: string; files?: ComplaintUpload[]; keepMetadata?: boolean } = {},
): Promise<FilingResult> {
  const idempotencyKey = options.idempotencyKey && /^[A-Za-z0-9_-]{16,64}$/.test(options.idempotencyKey) ? options.idempotencyKey : undefined;
  if (idempotencyKey) {
    const receipt = await existingSubmission(db, idempotencyKey);
    if (receipt) return { ok: true, receipt, repeated: true };
  }
  const parsed = ComplaintInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const input = parsed.data;
  const area = await getArea(db, input.areaCode);
  if (!area || !['village', 'township', 'county'].includes(area.level)) return { ok: false, errors: { areaCode: '请选择问题发生的乡镇或村' } };
  if (input.villageCode && (!isWithin(area.code, input.villageCode) || (await getArea(db, input.villageCode))?.level !== 'village')) {
    return { ok: false, errors: { villageCode: '所选的村不在该地区内' } };
  }
  if (input.fundEntryId) {
    // Only a published entry of a village inside the chosen place can be pointed at.
    const [entry] = await queryRows<{ village_code: string }>(
      db,
      sql`select d.village_code from fund_entries e join disclosures d on d.id = e.disclosure_id where e.id = ${input.fundEntryId} and d.status = 'published'`,
    );
    if (!entry || !isWithin(area.code, entry.village_code)) return { ok: false, errors: { fundEntryId: '所指的账目不在该地区的公开账目中' } };
  }
  if (input.itemCode) {
    const [item] = await db.select({ code: catalogItems.code }).from(catalogItems).where(eq(catalogItems.code, input.itemCode));
    if (!item) return { ok: false, errors: { itemCode: '没有这个事项编码' } };
  }

  const files = options.files ?? [];
  if (files.length > MAX_COMPLAINT_FILES) return { ok: false, errors: { attachments: `最多上传${MAX_COMPLAINT_FILES}个文件` } };
  const cleaned: Array<{ result: Extract<Awaited<ReturnType<typeof cleanUpload>>, { ok: true }>; original: Uint8Array }> = [];
  for (const [index, file] of files.entries()) {
    const result = await cleanUpload(file.bytes, { allowVideo: true });
    if (!result.ok) return { ok: false, errors: { attachments: `第${index + 1}个文件（${file.name.slice(0, 40)}）：${result.message}` } };
    cleaned.push({ result, original: file.bytes });
  }

  const config = getConfig();
  const receipt = generateReceipt();
  const id = crypto.randomUUID();
  const filedOn = options.today ?? todayInShanghai();
  try {
    await db.transaction(async (tx) => {
      await tx.insert(complaints).values({
        id,
        receiptHmac: receiptHmac(config.receiptKey, receipt),
        category: input.category,
        areaCode: area.code,
        // A complaint about the commission's own head skips that commission (rules on 检举控告).
        routedScopeCode: input.aboutCommissionHead ? escalationTarget(routeComplaint(area.code)) : routeComplaint(area.code),
        subjectRole: input.subjectRole ?? null,
        subjectName: input.subjectName || null,
        itemCode: input.itemCode ?? null,
        villageCode: input.villageCode ?? (area.level === 'village' ? area.code : null),
        fundEntryId: input.fundEntryId ?? null,
        title: input.title,
        content: input.content,
        occurredOn: input.occurredOn ?? null,
        filedOn,
        anonymous: input.anonymous,
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
      await tx.insert(complaintEvents).values({ complaintId: id, on: filedOn, kind: 'received', public: true });
      if (idempotencyKey) {
        const { keyHash, sealKey } = submissionKeys(idempotencyKey);
        await tx.insert(complaintSubmissions).values({ keyHash, complaintId: id, receiptCiphertext: encryptJson(sealKey, receipt), createdOn: filedOn });
      }
    });
  } catch (error) {
    // Two submissions of the same form raced: the other one committed first, so answer with its receipt.
    if (idempotencyKey) {
      const receiptOfWinner = await existingSubmission(db, idempotencyKey);
      if (receiptOfWinner) return { ok: true, receipt: receiptOfWinner, repeated: true };
    }
    throw error;
  }
  return { ok: true, receipt, repeated: false };
}

export interface CitizenView {
  status: ComplaintRow['status'];
  category: ComplaintRow['category'];
  title: string;
  filedOn: string;
  anonymous: boolean;
  publicReply: string | null;
  rating: number | null;
  reviewRequested: boolean;
  timeline: Array<{ on: string; kind: string; text: string | null }>;
}

/** What the holder of a receipt may see: status, public steps and the public reply. Never internal notes. */
export async function trackComplaint(db: DbOrTx, rawReceipt: string | null | undefined): Promise<CitizenView | null> {
  const receipt = normaliseReceipt(rawReceipt);
  if (!receipt) return null;
  const [complaint] = await db.select().from(complaints).where(eq(complaints.receiptHmac, receiptHmac(getConfig().receiptKey, receipt)));
  if (!complaint) return null;
  const events = await db
    .select({ on: complaintEvents.on, kind: complaintEvents.kind, text: complaintEvents.text })
    .from(complaintEvents)
    .where(and(eq(complaintEvents.complaintId, complaint.id), eq(complaintEvents.public, true)))
    .orderBy(asc(complaintEvents.seq));
  return {
    status: complaint.status,
    category: complaint.category,
    title: complaint.title,
    filedOn: complaint.filedOn,
    anonymous: complaint.anonymous,
    publicReply: complaint.publicReply,
    rating: complaint.rating,
    reviewRequested: complaint.reviewRequestedOn !== null,
    timeline: events,
  };
}

export type CitizenResult = { ok: true } | { ok: false; errors: Record<string, string> };

async function byReceipt(db: DbOrTx, rawReceipt: string | null | undefined): Promise<ComplaintRow | undefined> {
  const receipt = normaliseReceipt(rawReceipt);
  if (!receipt) return undefined;
  const [row] = await db.select().from(complaints).where(eq(complaints.receiptHmac, receiptHmac(getConfig().receiptKey, receipt)));
  return row;
}

/** The reporter adds material to an open case (text; the handling commission sees it). */
export async function addMaterial(db: Db, rawReceipt: string, text: string, today = todayInShanghai()): Promise<CitizenResult> {
  const complaint = await byReceipt(db, rawReceipt);
  if (!complaint) return { ok: false, errors: { receipt: '查询码不正确' } };
  const trimmed = text.trim();
  if (trimmed.length < 10) return { ok: false, errors: { material: '补充的内容至少10个字' } };
  if (trimmed.length > 5000) return { ok: false, errors: { material: '补充的内容不超过5000字' } };
  if (complaint.status === 'declined' || complaint.status === 'transferred') return { ok: false, errors: { material: '该案件已不在本机关办理，不能再补充材料' } };
  await db.insert(complaintEvents).values({ complaintId: complaint.id, on: today, kind: 'material', public: true, text: trimmed });
  return { ok: true };
}

/** The reporter rates a concluded case once, 1 (very dissatisfied) to 5 (very satisfied). */
export async function rateOutcome(db: Db, rawReceipt: string, rating: number, today = todayInShanghai()): Promise<CitizenResult> {
  const complaint = await byReceipt(db, rawReceipt);
  if (!complaint) return { ok: false, errors: { receipt: '查询码不正确' } };
  if (complaint.status !== 'concluded') return { ok: false, errors: { rating: '办结后才能评价' } };
  if (complaint.rating !== null) return { ok: false, errors: { rating: '已经评价过了' } };
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) return { ok: false, errors: { rating: '请选择1到5之间的评价' } };
  await db.transaction(async (tx) => {
    await tx.update(complaints).set({ rating }).where(eq(complaints.id, complaint.id));
    await tx.insert(complaintEvents).values({ complaintId: complaint.id, on: today, kind: 'rated', public: true, text: String(rating) });
  });
  return { ok: true };
}

/**
 * A reporter not satisfied with the outcome asks once for a review (复查), with reasons. The case
 * reopens at the commission one level above the one that concluded it.
 */
export async function requestReview(db: Db, rawReceipt: string, reasons: string, today = todayInShanghai()): Promise<CitizenResult> {
  const complaint = await byReceipt(db, rawReceipt);
  if (!complaint) return { ok: false, errors: { receipt: '查询码不正确' } };
  if (complaint.status !== 'concluded') return { ok: false, errors: { review: '办结后才能申请复查' } };
  if (complaint.reviewRequestedOn) return { ok: false, errors: { review: '每个案件只能申请一次复查' } };
  const trimmed = reasons.trim();
  if (trimmed.length < 20) return { ok: false, errors: { review: '请写明申请复查的理由（至少20个字）' } };
  await db.transaction(async (tx) => {
    await tx
      .update(complaints)
      .set({ reviewRequestedOn: today, status: 'received', routedScopeCode: escalationTarget(complaint.routedScopeCode), assigneeId: null })
      .where(eq(complaints.id, complaint.id));
    await tx.insert(complaintEvents).values({ complaintId: complaint.id, on: today, kind: 'reviewRequested', public: true, text: trimmed });
  });
  return { ok: true };
}
