/**
 * /staff/reminders: a liaison reads the reminders its county commission has in force; the
 * commission (county, or a city choosing one of its counties with ?county=) adds and retires them.
 */
import type { LiaisonReminderRow } from '../../../../db/schema/direct-report.ts';
import type { AreaRow } from '../../../../db/schema/areas.ts';
import { getArea, listInSubtree } from '../areas/index.ts';
import { levelOfCode } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { countyOfCode } from './filing.ts';
import { addReminder, listReminders, retireReminder } from './reminders.ts';

export type RemindersPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'notFound' }
  | { kind: 'forbidden' }
  | {
      kind: 'page';
      status: number;
      county: AreaRow | undefined;
      /** For a city commission: the counties it may choose. */
      counties: AreaRow[];
      manage: boolean;
      reminders: LiaisonReminderRow[];
      values: Record<string, string>;
      errors: FieldErrors;
    };

export async function remindersPage(db: Db, actor: Actor, request: Request, url: URL): Promise<RemindersPage> {
  const scope = actor.scopeCode ?? '';
  const level = levelOfCode(scope);
  const counties = actor.role === 'commission' && level !== 'county' ? await listInSubtree(db, scope, 'county') : [];
  const asked = url.searchParams.get('county') ?? '';
  const countyCode = actor.role === 'liaison' || level === 'county' ? countyOfCode(scope) : counties.some((county) => county.code === asked) ? asked : '';
  if (asked && asked !== countyCode) return { kind: 'notFound' };
  const county = countyCode ? await getArea(db, countyCode) : undefined;
  const manage = !!county && can(actor, 'reminders.manage', { scopeCode: county.code });
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let status = 200;
  if (request.method === 'POST') {
    // Asked before the body is read: a liaison (who may read) is refused without a trace.
    if (!county || !manage) return { kind: 'forbidden' };
    const { fields } = await readForm(request);
    const back = `/staff/reminders${counties.length > 0 ? `?county=${countyCode}&` : '?'}`;
    if (fields.action === 'retire') {
      const retired = await retireReminder(db, actor, fields.id ?? '');
      if (retired.ok) return { kind: 'redirect', location: `${back}done=retired` };
      errors = retired.errors;
      status = retired.status ?? 400;
    } else {
      values = fields;
      const added = await addReminder(db, actor, { countyCode: county.code, title: fields.title ?? '', body: fields.body ?? '' });
      if (added.ok) return { kind: 'redirect', location: `${back}done=added` };
      errors = added.errors;
      status = added.status ?? 400;
    }
  }
  const reminders = county ? await listReminders(db, county.code, { retired: manage }) : [];
  return { kind: 'page', status, county, counties, manage, reminders, values, errors };
}
