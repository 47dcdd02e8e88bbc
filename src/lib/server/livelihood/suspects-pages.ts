/**
 * The suspect pages (issue 14 item 5): the list (/staff/livelihood/suspects, for the commission and
 * the paying department), sending a hit (/staff/livelihood/suspects/new?hit=, the county commission)
 * and one suspect with its history and the form its viewer may fill now
 * (/staff/livelihood/suspects/{id}). One call per request; the pages render what they return, and a
 * refused form comes back with what was typed.
 */
import { getArea } from '../areas/index.ts';
import { addDays } from '../accounts/supervision.ts';
import { can } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { hitScopeFor, listHits, type HitLine } from './cross-checks.ts';
import { answerSuspect, getSuspect, listSuspects, recordCorrection, reviewSuspect, sendSuspect, SUSPECT_DUE_DAYS, SUSPECT_FILTERS, suspectsOfHits, type SuspectFilter, type SuspectLine, type SuspectView } from './suspects.ts';

export type SuspectsListPage =
  | { kind: 'forbidden' }
  | { kind: 'page'; areaName: string; scope: 'area' | 'department'; suspects: SuspectLine[]; total: number; page: number; pages: number; filter: SuspectFilter };

export async function suspectsListPage(db: Db, actor: Actor, url: URL): Promise<SuspectsListPage> {
  const scope = await hitScopeFor(db, actor);
  if (!scope) return { kind: 'forbidden' };
  const filterParam = url.searchParams.get('show') ?? '';
  const filter = (SUSPECT_FILTERS as readonly string[]).includes(filterParam) ? (filterParam as SuspectFilter) : 'open';
  const pageParam = Number(url.searchParams.get('page') ?? '1');
  const listed = await listSuspects(db, scope, { filter, page: Number.isSafeInteger(pageParam) ? pageParam : 1 });
  const area = await getArea(db, scope.kind === 'area' ? scope.areaCode : scope.countyCode);
  return { kind: 'page', areaName: area?.name ?? '', scope: scope.kind, ...listed, filter };
}

export type SendSuspectPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | { kind: 'page'; status: number; hit: HitLine; values: Record<string, string>; errors: FieldErrors };

/** The county commission sends one standing hit of its county; an unknown, cleared or already sent hit is not offered. */
export async function sendSuspectPage(db: Db, actor: Actor, request: Request, url: URL, today = todayInShanghai()): Promise<SendSuspectPage> {
  const scope = await hitScopeFor(db, actor);
  if (!scope || scope.kind !== 'area' || !can(actor, 'livelihood.supervise', { scopeCode: scope.areaCode })) return { kind: 'forbidden' };
  const hitId = Number(url.searchParams.get('hit') ?? '');
  if (!Number.isSafeInteger(hitId) || hitId <= 0) return { kind: 'notFound' };
  const [hit] = (await listHits(db, scope, 1, { hitId })).hits;
  if (!hit) return { kind: 'notFound' };
  const sent = (await suspectsOfHits(db, [hit.id])).get(hit.id);
  if (sent) return { kind: 'redirect', location: `/staff/livelihood/suspects/${sent.id}` };
  let values: Record<string, string> = { body: '', dueOn: addDays(today, SUSPECT_DUE_DAYS) };
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    const { fields } = await readForm(request.clone());
    values = { body: fields.body ?? '', dueOn: fields.dueOn ?? '' };
    const result = await sendSuspect(db, actor, { hitId: hit.id, body: values.body, dueOn: values.dueOn }, today);
    if (result.ok) return { kind: 'redirect', location: `/staff/livelihood/suspects/${result.value.id}?done=sent` };
    if (result.status === 403) return { kind: 'forbidden' };
    errors = result.errors;
  }
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, hit, values, errors };
}

export type SuspectPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | { kind: 'page'; status: number; view: SuspectView; form: 'answer' | 'correct' | 'review' | null; values: Record<string, string>; errors: FieldErrors };

/** One suspect; a POST is the form its viewer may fill in the suspect's state (answer, correction or review). */
export async function suspectPage(db: Db, actor: Actor, request: Request, id: string, today = todayInShanghai()): Promise<SuspectPage> {
  const view = await getSuspect(db, actor, id, today);
  if (!view) return { kind: 'notFound' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let form: 'answer' | 'correct' | 'review' | null = null;
  if (request.method === 'POST') {
    const { fields } = await readForm(request.clone());
    form = fields.form === 'answer' || fields.form === 'correct' || fields.form === 'review' ? fields.form : null;
    // Each form belongs to one side: a form of the other side (or none) is refused before anything is read from it.
    const side = form === 'review' ? 'commission' : form ? 'department' : null;
    if (!side || view.side !== side) return { kind: 'forbidden' };
    values = fields;
    const suspectId = view.suspect.id;
    const result =
      form === 'answer'
        ? await answerSuspect(db, actor, { suspectId, answer: fields.answer, body: fields.body, evidence: fields.evidence })
        : form === 'correct'
          ? await recordCorrection(db, actor, { suspectId, paymentStopped: fields.paymentStopped, toRecover: fields.toRecover, recovered: fields.recovered, body: fields.body })
          : form === 'review'
            ? await reviewSuspect(db, actor, { suspectId, decision: fields.decision, body: fields.body, dueOn: fields.dueOn }, today)
            : null;
    if (!result) return { kind: 'forbidden' };
    if (result.ok) return { kind: 'redirect', location: `/staff/livelihood/suspects/${suspectId}?done=${form === 'answer' ? 'answered' : form === 'correct' ? 'corrected' : 'reviewed'}` };
    if (result.status === 403) return { kind: 'forbidden' };
    errors = result.errors;
    // The state may have moved under the viewer (another tab, a colleague): show the suspect as it is now.
    const fresh = await getSuspect(db, actor, id, today);
    if (!fresh) return { kind: 'notFound' };
    return { kind: 'page', status: result.status ?? 400, view: fresh, form, values, errors };
  }
  return { kind: 'page', status: 200, view, form, values, errors };
}
