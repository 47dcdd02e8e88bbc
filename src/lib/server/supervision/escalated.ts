/**
 * Escalated supervision of villages (三资提级监督, issue 13 §1). A county or city commission
 * designates a village of its scope with a reason, a start date and a review date; ends it as a
 * recorded step (the row stays, with who ended it, when and why); assigns the 包联 leader (书记提级
 * 包联: a staff account of the designating commission, or a commission account of the village's
 * township); the leader records visits and supervision notes, append-only.
 *
 * While a village is designated its complaints are handled at county level or above: casework's
 * hand-down asks `activeDesignation` inside its own transaction and refuses (问题线索提级处置).
 *
 * Hook for 监督力量提级统筹 (zone members assigned to the village's supervision tasks): a zone task
 * links a designated village by `designationId` (`activeDesignation(tx, villageCode)?.id`); the
 * zones module owns the tasks, this one only answers which villages are designated.
 *
 * Every command is the house write shape: zod → one transaction that locks the row it changes
 * (the designation, or the village's area row for a new one) and re-checks state and permission
 * inside the lock → an `escalated_events` row and an audit row → a `Result`.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { escalatedDesignations, escalatedEvents, type EscalatedDesignationRow, type EscalatedEventKind } from '../../../../db/schema/escalated.ts';
import { isWithin, levelOfCode, subtreeRange } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';

export const NOT_DESIGNATED = '该村没有处于提级监督中的记录，或已结束';
const REFUSED = '您不能对该村进行提级监督的这一步';
/** The message casework shows when a hand-down of a designated village's case is refused. */
export const HAND_DOWN_REFUSED = '该村已列入提级监督，反映该村的问题线索由县级以上纪委监委直接处置，不能交由乡镇纪委办理';

const isoDate = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `请填写${label}，格式如 2026-12-01`)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), `请填写有效的${label}`);

const uuid = z.string().regex(/^[0-9a-f-]{36}$/);

/** The village's designation now in force (not ended), if any. `lock` takes its row FOR UPDATE. */
export async function activeDesignation(db: DbOrTx, villageCode: string, { lock = false } = {}): Promise<EscalatedDesignationRow | undefined> {
  const query = db.select().from(escalatedDesignations).where(and(eq(escalatedDesignations.villageCode, villageCode), isNull(escalatedDesignations.endedOn)));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

/** The villages among `villageCodes` under escalated supervision now (one query). */
export async function designatedAmong(db: DbOrTx, villageCodes: readonly string[]): Promise<Set<string>> {
  const codes = [...new Set(villageCodes.filter(Boolean))];
  if (codes.length === 0) return new Set();
  const rows = await db
    .select({ code: escalatedDesignations.villageCode })
    .from(escalatedDesignations)
    .where(and(inArray(escalatedDesignations.villageCode, codes), isNull(escalatedDesignations.endedOn)));
  return new Set(rows.map((row) => row.code));
}

/** The designation's resource for `can`. */
export function designationResource(row: Pick<EscalatedDesignationRow, 'villageCode' | 'commissionCode' | 'leaderId'>) {
  return { scopeCode: row.villageCode, commissionCode: row.commissionCode, leaderId: row.leaderId };
}

// ---------------------------------------------------------------- designate

const DesignateInput = z
  .object({
    villageCode: z.string().trim().regex(/^\d{12}$/, '请选择要提级监督的村'),
    reason: visibleText({ label: '理由', min: 6, max: 500, minMessage: '请写明提级监督的理由（至少6个字），如：城郊村，集体资产多、征地补偿款数额大' }),
    startsOn: isoDate('开始日期'),
    reviewOn: isoDate('复核日期'),
  })
  .refine((input) => input.reviewOn >= input.startsOn, { path: ['reviewOn'], message: '复核日期不能早于开始日期' });

export type DesignateInput = z.input<typeof DesignateInput>;

/** Designates a village of the commission's scope. One designation in force per village. */
export async function designate(db: Db, actor: Actor, input: DesignateInput): Promise<Result<{ id: string }>> {
  if (!can(actor, 'escalated.designate')) return fail({ form: REFUSED }, 403);
  const parsed = DesignateInput.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { villageCode, reason, startsOn, reviewOn } = parsed.data;
  return db.transaction(async (tx) => {
    // The village's area row is the lock two designations of one village meet on.
    const [village] = await tx.select().from(areas).where(eq(areas.code, villageCode)).for('update');
    if (!village || village.level !== 'village') return fail({ villageCode: '请选择要提级监督的村' });
    if (!can(actor, 'escalated.designate', { scopeCode: villageCode })) return fail({ villageCode: '只能对本级管辖范围内的村提级监督' }, 403);
    if (await activeDesignation(tx, villageCode)) return fail({ villageCode: `${village.name}已在提级监督中，请先结束原有的提级监督` });
    const id = crypto.randomUUID();
    await tx.insert(escalatedDesignations).values({ id, villageCode, commissionCode: actor.scopeCode!, reason, startsOn, reviewOn, designatedBy: actor.id });
    await tx.insert(escalatedEvents).values({ designationId: id, kind: 'designated', body: reason, actorId: actor.id });
    await recordAudit(tx, { actor, action: 'escalated.designated', subjectType: 'escalated_designation', subjectId: id, scopeCode: villageCode, detail: { startsOn, reviewOn } });
    return ok({ id });
  });
}

/** Locks a designation and checks it is in force and the actor may take `action` on it. */
async function lockDesignation(tx: DbOrTx, actor: Actor, designationId: string, action: 'escalated.designate' | 'escalated.lead'): Promise<Result<EscalatedDesignationRow>> {
  if (!uuid.safeParse(designationId).success) return fail({ form: NOT_DESIGNATED }, 404);
  const [row] = await tx.select().from(escalatedDesignations).where(eq(escalatedDesignations.id, designationId)).for('update');
  if (!row) return fail({ form: NOT_DESIGNATED }, 404);
  const allowed =
    action === 'escalated.designate'
      ? can(actor, 'escalated.designate', { scopeCode: row.villageCode }) && !!actor.scopeCode && isWithin(actor.scopeCode, row.commissionCode)
      : can(actor, 'escalated.lead', designationResource(row));
  if (!allowed) return fail({ form: REFUSED }, 403);
  if (row.endedOn) return fail({ form: '该村的提级监督已经结束' });
  return ok(row);
}

const EndInput = z.object({ reason: visibleText({ label: '理由', min: 4, max: 500, minMessage: '请写明结束提级监督的理由（至少4个字）' }) });

/** Ends a designation: a recorded step, the row stays with who ended it, when and why. */
export async function endDesignation(db: Db, actor: Actor, input: { designationId: string; reason: string }): Promise<Result> {
  const parsed = EndInput.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  return db.transaction(async (tx) => {
    const locked = await lockDesignation(tx, actor, input.designationId, 'escalated.designate');
    if (!locked.ok) return locked;
    const row = locked.value;
    const today = todayInShanghai();
    await tx.update(escalatedDesignations).set({ endedOn: today, endReason: parsed.data.reason, endedBy: actor.id }).where(eq(escalatedDesignations.id, row.id));
    await tx.insert(escalatedEvents).values({ designationId: row.id, kind: 'ended', body: parsed.data.reason, actorId: actor.id });
    await recordAudit(tx, { actor, action: 'escalated.ended', subjectType: 'escalated_designation', subjectId: row.id, scopeCode: row.villageCode, reason: parsed.data.reason });
    return ok();
  });
}

// ---------------------------------------------------------------- 书记提级包联

/**
 * Who may lead a designated village: an active commission account of the designating commission,
 * or of the village's township commission.
 */
export function mayLead(row: Pick<EscalatedDesignationRow, 'villageCode' | 'commissionCode'>, leader: { role: string; scopeCode: string | null; disabledAt: Date | null }): boolean {
  if (leader.role !== 'commission' || !leader.scopeCode || leader.disabledAt) return false;
  return leader.scopeCode === row.commissionCode || leader.scopeCode === `${row.villageCode.slice(0, 9)}000`;
}

/** The accounts the designating commission may choose as leader (its own and the township's). */
export async function leaderChoices(db: DbOrTx, row: Pick<EscalatedDesignationRow, 'villageCode' | 'commissionCode'>): Promise<Array<{ id: string; displayName: string; scopeCode: string }>> {
  const township = `${row.villageCode.slice(0, 9)}000`;
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, scopeCode: users.scopeCode })
    .from(users)
    .where(and(eq(users.role, 'commission'), isNull(users.disabledAt), or(eq(users.scopeCode, row.commissionCode), eq(users.scopeCode, township))))
    .orderBy(asc(users.scopeCode), asc(users.displayName));
  return rows.map((row) => ({ ...row, scopeCode: row.scopeCode! }));
}

/** Assigns (or changes) the 包联 leader of a designated village. */
export async function assignLeader(db: Db, actor: Actor, input: { designationId: string; leaderId: string }): Promise<Result> {
  if (!uuid.safeParse(input.leaderId ?? '').success) return fail({ leaderId: '请选择包联领导' });
  return db.transaction(async (tx) => {
    const locked = await lockDesignation(tx, actor, input.designationId, 'escalated.designate');
    if (!locked.ok) return locked;
    const row = locked.value;
    const [leader] = await tx.select().from(users).where(eq(users.id, input.leaderId)).for('update');
    if (!leader || !mayLead(row, leader)) return fail({ leaderId: '包联领导应为本级纪委监委或该村所在乡镇纪委的在用账号' });
    if (row.leaderId === leader.id) return fail({ leaderId: `${leader.displayName}已是该村的包联领导` });
    await tx.update(escalatedDesignations).set({ leaderId: leader.id }).where(eq(escalatedDesignations.id, row.id));
    await tx.insert(escalatedEvents).values({ designationId: row.id, kind: 'leaderAssigned', body: leader.displayName, leaderId: leader.id, actorId: actor.id });
    await recordAudit(tx, { actor, action: 'escalated.leaderAssigned', subjectType: 'escalated_designation', subjectId: row.id, scopeCode: row.villageCode, detail: { leaderId: leader.id } });
    return ok();
  });
}

const VisitInput = z.object({
  kind: z.enum(['visit', 'note'], { message: '请选择记录类型' }),
  occurredOn: z.string().optional().default(''),
  body: visibleText({ label: '内容', min: 10, max: 3000, minMessage: '请写明走访或监督情况（至少10个字）' }),
});

/** The leader (or the designating commission) records a visit or a supervision note, append-only. */
export async function recordLeaderStep(db: Db, actor: Actor, input: { designationId: string; kind: string; occurredOn?: string; body: string }): Promise<Result> {
  const parsed = VisitInput.safeParse(input);
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  const kind = parsed.success ? parsed.data.kind : input.kind;
  let occurredOn: string | null = null;
  if (kind === 'visit') {
    const date = isoDate('走访日期').safeParse(input.occurredOn ?? '');
    if (!date.success) errors.occurredOn = date.error.issues[0]!.message;
    else if (date.data > todayInShanghai()) errors.occurredOn = '走访日期不能晚于今天';
    else occurredOn = date.data;
  }
  if (!parsed.success || Object.keys(errors).length > 0) return fail(errors);
  return db.transaction(async (tx) => {
    const locked = await lockDesignation(tx, actor, input.designationId, 'escalated.lead');
    if (!locked.ok) return locked;
    const row = locked.value;
    if (occurredOn && occurredOn < row.startsOn) return fail({ occurredOn: `走访日期不能早于提级监督开始日期（${row.startsOn}）` });
    await tx.insert(escalatedEvents).values({ designationId: row.id, kind: parsed.data.kind, occurredOn, body: parsed.data.body, actorId: actor.id });
    await recordAudit(tx, { actor, action: `escalated.${parsed.data.kind}`, subjectType: 'escalated_designation', subjectId: row.id, scopeCode: row.villageCode, detail: occurredOn ? { occurredOn } : {} });
    return ok();
  });
}

// ---------------------------------------------------------------- reading

export interface DesignationView extends EscalatedDesignationRow {
  villageName: string;
  townshipName: string | null;
  leaderName: string | null;
}

/**
 * The designations a commission sees: those of villages in its scope (county or city), and for a
 * township commission only those it leads. In force first, then ended; newest first.
 */
export async function listDesignations(db: DbOrTx, actor: Actor): Promise<DesignationView[]> {
  if (actor.role !== 'commission' || !actor.scopeCode) return [];
  const township = sql<string | null>`(select t.name from areas t where t.code = substr(${escalatedDesignations.villageCode}, 1, 9) || '000')`;
  const where =
    levelOfCode(actor.scopeCode) === 'township'
      ? eq(escalatedDesignations.leaderId, actor.id)
      : (() => {
          const { from, to } = subtreeRange(actor.scopeCode!);
          return and(gte(escalatedDesignations.villageCode, from), lt(escalatedDesignations.villageCode, to));
        })();
  const rows = await db
    .select({ row: escalatedDesignations, villageName: areas.name, townshipName: township, leaderName: users.displayName })
    .from(escalatedDesignations)
    .innerJoin(areas, eq(areas.code, escalatedDesignations.villageCode))
    .leftJoin(users, eq(users.id, escalatedDesignations.leaderId))
    .where(where)
    .orderBy(sql`${escalatedDesignations.endedOn} is not null`, desc(escalatedDesignations.designatedAt))
    .limit(500);
  return rows.map(({ row, villageName, townshipName, leaderName }) => ({ ...row, villageName, townshipName, leaderName }));
}

export async function getDesignation(db: DbOrTx, designationId: string): Promise<EscalatedDesignationRow | undefined> {
  if (!uuid.safeParse(designationId).success) return undefined;
  const [row] = await db.select().from(escalatedDesignations).where(eq(escalatedDesignations.id, designationId));
  return row;
}

export interface DesignationEvent {
  id: number;
  kind: EscalatedEventKind;
  occurredOn: string | null;
  body: string;
  actorName: string | null;
  at: Date;
}

/** A designation's history, oldest first. */
export async function designationEvents(db: DbOrTx, designationIds: readonly string[]): Promise<DesignationEvent[]> {
  if (designationIds.length === 0) return [];
  return db
    .select({ id: escalatedEvents.id, kind: escalatedEvents.kind, occurredOn: escalatedEvents.occurredOn, body: escalatedEvents.body, actorName: users.displayName, at: escalatedEvents.at })
    .from(escalatedEvents)
    .leftJoin(users, eq(users.id, escalatedEvents.actorId))
    .where(inArray(escalatedEvents.designationId, [...designationIds]))
    .orderBy(asc(escalatedEvents.id));
}

/** The village a complaint is about: its village_code, or its area when that is a village. */
export function complaintVillage(complaint: { villageCode: string | null; areaCode: string }): string | null {
  if (complaint.villageCode && levelOfCode(complaint.villageCode) === 'village') return complaint.villageCode;
  return levelOfCode(complaint.areaCode) === 'village' ? complaint.areaCode : null;
}

/**
 * For casework's hand-down, inside its transaction: the designation in force of the complaint's
 * village, read under a share lock on the village's area row, which `designate` takes for update —
 * so a hand-down and a designation of the same village happen one after the other.
 */
export async function escalatedForComplaint(tx: DbOrTx, complaint: { villageCode: string | null; areaCode: string }): Promise<EscalatedDesignationRow | undefined> {
  const village = complaintVillage(complaint);
  if (!village) return undefined;
  await tx.select({ code: areas.code }).from(areas).where(eq(areas.code, village)).for('share');
  return activeDesignation(tx, village);
}
