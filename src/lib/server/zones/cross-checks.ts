/**
 * Cross-checks (地地交叉检查): the county commission schedules one of its zones, or a township
 * commission, to inspect another township's matters — never its own (回避): a zone may not inspect
 * one of its own townships, a township commission not its own township. The inspecting side records
 * findings: the members of the inspecting zone, or the commission accounts of the inspecting
 * township. What a finding leads to is done with it, in its one transaction:
 * - it raises a supervision opinion on a period of one of the inspected township's villages, through
 *   supervision's own raiseOpinion (accounts/supervision.ts, as a savepoint), which asks the
 *   permission module whether this account may raise it there (a county account may; a township
 *   commission inspecting another township may not, and leaves it to the county) — or it names an
 *   opinion already raised there;
 * - it opens a case through the one intake (complaints/intake.ts, channel `cross_check`), routed as
 *   any complaint (the county, or the city for county leaders), its text the finding's, with no
 *   reporter (no identity row: the finding says who found it); the finding names the case;
 * - or it notes a case the commission opened otherwise.
 * A refusal of either leaves nothing written: neither the finding, nor the opinion, nor the case.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { zones } from '../../../../db/schema/complaints.ts';
import { raiseOpinion } from '../accounts/supervision.ts';
import { caseNumberOf, formatCaseNumber } from '../complaints/case-numbers.ts';
import { intakeComplaint } from '../complaints/intake.ts';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { complaints, COMPLAINT_CATEGORIES, SUBJECT_LEVELS } from '../../../../db/schema/complaints.ts';
import { supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { zoneCrossCheckFindings, zoneCrossChecks, type ZoneCrossCheckRow } from '../../../../db/schema/zones.ts';
import { isAreaCode, isWithin } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
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
  /** A new supervision opinion raised with the finding: the period (a disclosure of the inspected township), its text, its due day. */
  opinionDisclosureId: z.string().trim().regex(/^\d{0,12}$/, '请选择被检查乡镇的村和账期').optional(),
  opinionBody: z.string().optional(),
  opinionDueOn: z.string().optional(),
  /** A case opened with the finding: the place (the inspected township or one of its villages), category, who it is about, a title. */
  caseAreaCode: z.string().trim().optional(),
  caseCategory: z.string().trim().optional(),
  caseSubjectLevel: z.string().trim().optional(),
  caseTitle: z.string().optional(),
});

export type FindingInput = z.input<typeof FindingSchema>;

/** A refusal found after something was written in the finding's transaction: thrown to roll it all back. */
class Refusal extends Error {
  readonly result: Result<never>;
  constructor(result: Result<never>) {
    super('refused');
    this.result = result;
  }
}

const OPINION_FIELDS: Record<string, string> = { opinion: 'opinionBody', dueOn: 'opinionDueOn', lineNo: 'opinionDisclosureId' };
const CASE_FIELDS: Record<string, string> = { title: 'caseTitle', category: 'caseCategory', subjectLevel: 'caseSubjectLevel', areaCode: 'caseAreaCode', villageCode: 'caseAreaCode', content: 'body' };
const rename = (errors: FieldErrors, names: Record<string, string>): FieldErrors => Object.fromEntries(Object.entries(errors).map(([key, message]) => [names[key] ?? key, message]));
const filled = (value: string | undefined) => !!value && value.trim() !== '';

/**
 * Opens the case of a finding through the one intake (channel `cross_check`), inside the finding's
 * transaction. The place is checked to lie in the inspected township; the intake validates the rest.
 */
async function openCase(tx: DbOrTx, actor: Actor, inspectedTownshipCode: string, finding: z.output<typeof FindingSchema>): Promise<Result<{ complaintId: string }>> {
  const areaCode = finding.caseAreaCode ?? '';
  if (!isAreaCode(areaCode) || !isWithin(inspectedTownshipCode, areaCode)) return fail({ caseAreaCode: '请选择被检查乡镇或它的村' });
  if (!(COMPLAINT_CATEGORIES as readonly string[]).includes(finding.caseCategory ?? '')) return fail({ caseCategory: '请选择问题类别' });
  if (!(SUBJECT_LEVELS as readonly string[]).includes(finding.caseSubjectLevel ?? '')) return fail({ caseSubjectLevel: '请选择被反映人的层级' });
  const filed = await intakeComplaint(tx, {
    channel: 'cross_check',
    client: actor.id,
    read: async () => ({
      input: {
        category: finding.caseCategory,
        areaCode,
        subjectLevel: finding.caseSubjectLevel,
        title: finding.caseTitle ?? '',
        content: finding.body,
        // No reporter: the commission found it; the finding names who recorded it.
        anonymous: true,
      },
      pow: undefined,
    }),
    keepMetadata: false,
  });
  if (filed.ok) return ok({ complaintId: filed.value.complaintId });
  const refusal = filed.errors;
  if (refusal.code === 'invalid') {
    const errors = rename(refusal.fields, CASE_FIELDS);
    if (errors.body) errors.body = `立案时${errors.body}`;
    return fail(errors);
  }
  if (refusal.code === 'rate_limited') return fail({ form: '本账号今天立案登记的次数已达上限，请明天再试或由县纪委监委登记' }, 429);
  return fail({ form: '系统暂时出错，检查发现和立案都没有保存，请稍后再试' }, 503);
}

/** Whether the actor is on the inspecting side of a cross-check; with `lock`, the zone row is shared-locked first (an edit of its members is before or after). */
async function mayRecord(tx: DbOrTx, actor: Actor, check: ZoneCrossCheckRow, lock = false): Promise<boolean> {
  if (check.inspectingZoneId) {
    if (lock) await tx.select({ id: zones.id }).from(zones).where(eq(zones.id, check.inspectingZoneId)).for('share');
    return can(actor, 'zone.work', { memberIds: await memberIdsOf(tx, check.inspectingZoneId) });
  }
  // A township commission's own accounts: their scope is the inspecting township.
  return can(actor, 'zone.work') && actor.scopeCode === check.inspectingTownshipCode;
}

/**
 * The inspecting side records a finding, and with it what it leads to: a new supervision opinion
 * (`opinionBody` with `opinionDisclosureId` and `opinionDueOn`) or an existing one (`opinionId`), a
 * case opened through the one intake (`caseTitle` with `caseAreaCode`, `caseCategory`,
 * `caseSubjectLevel`; its text is the finding's) or a note of a case opened otherwise. All in one
 * transaction: a refusal of any part writes nothing. The same finding sent twice for a check is
 * refused (a second click must not open a second case).
 */
export async function recordFinding(db: Db, actor: Actor, input: unknown, today = todayInShanghai()): Promise<Result<{ id: number; opinionId: number | null; complaintId: string | null }>> {
  const parsed = FindingSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const finding = parsed.data;
  const raising = filled(finding.opinionBody) || filled(finding.opinionDisclosureId);
  const opening = filled(finding.caseTitle);
  if (raising && finding.opinionId) return fail({ opinionId: '已填写新的监督意见时，不再填写已有意见的编号' });
  try {
    return await db.transaction(async (tx) => {
      const [check] = await tx.select().from(zoneCrossChecks).where(eq(zoneCrossChecks.id, finding.crossCheckId)).for('update');
      if (!check) return fail({ form: '没有找到该交叉检查' }, 404);
      if (!(await mayRecord(tx, actor, check, true))) return fail({ form: '只有检查方可以记录检查发现' }, 403);
      const [same] = await tx.select({ id: zoneCrossCheckFindings.id }).from(zoneCrossCheckFindings).where(and(eq(zoneCrossCheckFindings.crossCheckId, check.id), eq(zoneCrossCheckFindings.body, finding.body)));
      if (same) return fail({ body: '这条检查发现已经记录过了' }, 409);
      let opinionId: number | null = null;
      if (finding.opinionId) {
        const [opinion] = await tx.select({ id: supervisionOpinions.id, village: supervisionOpinions.villageCode }).from(supervisionOpinions).where(eq(supervisionOpinions.id, Number(finding.opinionId)));
        if (!opinion || !isWithin(check.inspectedTownshipCode, opinion.village)) return fail({ opinionId: '没有找到被检查乡镇的这条监督意见' });
        opinionId = opinion.id;
      }
      if (raising) {
        // The period must be one of the inspected township's villages; raiseOpinion checks the rest and who may raise it.
        const [period] = filled(finding.opinionDisclosureId) ? await tx.select({ id: disclosures.id, village: disclosures.villageCode }).from(disclosures).where(eq(disclosures.id, Number(finding.opinionDisclosureId))) : [];
        if (!period || !isWithin(check.inspectedTownshipCode, period.village)) return fail({ opinionDisclosureId: '请选择被检查乡镇的村和账期' });
        const raised = await raiseOpinion(tx, actor, { disclosureId: period.id, body: finding.opinionBody ?? '', dueOn: finding.opinionDueOn ?? '' }, today);
        // Nothing is written yet when it is refused: the answer can go back as it is.
        if (!raised.ok) {
          const errors = rename(raised.errors, OPINION_FIELDS);
          // Not a refusal of the finding: the form comes back with what was typed and says who raises it.
          if (raised.status === 403) return fail({ opinionBody: '本账号不能对被检查乡镇提出监督意见，请只记录发现，由县纪委监委提出；或填写已有意见的编号' });
          return fail(errors);
        }
        opinionId = raised.value.id;
      }
      let complaintId: string | null = null;
      if (opening) {
        const opened = await openCase(tx, actor, check.inspectedTownshipCode, finding);
        if (!opened.ok) throw new Refusal(opened);
        complaintId = opened.value.complaintId;
      }
      const [created] = await tx
        .insert(zoneCrossCheckFindings)
        .values({ crossCheckId: check.id, body: finding.body, opinionId, caseNote: finding.caseNote || null, complaintId, recordedBy: actor.id })
        .returning({ id: zoneCrossCheckFindings.id });
      await recordAudit(tx, {
        actor,
        action: 'zone.crossCheckFinding',
        subjectType: 'zone',
        subjectId: check.inspectingZoneId ?? check.inspectingTownshipCode!,
        scopeCode: check.countyCode,
        detail: { crossCheck: check.id, finding: created!.id, opinion: opinionId, raised: raising },
      });
      // The case it opened is the complaint log's business: an entry about the complaint, which only
      // those who may handle the case see (audit.ts), never a complaint id in the zone's entry, which
      // administrators read (DESIGN.md §2: no trace of a case outside those who handle it).
      if (complaintId) {
        await recordAudit(tx, { actor, action: 'complaint.openedOnFinding', subjectType: 'complaint', subjectId: complaintId, scopeCode: check.countyCode, detail: { crossCheck: check.id, finding: created!.id } });
      }
      return ok({ id: created!.id, opinionId, complaintId });
    });
  } catch (error) {
    if (error instanceof Refusal) return error.result;
    throw error;
  }
}

/** A finding as listed: what it led to, with the case's number and what the permission module needs to link it. */
export interface FindingView {
  id: number;
  body: string;
  opinionId: number | null;
  caseNote: string | null;
  case: { id: string; number: string; routedScopeCode: string; assigneeId: string | null; handedDownTo: string | null; subjectLevel: string; areaCode: string } | null;
  by: string | null;
  at: Date;
}

/** What the finding form offers for one inspected township: the places a case may be about and the recent periods an opinion may be raised on. */
export async function findingChoices(db: DbOrTx, townshipCode: string): Promise<{ places: Array<{ code: string; name: string }>; periods: Array<{ id: number; label: string }> }> {
  const [township] = await db.select({ code: areas.code, name: areas.name }).from(areas).where(eq(areas.code, townshipCode));
  const villages = await db.select({ code: areas.code, name: areas.name }).from(areas).where(eq(areas.parentCode, townshipCode)).orderBy(asc(areas.code));
  const names = new Map(villages.map((v) => [v.code, v.name]));
  const periods = villages.length
    ? await db
        .select({ id: disclosures.id, village: disclosures.villageCode, period: disclosures.period })
        .from(disclosures)
        .where(inArray(disclosures.villageCode, villages.map((v) => v.code)))
        .orderBy(asc(disclosures.villageCode), desc(disclosures.periodEnd))
    : [];
  const shown = new Map<string, number>();
  const recent = periods.filter((row) => {
    const n = (shown.get(row.village) ?? 0) + 1;
    shown.set(row.village, n);
    return n <= 4;
  });
  return {
    places: [...(township ? [township] : []), ...villages],
    periods: recent.map((row) => ({ id: row.id, label: `${names.get(row.village) ?? row.village} ${row.period}` })),
  };
}

export interface CrossCheckView {
  check: ZoneCrossCheckRow;
  inspector: string;
  inspected: string;
  overdue: boolean;
  findings: FindingView[];
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
    .select({
      crossCheckId: zoneCrossCheckFindings.crossCheckId,
      id: zoneCrossCheckFindings.id,
      body: zoneCrossCheckFindings.body,
      opinionId: zoneCrossCheckFindings.opinionId,
      caseNote: zoneCrossCheckFindings.caseNote,
      by: users.displayName,
      at: zoneCrossCheckFindings.recordedAt,
      complaint: {
        id: complaints.id,
        casePrefix: complaints.casePrefix,
        caseYear: complaints.caseYear,
        caseSeq: complaints.caseSeq,
        routedScopeCode: complaints.routedScopeCode,
        assigneeId: complaints.assigneeId,
        handedDownTo: complaints.handedDownTo,
        subjectLevel: complaints.subjectLevel,
        areaCode: complaints.areaCode,
      },
    })
    .from(zoneCrossCheckFindings)
    .leftJoin(users, eq(users.id, zoneCrossCheckFindings.recordedBy))
    .leftJoin(complaints, eq(complaints.id, zoneCrossCheckFindings.complaintId))
    .where(inArray(zoneCrossCheckFindings.crossCheckId, rows.map((r) => r.id)))
    .orderBy(asc(zoneCrossCheckFindings.id));
  return rows.map((check) => {
    const mine = findings
      .filter((f) => f.crossCheckId === check.id)
      .map(({ crossCheckId: _c, complaint, ...f }): FindingView => {
        const { casePrefix, caseYear, caseSeq, ...reach } = complaint ?? ({} as NonNullable<typeof complaint>);
        return { ...f, case: complaint ? { ...reach, number: formatCaseNumber(caseNumberOf({ casePrefix, caseYear, caseSeq })) } : null };
      });
    return {
      check,
      inspector: check.inspectingZoneId ? (zoneNames.get(check.inspectingZoneId) ?? '') : `${names.get(check.inspectingTownshipCode!) ?? ''}纪委`,
      inspected: names.get(check.inspectedTownshipCode) ?? '',
      overdue: mine.length === 0 && check.dueOn < today,
      findings: mine,
    };
  });
}
