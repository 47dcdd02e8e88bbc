/**
 * What a county commission keeps for its casework: the units it transfers non-discipline matters
 * to (转办), and its own time limits for hand-downs and transfers. Each command locks the county's
 * area row, so two edits of one county's list land one after the other, and asks
 * `complaint.configure` for the county inside that lock.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { complaintCountySettings, complaintDepartments, type ComplaintDepartmentRow } from '../../../../db/schema/complaint-casework.ts';
import { levelOfCode } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { fieldErrors } from '../validation.ts';
import { DEFAULT_TIME_LIMITS, type CountyTimeLimits } from './deadlines.ts';

export async function listDepartments(db: DbOrTx, countyCode: string, options: { activeOnly?: boolean } = {}): Promise<ComplaintDepartmentRow[]> {
  const where = options.activeOnly ? and(eq(complaintDepartments.countyCode, countyCode), eq(complaintDepartments.active, true)) : eq(complaintDepartments.countyCode, countyCode);
  return db.select().from(complaintDepartments).where(where).orderBy(asc(complaintDepartments.name));
}

/** The county's limits, or the defaults when it set none. */
export async function countyTimeLimits(db: DbOrTx, countyCode: string): Promise<CountyTimeLimits> {
  const [row] = await db.select().from(complaintCountySettings).where(eq(complaintCountySettings.countyCode, countyCode));
  return row ? { handDownDays: row.handDownDays, transferDays: row.transferDays } : DEFAULT_TIME_LIMITS;
}

/** The county's row locked, and the actor's right to configure it, inside the transaction. */
async function lockCounty(tx: DbOrTx, actor: Actor, countyCode: string): Promise<Result> {
  const [county] = await tx.select({ code: areas.code }).from(areas).where(and(eq(areas.code, countyCode), eq(areas.level, 'county'))).for('update');
  if (!county) return fail({ form: '没有这个县' }, 404);
  if (!can(actor, 'complaint.configure', { scopeCode: countyCode })) return fail({ form: '您没有权限维护该县的承办单位和办理时限' }, 403);
  return ok();
}

const DepartmentName = z.object({ name: z.string().trim().min(3, '请填写承办单位全称（至少3个字）').max(40, '单位名称不超过40个字') });

/** Adds a unit to the county's transfer list. */
export async function addDepartment(db: Db, actor: Actor, input: { countyCode: string; name: string }): Promise<Result<{ id: string }>> {
  const parsed = DepartmentName.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  return db.transaction(async (tx) => {
    const locked = await lockCounty(tx, actor, input.countyCode);
    if (!locked.ok) return locked;
    const [existing] = await tx.select().from(complaintDepartments).where(and(eq(complaintDepartments.countyCode, input.countyCode), eq(complaintDepartments.name, parsed.data.name)));
    if (existing) return fail({ name: existing.active ? '名单中已有该单位' : '该单位已停用，可在下方重新启用' });
    const id = crypto.randomUUID();
    await tx.insert(complaintDepartments).values({ id, countyCode: input.countyCode, name: parsed.data.name });
    await recordAudit(tx, { actor, action: 'casework.departmentAdded', subjectType: 'complaint_department', subjectId: id, scopeCode: input.countyCode, detail: { name: parsed.data.name } });
    return ok({ id });
  });
}

/** Retires a unit (no new transfers to it) or takes it back; old transfers keep its name either way. */
export async function setDepartmentActive(db: Db, actor: Actor, input: { countyCode: string; departmentId: string; active: boolean }): Promise<Result> {
  return db.transaction(async (tx) => {
    const locked = await lockCounty(tx, actor, input.countyCode);
    if (!locked.ok) return locked;
    const [department] = /^[0-9a-f-]{36}$/.test(input.departmentId)
      ? await tx.select().from(complaintDepartments).where(and(eq(complaintDepartments.id, input.departmentId), eq(complaintDepartments.countyCode, input.countyCode)))
      : [];
    if (!department) return fail({ form: '没有找到该承办单位' }, 404);
    if (department.active === input.active) return fail({ form: input.active ? '该单位已在使用' : '该单位已停用' });
    await tx.update(complaintDepartments).set({ active: input.active }).where(eq(complaintDepartments.id, department.id));
    await recordAudit(tx, {
      actor,
      action: input.active ? 'casework.departmentRestored' : 'casework.departmentRetired',
      subjectType: 'complaint_department',
      subjectId: department.id,
      scopeCode: input.countyCode,
      detail: { name: department.name },
    });
    return ok();
  });
}

const days = (label: string) => z.coerce.number({ message: `请填写${label}` }).int(`${label}应为整数`).min(1, `${label}至少1个工作日`).max(90, `${label}不超过90个工作日`);
const TimeLimits = z.object({ handDownDays: days('交办期限'), transferDays: days('转办期限') });

/** Sets the county's limits for hand-downs and transfers (working days); steps already sent keep theirs. */
export async function setCountyTimeLimits(db: Db, actor: Actor, input: { countyCode: string; handDownDays: unknown; transferDays: unknown }): Promise<Result> {
  const parsed = TimeLimits.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  return db.transaction(async (tx) => {
    const locked = await lockCounty(tx, actor, input.countyCode);
    if (!locked.ok) return locked;
    await tx
      .insert(complaintCountySettings)
      .values({ countyCode: input.countyCode, ...parsed.data })
      .onConflictDoUpdate({ target: complaintCountySettings.countyCode, set: parsed.data });
    await recordAudit(tx, { actor, action: 'casework.timeLimitsSet', subjectType: 'area', subjectId: input.countyCode, scopeCode: input.countyCode, detail: parsed.data });
    return ok();
  });
}

/**
 * The county a county-settings page (zones, transfer units) is about: `?county=` for a city
 * commission choosing one, else the viewer's own county; '' when neither names one.
 */
export function countyOfPage(params: URLSearchParams, viewerScope: string | null | undefined): string {
  return params.get('county') ?? (viewerScope && levelOfCode(viewerScope) === 'county' ? viewerScope : '');
}

/** The settings page's forms: each `action` → its command; the page calls this once per POST. */
export async function runDepartmentsAction(db: Db, actor: Actor, countyCode: string, fields: Record<string, string>): Promise<Result<unknown>> {
  switch (fields.action) {
    case 'add':
      return addDepartment(db, actor, { countyCode, name: fields.name ?? '' });
    case 'retire':
    case 'restore':
      return setDepartmentActive(db, actor, { countyCode, departmentId: fields.department ?? '', active: fields.action === 'restore' });
    case 'limits':
      return setCountyTimeLimits(db, actor, { countyCode, handDownDays: fields.handDownDays ?? '', transferDays: fields.transferDays ?? '' });
    default:
      return fail({ form: '无法识别的操作' });
  }
}

/** What the settings page shows: the county's units (retired ones too) and its limits. */
export async function loadDepartmentsPage(db: DbOrTx, countyCode: string): Promise<{ departments: ComplaintDepartmentRow[]; limits: CountyTimeLimits }> {
  const [departments, limits] = await Promise.all([listDepartments(db, countyCode), countyTimeLimits(db, countyCode)]);
  return { departments, limits };
}
