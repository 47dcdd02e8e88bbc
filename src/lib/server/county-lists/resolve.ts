/**
 * How a county's changes apply to a catalog item. Pure functions: the same code builds the
 * snapshot written at publication, the preview, and the "what this county changed" view.
 */
import { z } from 'zod';
import type { CustomItem, ItemOverrides, ResolvedItem } from '../../../../db/schema/county-lists.ts';
import type { CatalogItem } from '../catalog/index.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { ITEM_FIELD_LABELS, say, type ListErrors, type Message } from './messages.ts';

/** Phone numbers as the portal shows them: 0399-6210345 (area code, dash, number), 13800000000, 12345. */
export const PHONE_PATTERN = /^(0\d{2,3}-\d{7,8}|1\d{10}|12\d{3,4})$/;

/**
 * A phone number as officers type it — with spaces, dashes or brackets, "0399 621 0345",
 * "138-0000-0000", "(0399)6210345" — in the one form above. Area codes starting 01 or 02 have three
 * digits (010, 020–029), all others four; that is how a number without separators is split.
 */
export function normalisePhone(raw: string): string {
  const text = raw.normalize('NFKC').trim();
  const digits = text.replace(/[\s\-–—()（）]/g, '');
  if (!/^\d+$/.test(digits)) return text;
  if (/^0\d{9,11}$/.test(digits)) {
    const areaLength = /^0[12]/.test(digits) ? 3 : 4;
    return `${digits.slice(0, areaLength)}-${digits.slice(areaLength)}`;
  }
  return digits;
}

export const OverridesSchema = z
  .object({
    responsibleUnit: z.string().trim().min(2).max(80).optional(),
    contactPhone: z.string().transform(normalisePhone).pipe(z.string().regex(PHONE_PATTERN)).optional(),
    timeLimitDays: z.number().int().min(1).optional(),
    localNote: z.string().trim().min(2).max(500).optional(),
    /** The county's limit for each step, by the step's position; null keeps the catalog's. */
    stepLimits: z.array(z.string().trim().min(1).max(40).nullable()).optional(),
  })
  .strict();

/** The form field of a step's limit, 1-based as officers count steps. */
export const stepLimitField = (index: number) => `stepLimit-${index + 1}`;

type DayUnit = 'workingDays' | 'calendarDays';

/** "5个工作日" in the item's unit, as a message. */
export const daysIn = (unit: DayUnit, days: number): Message => say(unit === 'workingDays' ? 'item.timeLimit.workingDays' : 'item.timeLimit.calendarDays', { days });

/**
 * The days a step's limit counts towards the item's total, in the item's unit: "5个工作日" in a
 * working-days item, "7日"/"7天" in a calendar-days one, 0 for what is done there and then (当场,
 * 即时, 当日). Anything else — a publicity period, "决定后7日内送达", "随时申请" — is not part of the
 * total (the catalog's notes say so: 公示期不计入), and null says so.
 */
export function stepDays(limit: string, unit: DayUnit): number | null {
  const text = limit.replace(/\s/g, '');
  if (/^(当场|即时|当日|即办|当场办结)$/.test(text)) return 0;
  const match = unit === 'workingDays' ? /^(\d{1,3})个工作日内?$/.exec(text) : /^(\d{1,3})(?:个自然日|日|天)内?$/.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The step-limit rule (issue 12 item 7): when a county shortens an item's total, or a step's limit,
 * the steps that count towards the total must add up to no more than it. A county's step limit is a
 * day count in the item's unit (or 当场) and never longer than the catalog's.
 */
function checkStepLimits(item: CatalogItem, total: number, unit: DayUnit, stepLimits: Array<string | null>): ListErrors {
  const errors: ListErrors = {};
  const example = unit === 'workingDays' ? '3个工作日' : '3日';
  let sum = 0;
  let longest: { index: number; days: number } | undefined;
  for (const [index, step] of item.steps.entries()) {
    const own = stepLimits[index] ?? null;
    const catalogDays = stepDays(step.limit, unit);
    const days = own === null ? catalogDays : stepDays(own, unit);
    const line = { line: index + 1, actor: step.actor };
    if (own !== null && days === null) {
      errors[stepLimitField(index)] = say('lists.error.stepFormat', { ...line, example });
      continue;
    }
    if (own !== null && days !== null && catalogDays !== null && days > catalogDays) {
      errors[stepLimitField(index)] = say('lists.error.stepLonger', { ...line, limit: step.limit });
      continue;
    }
    if (days === null) continue;
    sum += days;
    if (!longest || days > longest.days) longest = { index, days };
  }
  if (Object.keys(errors).length === 0 && sum > total && longest) {
    errors.timeLimitDays = say('lists.error.stepsOver', { sum: daysIn(unit, sum), total: daysIn(unit, total) });
    const step = item.steps[longest.index]!;
    errors[stepLimitField(longest.index)] = say('lists.error.stepOver', {
      line: longest.index + 1,
      actor: step.actor,
      limit: stepLimits[longest.index] ?? step.limit,
      over: daysIn(unit, sum - total),
    });
  }
  return errors;
}

/**
 * Checks overrides against the catalog item they apply to: a county may shorten a limit, never
 * lengthen it, and the steps must fit in what it leaves. Messages name the field and the step.
 * `stepRule: false` carries over what a version published before the step-limit rule holds, so
 * that a county can still start its next draft; publishing that draft checks the rule again.
 */
export function validateOverrides(
  item: CatalogItem,
  overrides: unknown,
  { stepRule = true }: { stepRule?: boolean } = {},
): { ok: true; overrides: ItemOverrides } | { ok: false; errors: ListErrors } {
  const parsed = OverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const errors: ListErrors = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'form');
      if (errors[key]) continue;
      if (key === 'contactPhone') errors[key] = say('lists.error.phone', { example: say('lists.phoneExample') });
      else if (key === 'timeLimitDays') errors[key] = say('lists.error.positiveDays');
      else if (key === 'responsibleUnit' || key === 'localNote') {
        const field = say(ITEM_FIELD_LABELS[key]);
        errors[key] = issue.code === 'too_big' ? say('lists.error.tooLong', { field, max: Number(issue.maximum) }) : say('lists.error.tooShort', { field, min: 2 });
      } else errors.form = say('lists.error.invalid', { field: say('lists.field.form') });
    }
    return { ok: false, errors };
  }
  const value = parsed.data as ItemOverrides;
  const { unit, days: catalogDays } = item.timeLimit;
  if (value.stepLimits && value.stepLimits.length > item.steps.length) return { ok: false, errors: { form: say('lists.error.invalid', { field: say('item.flow') }) } };
  if (value.timeLimitDays !== undefined) {
    if (catalogDays === null) return { ok: false, errors: { timeLimitDays: say('lists.error.noDays') } };
    if (value.timeLimitDays > catalogDays) {
      const limit = unit === 'workingDays' || unit === 'calendarDays' ? daysIn(unit, catalogDays) : say('item.timeLimit.periodicDays', { days: catalogDays });
      return { ok: false, errors: { timeLimitDays: say('lists.error.onlyShorter', { limit }) } };
    }
  }
  const stepLimits = value.stepLimits?.some((limit) => limit !== null) ? value.stepLimits : undefined;
  if (stepLimits && unit !== 'workingDays' && unit !== 'calendarDays') return { ok: false, errors: { form: say('lists.error.noDays') } };
  if (stepRule && (unit === 'workingDays' || unit === 'calendarDays') && catalogDays !== null && (value.timeLimitDays !== undefined || stepLimits)) {
    const errors = checkStepLimits(item, value.timeLimitDays ?? catalogDays, unit, stepLimits ?? []);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
  }
  if (!stepLimits) delete value.stepLimits;
  return { ok: true, overrides: value };
}

export function resolveCatalogItem(item: CatalogItem, overrides: ItemOverrides): ResolvedItem {
  const shortened =
    overrides.timeLimitDays !== undefined &&
    item.timeLimit.days !== null &&
    overrides.timeLimitDays < item.timeLimit.days;
  return {
    ...item,
    origin: 'catalog',
    timeLimit: shortened ? { ...item.timeLimit, days: overrides.timeLimitDays! } : item.timeLimit,
    ...(shortened ? { catalogTimeLimitDays: item.timeLimit.days } : {}),
    ...(overrides.stepLimits ? { steps: item.steps.map((step, index) => ({ ...step, limit: overrides.stepLimits?.[index] ?? step.limit })) } : {}),
    ...(overrides.responsibleUnit ? { responsibleUnit: overrides.responsibleUnit } : {}),
    ...(overrides.contactPhone ? { contactPhone: overrides.contactPhone } : {}),
    ...(overrides.localNote ? { localNote: overrides.localNote } : {}),
  };
}

export function resolveCustomItem(custom: CustomItem): ResolvedItem {
  return { ...custom, origin: 'county' };
}

export interface ItemChange {
  field: 'responsibleUnit' | 'contactPhone' | 'timeLimitDays' | 'localNote' | 'stepLimit';
  catalogValue: string | number | null;
  countyValue: string | number;
  /** For a step's limit: the step, 1-based. */
  step?: number;
}

export interface ListComparison {
  adopted: number;
  /** Catalog items the county did not adopt. */
  notAdopted: CatalogItem[];
  /** Adopted items the county localised, with what changed. */
  localised: Array<{ item: ResolvedItem; changes: ItemChange[] }>;
  /** Items the county added on its own. */
  countyItems: ResolvedItem[];
}

/** What a county's list changes against the provincial catalog. */
export function compareWithCatalog(listItems: ResolvedItem[], catalog: CatalogItem[]): ListComparison {
  const adoptedCodes = new Set(listItems.filter((item) => item.origin === 'catalog').map((item) => item.code));
  const localised: ListComparison['localised'] = [];
  const catalogByCode = new Map(catalog.map((item) => [item.code, item]));
  for (const item of listItems) {
    if (item.origin !== 'catalog') continue;
    const changes: ItemChange[] = [];
    if (item.responsibleUnit) {
      changes.push({ field: 'responsibleUnit', catalogValue: item.implementingBody, countyValue: item.responsibleUnit });
    }
    if (item.contactPhone) changes.push({ field: 'contactPhone', catalogValue: null, countyValue: item.contactPhone });
    if (item.catalogTimeLimitDays !== undefined && item.timeLimit.days !== null) {
      changes.push({ field: 'timeLimitDays', catalogValue: item.catalogTimeLimitDays, countyValue: item.timeLimit.days });
    }
    for (const [index, step] of item.steps.entries()) {
      const catalogStep = catalogByCode.get(item.code)?.steps[index];
      if (catalogStep && catalogStep.limit !== step.limit) changes.push({ field: 'stepLimit', step: index + 1, catalogValue: catalogStep.limit, countyValue: step.limit });
    }
    if (item.localNote) changes.push({ field: 'localNote', catalogValue: null, countyValue: item.localNote });
    if (changes.length > 0) localised.push({ item, changes });
  }
  return {
    adopted: adoptedCodes.size,
    notAdopted: catalog.filter((item) => !adoptedCodes.has(item.code)),
    localised,
    countyItems: listItems.filter((item) => item.origin === 'county'),
  };
}

/** The parts of an item a reader would see change between two versions of a list. */
const COMPARED_FIELDS = ['name', 'summary', 'legalBasis', 'implementingBody', 'materials', 'fee', 'timeLimit', 'steps', 'risks', 'accountability', 'channel', 'responsibleUnit', 'contactPhone', 'localNote'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export const comparedFieldKey = (field: ComparedField): MessageKey => ITEM_FIELD_LABELS[field];

export interface VersionChanges {
  /** The version in force the draft is compared with. */
  version: number;
  added: ResolvedItem[];
  removed: ResolvedItem[];
  changed: Array<{ item: ResolvedItem; fields: ComparedField[] }>;
}

/** JSON with keys sorted: a published snapshot comes back from jsonb with its keys reordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What a draft changes against the version in force: items added, dropped, and changed (by field). */
export function compareVersions(draft: ResolvedItem[], current: { version: number; items: ResolvedItem[] }): VersionChanges {
  const before = new Map(current.items.map((item) => [item.code, item]));
  const after = new Set(draft.map((item) => item.code));
  const changed: VersionChanges['changed'] = [];
  const added: ResolvedItem[] = [];
  for (const item of draft) {
    const old = before.get(item.code);
    if (!old) {
      added.push(item);
      continue;
    }
    const fields = COMPARED_FIELDS.filter((field) => canonical(old[field]) !== canonical(item[field]));
    if (fields.length > 0) changed.push({ item, fields });
  }
  return { version: current.version, added, removed: current.items.filter((item) => !after.has(item.code)), changed };
}
