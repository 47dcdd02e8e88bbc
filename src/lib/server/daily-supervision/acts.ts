/**
 * Daily supervision of the ten key-personnel categories (issue 13 §5): a commission records each
 * reminder or talk (提醒谈话, 咬耳扯袖) — the day, the place in its area, the category, the kind, a
 * short note and who did it (by office) — lists them by category and place, counts them by
 * category and exports them. Never the name of the official talked to: the note says so, and the
 * form has no field for it.
 */
import { and, asc, count, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { SUPERVISION_ACT_KINDS, supervisionActs, type SupervisionActKind } from '../../../../db/schema/daily-supervision.ts';
import { getArea } from '../areas/index.ts';
import { isAreaCode, subtreeRange } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { SUBJECT_ROLES } from '../complaints/model.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { toCsv } from '../spreadsheet.ts';
import { boundedDate, fieldErrors, visibleText } from '../validation.ts';
import { isIsoDate } from '../time.ts';

export const ActSchema = z.object({
  heldOn: boundedDate({ label: '日期', earliest: '2000-01-01', latest: 'today' }),
  areaCode: z.string().trim().refine(isAreaCode, '请选择地点（县、乡镇或村）'),
  category: z
    .string()
    .trim()
    .regex(/^\d$/, '请选择对象类别')
    .transform(Number)
    .pipe(z.number().int().min(0, '请选择对象类别').max(SUBJECT_ROLES.length - 1, '请选择对象类别')),
  kind: z.enum(SUPERVISION_ACT_KINDS, { message: '请选择方式（提醒、谈话、函询或批评教育）' }),
  conductedBy: visibleText({ label: '谈话人（职务）', min: 2, max: 40 }),
  note: visibleText({ label: '简要情况', min: 4, max: 300 }),
});

export type ActInput = z.input<typeof ActSchema>;

export async function recordAct(db: Db, actor: Actor, input: ActInput): Promise<Result<{ id: string }>> {
  if (!can(actor, 'talks.record')) return fail({ form: '您无权登记提醒谈话' }, 403);
  const parsed = ActSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const act = parsed.data;
  const area = await getArea(db, act.areaCode);
  if (!area || !['county', 'township', 'village'].includes(area.level)) return fail({ areaCode: '请选择地点（县、乡镇或村）' });
  if (!can(actor, 'talks.record', { scopeCode: area.code })) return fail({ areaCode: '所选地点不在本机关的辖区内' });
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(supervisionActs).values({ id, commissionCode: actor.scopeCode!, areaCode: area.code, heldOn: act.heldOn, category: act.category, kind: act.kind, conductedBy: act.conductedBy, note: act.note, recordedBy: actor.id });
    await recordAudit(tx, { actor, action: 'talks.recorded', subjectType: 'supervisionAct', subjectId: id, scopeCode: area.code, detail: { category: act.category, kind: act.kind, heldOn: act.heldOn } });
  });
  return ok({ id });
}

export interface ActFilters {
  /** Index into SUBJECT_ROLES. */
  category?: number;
  /** A place inside the viewer's area: its acts and those of the places below it. */
  areaCode?: string;
  from?: string;
  through?: string;
}

/** Filters as a page's query string gives them; anything malformed is left out. */
export function actFiltersFrom(params: URLSearchParams): ActFilters {
  const category = params.get('category') ?? '';
  const areaCode = params.get('area') ?? '';
  const from = params.get('from') ?? '';
  const through = params.get('through') ?? '';
  return {
    category: /^\d$/.test(category) && Number(category) < SUBJECT_ROLES.length ? Number(category) : undefined,
    areaCode: isAreaCode(areaCode) ? areaCode : undefined,
    // A real calendar date only: 2026-00-10 or year 0000 in a query would fail in PostgreSQL (a 500).
    from: isIsoDate(from) ? from : undefined,
    through: isIsoDate(through) ? through : undefined,
  };
}

function within(code: string): SQL {
  const { from, to } = subtreeRange(code);
  return and(gte(supervisionActs.areaCode, from), lt(supervisionActs.areaCode, to))!;
}

/** The conditions of a viewer's list: their own area always, then the filters. */
function conditions(actor: Actor, filters: ActFilters): SQL | undefined {
  if (!actor.scopeCode || !can(actor, 'talks.view')) return sql`false`;
  return and(
    within(actor.scopeCode),
    filters.areaCode ? within(filters.areaCode) : undefined,
    filters.category !== undefined ? eq(supervisionActs.category, filters.category) : undefined,
    filters.from ? gte(supervisionActs.heldOn, filters.from) : undefined,
    filters.through ? lte(supervisionActs.heldOn, filters.through) : undefined,
  );
}

export interface ActListRow {
  id: string;
  heldOn: string;
  areaCode: string;
  areaName: string;
  category: number;
  categoryName: string;
  kind: SupervisionActKind;
  conductedBy: string;
  note: string;
  recordedBy: string;
}

export const ACTS_LISTED = 200;

export async function listActs(db: DbOrTx, actor: Actor, filters: ActFilters, limit = ACTS_LISTED): Promise<ActListRow[]> {
  const rows = await db
    .select({
      id: supervisionActs.id,
      heldOn: supervisionActs.heldOn,
      areaCode: supervisionActs.areaCode,
      areaName: areas.name,
      category: supervisionActs.category,
      kind: supervisionActs.kind,
      conductedBy: supervisionActs.conductedBy,
      note: supervisionActs.note,
      recordedBy: users.displayName,
    })
    .from(supervisionActs)
    .innerJoin(areas, eq(areas.code, supervisionActs.areaCode))
    .innerJoin(users, eq(users.id, supervisionActs.recordedBy))
    .where(conditions(actor, filters))
    .orderBy(desc(supervisionActs.heldOn), asc(supervisionActs.areaCode), asc(supervisionActs.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, categoryName: SUBJECT_ROLES[row.category] ?? String(row.category) }));
}

/** How many acts of each category (all ten, zeros included), for the viewer's area and filters. */
export async function countActsByCategory(db: DbOrTx, actor: Actor, filters: Omit<ActFilters, 'category'> = {}): Promise<Array<{ category: number; name: string; count: number }>> {
  const rows = await db.select({ category: supervisionActs.category, n: count() }).from(supervisionActs).where(conditions(actor, filters)).groupBy(supervisionActs.category);
  const counts = new Map(rows.map((row) => [row.category, Number(row.n)]));
  return SUBJECT_ROLES.map((name, category) => ({ category, name, count: counts.get(category) ?? 0 }));
}

const KIND_NAMES: Record<SupervisionActKind, string> = { reminder: '提醒', talk: '谈话', letter: '函询', criticism: '批评教育' };

/** The list as CSV (every text cell neutralised against formulas by toCsv). */
export async function exportActsCsv(db: DbOrTx, actor: Actor, filters: ActFilters): Promise<string> {
  const rows = await listActs(db, actor, filters, 10_000);
  return toCsv(rows, [
    { header: '日期', value: (row) => row.heldOn },
    { header: '地点', value: (row) => row.areaName },
    { header: '区划代码', value: (row) => row.areaCode },
    { header: '对象类别', value: (row) => row.categoryName },
    { header: '方式', value: (row) => KIND_NAMES[row.kind] },
    { header: '谈话人（职务）', value: (row) => row.conductedBy },
    { header: '简要情况', value: (row) => row.note },
    { header: '登记人', value: (row) => row.recordedBy },
  ]);
}
