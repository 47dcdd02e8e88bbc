/**
 * /staff/talks: a commission's record of reminders and talks (提醒谈话) — the form, the counts by
 * category and the list, filtered by category and place.
 */
import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import { subtreeRange } from '../areas/codes.ts';
import type { Db, DbOrTx } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { actFiltersFrom, countActsByCategory, listActs, recordAct, type ActFilters, type ActListRow } from './acts.ts';

export type TalksPage =
  | { kind: 'redirect'; location: string }
  | {
      kind: 'page';
      status: number;
      places: AreaRow[];
      filters: ActFilters;
      acts: ActListRow[];
      counts: Awaited<ReturnType<typeof countActsByCategory>>;
      values: Record<string, string>;
      errors: FieldErrors;
    };

/** The places a commission records acts for: its own area and the counties, townships and villages inside it. */
export async function placesInScope(db: DbOrTx, scopeCode: string): Promise<AreaRow[]> {
  const { from, to } = subtreeRange(scopeCode);
  return db
    .select()
    .from(areas)
    .where(and(inArray(areas.level, ['county', 'township', 'village']), gte(areas.code, from), lt(areas.code, to)))
    .orderBy(asc(areas.code));
}

export async function talksPage(db: Db, actor: Actor, request: Request, url: URL): Promise<TalksPage> {
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let status = 200;
  if (request.method === 'POST') {
    const { fields } = await readForm(request);
    values = fields;
    const recorded = await recordAct(db, actor, {
      heldOn: fields.heldOn ?? '',
      areaCode: fields.areaCode ?? '',
      category: fields.category ?? '',
      kind: (fields.kind ?? '') as never,
      conductedBy: fields.conductedBy ?? '',
      note: fields.note ?? '',
    });
    if (recorded.ok) return { kind: 'redirect', location: '/staff/talks?done=recorded' };
    errors = recorded.errors;
    status = recorded.status ?? 400;
  }
  const filters = actFiltersFrom(url.searchParams);
  const [places, acts, counts] = await Promise.all([placesInScope(db, actor.scopeCode ?? ''), listActs(db, actor, filters), countActsByCategory(db, actor, { areaCode: filters.areaCode, from: filters.from, through: filters.through })]);
  return { kind: 'page', status, places, filters, acts, counts, values, errors };
}
