/**
 * What the list editor says, as i18n keys with values rather than sentences: a command cannot know
 * the page's language, and an officer on the English pages reads English. A value may itself be a
 * message ("第3个环节的办理内容" inside "…至少6个字"), so a line's name is said once and reused.
 */
import type { z } from 'zod';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import type { FieldErrors } from '../result.ts';

export interface Message {
  key: MessageKey;
  vars?: Record<string, string | number | Message>;
}

/** Field name → what to do about it; `form` is about the whole form (as FieldErrors). */
export type ListErrors = Record<string, Message>;

export const say = (key: MessageKey, vars?: Message['vars']): Message => (vars ? { key, vars } : { key });

export function render(t: Translate, message: Message): string {
  const vars: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.vars ?? {})) vars[name] = typeof value === 'object' ? render(t, value) : value;
  return t(message.key, vars);
}

export function renderErrors(t: Translate, errors: ListErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, render(t, message)]));
}

/** The label of each part of an item, by its property: the county-item form's fields and a county's own details. */
export const ITEM_FIELD_LABELS = {
  name: 'staff.custom.name',
  nameEn: 'staff.custom.nameEn',
  categoryCode: 'item.category',
  level: 'item.level',
  summary: 'item.summary',
  legalBasis: 'item.legalBasis',
  implementingBody: 'item.body',
  materials: 'item.materials',
  materialsNote: 'staff.custom.materialsNote',
  fee: 'item.fee',
  timeLimit: 'item.timeLimit',
  steps: 'item.flow',
  risks: 'item.risks',
  accountability: 'item.accountability',
  channel: 'item.channel',
  responsibleUnit: 'item.responsibleUnit',
  contactPhone: 'item.contactPhone',
  localNote: 'item.localNote',
} as const satisfies Record<string, MessageKey>;
const FIELD_LABELS: Record<string, MessageKey> = ITEM_FIELD_LABELS;

const STEP_PARTS: Record<string, MessageKey> = { actor: 'lists.part.actor', action: 'lists.part.action', limit: 'lists.part.limit' };
const RISK_PARTS: Record<string, MessageKey> = { risk: 'lists.part.risk', level: 'lists.part.level', control: 'lists.part.control' };

/** The form field a property is typed into (the time limit's parts have fields of their own). */
function formField(path: PropertyKey[]): string {
  if (path[0] === 'timeLimit') return path[1] === 'note' ? 'timeLimitNote' : path[1] === 'unit' ? 'timeLimitUnit' : 'timeLimitDays';
  return String(path[0] ?? 'form');
}

/** The line a problem is about, named as the officer sees it: "第3个环节的办理内容", "实施依据第2行". */
function lineName(path: PropertyKey[]): Message {
  const [field, index, part] = path;
  const label = say(FIELD_LABELS[String(field)] ?? 'lists.field.form');
  if (typeof index !== 'number') {
    if (field === 'timeLimit') return say(path[1] === 'note' ? 'staff.custom.timeLimitNote' : 'staff.overrides.days');
    return label;
  }
  const line = index + 1;
  if (field === 'steps') return say('lists.field.stepPart', { line, part: say(STEP_PARTS[String(part)] ?? 'lists.part.limit') });
  if (field === 'risks') return say('lists.field.riskPart', { line, part: say(RISK_PARTS[String(part)] ?? 'lists.part.risk') });
  return say('lists.field.line', { field: label, line });
}

/** One zod problem with a county item, said in the officer's words (never zod's own text). */
function describe(issue: z.ZodError['issues'][number]): Message {
  const field = lineName(issue.path);
  const top = issue.path[0];
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'array') {
        if (top === 'steps') return say('lists.error.minSteps', { min: Number(issue.minimum) });
        if (top === 'risks') return say('lists.error.minRisks', { min: Number(issue.minimum) });
        return say('lists.error.minLines', { field, min: Number(issue.minimum) });
      }
      if (issue.origin === 'number') return say('lists.error.positiveDays');
      return Number(issue.minimum) <= 1 ? say('lists.error.required', { field }) : say('lists.error.tooShort', { field, min: Number(issue.minimum) });
    case 'too_big':
      return say('lists.error.tooLong', { field, max: Number(issue.maximum) });
    case 'invalid_value':
      if (top === 'risks') return say('lists.error.riskLevel', { line: Number(issue.path[1]) + 1 });
      return say('lists.error.choose', { field });
    case 'custom':
      // The time limit's two refinements: a day count where none belongs, or none where one does.
      if (top === 'timeLimit') return say(issue.params?.kind === 'onTheSpotNoDays' ? 'lists.error.onTheSpotNoDays' : 'lists.error.daysRequired');
      return say('lists.error.invalid', { field });
    default:
      if (top === 'timeLimit' && issue.path[1] === 'days') return say('lists.error.positiveDays');
      return say('lists.error.invalid', { field });
  }
}

/** The first problem per form field, each naming its line. */
export function describeIssues(error: z.ZodError): ListErrors {
  const errors: ListErrors = {};
  for (const issue of error.issues) errors[formField(issue.path)] ??= describe(issue);
  return errors;
}
