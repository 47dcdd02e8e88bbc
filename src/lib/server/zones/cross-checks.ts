/**
 * Cross-checks (地地交叉检查): the county commission schedules one of its zones, or a township
 * commission, to inspect another township's matters — never its own (回避): a zone may not inspect
 * one of its own townships, a township commission not its own township. The inspecting side records
 * findings: the members of the inspecting zone, or the commission accounts of the inspecting
 * township. A finding may name a supervision opinion raised on the inspected township's ledgers
 * (accounts/supervision.ts raiseOpinion, by whoever may raise it there: the link is checked to be
 * of that township) or note the case opened on it; there is no second intake.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { zones } from '../../../../db/schema/complaints.ts';
import { supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { zoneCrossCheckFindings, zoneCrossChecks, type ZoneCrossCheckRow } from '../../../../db/schema/zones.ts';
import { isWithin } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';
import { memberIdsOf } from './members.ts';

export const OWN_ZONE_REFUSED = '回避：检查方不能检查本片区的乡镇，请另选被检查乡镇或检查方';
export const OWN_TOWNSHIP_REFUSED = '回避：乡镇纪委不能检查本乡镇，请另选被检查乡镇或检查方';

const ScheduleSchema = z.object({
  countyCode: z.string().regex(/^\d{12}$/),
  /** `zone:<id>` or `township:<code>`. */
  inspector: z.string().regex(/^(zone|township):.+$/, '请选择检查方：片区或乡镇纪委'),
  inspectedTownshipCode: z.string().regex(/^\d{12}$/, '请选择被检查乡镇'),
  subject: visibleText({ label: '检查内容', min: 4, max: 200 }),
  dueOn: z.string().refine(isIsoDate, '请填写完成日期，如2026-12-31'),
});

/**
 * Schedules a cross-check. The county's area row is locked (as zone edits lock it), so a zone's
 * townships cannot change between the 回避 check and the insert.
 */
export async function scheduleCrossCheck(db: Db, actor: Actor, input: unknown, today = todayInShanghai()): Promise<Result<{ id: string }>> {
  const parsed = ScheduleSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const check = parsed.data;
  if (check.dueOn < today) return fail({ dueOn: '完成日期不能早于今天' });
  return db.transaction(async (tx) => {
    const [county] = await tx.select({ code: areas.code }).from(areas).where(and(eq(areas.code, check.countyCode), eq(areas.level, 'county'))).for('update');
    if (!county) return fail({ form: '没有这个县' }, 404);
    if (!can(actor, 'zone.manage', { scopeCode: county.code })) return fail({ form: '只有县纪委监委可以安排交叉检查' }, 403);
    const [inspected] = await tx.select({ code: areas.code, parent: areas.parentCode }).from(areas).where(eq(areas.code, check.inspectedTownshipCode));
    if (!inspected || inspected.parent !== county.code) return fail({ inspectedTownshipCode: '请选择本县的乡镇' });
    const [kind, ref] = [check.inspector.slice(0, check.inspector.indexOf(':')), check.inspector.slice(check.inspector.indexOf(':') + 1)];
    let inspectingZoneId: string | null = null;
    let inspectingTownshipCode: string | null = null;
    if (kind === 'zone') {
      const [zone] = await tx.select().from(zones).where(eq(zones.id, ref));
      if (!zone || zone.countyCode !== county.code) return fail({ inspector: '请选择本县的片区' });
      if (zone.townshipCodes.includes(inspected.code)) return fail({ inspectedTownshipCode: OWN_ZONE_REFUSED });
      inspectingZoneId = zone.id;
    } else {
      const [township] = await tx.select({ code: areas.code, parent: areas.parentCode }).from(areas).where(eq(areas.code, ref));
      if (!township || township.parent !== county.code) return fail({ inspector: '请选择本县的乡镇纪委' });
      if (township.code === inspected.code) return fail({ inspectedTownshipCode: OWN_TOWNSHIP_REFUSED });
      inspectingTownshipCode = township.code;
    }
    const id = crypto.randomUUID();
    await tx.insert(zoneCrossChecks).values({
      id,
      countyCode: county.code,
      inspectingZoneId,
      inspectingTownshipCode,
      inspectedTownshipCode: inspected.code,
      subject: check.subject,
      scheduledOn: today,
      dueOn: check.dueOn,
      scheduledBy: actor.id,
    });
    await recordAudit(tx, { actor, action: 'zone.crossCheckScheduled', subjectType: 'zone', subjectId: inspectingZoneId ?? inspectingTownshipCode!, scopeCode: county.code, detail: { crossCheck: id, inspected: inspected.code } });
    return ok({ id });
  });
}

const FindingSchema = z.object({
  crossCheckId: z.string().min(1),
  body: visibleText({ label: '检查发现', min: 4, max: 2000 }),
  opinionId: z
    .string()
    .trim()
    .regex(/^\d{0,9}$/, '监督意见编号应为数字')
    .optional(),
  caseNote: visibleText({ label: '立案情况', max: 200 }).optional(),
});

/** Whether the actor is on the inspecting side of a cross-check; with `lock`, the zone row is shared-locked first (an edit of its members is before or after). */
async function mayRecord(tx: DbOrTx, actor: Actor, check: ZoneCrossCheckRow, lock = false): Promise<boolean> {
  if (check.inspectingZoneId) {
    if (lock) await tx.select({ id: zones.id }).from(zones).where(eq(zones.id, check.inspectingZoneId)).for('share');
    return can(actor, 'zone.work', { memberIds: await memberIdsOf(tx, check.inspectingZoneId) });
  }
  // A township commission's own accounts: their scope is the inspecting township.
  return can(actor, 'zone.work') && actor.scopeCode === check.inspectingTownshipCode;
}

/** The inspecting side records a finding, optionally naming the opinion it raised or the case it led to. */
export async function recordFinding(db: Db, actor: Actor, input: unknown): Promise<Result<{ id: number }>> {
  const parsed = FindingSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const finding = parsed.data;
  return db.transaction(async (tx) => {
    const [check] = await tx.select().from(zoneCrossChecks).where(eq(zoneCrossChecks.id, finding.crossCheckId)).for('update');
    if (!check) return fail({ form: '没有找到该交叉检查' }, 404);
    if (!(await mayRecord(tx, actor, check, true))) return fail({ form: '只有检查方可以记录检查发现' }, 403);
    let opinionId: number | null = null;
    if (finding.opinionId) {
      const [opinion] = await tx.select({ id: supervisionOpinions.id, village: supervisionOpinions.villageCode }).from(supervisionOpinions).where(eq(supervisionOpinions.id, Number(finding.opinionId)));
      if (!opinion || !isWithin(check.inspectedTownshipCode, opinion.village)) return fail({ opinionId: '没有找到被检查乡镇的这条监督意见' });
      opinionId = opinion.id;
    }
    const [created] = await tx
      .insert(zoneCrossCheckFindings)
      .values({ crossCheckId: check.id, body: finding.body, opinionId, caseNote: finding.caseNote || null, recordedBy: actor.id })
      .returning({ id: zoneCrossCheckFindings.id });
    await recordAudit(tx, { actor, action: 'zone.crossCheckFinding', subjectType: 'zone', subjectId: check.inspectingZoneId ?? check.inspectingTownshipCode!, scopeCode: check.countyCode, detail: { crossCheck: check.id, finding: created!.id, opinion: opinionId } });
    return ok({ id: created!.id });
  });
}

export interface CrossCheckView {
  check: ZoneCrossCheckRow;
  inspector: string;
  inspected: string;
  overdue: boolean;
  findings: { id: number; body: string; opinionId: number | null; caseNote: string | null; by: string | null; at: Date }[];
}

/** A county's cross-checks with their findings; with `actor`, only those the actor inspects for. */
export async function listCrossChecks(db: DbOrTx, countyCode: string, options: { actor?: Actor; today?: string } = {}): Promise<CrossCheckView[]> {
  const today = options.today ?? todayInShanghai();
  let rows = await db.select().from(zoneCrossChecks).where(eq(zoneCrossChecks.countyCode, countyCode)).orderBy(desc(zoneCrossChecks.dueOn));
  if (options.actor) {
    const mine: ZoneCrossCheckRow[] = [];
    for (const row of rows) if (await mayRecord(db, options.actor, row)) mine.push(row);
    rows = mine;
  }
  if (!rows.length) return [];
  const codes = [...new Set(rows.flatMap((r) => [r.inspectedTownshipCode, ...(r.inspectingTownshipCode ? [r.inspectingTownshipCode] : [])]))];
  const names = new Map((await db.select({ code: areas.code, name: areas.name }).from(areas).where(inArray(areas.code, codes))).map((a) => [a.code, a.name]));
  const zoneNames = new Map((await db.select({ id: zones.id, name: zones.name }).from(zones).where(eq(zones.countyCode, countyCode))).map((z) => [z.id, z.name]));
  const findings = await db
    .select({ crossCheckId: zoneCrossCheckFindings.crossCheckId, id: zoneCrossCheckFindings.id, body: zoneCrossCheckFindings.body, opinionId: zoneCrossCheckFindings.opinionId, caseNote: zoneCrossCheckFindings.caseNote, by: users.displayName, at: zoneCrossCheckFindings.recordedAt })
    .from(zoneCrossCheckFindings)
    .leftJoin(users, eq(users.id, zoneCrossCheckFindings.recordedBy))
    .where(inArray(zoneCrossCheckFindings.crossCheckId, rows.map((r) => r.id)))
    .orderBy(asc(zoneCrossCheckFindings.id));
  return rows.map((check) => {
    const mine = findings.filter((f) => f.crossCheckId === check.id).map(({ crossCheckId: _c, ...f }) => f);
    return {
      check,
      inspector: check.inspectingZoneId ? (zoneNames.get(check.inspectingZoneId) ?? '') : `${names.get(check.inspectingTownshipCode!) ?? ''}纪委`,
      inspected: names.get(check.inspectedTownshipCode) ?? '',
      overdue: mine.length === 0 && check.dueOn < today,
      findings: mine,
    };
  });
}
