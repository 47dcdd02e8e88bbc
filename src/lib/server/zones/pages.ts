/**
 * The staff pages of collaboration zones, one call per request each (the page renders what it
 * returns): /staff/zones (zones, members, figures; set up, or with ?zone= edit one and read its
 * history), /staff/zones/tasks (the county assigns; members record results),
 * /staff/zones/cross-checks (the county schedules; the inspecting side records findings) and
 * /staff/zones/assessment (targets and the printable table of a period). Forms are read from a
 * clone of the request, so a refusal found after reading can still be rendered as the 403 page.
 */
import { levelOfCode } from '../areas/codes.ts';
import { getCounty, listChildren } from '../areas/index.ts';
import { can } from '../auth/permissions.ts';
import { caseResource } from '../complaints/cases.ts';
import { zoneFigures, type ZoneFigures } from '../complaints/zones.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors, Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { assessment, periodRange, recordShares, setTargets, type Assessment } from './assessment.ts';
import { findingChoices, listCrossChecks, recordFinding, scheduleCrossCheck, type CrossCheckView } from './cross-checks.ts';
import { createZone, eligibleMembers, listZonesWithMembers, updateZone, zoneHistory, type EligibleAccount, type ZoneChange, type ZoneWithMembers } from './members.ts';
import { assignTask, CASE_NOT_FOUND, caseByNumber, countyTasks, myZoneTasks, recordTaskResult, type TaskView } from './tasks.ts';

type Outcome = { kind: 'redirect'; location: string } | { kind: 'forbidden' } | { kind: 'notFound' };
type Area = { code: string; name: string };

/** The county a page is about: ?county=, or the viewer's own county (a township's county for its commission). */
export function countyOf(params: URLSearchParams, scopeCode: string | null | undefined): string {
  const asked = params.get('county');
  if (asked) return asked;
  if (!scopeCode) return '';
  const level = levelOfCode(scopeCode);
  if (level === 'county') return scopeCode;
  if (level === 'township' || level === 'village') return `${scopeCode.slice(0, 6)}000000`;
  return '';
}

function refusal(result: Result<unknown>): Outcome | null {
  if (result.ok) return null;
  if (result.status === 403) return { kind: 'forbidden' };
  if (result.status === 404) return { kind: 'notFound' };
  return null;
}

export type ZonesPage =
  | Outcome
  | {
      kind: 'page';
      status: number;
      county: Area;
      figures: ZoneFigures[];
      zones: ZoneWithMembers[];
      townships: Area[];
      eligible: EligibleAccount[];
      editing: ZoneWithMembers | undefined;
      history: ZoneChange[];
      values: Record<string, string>;
      chosen: string[];
      errors: FieldErrors;
    };

/** /staff/zones: the county's zones; POST sets one up, or with ?zone= edits it. */
export async function zonesPage(db: Db, actor: Actor, request: Request, url: URL): Promise<ZonesPage> {
  const county = await getCounty(db, countyOf(url.searchParams, actor.scopeCode));
  if (!county) return { kind: 'notFound' };
  if (!can(actor, 'zone.manage', { scopeCode: county.code })) return { kind: 'forbidden' };
  const zoneList = await listZonesWithMembers(db, county.code);
  const zoneId = url.searchParams.get('zone');
  const editing = zoneId ? zoneList.find((z) => z.zone.id === zoneId) : undefined;
  if (zoneId && !editing) return { kind: 'notFound' };
  const post = (p: ZoneWithMembers['members'][number]['post']) => editing?.members.filter((m) => m.post === p).map((m) => m.userId) ?? [];
  let values: Record<string, string> = editing ? { name: editing.zone.name, head: post('head')[0] ?? '', deputy1: post('deputy')[0] ?? '', deputy2: post('deputy')[1] ?? '', liaison: post('liaison')[0] ?? '' } : {};
  let chosen = editing?.zone.townshipCodes ?? [];
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    const { fields, all } = await readForm(request.clone());
    values = fields;
    chosen = all('townships');
    const zone = { name: fields.name ?? '', townshipCodes: chosen, head: fields.head ?? '', deputies: [fields.deputy1 ?? '', fields.deputy2 ?? ''].filter((id) => id.trim()), liaison: fields.liaison ?? '' };
    const result = editing ? await updateZone(db, actor, { zoneId: editing.zone.id, zone }) : await createZone(db, actor, { countyCode: county.code, zone });
    if (result.ok) return { kind: 'redirect', location: `/staff/zones?county=${county.code}&done=1` };
    const refused = refusal(result);
    if (refused) return refused;
    errors = result.errors;
  }
  const [figures, townships, eligible, history] = await Promise.all([
    zoneFigures(db, county.code),
    listChildren(db, county.code),
    eligibleMembers(db, county.code),
    editing ? zoneHistory(db, editing.zone.id) : Promise.resolve([]),
  ]);
  return {
    kind: 'page',
    status: request.method === 'POST' ? 400 : 200,
    county,
    figures,
    zones: zoneList,
    townships: townships.map((t) => ({ code: t.code, name: t.name })),
    eligible,
    editing,
    history,
    values,
    chosen,
    errors,
  };
}

export type TasksPage =
  | Outcome
  | {
      kind: 'page';
      status: number;
      county: Area | null;
      /** The county commission's view: every task, and the form. */
      manages: boolean;
      zones: ZoneWithMembers[];
      tasks: TaskView[];
      /** The task whose result form was sent, and its errors. */
      resultFor: string | null;
      values: Record<string, string>;
      errors: FieldErrors;
    };

/** /staff/zones/tasks: the county's zones' tasks (it assigns), or the tasks of the viewer's zones (they record results). */
export async function tasksPage(db: Db, actor: Actor, request: Request, url: URL, today = todayInShanghai()): Promise<TasksPage> {
  const county = (await getCounty(db, countyOf(url.searchParams, actor.scopeCode))) ?? null;
  const manages = !!county && can(actor, 'zone.manage', { scopeCode: county.code });
  if (url.searchParams.get('county') && !manages) return { kind: 'forbidden' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let resultFor: string | null = null;
  if (request.method === 'POST') {
    const { fields } = await readForm(request.clone());
    values = fields;
    let result: Result<unknown>;
    if (fields.action === 'result') {
      resultFor = fields.task ?? '';
      result = await recordTaskResult(db, actor, { taskId: resultFor, result: fields.result ?? '' }, today);
    } else {
      if (!manages) return { kind: 'forbidden' };
      result = await assignTask(db, actor, { zoneId: fields.zoneId ?? '', kind: fields.kind ?? '', subject: fields.subject ?? '', villageCode: fields.villageCode ?? '', caseNumber: fields.caseNumber ?? '', due: fields.due ?? '' }, today);
    }
    if (result.ok) return { kind: 'redirect', location: `/staff/zones/tasks${manages ? `?county=${county!.code}&` : '?'}done=${fields.action === 'result' ? 'result' : 'assigned'}` };
    const refused = refusal(result);
    if (refused) return refused;
    errors = result.errors;
  }
  const [zoneList, tasks] = await Promise.all([manages ? listZonesWithMembers(db, county!.code) : Promise.resolve([]), manages ? countyTasks(db, county!.code, today) : myZoneTasks(db, actor, today)]);
  if (manages) {
    // A county member of a zone records results here too: mark the tasks it may answer.
    const mine = new Set((await myZoneTasks(db, actor, today)).map((t) => t.task.id));
    for (const task of tasks) task.mine = mine.has(task.task.id);
  } else for (const task of tasks) task.mine = true;
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, county, manages, zones: zoneList, tasks, resultFor, values, errors };
}

export type CrossChecksPage =
  | Outcome
  | {
      kind: 'page';
      status: number;
      county: Area;
      manages: boolean;
      zones: ZoneWithMembers[];
      townships: Area[];
      /**
       * Each check with whether the viewer records for it; for those, what the finding form offers
       * (places and periods of the inspected township) and whether the viewer may raise an opinion
       * there (the permission module: a county account may, another township's commission may not).
       */
      checks: (CrossCheckView & { mine: boolean; choices: Awaited<ReturnType<typeof findingChoices>> | null; mayRaise: boolean })[];
      /** The cases findings opened that this viewer may open (the permission module decides). */
      linkable: Set<string>;
      findingFor: string | null;
      values: Record<string, string>;
      errors: FieldErrors;
    };

/** /staff/zones/cross-checks: the county schedules; the inspecting zone's members or township commission record findings. */
export async function crossChecksPage(db: Db, actor: Actor, request: Request, url: URL, today = todayInShanghai()): Promise<CrossChecksPage> {
  const county = await getCounty(db, countyOf(url.searchParams, actor.scopeCode));
  if (!county) return { kind: 'notFound' };
  const manages = can(actor, 'zone.manage', { scopeCode: county.code });
  if (!manages && !can(actor, 'zone.work')) return { kind: 'forbidden' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let findingFor: string | null = null;
  if (request.method === 'POST') {
    const { fields } = await readForm(request.clone());
    values = fields;
    let result: Result<unknown>;
    if (fields.action === 'finding') {
      findingFor = fields.check ?? '';
      result = await recordFinding(
        db,
        actor,
        {
          crossCheckId: findingFor,
          body: fields.body ?? '',
          opinionId: fields.opinionId ?? '',
          caseNote: fields.caseNote ?? '',
          opinionDisclosureId: fields.opinionDisclosureId ?? '',
          opinionBody: fields.opinionBody ?? '',
          opinionDueOn: fields.opinionDueOn ?? '',
          caseAreaCode: fields.caseAreaCode ?? '',
          caseCategory: fields.caseCategory ?? '',
          caseSubjectLevel: fields.caseSubjectLevel ?? '',
          caseTitle: fields.caseTitle ?? '',
        },
        today,
      );
    } else {
      if (!manages) return { kind: 'forbidden' };
      result = await scheduleCrossCheck(db, actor, { countyCode: county.code, inspector: fields.inspector ?? '', inspectedTownshipCode: fields.inspectedTownshipCode ?? '', subject: fields.subject ?? '', dueOn: fields.dueOn ?? '' }, today);
    }
    if (result.ok) return { kind: 'redirect', location: `/staff/zones/cross-checks?county=${county.code}&done=${fields.action === 'finding' ? 'finding' : 'scheduled'}` };
    const refused = refusal(result);
    if (refused) return refused;
    errors = result.errors;
  }
  const [zoneList, townships, all, mine] = await Promise.all([
    listZonesWithMembers(db, county.code),
    listChildren(db, county.code),
    manages ? listCrossChecks(db, county.code, { today }) : Promise.resolve(null),
    listCrossChecks(db, county.code, { actor, today }),
  ]);
  const mineIds = new Set(mine.map((c) => c.check.id));
  const choices = new Map<string, Awaited<ReturnType<typeof findingChoices>>>();
  for (const township of new Set(mine.map((c) => c.check.inspectedTownshipCode))) choices.set(township, await findingChoices(db, township));
  const checks = (all ?? mine).map((c) => ({
    ...c,
    mine: mineIds.has(c.check.id),
    choices: mineIds.has(c.check.id) ? (choices.get(c.check.inspectedTownshipCode) ?? null) : null,
    mayRaise: mineIds.has(c.check.id) && can(actor, 'ledger.supervise', { scopeCode: c.check.inspectedTownshipCode }),
  }));
  const linkable = new Set<string>();
  for (const view of checks) for (const finding of view.findings) if (finding.case && can(actor, 'complaint.handle', caseResource({ ...finding.case, subjectLevel: finding.case.subjectLevel as never }))) linkable.add(finding.case.id);
  return {
    kind: 'page',
    status: request.method === 'POST' ? 400 : 200,
    county,
    manages,
    zones: zoneList,
    townships: townships.map((t) => ({ code: t.code, name: t.name })),
    checks,
    linkable,
    findingFor,
    values,
    errors,
  };
}

export type AssessmentPage =
  | Outcome
  | { kind: 'page'; status: number; county: Area; period: string; periods: string[]; table: Assessment; values: Record<string, string>; errors: FieldErrors; sharesForm: boolean };

/** The periods offered: this year and last, each as a year and its quarters. */
export function periodsAround(today: string): string[] {
  const year = Number(today.slice(0, 4));
  return [year, year - 1].flatMap((y) => [`${y}`, `${y}Q4`, `${y}Q3`, `${y}Q2`, `${y}Q1`]);
}

/** /staff/zones/assessment?period=: the table of a period; POST sets the zones' base targets. */
export async function assessmentPage(db: Db, actor: Actor, request: Request, url: URL, today = todayInShanghai()): Promise<AssessmentPage> {
  const county = await getCounty(db, countyOf(url.searchParams, actor.scopeCode));
  if (!county) return { kind: 'notFound' };
  if (!can(actor, 'zone.manage', { scopeCode: county.code })) return { kind: 'forbidden' };
  const currentQuarter = `${today.slice(0, 4)}Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
  const period = url.searchParams.get('period') ?? currentQuarter;
  if (!periodRange(period)) return { kind: 'notFound' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    const { fields } = await readForm(request.clone());
    values = fields;
    let result: Result<unknown>;
    if (fields.action === 'shares') {
      // A case's contribution shares: the zones given a percentage, the case by its number.
      const found = await caseByNumber(db, fields.caseNumber ?? '');
      const shares = Object.keys(fields).flatMap((key) => (key.startsWith('share-') && fields[key]!.trim() ? [{ zoneId: key.slice(6), percent: fields[key]!.trim() }] : []));
      result = !found || found.routed !== county.code ? { ok: false, errors: { caseNumber: CASE_NOT_FOUND } } : await recordShares(db, actor, { complaintId: found.id, shares });
    } else {
      const zoneIds = Object.keys(fields).flatMap((key) => (key.startsWith('tasks-') ? [key.slice(6)] : []));
      result = await setTargets(db, actor, { countyCode: county.code, period, targets: zoneIds.map((zoneId) => ({ zoneId, tasks: fields[`tasks-${zoneId}`] ?? '', cases: fields[`cases-${zoneId}`] ?? '' })) });
    }
    if (result.ok) return { kind: 'redirect', location: `/staff/zones/assessment?county=${county.code}&period=${period}&done=${fields.action === 'shares' ? 'shares' : '1'}` };
    const refused = refusal(result);
    if (refused) return refused;
    errors = result.errors;
  }
  const table = (await assessment(db, county.code, period))!;
  const sharesForm = values.action === 'shares';
  if (request.method !== 'POST' || sharesForm) for (const row of table.rows) Object.assign(values, { [`tasks-${row.zoneId}`]: String(row.taskTarget), [`cases-${row.zoneId}`]: String(row.caseTarget) });
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, county, period, periods: periodsAround(today), table, values, errors, sharesForm };
}
