/**
 * Zone tasks (片区任务): the county commission gives one of its zones a supervision check (监督检查),
 * a clue to dispose of (问题线索处置) or an investigation by authorisation (根据授权开展审查调查), with a
 * subject — free text, optionally a village of the county (the hook by which a designated village's
 * supervision is given to zone members) or a case the county holds — and a deadline, either a
 * date or a number of working days (complaints/working-days.ts). A member of that zone, and only
 * one of its members, records the result, once. A task without a result after its deadline is
 * overdue.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints, zones } from '../../../../db/schema/complaints.ts';
import { ZONE_TASK_KINDS, zoneMembers, zoneTasks, type ZoneTaskKind, type ZoneTaskRow } from '../../../../db/schema/zones.ts';
import { isWithin } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { caseNumberOf, formatCaseNumber } from '../complaints/case-numbers.ts';
import { addWorkingDays } from '../complaints/working-days.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';
import { memberIdsOf } from './members.ts';

export const TASK_KIND_LABELS: Record<ZoneTaskKind, string> = {
  inspection: '监督检查',
  clue: '问题线索处置',
  investigation: '根据授权开展审查调查',
};

/** The longest deadline a task may be given: one year. */
const MAX_DAYS = 366;

const AssignSchema = z.object({
  zoneId: z.string().min(1, '请选择片区'),
  kind: z.enum(ZONE_TASK_KINDS, { error: '请选择任务类型' }),
  subject: visibleText({ label: '任务内容', min: 4, max: 200 }),
  villageCode: z.string().trim().optional(),
  caseNumber: z.string().trim().optional(),
  /** A date (YYYY-MM-DD) or a number of working days from today. */
  due: z.string().trim().min(1, '请填写办理期限：日期或工作日天数'),
});

function dueDate(due: string, today: string): string | null {
  if (/^\d{1,3}$/.test(due)) {
    const days = Number(due);
    return days >= 1 && days <= 250 ? addWorkingDays(today, days) : null;
  }
  if (!isIsoDate(due) || due < today) return null;
  return Date.parse(due) - Date.parse(today) <= MAX_DAYS * 86_400_000 ? due : null;
}

/**
 * The county commission assigns a task to one of its zones. The zone row is locked, and who may
 * manage the county's zones is asked inside the lock. A village must be of the county; a case is
 * named by its number and must be one the county commission holds.
 */
export async function assignTask(db: Db, actor: Actor, input: unknown, today = todayInShanghai()): Promise<Result<{ id: string }>> {
  const parsed = AssignSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const task = parsed.data;
  const dueOn = dueDate(task.due, today);
  if (!dueOn) return fail({ due: '办理期限应为今天以后一年内的日期，或1至250个工作日' });
  return db.transaction(async (tx) => {
    const [zone] = await tx.select().from(zones).where(eq(zones.id, task.zoneId)).for('update');
    if (!zone) return fail({ zoneId: '请选择本县的片区' });
    if (!can(actor, 'zone.manage', { scopeCode: zone.countyCode })) return fail({ form: '只有县纪委监委可以向片区交办任务' }, 403);
    let villageCode: string | null = null;
    if (task.villageCode) {
      const [village] = await tx.select({ code: areas.code, level: areas.level }).from(areas).where(eq(areas.code, task.villageCode));
      if (!village || village.level !== 'village' || !isWithin(zone.countyCode, village.code)) return fail({ villageCode: '请选择本县的村（社区）' });
      villageCode = village.code;
    }
    let complaintId: string | null = null;
    if (task.caseNumber) {
      const found = await caseByNumber(tx, task.caseNumber);
      if (!found || found.routed !== zone.countyCode) return fail({ caseNumber: CASE_NOT_FOUND });
      complaintId = found.id;
    }
    const id = crypto.randomUUID();
    await tx.insert(zoneTasks).values({ id, zoneId: zone.id, kind: task.kind, subject: task.subject, villageCode, complaintId, assignedOn: today, dueOn, assignedBy: actor.id });
    await recordAudit(tx, { actor, action: 'zone.taskAssigned', subjectType: 'zone', subjectId: zone.id, scopeCode: zone.countyCode, detail: { task: id, kind: task.kind, dueOn } });
    return ok({ id });
  });
}

export const CASE_NOT_FOUND = '没有找到本县纪委监委办理的这个案件编号（如：桑纪举〔2026〕12号）';

/** A case by its number as typed (桑纪举〔2026〕12号, spaces ignored), with the commission it is routed to. */
export async function caseByNumber(db: DbOrTx, typed: string): Promise<{ id: string; routed: string } | null> {
  const number = /^(.+)纪举〔(\d{4})〕(\d{1,6})号$/.exec(typed.replace(/\s/g, ''));
  if (!number) return null;
  const [found] = await db
    .select({ id: complaints.id, routed: complaints.routedScopeCode })
    .from(complaints)
    .where(and(eq(complaints.casePrefix, number[1]!), eq(complaints.caseYear, Number(number[2])), eq(complaints.caseSeq, Number(number[3]))));
  return found ?? null;
}

const ResultSchema = z.object({ taskId: z.string().min(1), result: visibleText({ label: '办理结果', min: 4, max: 1000 }) });

/** A member of the task's zone records its result, once. The task row is locked and the zone row shared-locked; membership is read inside. */
export async function recordTaskResult(db: Db, actor: Actor, input: unknown, today = todayInShanghai()): Promise<Result> {
  const parsed = ResultSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { taskId, result } = parsed.data;
  return db.transaction(async (tx) => {
    const [task] = await tx.select().from(zoneTasks).where(eq(zoneTasks.id, taskId)).for('update');
    if (!task) return fail({ form: '没有找到该任务' }, 404);
    // The zone row shared-locked: an edit of the zone's members (FOR UPDATE) is either before or after.
    await tx.select({ id: zones.id }).from(zones).where(eq(zones.id, task.zoneId)).for('share');
    const memberIds = await memberIdsOf(tx, task.zoneId);
    if (!can(actor, 'zone.work', { memberIds })) return fail({ form: '只有本片区的成员可以填报任务结果' }, 403);
    if (task.result !== null) return fail({ form: '该任务已填报结果' });
    await tx.update(zoneTasks).set({ result, resultOn: today, resultBy: actor.id }).where(eq(zoneTasks.id, task.id));
    const [zone] = await tx.select({ countyCode: zones.countyCode }).from(zones).where(eq(zones.id, task.zoneId));
    await recordAudit(tx, { actor, action: 'zone.taskDone', subjectType: 'zone', subjectId: task.zoneId, scopeCode: zone!.countyCode, detail: { task: task.id } });
    return ok();
  });
}

export interface TaskView {
  task: ZoneTaskRow;
  zoneName: string;
  kindLabel: string;
  resultByName: string | null;
  caseNumber: string | null;
  villageName: string | null;
  overdue: boolean;
  /** Set by the tasks page: whether the viewer sits in the task's zone (may record its result). */
  mine?: boolean;
}

async function viewTasks(db: DbOrTx, rows: ZoneTaskRow[], today: string): Promise<TaskView[]> {
  if (!rows.length) return [];
  const zoneRows = await db.select({ id: zones.id, name: zones.name }).from(zones).where(inArray(zones.id, [...new Set(rows.map((r) => r.zoneId))]));
  const names = new Map(zoneRows.map((z) => [z.id, z.name]));
  const byIds = rows.flatMap((r) => (r.resultBy ? [r.resultBy] : []));
  const people = byIds.length ? await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, byIds)) : [];
  const caseIds = rows.flatMap((r) => (r.complaintId ? [r.complaintId] : []));
  const cases = caseIds.length
    ? await db.select({ id: complaints.id, casePrefix: complaints.casePrefix, caseYear: complaints.caseYear, caseSeq: complaints.caseSeq }).from(complaints).where(inArray(complaints.id, caseIds))
    : [];
  const villageCodes = [...new Set(rows.flatMap((r) => (r.villageCode ? [r.villageCode] : [])))];
  const villages = villageCodes.length ? await db.select({ code: areas.code, name: areas.name }).from(areas).where(inArray(areas.code, villageCodes)) : [];
  return rows.map((task) => ({
    task,
    villageName: villages.find((v) => v.code === task.villageCode)?.name ?? null,
    zoneName: names.get(task.zoneId) ?? '',
    kindLabel: TASK_KIND_LABELS[task.kind],
    resultByName: people.find((p) => p.id === task.resultBy)?.name ?? null,
    caseNumber: formatCaseNumber(caseNumberOf(cases.find((c) => c.id === task.complaintId) ?? { casePrefix: null, caseYear: null, caseSeq: null })) || null,
    overdue: task.result === null && task.dueOn < today,
  }));
}

/** Every task of a county's zones, open ones first by deadline. */
export async function countyTasks(db: DbOrTx, countyCode: string, today = todayInShanghai()): Promise<TaskView[]> {
  const rows = await db
    .select({ task: zoneTasks })
    .from(zoneTasks)
    .innerJoin(zones, eq(zones.id, zoneTasks.zoneId))
    .where(eq(zones.countyCode, countyCode))
    .orderBy(asc(zoneTasks.dueOn), desc(zoneTasks.assignedOn));
  return viewTasks(db, sortOpenFirst(rows.map((r) => r.task)), today);
}

/** The tasks of the zones the actor sits in. */
export async function myZoneTasks(db: DbOrTx, actor: Actor, today = todayInShanghai()): Promise<TaskView[]> {
  if (!can(actor, 'zone.work')) return [];
  const rows = await db
    .select({ task: zoneTasks })
    .from(zoneTasks)
    .innerJoin(zoneMembers, and(eq(zoneMembers.zoneId, zoneTasks.zoneId), eq(zoneMembers.userId, actor.id)))
    .orderBy(asc(zoneTasks.dueOn));
  return viewTasks(db, sortOpenFirst(rows.map((r) => r.task)), today);
}

/**
 * The zone tasks about one village, open ones first: the hook by which the escalated supervision of
 * a designated village (监督力量提级统筹, issue 13 §1) shows which zone's members are assigned to it.
 * Assigning is assignTask with the village; this only reads.
 */
export async function villageZoneTasks(db: DbOrTx, villageCode: string, today = todayInShanghai()): Promise<TaskView[]> {
  const rows = await db.select().from(zoneTasks).where(eq(zoneTasks.villageCode, villageCode)).orderBy(asc(zoneTasks.dueOn));
  return viewTasks(db, sortOpenFirst(rows), today);
}

function sortOpenFirst(rows: ZoneTaskRow[]): ZoneTaskRow[] {
  return [...rows.filter((r) => r.result === null), ...rows.filter((r) => r.result !== null)];
}
