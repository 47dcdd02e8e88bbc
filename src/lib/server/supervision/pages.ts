/**
 * The staff pages of escalated supervision, one call per request each: /staff/escalated (the
 * designations of the commission's scope, with the designate, end and leader forms; for a township
 * commission only the villages it leads) and /staff/integrity/{code} (a village's picture, its
 * designation's history and the leader's and the commission's forms). A posted form that fails
 * comes back with its errors and what was typed, under the name of the form it came from.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { isWithin, levelOfCode, subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import { caseResource } from '../complaints/cases.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors, Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import {
  activeDesignation,
  assignLeader,
  designate,
  designationEvents,
  designationResource,
  endDesignation,
  leaderChoices,
  listDesignations,
  recordLeaderStep,
  type DesignationEvent,
  type DesignationView,
} from './escalated.ts';
import { rankVillages, villagePicture, type IntegrityFigures, type RankedVillage } from './integrity.ts';
import { judgeableQuarters, listJudgements, writeJudgement, type JudgementView } from './judgements.ts';
import { villageZoneTasks, type TaskView } from '../zones/tasks.ts';

type Posted = { form: string; designationId?: string; values: Record<string, string>; errors: FieldErrors; status?: number };

/** Where a page sends the request instead of rendering itself. */
export type Elsewhere = { kind: 'redirect'; location: string } | { kind: 'forbidden' } | { kind: 'notFound' };

export type EscalatedPage =
  | Elsewhere
  | {
      kind: 'page';
      status: number;
      mayDesignate: boolean;
      designations: DesignationView[];
      villages: Array<{ code: string; name: string }>;
      leaders: Map<string, Array<{ id: string; displayName: string }>>;
      posted: Posted | null;
    };

/**
 * A refused command after the form was read: the page again with its message and the command's
 * status (403, 404) or 400 — never a rewrite, which Astro cannot do once the body is read.
 */
function postedStatus(posted: Posted | null): number {
  return posted ? (posted.status ?? 400) : 200;
}

export async function escalatedPage(db: Db, actor: Actor, request: Request): Promise<EscalatedPage> {
  const mayDesignate = can(actor, 'escalated.designate');
  let posted: Posted | null = null;
  if (request.method === 'POST') {
    // Only the commissions that designate post here (asked before the body is read, so the 403 page can render).
    if (!mayDesignate) return { kind: 'forbidden' };
    const { fields } = await readForm(request);
    const form = fields.form ?? '';
    const designationId = fields.designationId ?? '';
    let result: Result<unknown>;
    if (form === 'designate') result = await designate(db, actor, { villageCode: fields.villageCode ?? '', reason: fields.reason ?? '', startsOn: fields.startsOn ?? '', reviewOn: fields.reviewOn ?? '' });
    else if (form === 'end') result = await endDesignation(db, actor, { designationId, reason: fields.reason ?? '' });
    else if (form === 'leader') result = await assignLeader(db, actor, { designationId, leaderId: fields.leaderId ?? '' });
    else result = { ok: false, errors: { form: '请从页面上的表单提交' } };
    if (result.ok) return { kind: 'redirect', location: `/staff/escalated?done=${form}` };
    posted = { form, designationId, values: fields, errors: result.errors, ...(result.status ? { status: result.status } : {}) };
  }
  const designations = await listDesignations(db, actor);
  let villages: Array<{ code: string; name: string }> = [];
  const leaders = new Map<string, Array<{ id: string; displayName: string }>>();
  if (mayDesignate && actor.scopeCode) {
    const { from, to } = subtreeRange(actor.scopeCode);
    const designated = new Set(designations.filter((d) => !d.endedOn).map((d) => d.villageCode));
    const rows = await db.select({ code: areas.code, name: areas.name }).from(areas).where(and(eq(areas.level, 'village'), gte(areas.code, from), lt(areas.code, to))).orderBy(asc(areas.code)).limit(2000);
    villages = rows.filter((row) => !designated.has(row.code));
    for (const row of designations.filter((d) => !d.endedOn)) leaders.set(row.id, await leaderChoices(db, row));
  }
  return { kind: 'page', status: postedStatus(posted), mayDesignate, designations, villages, leaders, posted };
}

// ---------------------------------------------------------------- /staff/integrity

export type IntegrityListPage =
  | { kind: 'forbidden' }
  | { kind: 'page'; scope: { code: string; name: string }; townships: Array<{ code: string; name: string }>; ranked: Array<RankedVillage & { designated: boolean }> };

/** The ranked list of the villages of the actor's county or city, or of one township of it (?scope=). */
export async function integrityListPage(db: Db, actor: Actor, url: URL): Promise<IntegrityListPage> {
  if (!can(actor, 'integrity.view') || !actor.scopeCode) return { kind: 'forbidden' };
  const asked = url.searchParams.get('scope') ?? '';
  const scopeCode = /^\d{12}$/.test(asked) && isWithin(actor.scopeCode, asked) && levelOfCode(asked) !== 'village' ? asked : actor.scopeCode;
  const [scope] = await db.select({ code: areas.code, name: areas.name }).from(areas).where(eq(areas.code, scopeCode));
  const county = levelOfCode(scopeCode) === 'township' ? `${scopeCode.slice(0, 6)}000000` : scopeCode;
  const { from, to } = subtreeRange(levelOfCode(actor.scopeCode) === 'county' ? actor.scopeCode : county);
  const townships = await db.select({ code: areas.code, name: areas.name }).from(areas).where(and(eq(areas.level, 'township'), gte(areas.code, from), lt(areas.code, to))).orderBy(asc(areas.code));
  const ranked = await rankVillages(db, scopeCode);
  return { kind: 'page', scope: scope ?? { code: scopeCode, name: scopeCode }, townships, ranked: ranked.map((row) => ({ ...row, designated: row.figures.designationId !== null })) };
}

export type VillagePicturePage =
  | Elsewhere
  | {
      kind: 'page';
      status: number;
      village: { code: string; name: string };
      figures: IntegrityFigures;
      /** Which substantiated cases this viewer may open (the permission module decides). */
      linkable: Set<string>;
      designation: { id: string; reason: string; startsOn: string; reviewOn: string } | null;
      events: DesignationEvent[];
      judgements: JudgementView[];
      /** 监督力量提级统筹: the zone tasks about the village (the zones module assigns them). */
      zoneTasks: TaskView[];
      mayLead: boolean;
      mayJudge: boolean;
      /** Whether the viewer may list the village's reminders and talks (/staff/talks?area=). */
      mayListTalks: boolean;
      quarters: string[];
      posted: Posted | null;
    };

export async function villagePicturePage(db: Db, actor: Actor, code: string, request: Request): Promise<VillagePicturePage> {
  if (!/^\d{12}$/.test(code) || levelOfCode(code) !== 'village') return { kind: 'notFound' };
  const current = await activeDesignation(db, code);
  if (!can(actor, 'integrity.view', { scopeCode: code, leaderId: current?.leaderId ?? null })) return { kind: 'forbidden' };
  let posted: Posted | null = null;
  if (request.method === 'POST') {
    const { fields } = await readForm(request);
    const form = fields.form ?? '';
    const designationId = current?.id ?? '';
    let result: Result<unknown>;
    if (form === 'visit') result = await recordLeaderStep(db, actor, { designationId, kind: fields.kind ?? '', occurredOn: fields.occurredOn ?? '', body: fields.body ?? '' });
    else if (form === 'judgement') result = await writeJudgement(db, actor, { designationId, quarter: fields.quarter ?? '', body: fields.body ?? '' });
    else result = { ok: false, errors: { form: '请从页面上的表单提交' } };
    if (result.ok) return { kind: 'redirect', location: `/staff/integrity/${code}?done=${form}` };
    posted = { form, values: fields, errors: result.errors, ...(result.status ? { status: result.status } : {}) };
  }
  const picture = await villagePicture(db, code);
  if (!picture) return { kind: 'notFound' };
  const designation = current ?? null;
  const [events, judgements, zoneTasks] = await Promise.all([designation ? designationEvents(db, [designation.id]) : Promise.resolve([]), listJudgements(db, code), designation ? villageZoneTasks(db, code) : Promise.resolve([])]);
  const linkable = new Set<string>();
  for (const point of picture.figures.points) {
    if (point.source === 'finding' && can(actor, 'complaint.handle', caseResource({ ...point, subjectLevel: point.subjectLevel as never }))) linkable.add(point.complaintId);
  }
  const mayJudge = !!designation && can(actor, 'escalated.designate', { scopeCode: code }) && !!actor.scopeCode && isWithin(actor.scopeCode, designation.commissionCode);
  return {
    kind: 'page',
    status: postedStatus(posted),
    village: { code, name: picture.village.name },
    figures: picture.figures,
    linkable,
    designation: designation && { id: designation.id, reason: designation.reason, startsOn: designation.startsOn, reviewOn: designation.reviewOn },
    events,
    judgements,
    zoneTasks,
    mayLead: !!designation && can(actor, 'escalated.lead', designationResource(designation)),
    mayJudge,
    mayListTalks: can(actor, 'talks.view', { scopeCode: code }),
    quarters: judgeableQuarters(todayInShanghai()),
    posted,
  };
}

/** A judgement to print, for whoever may see the village's picture. */
export async function judgementPrintPage(db: Db, actor: Actor, code: string, id: string): Promise<{ kind: 'forbidden' } | { kind: 'notFound' } | { kind: 'page'; villageName: string; judgement: JudgementView }> {
  if (!/^\d{12}$/.test(code) || !/^\d{1,12}$/.test(id)) return { kind: 'notFound' };
  const current = await activeDesignation(db, code);
  if (!can(actor, 'integrity.view', { scopeCode: code, leaderId: current?.leaderId ?? null })) return { kind: 'forbidden' };
  const judgement = (await listJudgements(db, code)).find((row) => row.id === Number(id));
  if (!judgement) return { kind: 'notFound' };
  const [village] = await db.select({ name: areas.name }).from(areas).where(eq(areas.code, code));
  return { kind: 'page', villageName: village?.name ?? code, judgement };
}

