/**
 * The staff inbox (issue 11 item 12) and the digest that carries it outside the portal.
 *
 * Writing: a case step that puts work in front of someone calls `notify` inside its own
 * transaction, so a notice exists exactly when the step does: a hand-down (the township
 * commission's accounts), a report back (the county's handler, or the holding commission when no
 * handler is named), a proposal (the commission's other approvers), its approval or refusal (the
 * proposer), an objection (the handler or the holding commission), a forward or an escalation (the
 * receiving commission). Recipients are active commission accounts who reach the case as it is after
 * the step; one unread notice per user, case and kind (a repeated step adds nothing). Rows carry a
 * day and a random id only: an objection is the citizen's step and must not be dated finer.
 *
 * Sending: `runDigest` (started by jobs.ts every NOTIFY_DIGEST_MINUTES) sends each user with
 * pending notices ONE message through the channel their contact calls for (an e-mail address → SMTP,
 * a mobile number → the webhook), built by digest.ts: case numbers, what waits and a link, never a
 * title, text, place or reporter. Delivered notices are marked sent; a failed delivery stays pending
 * and is tried again next round, logged with the channel and the error kind only; notices with
 * nowhere to go (no contact, no channel configured) are marked skipped, so they do not pile up.
 * The job's lease (job-leases.ts) keeps two instances from sending the same round.
 */
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { staffNotices, type STAFF_NOTICE_KINDS, type StaffNoticeRow } from '../../../../db/schema/notices.ts';
import { can, complaintReachSql, type Actor as PermissionActor } from '../auth/permissions.ts';
import { caseResource } from '../complaints/cases.ts';
import { caseNumberOf, formatCaseNumber } from '../complaints/case-numbers.ts';
import type { Db, DbOrTx } from '../db.ts';
import { describeError, logger } from '../logger.ts';
import { withLease } from '../job-leases.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { contactChannel, setContact } from './contact.ts';
import { digestMessage, type Notice } from './digest.ts';
import type { Channel } from './outbound.ts';

export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number];

/**
 * Who must act on a step: named accounts, or every active commission account of a commission
 * (optionally only its approvers). `handler` names the case's handler, falling back to the whole
 * holding commission when none is named or the account is disabled.
 */
export type Recipients =
  | { userIds: Array<string | null | undefined> }
  | { commission: string; approversOnly?: boolean; except?: Array<string | null | undefined> }
  | { handler: string | null; commission: string };

/**
 * Writes the notices of a step, inside the step's transaction. Only active commission accounts
 * that reach the case as it now stands receive one (the reach rule of the permission module), so a
 * notice never names a case to someone who may not handle it.
 */
export async function notify(tx: DbOrTx, input: { complaintId: string; kind: StaffNoticeKind; to: Recipients }): Promise<void> {
  const { to } = input;
  if ('handler' in to) {
    const [handler] = to.handler ? await tx.select({ id: users.id }).from(users).where(and(eq(users.id, to.handler), isNull(users.disabledAt))) : [];
    return notify(tx, { ...input, to: handler ? { userIds: [handler.id] } : { commission: to.commission } });
  }
  const candidates =
    'userIds' in to
      ? to.userIds.filter((id): id is string => !!id)
      : (
          await tx
            .select({ id: users.id })
            .from(users)
            .where(and(eq(users.role, 'commission'), eq(users.scopeCode, to.commission), isNull(users.disabledAt), to.approversOnly ? eq(users.approver, true) : undefined))
        )
          .map((row) => row.id)
          .filter((id) => !(to.except ?? []).includes(id));
  if (!candidates.length) return;
  const accounts = await tx
    .select({ id: users.id, role: users.role, scopeCode: users.scopeCode })
    .from(users)
    .where(and(inArray(users.id, [...new Set(candidates)]), isNull(users.disabledAt)));
  const [complaint] = await tx.select().from(complaints).where(eq(complaints.id, input.complaintId));
  if (!complaint) return;
  const reaching = accounts.filter((account) => can(account, 'complaint.handle', caseResource(complaint))).map((account) => account.id);
  if (!reaching.length) return;
  const on = todayInShanghai();
  await tx
    .insert(staffNotices)
    .values(reaching.map((userId) => ({ id: crypto.randomUUID(), userId, complaintId: complaint.id, kind: input.kind, on })))
    .onConflictDoNothing({ target: [staffNotices.userId, staffNotices.complaintId, staffNotices.kind], where: sql`not ${staffNotices.read}` });
}

export interface InboxEntry {
  id: string;
  kind: StaffNoticeKind;
  on: string;
  read: boolean;
  complaintId: string;
  caseNumber: string;
  /** Number and title only while the user still reaches the case; otherwise the notice says only what happened and when. */
  title: string | null;
}

/** The user's notices, unread first, newest first; titles only of cases the user still reaches. */
export async function listInbox(db: DbOrTx, actor: PermissionActor, limit = 200): Promise<InboxEntry[]> {
  const rows = await db
    .select({
      notice: staffNotices,
      casePrefix: complaints.casePrefix,
      caseYear: complaints.caseYear,
      caseSeq: complaints.caseSeq,
      title: complaints.title,
      reachable: sql<boolean>`${complaintReachSql(actor, complaints)}`,
    })
    .from(staffNotices)
    .innerJoin(complaints, eq(complaints.id, staffNotices.complaintId))
    .where(eq(staffNotices.userId, actor.id))
    .orderBy(asc(staffNotices.read), desc(staffNotices.on), asc(staffNotices.id))
    .limit(limit);
  return rows.map(({ notice, title, reachable, ...number }) => ({
    id: notice.id,
    kind: notice.kind,
    on: notice.on,
    read: notice.read,
    complaintId: notice.complaintId,
    caseNumber: reachable ? formatCaseNumber(caseNumberOf(number)) : '',
    title: reachable ? title : null,
  }));
}

/** How many notices the user has not read (staff_notices_user_idx). */
export async function countUnread(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(staffNotices).where(and(eq(staffNotices.userId, userId), eq(staffNotices.read, false)));
  return row?.n ?? 0;
}

/** Marks one of the user's own notices read, or all of them (`all`). Another user's notice is "not found". */
export async function markRead(db: Db, actor: Actor, input: { noticeId?: string; all?: boolean }): Promise<Result<{ marked: number }>> {
  if (!input.all && !/^[0-9a-f-]{36}$/.test(input.noticeId ?? '')) return fail({ form: '没有找到该提醒' }, 404);
  return db.transaction(async (tx) => {
    const mine = and(eq(staffNotices.userId, actor.id), eq(staffNotices.read, false), input.all ? undefined : eq(staffNotices.id, input.noticeId!));
    const locked = await tx.select({ id: staffNotices.id }).from(staffNotices).where(mine).orderBy(asc(staffNotices.id)).for('update');
    if (!input.all && !locked.length) {
      const [exists] = await tx.select({ id: staffNotices.id }).from(staffNotices).where(and(eq(staffNotices.userId, actor.id), eq(staffNotices.id, input.noticeId!)));
      return exists ? ok({ marked: 0 }) : fail({ form: '没有找到该提醒' }, 404);
    }
    if (locked.length) await tx.update(staffNotices).set({ read: true }).where(inArray(staffNotices.id, locked.map((row) => row.id)));
    return ok({ marked: locked.length });
  });
}

// ---------------------------------------------------------------- the digest

/** digest.ts's words for each kind of notice. */
const DIGEST_KIND: Record<StaffNoticeKind, Notice['kind']> = {
  handedDown: 'handedDown',
  reportWaiting: 'reportWaiting',
  approvalWaiting: 'approvalWaiting',
  proposalApproved: 'proposalApproved',
  proposalRejected: 'proposalRejected',
  objection: 'objection',
  forwarded: 'forwarded',
};

export interface DigestChannels {
  smtp?: Channel;
  webhook?: Channel;
}

export interface DigestOutcome {
  sent: number;
  failed: number;
  skipped: number;
}

/** How long a digest round may hold its lease: far longer than a round takes (one send times out after 15 s). */
const DIGEST_LEASE_MS = 30 * 60 * 1000;

/**
 * One round of the digest: every user with pending notices gets one message (or none, when there is
 * nowhere to send it). `origin` is the portal's public address for the links. The round holds the
 * job's lease, not a transaction: sending waits on a mail relay or a gateway, and an open transaction
 * would hold a connection (on PGlite, the only one) and the notices' row locks meanwhile. Each
 * user's notices are marked in their own statement once their message is out.
 */
export async function runDigest(db: Db, channels: DigestChannels, origin: string): Promise<DigestOutcome> {
  const outcome: DigestOutcome = { sent: 0, failed: 0, skipped: 0 };
  await withLease(db, 'staff-notice-digest', DIGEST_LEASE_MS, async () => {
    const pending = await db
      .select({
        notice: staffNotices,
        account: { id: users.id, role: users.role, scopeCode: users.scopeCode },
        contact: users.contact,
        disabledAt: users.disabledAt,
        complaint: complaints,
      })
      .from(staffNotices)
      .innerJoin(users, eq(users.id, staffNotices.userId))
      .innerJoin(complaints, eq(complaints.id, staffNotices.complaintId))
      .where(eq(staffNotices.outbound, 'pending'))
      .orderBy(asc(staffNotices.userId), asc(staffNotices.on), asc(staffNotices.id));
    const byUser = new Map<string, typeof pending>();
    for (const row of pending) byUser.set(row.notice.userId, [...(byUser.get(row.notice.userId) ?? []), row]);
    for (const all of byUser.values()) {
      // A case the user no longer reaches (forwarded away since) is not named to them, even by number.
      const gone = all.filter((row) => !can(row.account, 'complaint.handle', caseResource(row.complaint)));
      if (gone.length) await markOutbound(db, gone.map((row) => row.notice.id), 'skipped');
      const rows = all.filter((row) => !gone.includes(row));
      if (!rows.length) continue;
      const ids = rows.map((row) => row.notice.id);
      const { contact, disabledAt } = rows[0]!;
      const kind = contact && !disabledAt ? contactChannel(contact) : null;
      const channel = kind === 'email' ? channels.smtp ?? channels.webhook : kind === 'phone' ? channels.webhook : undefined;
      if (!channel || !contact) {
        await markOutbound(db, ids, 'skipped');
        outcome.skipped++;
        continue;
      }
      const notices: Notice[] = rows.map((row) => ({ kind: DIGEST_KIND[row.notice.kind], caseNumber: formatCaseNumber(caseNumberOf(row.complaint)) || '（未编号案件）', path: `/staff/complaints/${row.notice.complaintId}` }));
      const message = digestMessage(contact, notices, origin);
      if (!message) continue;
      const delivery = await channel.send(message);
      if (delivery.ok) {
        await markOutbound(db, ids, 'sent');
        outcome.sent++;
      } else {
        // Tried again next round. Neither the address nor the case is logged: the channel and the kind of failure only.
        logger.warn({ channel: channel.name, reason: delivery.reason }, 'notice digest delivery failed');
        outcome.failed++;
      }
    }
  });
  return outcome;
}

async function markOutbound(tx: DbOrTx, ids: string[], outbound: StaffNoticeRow['outbound']): Promise<void> {
  await tx.update(staffNotices).set({ outbound }).where(and(inArray(staffNotices.id, ids), ne(staffNotices.outbound, outbound)));
}

/** The digest as jobs.ts runs it: its failure is logged and never stops the others or the server. */
export async function runDigestSafely(db: Db, channels: DigestChannels, origin: string): Promise<void> {
  try {
    const outcome = await runDigest(db, channels, origin);
    if (outcome.sent || outcome.failed) logger.info(outcome, 'notice digest');
  } catch (error) {
    logger.warn(describeError(error), 'notice digest failed');
  }
}

// ---------------------------------------------------------------- the inbox page

export type InboxOutcome = { kind: 'redirect'; location: string } | { kind: 'invalid'; errors: Record<string, string>; status: number; typed: Record<string, string> };

/**
 * The inbox page's forms: `read` (one notice, `notice`), `readAll`, `contact` (the user's own
 * contact). Returns where to go next, or the errors with what was typed.
 */
export async function runInboxAction(db: Db, actor: Actor, fields: Record<string, string>): Promise<InboxOutcome> {
  let result: Result<unknown>;
  switch (fields.action) {
    case 'read':
      result = await markRead(db, actor, { noticeId: fields.notice ?? '' });
      break;
    case 'readAll':
      result = await markRead(db, actor, { all: true });
      break;
    case 'contact':
      result = await setContact(db, actor, { userId: actor.id, contact: fields.contact ?? '' });
      if (result.ok) return { kind: 'redirect', location: '/staff/inbox?saved=1' };
      break;
    default:
      result = fail({ form: '无法识别的操作' });
  }
  if (result.ok) return { kind: 'redirect', location: '/staff/inbox' };
  return { kind: 'invalid', errors: result.errors, status: result.status ?? 400, typed: { contact: fields.contact ?? '' } };
}

export interface InboxView {
  entries: InboxEntry[];
  unread: number;
  contact: string | null;
}

export async function loadInbox(db: DbOrTx, actor: PermissionActor): Promise<InboxView> {
  const [entries, unread, account] = await Promise.all([
    listInbox(db, actor),
    countUnread(db, actor.id),
    db.select({ contact: users.contact }).from(users).where(eq(users.id, actor.id)),
  ]);
  return { entries, unread, contact: account[0]?.contact ?? null };
}
