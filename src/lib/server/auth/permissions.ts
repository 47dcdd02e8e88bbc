/**
 * The one permission module. Every staff page, partial and endpoint asks `can(user, action,
 * resource)`; nothing else decides access. Scope is a division-code prefix test.
 *
 * Roles (DESIGN.md §2):
 * - admin: the whole installation.
 * - commission: its area (city, county or township). Manages cadre and supervisor accounts for
 *   villages inside it and commission accounts strictly below it; edits and publishes the lists of
 *   counties inside it when it sits at county level or above; reads the audit log of its area.
 * - agency (township three-assets agency, 三资代理服务中心 / 经管站): one township. Reviews the
 *   countersigned periods of its villages and approves (publishes) or returns them, sets each
 *   village's disclosure cadence, answers the commission's supervision opinions.
 * - cadre / supervisor: one village. The cadre keeps the village's ledgers and submits each period;
 *   the supervisor countersigns or returns it. Neither sees anything of another village.
 * - department (a county's paying department: 民政局, 农业农村局, 人社局, 医保局, 残联 …): one
 *   county, and within it one department (users.department_id, a row of livelihood_departments).
 *   Defines its own subsidy items and imports its payment batches (issue 14); sees nothing of
 *   village ledgers, complaints, accounts or the audit log, and nothing of another department.
 * - liaison (村纪检委员 / 监察联络员, a direct reporting point 直报点): one village. Files complaints on
 *   behalf of villagers (straight to the county commission, never the township) and reads the
 *   commission's published reminders; keeps no access to any case, ledger, account or log.
 * Village ledgers are kept and reviewed by the people whose job it is: administrators run the
 * installation but do not edit, countersign or approve a village's accounts, and the commission
 * supervises them (reads every period in scope, raises supervision opinions) but never signs the
 * accounts it may later investigate.
 */
import { and, eq, gte, lt, sql, type Column, type SQL } from 'drizzle-orm';
import type { Role } from '../../../../db/schema/auth.ts';
import type { SubjectLevel } from '../../../../db/schema/complaints.ts';
import { isWithin, levelOfCode, subtreeRange } from '../areas/codes.ts';
import type { Actor as StaffActor } from '../result.ts';

/**
 * What a permission question needs to know of whoever asks: the part of the one `Actor`
 * (src/lib/server/result.ts) that the rules read, so any staff member, session user or command
 * actor can be passed as it is.
 */
export type Actor = Pick<StaffActor, 'id' | 'role' | 'scopeCode'> & {
  /** May approve complaint decisions proposed by someone else (users.approver); absent means no. */
  approver?: boolean;
  /**
   * The department a `department` account acts for (users.department_id). Not in the session: the
   * livelihood commands read it inside their transaction, as the approvals read `approver`.
   */
  departmentId?: string | null;
};

export type Action =
  | 'staff.enter'
  | 'user.list'
  | 'user.manage'
  | 'countyList.browse'
  | 'countyList.edit'
  | 'countyList.publish'
  | 'audit.view'
  | 'ledger.view'
  | 'ledger.edit'
  | 'ledger.countersign'
  | 'ledger.review'
  | 'ledger.flags'
  | 'ledger.supervise'
  | 'ledger.cadence'
  | 'ledger.overview'
  | 'ledger.queue'
  | 'complaint.queue'
  | 'complaint.handle'
  | 'complaint.manage'
  | 'complaint.propose'
  | 'complaint.approve'
  | 'complaint.report'
  | 'complaint.supervise'
  | 'complaint.configure'
  | 'complaint.trace'
  | 'zone.manage'
  | 'zone.work'
  | 'livelihood.items'
  | 'livelihood.import'
  | 'livelihood.registries'
  | 'livelihood.hits'
  | 'livelihood.supervise'
  | 'livelihood.answer'
  | 'directPoint.file'
  | 'reminders.view'
  | 'reminders.manage'
  | 'talks.record'
  | 'talks.view'
  | 'escalated.view'
  | 'escalated.designate'
  | 'escalated.lead'
  | 'integrity.view';

export interface Resource {
  /** The area the resource belongs to. */
  scopeCode?: string | null;
  /** For user.manage: the role of the account being created or changed. */
  role?: Role;
  /** For user.manage: the account being changed (nobody manages their own account this way). */
  userId?: string;
  /** For complaints: the commission scope the case is routed to, and its handler (承办人). */
  routedScopeCode?: string;
  assigneeId?: string | null;
  /** For complaints: the township commission it is handed down to, who it is about, and where. */
  handedDownTo?: string | null;
  subjectLevel?: SubjectLevel;
  areaCode?: string;
  /** For complaint.approve: who proposed the decision (never the one who approves it). */
  proposedBy?: string;
  /** For livelihood actions: the department that owns the item or batch (its county is scopeCode). */
  departmentId?: string;
  /** For escalated supervision: the designating commission's area and the 包联 leader assigned. */
  commissionCode?: string;
  leaderId?: string | null;
  /** For zone.work: the accounts sitting in the zone (zone_members) the task or cross-check is for. */
  memberIds?: string[];
}

/** True when `code` lies inside the actor's scope (administrators: everywhere). */
export function inScope(actor: Actor, code: string | null | undefined): boolean {
  if (actor.role === 'admin') return true;
  if (!code || !actor.scopeCode) return false;
  return isWithin(actor.scopeCode, code);
}

function commissionMayManage(actor: Actor, resource: Resource): boolean {
  const { role, scopeCode } = resource;
  if (!role || !scopeCode || !actor.scopeCode) return false;
  if (!inScope(actor, scopeCode)) return false;
  const targetLevel = levelOfCode(scopeCode);
  if (role === 'cadre' || role === 'supervisor' || role === 'liaison') return targetLevel === 'village';
  if (role === 'agency') return targetLevel === 'township';
  if (role === 'department') return targetLevel === 'county'; // a county's paying departments, like its agencies

  if (role === 'commission') return scopeCode !== actor.scopeCode && targetLevel !== 'village';
  return false; // administrators are made by administrators
}

/** Ledger actions are tied to a role and a village in scope, whoever else asks. */
function canOnLedger(actor: Actor, action: Action, resource: Resource): boolean {
  // Paying departments and direct reporting points have no part in village accounts: no queue, no period, no overview.
  if (actor.role === 'department' || actor.role === 'liaison') return false;
  // The ledger page's queue (a village's own periods, or those to review or supervise): everyone else.
  if (action === 'ledger.queue') return true;
  // The overview of villages in one's scope: for those who review or supervise across villages.
  if (action === 'ledger.overview') return actor.role === 'agency' || actor.role === 'commission';
  const village = resource.scopeCode;
  if (!village || levelOfCode(village) !== 'village' || !inScope(actor, village)) return false;
  switch (action) {
    case 'ledger.view':
      return true;
    case 'ledger.edit':
      return actor.role === 'cadre';
    case 'ledger.countersign':
      return actor.role === 'supervisor';
    case 'ledger.review':
    case 'ledger.cadence':
      return actor.role === 'agency';
    case 'ledger.supervise':
      return actor.role === 'commission';
    case 'ledger.flags':
      // Everyone who signs or watches sees the flags; administrators only run the installation.
      return actor.role !== 'admin';
    default:
      return false;
  }
}

/**
 * Which complaints an actor may handle, as data, so that `can()` and every query over complaints
 * (queue, duplicates, merge targets, the audit log) apply one and the same rule. Complaints belong
 * to commissions only (DESIGN.md §2): cadres and supervisors have no path to them at all, and
 * administrators, who run the installation, do not read them either. A city or county commission
 * handles the cases routed into its subtree; a township commission only those handed down to it
 * (交办), and never one about its own township's leadership (回避) — that is refused at hand-down
 * and excluded here again, so no path shows it.
 */
export type ComplaintReach = { kind: 'none' } | { kind: 'handedDown'; townshipCode: string } | { kind: 'routed'; scopeCode: string };

export function complaintReach(actor: Actor | null | undefined): ComplaintReach {
  if (!actor || actor.role !== 'commission' || !actor.scopeCode) return { kind: 'none' };
  if (levelOfCode(actor.scopeCode) === 'township') return { kind: 'handedDown', townshipCode: actor.scopeCode };
  return { kind: 'routed', scopeCode: actor.scopeCode };
}

/** A case about the leadership of `township` itself (乡镇领导班子成员 of a place inside it). */
export function isAboutTownshipLeadership(township: string, resource: Pick<Resource, 'subjectLevel' | 'areaCode'>): boolean {
  return resource.subjectLevel === 'township_leader' && !!resource.areaCode && isWithin(township, resource.areaCode);
}

/** True when the reach covers the case described by `resource`. */
function reaches(reach: ComplaintReach, resource: Resource): boolean {
  if (reach.kind === 'none') return false;
  if (reach.kind === 'handedDown') return resource.handedDownTo === reach.townshipCode && !isAboutTownshipLeadership(reach.townshipCode, resource);
  return !!resource.routedScopeCode && isWithin(reach.scopeCode, resource.routedScopeCode);
}

/**
 * The same rule as a SQL condition over a complaints table (pass its columns). A query that lists,
 * suggests, counts or joins complaints adds this condition; nothing else decides which rows show.
 */
export function complaintReachSql(
  actor: Actor | null | undefined,
  columns: { routedScopeCode: Column; handedDownTo: Column; subjectLevel: Column; areaCode: Column },
): SQL {
  const reach = complaintReach(actor);
  if (reach.kind === 'none') return sql`false`;
  if (reach.kind === 'handedDown') {
    const { from, to } = subtreeRange(reach.townshipCode);
    const ownLeadership = and(eq(columns.subjectLevel, 'township_leader'), gte(columns.areaCode, from), lt(columns.areaCode, to))!;
    return and(eq(columns.handedDownTo, reach.townshipCode), sql`not (${ownLeadership})`)!;
  }
  const { from, to } = subtreeRange(reach.scopeCode);
  return and(gte(columns.routedScopeCode, from), lt(columns.routedScopeCode, to))!;
}

/**
 * Audit entries about complaints (`complaint.*` actions, or a complaint as subject) are shown only
 * to commission users who may handle complaints, and each entry only when its case is within the
 * viewer's reach (the query joins the case: `complaintReachSql`). Everything else follows
 * `audit.view` and the viewer's scope.
 */
/**
 * Audit entries of the suspect workflow say that a payment in a village is suspected: like the hits
 * themselves they are for those who may read hits (the commissions of the county or above), not
 * for administrators.
 */
export function isLivelihoodSuspectAuditEntry(action: string): boolean {
  return action.startsWith('livelihood.suspect');
}

export function isComplaintAuditEntry(action: string, subjectType?: string): boolean {
  return action.startsWith('complaint.') || subjectType === 'complaint';
}

export function mayReadAuditAction(actor: Actor | null | undefined, action: string): boolean {
  if (!can(actor, 'audit.view')) return false;
  if (isLivelihoodSuspectAuditEntry(action)) return can(actor, 'livelihood.hits');
  return !isComplaintAuditEntry(action) || complaintReach(actor).kind !== 'none';
}

function canOnComplaint(actor: Actor, action: Action, resource: Resource): boolean {
  const reach = complaintReach(actor);
  if (reach.kind === 'none') return false;
  if (action === 'complaint.queue') return true;
  if (action === 'zone.manage' || action === 'complaint.configure') {
    // Zones are a county's own arrangement: its commission (or the city's) manages them.
    const level = levelOfCode(actor.scopeCode!);
    return (level === 'county' || level === 'city' || level === 'province') && !!resource.scopeCode && levelOfCode(resource.scopeCode) === 'county' && inScope(actor, resource.scopeCode);
  }
  if (action === 'complaint.trace') {
    // The trace of the cases a commission sent on (forwarded, escalated, handed down, transferred):
    // its own commission's, read-only, whether or not it still reaches the case.
    return reach.kind === 'routed' && !!resource.scopeCode && resource.scopeCode === actor.scopeCode;
  }
  if (!reaches(reach, resource)) return false;
  switch (action) {
    case 'complaint.handle':
      return true; // read the case, add internal notes
    case 'complaint.report':
      return reach.kind === 'handedDown'; // the township's own step: its report back
    case 'complaint.manage':
      return reach.kind === 'routed'; // the holding commission's steps (accept, forward, hand down …)
    case 'complaint.supervise':
      // A commission above the one holding the case: it sees the case's objections and may press them.
      return reach.kind === 'routed' && actor.scopeCode !== resource.routedScopeCode;
    case 'complaint.propose':
      // The handler proposes the decisions that need two people.
      return reach.kind === 'routed' && !!resource.assigneeId && resource.assigneeId === actor.id;
    case 'complaint.approve':
      // Someone else of the same commission, with approval rights, approves them.
      return (
        reach.kind === 'routed' &&
        actor.approver === true &&
        actor.scopeCode === resource.routedScopeCode &&
        actor.id !== resource.assigneeId &&
        !!resource.proposedBy &&
        actor.id !== resource.proposedBy
      );
    default:
      return false;
  }
}

/**
 * Livelihood funds (issue 14): a department manages its own items and batches only. Asked without
 * a resource (a page's guard) it answers for the role; with one, the item's county must be the
 * account's and its department the account's own. Administrators run the installation and the
 * commission supervises these payments (the cross-checks, later): neither defines or imports them.
 */
function canOnLivelihood(actor: Actor, action: Action, resource: Resource): boolean {
  if (action === 'livelihood.registries' || action === 'livelihood.hits' || action === 'livelihood.supervise' || action === 'livelihood.answer') return canOnLivelihoodChecks(actor, action, resource);
  if (action !== 'livelihood.items' && action !== 'livelihood.import') return false;
  if (actor.role !== 'department' || !actor.scopeCode) return false;
  if (resource.scopeCode !== undefined && resource.scopeCode !== actor.scopeCode) return false;
  if (resource.departmentId !== undefined && (!actor.departmentId || resource.departmentId !== actor.departmentId)) return false;
  return true;
}

/**
 * The cross-checks of livelihood payments (issue 14 item 4):
 * - livelihood.registries: the county commission of the county (not a township's, not the city's)
 *   imports its county's registries and reruns its checks; the paying departments never import the
 *   registries their own payments are checked against. scopeCode: the county.
 * - livelihood.hits: the hits are read by commissions at county level or above whose area holds the
 *   county, and by a paying department for its own items only (departmentId; a department asked
 *   about a county without a department gets no). Nobody else: not administrators, townships,
 *   villages or liaisons.
 * - livelihood.supervise: the suspect workflow's commission side (send a hit to the department,
 *   review its answer and its correction, close): the county commission of the county, as for the
 *   registries — the city reads, the county acts. scopeCode: the county.
 * - livelihood.answer: the department side (answer, record the correction): the paying department
 *   of the hit's item only (departmentId), in its county.
 */
function canOnLivelihoodChecks(actor: Actor, action: Action, resource: Resource): boolean {
  if (!actor.scopeCode) return false;
  const level = levelOfCode(actor.scopeCode);
  if (action === 'livelihood.registries' || action === 'livelihood.supervise') {
    return actor.role === 'commission' && level === 'county' && (resource.scopeCode === undefined || resource.scopeCode === actor.scopeCode);
  }
  if (action === 'livelihood.answer') {
    if (actor.role !== 'department' || (resource.scopeCode !== undefined && resource.scopeCode !== actor.scopeCode)) return false;
    return resource.departmentId === undefined || (!!actor.departmentId && resource.departmentId === actor.departmentId);
  }
  if (actor.role === 'commission') {
    return (level === 'county' || level === 'city' || level === 'province') && (resource.scopeCode === undefined || (!!resource.scopeCode && inScope(actor, resource.scopeCode)));
  }
  if (actor.role === 'department') {
    if (resource.scopeCode !== undefined && resource.scopeCode !== actor.scopeCode) return false;
    if (resource.departmentId !== undefined) return !!actor.departmentId && resource.departmentId === actor.departmentId;
    return resource.scopeCode === undefined;
  }
  return false;
}

/**
 * Escalated supervision (三资提级监督, issue 13) and the village integrity picture: commissions only,
 * never administrators, agencies, villages or departments. A county or city commission designates
 * villages of its scope (`escalated.designate`, the village as scopeCode); the picture of a village
 * is read by the commissions above it at county level or higher and by the 包联 leader assigned to
 * it (`integrity.view`, with leaderId); the leader — or the designating commission — records visits
 * and notes (`escalated.lead`, with commissionCode and leaderId). Asked without a resource (a page's
 * guard) the answer is for the role and level.
 */
function canOnEscalated(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.role !== 'commission' || !actor.scopeCode) return false;
  const level = levelOfCode(actor.scopeCode);
  const aboveTownship = level === 'county' || level === 'city' || level === 'province';
  const isLeader = !!resource.leaderId && resource.leaderId === actor.id;
  const village = resource.scopeCode;
  const villageInScope = !!village && levelOfCode(village) === 'village' && inScope(actor, village);
  switch (action) {
    case 'escalated.view':
      return aboveTownship || village === undefined || isLeader;
    case 'escalated.designate':
      return aboveTownship && (village === undefined || villageInScope);
    case 'escalated.lead':
      if (village === undefined) return true;
      return isLeader || (aboveTownship && villageInScope && (!resource.commissionCode || inScope(actor, resource.commissionCode)));
    case 'integrity.view':
      if (village === undefined) return aboveTownship; // the ranked list; a township leader reaches the village's own page
      return isLeader || (aboveTownship && villageInScope);
    default:
      return false;
  }
}

/** The county (12 digits) an area code lies in; null above county level. */
function countyOf(code: string): string | null {
  const level = levelOfCode(code);
  return level === 'province' || level === 'city' ? null : code.slice(0, 6).padEnd(12, '0');
}

/**
 * Direct reporting points (直报点, issue 13 §3) and daily supervision (§5):
 * - directPoint.file: a liaison files for a villager about a place of its own county (the resource's
 *   scopeCode, when given); the complaint goes to the county or the city (routing.ts), never to the
 *   township, and the liaison reaches none of it afterwards (complaintReach is for commissions only).
 * - reminders.view: the liaison reads its county's published reminders, a commission of the county
 *   or above reads what it publishes. reminders.manage: that commission adds and retires them.
 * - talks.record / talks.view: any commission (a township's too) records and reads the reminders and
 *   talks (提醒谈话) held in its own area; administrators run the installation and do neither.
 */
function canOnDirectPoint(actor: Actor, action: Action, resource: Resource): boolean {
  const scope = actor.scopeCode;
  if (!scope) return false;
  const level = levelOfCode(scope);
  const countyOrAbove = level === 'county' || level === 'city' || level === 'province';
  switch (action) {
    case 'directPoint.file':
      if (actor.role !== 'liaison' || level !== 'village') return false;
      return resource.scopeCode === undefined || (!!resource.scopeCode && countyOf(resource.scopeCode) !== null && countyOf(resource.scopeCode) === countyOf(scope));
    case 'reminders.view':
      if (actor.role === 'liaison') return level === 'village' && (resource.scopeCode === undefined || resource.scopeCode === countyOf(scope));
      return actor.role === 'commission' && countyOrAbove && (resource.scopeCode === undefined || inScope(actor, resource.scopeCode));
    case 'reminders.manage':
      return actor.role === 'commission' && countyOrAbove && (resource.scopeCode === undefined || (!!resource.scopeCode && levelOfCode(resource.scopeCode) === 'county' && inScope(actor, resource.scopeCode)));
    case 'talks.record':
    case 'talks.view':
      return actor.role === 'commission' && (resource.scopeCode === undefined || inScope(actor, resource.scopeCode));
    default:
      return false;
  }
}

export function can(actor: Actor | null | undefined, action: Action, resource: Resource = {}): boolean {
  if (!actor) return false;
  if (action === 'staff.enter') return true;
  if (action.startsWith('directPoint.') || action.startsWith('reminders.') || action.startsWith('talks.')) return canOnDirectPoint(actor, action, resource);
  if (action.startsWith('escalated.') || action.startsWith('integrity.')) return canOnEscalated(actor, action, resource);
  if (action.startsWith('livelihood.')) return canOnLivelihood(actor, action, resource);
  if (action.startsWith('ledger.')) return canOnLedger(actor, action, resource);
  if (action === 'zone.work') {
    // A zone's own members work its tasks and cross-checks (zones/tasks.ts). Asked without the
    // members (a page's guard) it answers for the role: the pages list only the actor's zones.
    if (actor.role !== 'commission') return false;
    return resource.memberIds === undefined || resource.memberIds.includes(actor.id);
  }
  if (action.startsWith('complaint.') || action === 'zone.manage') return canOnComplaint(actor, action, resource);
  if (actor.role === 'admin') return true;
  if (actor.role !== 'commission') return false;
  switch (action) {
    case 'user.list':
    case 'audit.view':
    case 'countyList.browse':
      return true; // the query itself is limited to the actor's scope
    case 'user.manage':
      if (resource.userId === actor.id) return false;
      return commissionMayManage(actor, resource);
    case 'countyList.edit':
    case 'countyList.publish': {
      const level = levelOfCode(actor.scopeCode!);
      const atCountyOrAbove = level === 'province' || level === 'city' || level === 'county';
      return atCountyOrAbove && !!resource.scopeCode && levelOfCode(resource.scopeCode) === 'county' && inScope(actor, resource.scopeCode);
    }
    default:
      return false; // ledger actions were answered by canOnLedger above
  }
}

/** Roles an actor may create accounts for, in the order the form offers them. */
export function creatableRoles(actor: Actor): Role[] {
  if (actor.role === 'admin') return ['admin', 'commission', 'agency', 'department', 'cadre', 'supervisor', 'liaison'];
  if (actor.role === 'commission') return levelOfCode(actor.scopeCode!) === 'township' ? ['commission', 'agency', 'cadre', 'supervisor', 'liaison'] : ['commission', 'agency', 'department', 'cadre', 'supervisor', 'liaison'];
  return [];
}
