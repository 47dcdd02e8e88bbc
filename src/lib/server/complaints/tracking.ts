/**
 * Following a case with its receipt code, and the reporter's own steps on it: adding material,
 * rating a concluded case, recording an objection (异议) to the reply. The receipt is the citizen's only
 * credential, so each step is `(db, receipt, input)`: zod reads the input, one transaction finds
 * the case by the receipt's keyed hash and locks it (`FOR UPDATE`), re-checks its status inside
 * the lock (a commission may have declined or concluded it since the page was shown, and two sends
 * of one rating must not both count), then writes the change and a public case event. Citizen steps
 * write no audit row: its time would date the reporter's step finer than the day.
 */
import { caseNumberOf, type CaseNumber } from './case-numbers.ts';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { complaintObjections } from '../../../../db/schema/complaint-casework.ts';
import { complaintEvents, complaints, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { getConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type FieldErrors, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { recordEvent } from './cases.ts';
import { caseDeadlines, objectionDue } from './deadlines.ts';
import { normaliseReceipt, receiptHmac } from './crypto.ts';
import { isRating, type ComplaintEventKind, type Rating } from './labels.ts';
import { listObjections } from './objections.ts';
import { notify } from '../notify/inbox.ts';

/** A step of the citizen's timeline: the day and what happened, never who. */
export type TimelineStep = { on: string; kind: ComplaintEventKind; text: string | null };

/** What the reporter waits for next, and the day it is due by (the commission's own limit). */
export type NextStep = { step: 'accept' | 'conclude'; due: string };

export interface CitizenView {
  status: ComplaintRow['status'];
  category: ComplaintRow['category'];
  title: string;
  filedOn: string;
  anonymous: boolean;
  publicReply: string | null;
  rating: Rating | null;
  /** Concluded, replied to, not yet rated. */
  mayRate: boolean;
  /** The latest objection: when it was recorded, by when it is answered, and whether it was. */
  objection: { filedOn: string; dueOn: string; answered: boolean } | null;
  /** Whether the reporter may record an objection now. */
  mayObject: boolean;
  timeline: TimelineStep[];
  next: NextStep | null;
  /**
   * The case number (桑纪举〔2026〕12号), once the case has been accepted: the reply letter quotes it.
   * Shown, never asked for — the receipt code stays the reporter's only key.
   */
  caseNumber: CaseNumber | null;
  /**
   * For a case merged into another (issue 11 item 7): the main case's status, its commission's
   * public steps and reply — never the other reporter's title, material or rating.
   */
  merged: { status: ComplaintRow['status']; publicReply: string | null; timeline: TimelineStep[]; next: NextStep | null } | null;
}

/** The reporter's own steps: on a main case they belong to another reporter and are never shown. */
const CITIZEN_KINDS: readonly ComplaintEventKind[] = ['received', 'material', 'rated', 'objected'];

/** The accept and conclude limits only: a hand-down or transfer is the commission's business. */
function citizenNextStep(complaint: ComplaintRow): NextStep | null {
  const next = caseDeadlines(complaint).find((deadline) => deadline.kind === 'accept' || deadline.kind === 'conclude');
  return next ? { step: next.kind as NextStep['step'], due: next.due } : null;
}

async function publicTimeline(db: DbOrTx, complaintId: string): Promise<TimelineStep[]> {
  return db
    .select({ on: complaintEvents.on, kind: complaintEvents.kind, text: complaintEvents.text })
    .from(complaintEvents)
    .where(and(eq(complaintEvents.complaintId, complaintId), eq(complaintEvents.public, true)))
    .orderBy(asc(complaintEvents.seq));
}

/** The case a merged one is handled with, following a later merge of that one too. */
async function mainCase(db: DbOrTx, complaint: ComplaintRow): Promise<ComplaintRow | undefined> {
  let current: ComplaintRow | undefined = complaint;
  const seen = new Set<string>();
  while (current?.mergedIntoId && !seen.has(current.id)) {
    seen.add(current.id);
    [current] = await db.select().from(complaints).where(eq(complaints.id, current.mergedIntoId));
  }
  return current === complaint ? undefined : current;
}

const byReceipt = (rawReceipt: string | null | undefined) => {
  const receipt = normaliseReceipt(rawReceipt);
  return receipt ? eq(complaints.receiptHmac, receiptHmac(getConfig().receiptKey, receipt)) : undefined;
};

/** What the holder of a receipt may see: status, public steps and the public reply. Never internal notes. */
export async function trackComplaint(db: DbOrTx, rawReceipt: string | null | undefined): Promise<CitizenView | null> {
  const match = byReceipt(rawReceipt);
  if (!match) return null;
  const [complaint] = await db.select().from(complaints).where(match);
  if (!complaint) return null;
  const [latest] = await listObjections(db, complaint.id);
  const main = await mainCase(db, complaint);
  const timeline = await publicTimeline(db, complaint.id);
  const merged = main
    ? {
        status: main.status,
        publicReply: main.publicReply,
        timeline: (await publicTimeline(db, main.id)).filter((step) => !CITIZEN_KINDS.includes(step.kind)),
        next: citizenNextStep(main),
      }
    : null;
  return {
    status: complaint.status,
    category: complaint.category,
    title: complaint.title,
    filedOn: complaint.filedOn,
    anonymous: complaint.anonymous,
    publicReply: complaint.publicReply,
    rating: isRating(complaint.rating) ? complaint.rating : null,
    objection: latest ? { filedOn: latest.filedOn, dueOn: latest.dueOn, answered: latest.state === 'answered' } : null,
    mayObject: !(await objectionRefused(db, complaint)),
    mayRate: complaint.status === 'concluded' && !!complaint.publicReply && !isRating(complaint.rating),
    timeline,
    next: citizenNextStep(complaint),
    caseNumber: timeline.some((step) => step.kind === 'accepted') ? caseNumberOf(complaint) : null,
    merged,
  };
}

const WRONG_RECEIPT = { receipt: '查询码不正确' };

/**
 * The citizen-step shape: the case of `receipt`, locked, handed to `step` inside the transaction.
 * A wrong receipt is refused before anything is read.
 */
async function onCase(db: Db, rawReceipt: string, step: (tx: DbOrTx, complaint: ComplaintRow) => Promise<Result>): Promise<Result> {
  const match = byReceipt(rawReceipt);
  if (!match) return fail(WRONG_RECEIPT);
  return db.transaction(async (tx) => {
    const [complaint] = await tx.select().from(complaints).where(match).for('update');
    if (!complaint) return fail(WRONG_RECEIPT);
    return step(tx, complaint);
  });
}

const firstError = (error: z.ZodError, field: string): FieldErrors => ({ [field]: error.issues[0]!.message });

const Material = z.object({ text: z.string().trim().min(10, '补充的内容至少10个字').max(5000, '补充的内容不超过5000字') });

/** The reporter adds material to a case still with this commission (text; the handlers see it). */
export async function addMaterial(db: Db, receipt: string, input: { text: string }): Promise<Result> {
  const parsed = Material.safeParse(input);
  return onCase(db, receipt, async (tx, complaint) => {
    if (!parsed.success) return fail(firstError(parsed.error, 'material'));
    if (complaint.status === 'declined' || complaint.status === 'transferred') return fail({ material: '该案件已不在本机关办理，不能再补充材料' });
    await recordEvent(tx, { complaintId: complaint.id, on: todayInShanghai(), kind: 'material', public: true, text: parsed.data.text });
    return ok();
  });
}

const RatingInput = z.object({ rating: z.number().refine(isRating, '请选择1到5之间的评价') });

/** The reporter rates a concluded case once, 1 (very dissatisfied) to 5 (very satisfied). */
export async function rateOutcome(db: Db, receipt: string, input: { rating: number }): Promise<Result> {
  const parsed = RatingInput.safeParse(input);
  return onCase(db, receipt, async (tx, complaint) => {
    if (complaint.status !== 'concluded') return fail({ rating: '办结后才能评价' });
    // The reply is its own step after the conclusion: there is nothing to rate until it has come.
    if (!complaint.publicReply) return fail({ rating: '收到答复后才能评价' });
    if (complaint.rating !== null) return fail({ rating: '已经评价过了' });
    if (!parsed.success) return fail(firstError(parsed.error, 'rating'));
    await tx.update(complaints).set({ rating: parsed.data.rating }).where(eq(complaints.id, complaint.id));
    await recordEvent(tx, { complaintId: complaint.id, on: todayInShanghai(), kind: 'rated', public: true, text: String(parsed.data.rating) });
    return ok();
  });
}

const Objection = z.object({ reasons: z.string().trim().min(20, '请写明对答复有异议的理由（至少20个字），有新的事实或证据请一并写明').max(5000, '异议理由不超过5000字') });

/**
 * Why the reporter may not object now, or null: only to a concluded case with its reply, one
 * objection at a time, and once per reply — after an explanation the matter rests; a reopening
 * leads to a new conclusion and reply, which may be objected to again.
 */
async function objectionRefused(tx: DbOrTx, complaint: ComplaintRow): Promise<string | null> {
  if (complaint.status !== 'concluded' || !complaint.publicReply || complaint.mergedIntoId) return '案件办结并答复后才能提出异议';
  const [latest] = await listObjections(tx, complaint.id);
  if (latest?.state === 'open') return '您的异议正在办理，请等待答复';
  if (latest?.answer === 'explained') return '对这次答复的异议已经答复';
  return null;
}

/**
 * A reporter who disagrees with the reply records an objection (异议) with reasons; the commission
 * holding the case answers it within OBJECTION_ANSWER_WORKING_DAYS (objections.ts).
 */
export async function fileObjection(db: Db, receipt: string, input: { reasons: string }): Promise<Result> {
  const parsed = Objection.safeParse(input);
  return onCase(db, receipt, async (tx, complaint) => {
    const refused = await objectionRefused(tx, complaint);
    if (refused) return fail({ objection: refused });
    if (!parsed.success) return fail(firstError(parsed.error, 'objection'));
    const today = todayInShanghai();
    await tx.insert(complaintObjections).values({ id: crypto.randomUUID(), complaintId: complaint.id, filedOn: today, reasons: parsed.data.reasons, dueOn: objectionDue(today) });
    await recordEvent(tx, { complaintId: complaint.id, on: today, kind: 'objected', public: true, text: parsed.data.reasons });
    await notify(tx, { complaintId: complaint.id, kind: 'objection', to: { handler: complaint.assigneeId, commission: complaint.routedScopeCode } });
    return ok();
  });
}

/** The tracking page's forms: each `action` → how its fields become the step's input → the step. */
const CITIZEN_ACTIONS = {
  material: (db: Db, receipt: string, fields: Record<string, string>) => addMaterial(db, receipt, { text: fields.material ?? '' }),
  rate: (db: Db, receipt: string, fields: Record<string, string>) => rateOutcome(db, receipt, { rating: Number(fields.rating) }),
  objection: (db: Db, receipt: string, fields: Record<string, string>) => fileObjection(db, receipt, { reasons: fields.objection ?? '' }),
};
export type CitizenAction = keyof typeof CITIZEN_ACTIONS;

export function isCitizenAction(action: string): action is CitizenAction {
  return Object.hasOwn(CITIZEN_ACTIONS, action);
}

/** Runs the tracking form that was posted; the value names the step, for the page's thank-you. */
export async function runCitizenAction(db: Db, receipt: string, action: CitizenAction, fields: Record<string, string>): Promise<Result<CitizenAction>> {
  const result = await CITIZEN_ACTIONS[action](db, receipt, fields);
  return result.ok ? ok(action) : result;
}

export function citizenDoneKey(action: CitizenAction): MessageKey {
  return `track.done.${action}`;
}
