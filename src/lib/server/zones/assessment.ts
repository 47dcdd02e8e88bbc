/**
 * Assessment per zone (考核到片) for a period: a year (`2026`) or a quarter (`2026Q4`).
 *
 * - The county sets each zone's base targets (基础任务指标): tasks to complete and cases to conclude
 *   as substantiated.
 * - Counted against them: the zone's tasks whose result was recorded in the period, and the cases
 *   assigned to the zone (complaints.zone_id) concluded in the period with the finding
 *   `substantiated` or `partly` (查实, 部分查实).
 * - Each zone's substantiated cases beyond its case target (the latest concluded ones) are extra
 *   cases; each extra case earns 1 point, shared among the zones that contributed to it by its
 *   recorded contribution share (贡献率, whole percent summing to 100); a case without shares
 *   gives its point wholly to its zone.
 *
 * So the table adds up: the sum of the points column equals the number of extra cases, and every
 * total is the sum of its column.
 */
import { and, asc, eq, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { complaintEvents, complaints, zones } from '../../../../db/schema/complaints.ts';
import { zoneCaseShares, zoneTargets, zoneTasks } from '../../../../db/schema/zones.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';

export const PERIOD = /^(\d{4})(?:Q([1-4]))?$/;

/** The first and last day of a period, or null when it is not one. */
export function periodRange(period: string): { from: string; to: string } | null {
  const match = PERIOD.exec(period);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) return null;
  if (!match[2]) return { from: `${year}-01-01`, to: `${year}-12-31` };
  const quarter = Number(match[2]);
  const first = (quarter - 1) * 3 + 1;
  const last = first + 2;
  const lastDay = new Date(Date.UTC(year, last, 0)).getUTCDate();
  return { from: `${year}-${String(first).padStart(2, '0')}-01`, to: `${year}-${String(last).padStart(2, '0')}-${lastDay}` };
}

/** A period's name: 2026年 or 2026年第四季度. */
export function periodLabel(period: string): string {
  const match = PERIOD.exec(period);
  if (!match) return period;
  return match[2] ? `${match[1]}年第${'一二三四'[Number(match[2]) - 1]}季度` : `${match[1]}年`;
}

const count = z.coerce.number({ error: '请填写0至999的整数' }).int('请填写0至999的整数').min(0, '请填写0至999的整数').max(999, '请填写0至999的整数');
const TargetsSchema = z.object({
  countyCode: z.string(),
  period: z.string().regex(PERIOD, '请选择考核期：年度或季度'),
  targets: z.array(z.object({ zoneId: z.string(), tasks: count, cases: count })).min(1),
});

/** The county sets (or resets) the base targets of its zones for a period. */
export async function setTargets(db: Db, actor: Actor, input: unknown): Promise<Result> {
  const parsed = TargetsSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const [first, index, field] = issue.path;
      const zoneId = first === 'targets' && typeof index === 'number' ? (input as { targets?: { zoneId?: unknown }[] }).targets?.[index]?.zoneId : undefined;
      const key = first === 'targets' && field && typeof zoneId === 'string' ? `${String(field)}-${zoneId}` : first === 'period' ? 'period' : 'form';
      errors[key] ??= issue.message;
    }
    return fail(errors);
  }
  const { countyCode, period, targets } = parsed.data;
  return db.transaction(async (tx) => {
    const [county] = await tx.select({ code: areas.code }).from(areas).where(and(eq(areas.code, countyCode), eq(areas.level, 'county'))).for('update');
    if (!county) return fail({ form: '没有这个县' }, 404);
    if (!can(actor, 'zone.manage', { scopeCode: county.code })) return fail({ form: '只有县纪委监委可以设定基础任务指标' }, 403);
    const own = new Set((await tx.select({ id: zones.id }).from(zones).where(eq(zones.countyCode, county.code))).map((z) => z.id));
    if (targets.some((t) => !own.has(t.zoneId))) return fail({ form: '只能为本县的片区设定指标' });
    for (const target of targets) {
      await tx
        .insert(zoneTargets)
        .values({ zoneId: target.zoneId, period, tasks: target.tasks, cases: target.cases, setBy: actor.id })
        .onConflictDoUpdate({ target: [zoneTargets.zoneId, zoneTargets.period], set: { tasks: target.tasks, cases: target.cases, setBy: actor.id, setAt: new Date() } });
    }
    await recordAudit(tx, { actor, action: 'zone.targetsSet', subjectType: 'zone', subjectId: county.code, scopeCode: county.code, detail: { period, zones: targets.length } });
    return ok();
  });
}

const SharesSchema = z.object({
  complaintId: z.string().min(1),
  shares: z
    .array(z.object({ zoneId: z.string().min(1), percent: z.coerce.number().int('贡献率应为整数').min(1, '贡献率应在1%至100%之间').max(100, '贡献率应在1%至100%之间') }))
    .min(1, '请至少填写一个片区的贡献率'),
});

/**
 * Records a case's contribution shares: zones of the case's county, each once, whole percent
 * summing to 100. The case row is locked; its zone must be among them. Replaces earlier shares.
 */
export async function recordShares(db: Db, actor: Actor, input: unknown): Promise<Result> {
  const parsed = SharesSchema.safeParse(input);
  if (!parsed.success) return fail({ shares: parsed.error.issues[0]!.message });
  const { complaintId, shares } = parsed.data;
  if (new Set(shares.map((s) => s.zoneId)).size !== shares.length) return fail({ shares: '每个片区只填写一次贡献率' });
  const total = shares.reduce((sum, s) => sum + s.percent, 0);
  if (total !== 100) return fail({ shares: `各片区贡献率合计应为100%，现为${total}%` });
  return db.transaction(async (tx) => {
    const [complaint] = await tx.select({ id: complaints.id, routed: complaints.routedScopeCode, zoneId: complaints.zoneId }).from(complaints).where(eq(complaints.id, complaintId)).for('update');
    if (!complaint || !can(actor, 'zone.manage', { scopeCode: complaint.routed })) return fail({ form: '没有找到该案件' }, 404);
    const own = new Set((await tx.select({ id: zones.id }).from(zones).where(eq(zones.countyCode, complaint.routed))).map((z) => z.id));
    if (shares.some((s) => !own.has(s.zoneId))) return fail({ shares: '只能填写本县的片区' });
    if (!complaint.zoneId || !shares.some((s) => s.zoneId === complaint.zoneId)) return fail({ shares: '承办片区应在贡献片区之中' });
    await tx.delete(zoneCaseShares).where(eq(zoneCaseShares.complaintId, complaint.id));
    await tx.insert(zoneCaseShares).values(shares.map((s) => ({ complaintId: complaint.id, zoneId: s.zoneId, percent: s.percent, recordedBy: actor.id })));
    await recordAudit(tx, { actor, action: 'complaint.zoneShares', subjectType: 'complaint', subjectId: complaint.id, scopeCode: complaint.routed, detail: { shares: shares.map((s) => s.percent) } });
    return ok();
  });
}

export interface AssessmentRow {
  zoneId: string;
  zoneName: string;
  taskTarget: number;
  tasksCompleted: number;
  caseTarget: number;
  casesConcluded: number;
  casesSubstantiated: number;
  /** This zone's substantiated cases beyond its case target. */
  extraCases: number;
  /** Points from extra cases (its own and others'), by contribution share; two decimals. */
  points: number;
  /** Whether the two base targets are met. */
  targetsMet: boolean;
}

export interface Assessment {
  countyCode: string;
  countyName: string;
  period: string;
  from: string;
  to: string;
  rows: AssessmentRow[];
  totals: Omit<AssessmentRow, 'zoneId' | 'zoneName' | 'targetsMet'>;
}

const SUBSTANTIATED = new Set(['substantiated', 'partly']);

/** The assessment table of a county for a period, or null when the period or county is not one. */
export async function assessment(db: DbOrTx, countyCode: string, period: string): Promise<Assessment | null> {
  const range = periodRange(period);
  if (!range) return null;
  const [county] = await db.select({ code: areas.code, name: areas.name }).from(areas).where(and(eq(areas.code, countyCode), eq(areas.level, 'county')));
  if (!county) return null;
  const list = await db.select({ id: zones.id, name: zones.name }).from(zones).where(eq(zones.countyCode, countyCode)).orderBy(asc(zones.name));
  const ids = list.map((z) => z.id);
  const targets = ids.length ? await db.select().from(zoneTargets).where(and(inArray(zoneTargets.zoneId, ids), eq(zoneTargets.period, period))) : [];
  const tasks = ids.length
    ? await db
        .select({ zoneId: zoneTasks.zoneId })
        .from(zoneTasks)
        .where(and(inArray(zoneTasks.zoneId, ids), isNotNull(zoneTasks.resultOn), gte(zoneTasks.resultOn, range.from), lte(zoneTasks.resultOn, range.to)))
    : [];
  const concluded = ids.length
    ? await db
        .select({ id: complaints.id, zoneId: complaints.zoneId, finding: complaints.finding, on: complaintEvents.on })
        .from(complaints)
        .innerJoin(complaintEvents, and(eq(complaintEvents.complaintId, complaints.id), eq(complaintEvents.kind, 'concluded')))
        .where(and(inArray(complaints.zoneId, ids), eq(complaints.status, 'concluded'), gte(complaintEvents.on, range.from), lte(complaintEvents.on, range.to)))
        .orderBy(asc(complaintEvents.on), asc(complaints.id))
    : [];
  const extraIds: string[] = [];
  const rows: AssessmentRow[] = list.map((zone) => {
    const target = targets.find((t) => t.zoneId === zone.id);
    const mine = concluded.filter((c) => c.zoneId === zone.id);
    const substantiated = mine.filter((c) => c.finding && SUBSTANTIATED.has(c.finding));
    const caseTarget = target?.cases ?? 0;
    const extra = substantiated.slice(caseTarget);
    extraIds.push(...extra.map((c) => c.id));
    const tasksCompleted = tasks.filter((t) => t.zoneId === zone.id).length;
    return {
      zoneId: zone.id,
      zoneName: zone.name,
      taskTarget: target?.tasks ?? 0,
      tasksCompleted,
      caseTarget,
      casesConcluded: mine.length,
      casesSubstantiated: substantiated.length,
      extraCases: extra.length,
      points: 0,
      targetsMet: tasksCompleted >= (target?.tasks ?? 0) && substantiated.length >= caseTarget,
    };
  });
  // Points in hundredths, so that shares of one case always add up to exactly one point.
  const hundredths = new Map<string, number>();
  const shares = extraIds.length ? await db.select().from(zoneCaseShares).where(inArray(zoneCaseShares.complaintId, extraIds)) : [];
  for (const id of extraIds) {
    const mine = shares.filter((s) => s.complaintId === id);
    const split = mine.length ? mine : [{ zoneId: concluded.find((c) => c.id === id)!.zoneId!, percent: 100 }];
    for (const share of split) hundredths.set(share.zoneId, (hundredths.get(share.zoneId) ?? 0) + share.percent);
  }
  for (const row of rows) row.points = (hundredths.get(row.zoneId) ?? 0) / 100;
  const sum = (key: keyof Assessment['totals']) => rows.reduce((total, row) => total + row[key], 0);
  return {
    countyCode,
    countyName: county.name,
    period,
    ...range,
    rows,
    totals: {
      taskTarget: sum('taskTarget'),
      tasksCompleted: sum('tasksCompleted'),
      caseTarget: sum('caseTarget'),
      casesConcluded: sum('casesConcluded'),
      casesSubstantiated: sum('casesSubstantiated'),
      extraCases: sum('extraCases'),
      points: Math.round(sum('points') * 100) / 100,
    },
  };
}
