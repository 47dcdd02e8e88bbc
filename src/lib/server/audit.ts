/**
 * The audit log: every privileged action appends one row (in the same transaction as the action,
 * so the log and the data cannot disagree). Viewers see the entries inside their scope; entries
 * about a complaint only when the permission module lets them handle that case (DESIGN.md §2: no
 * one else sees any trace of it — administrators included).
 */
import { and, desc, eq, exists, gte, isNotNull, lt, not, or, sql, type SQL } from 'drizzle-orm';
import { auditEvents, type AuditEventRow } from '../../../db/schema/audit.ts';
import { complaints } from '../../../db/schema/complaints.ts';
import { can, complaintReach, complaintReachSql, mayReadAuditAction, type Actor } from './auth/permissions.ts';
import { subtreeRange } from './areas/codes.ts';
import type { DbOrTx } from './db.ts';

export interface AuditInput {
  actor: { id: string; username: string } | null;
  action: string;
  subjectType: string;
  subjectId: string;
  scopeCode: string | null;
  reason?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: DbOrTx, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    actorId: input.actor?.id ?? null,
    actorName: input.actor?.username ?? 'system',
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    scopeCode: input.scopeCode,
    reason: input.reason ?? null,
    detail: input.detail ?? {},
  });
}

export interface AuditFilters {
  action?: string;
  actorName?: string;
  /** YYYY-MM-DD, inclusive, Asia/Shanghai. */
  from?: string;
  to?: string;
  /** Narrow to a sub-area of the viewer's scope. */
  scopeCode?: string;
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAuditEvents(
  db: DbOrTx,
  viewer: Actor,
  filters: AuditFilters,
  page = 1,
): Promise<{ rows: AuditEventRow[]; hasMore: boolean }> {
  if (!can(viewer, 'audit.view')) return { rows: [], hasMore: false };
  const aboutComplaint = or(sql`${auditEvents.action} like 'complaint.%'`, eq(auditEvents.subjectType, 'complaint'))!;
  // Ordinary entries: the viewer's scope. Complaint entries: only a case the viewer may handle, by
  // the case's current routing and assignment (the same rule as the console), never by scope alone.
  const inScope: SQL[] = [not(aboutComplaint)];
  if (viewer.role !== 'admin') {
    const { from, to } = subtreeRange(viewer.scopeCode!);
    inScope.push(isNotNull(auditEvents.scopeCode), gte(auditEvents.scopeCode, from), lt(auditEvents.scopeCode, to));
  }
  const visible: SQL[] = [and(...inScope)!];
  if (complaintReach(viewer).kind !== 'none') {
    const handled = db
      .select({ one: sql`1` })
      .from(complaints)
      .where(and(eq(complaints.id, auditEvents.subjectId), complaintReachSql(viewer, complaints)));
    visible.push(and(eq(auditEvents.subjectType, 'complaint'), exists(handled))!);
  }
  const conditions: SQL[] = [or(...visible)!];
  // The suspect workflow's entries: only for those who may read the hits (not administrators).
  if (!can(viewer, 'livelihood.hits')) conditions.push(sql`${auditEvents.action} not like 'livelihood.suspect%'`);
  if (filters.scopeCode) {
    const { from, to } = subtreeRange(filters.scopeCode);
    conditions.push(gte(auditEvents.scopeCode, from), lt(auditEvents.scopeCode, to));
  }
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.actorName) conditions.push(eq(auditEvents.actorName, filters.actorName));
  if (filters.from) conditions.push(gte(auditEvents.at, sql`(${filters.from}::date)::timestamp at time zone 'Asia/Shanghai'`));
  if (filters.to) conditions.push(lt(auditEvents.at, sql`((${filters.to}::date + 1))::timestamp at time zone 'Asia/Shanghai'`));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

/** The actions a viewer may filter by: complaint actions only for those who may handle complaints. */
export function auditActionsFor(viewer: Actor): AuditAction[] {
  return AUDIT_ACTIONS.filter((action) => mayReadAuditAction(viewer, action));
}

/** The action names that appear in the log, for the viewer's filter. */
export const AUDIT_ACTIONS = [
  'auth.signIn',
  'auth.signOut',
  'auth.passwordChanged',
  'user.created',
  'user.disabled',
  'user.passwordReset',
  'countyList.draftStarted',
  'countyList.itemsChanged',
  'countyList.overridesChanged',
  'countyList.customItemSaved',
  'countyList.customItemRemoved',
  'countyList.published',
  'disclosure.created',
  'disclosure.edited',
  'disclosure.submitted',
  'disclosure.countersigned',
  'disclosure.returned',
  'disclosure.published',
  'disclosure.imported',
  'disclosure.voucherAdded',
  'disclosure.voucherRemoved',
  'disclosure.withdrawn',
  'disclosure.flagsAnswered',
  'disclosure.opinionRaised',
  'disclosure.opinionAnswered',
  'disclosure.cadenceSet',
  'disclosure.majorReported',
  'disclosure.majorPublished',
  'complaint.accept',
  'complaint.decline',
  'complaint.note',
  'complaint.conclude',
  'complaint.originalOpened',
  'complaint.dispose',
  'complaint.transfer',
  'complaint.escalate',
  'complaint.identityRevealed',
  'complaint.zoneAssigned',
  'complaint.merged',
  'complaint.handlerAssigned',
  'complaint.forwarded',
  'complaint.handedDown',
  'complaint.handDownReported',
  'complaint.reportAccepted',
  'complaint.reportReturned',
  'complaint.pressed',
  'complaint.transferReplied',
  'complaint.proposed',
  'complaint.proposalApproved',
  'complaint.proposalRejected',
  'complaint.proposalWithdrawn',
  'complaint.interim',
  'complaint.answer',
  'complaint.objectionAnswered',
  'complaint.objectionPressed',
  'casework.departmentAdded',
  'casework.departmentRetired',
  'casework.departmentRestored',
  'casework.timeLimitsSet',
  'user.approverGranted',
  'user.approverRevoked',
  'user.contactChanged',
  'zone.created',
  'zone.changed',
  'zone.taskAssigned',
  'zone.taskDone',
  'zone.crossCheckScheduled',
  'zone.crossCheckFinding',
  'complaint.openedOnFinding',
  'zone.targetsSet',
  'complaint.zoneShares',
  'areas.imported',
  'directPoint.reminderAdded',
  'directPoint.reminderRetired',
  'talks.recorded',
  'livelihood.itemAdded',
  'livelihood.itemChanged',
  'livelihood.batchImported',
  'livelihood.registryImported',
  'livelihood.checksRun',
  'livelihood.suspectSent',
  'livelihood.suspectAnswered',
  'livelihood.suspectReviewed',
  'livelihood.suspectCorrected',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
