/**
 * The staff list pages that write, each as one call: what the page shows, and on POST the one
 * command its form runs — then a redirect, or the page again with the errors and what was typed.
 * A refused command has written nothing, so the view loaded before it is still the one to show.
 */
import type { Translate } from '../../../i18n/index.ts';
import { groupByCategory, type CatalogItem, type CategoryGroup } from '../catalog/index.ts';
import type { CountyListItemRow } from '../../../../db/schema/county-lists.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import { fail, type Actor, type FieldErrors } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { customItemToFields, parseCustomItemFields } from './custom-form.ts';
import { nextCustomCode, publishDraft, removeCustomItem, saveCustomItem, setAdoptedItems, setItemOverrides, startDraft, stepsNotFitting, type ListResult } from './drafts.ts';
import { loadCountyOverview, loadDraftChanges, loadDraftEditor, type CountyListOverview, type DraftEditorView } from './editor.ts';
import { renderErrors } from './messages.ts';
import { stepDays, stepLimitField, type VersionChanges } from './resolve.ts';

export type ListPage<V> =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | { kind: 'page'; status: 200 | 400 | 409; view: V; values: Record<string, string>; errors: FieldErrors };

type Form = Awaited<ReturnType<typeof readForm>>;

/**
 * Runs the page's command for a POST: its success is a redirect, a refusal for lack of permission
 * the 403 page, anything else the same page again (400) with the errors beside what was typed.
 */
async function post<V, T>(
  request: Request,
  t: Translate,
  view: V,
  defaults: Record<string, string>,
  command: (form: Form) => Promise<ListResult<T>>,
  location: string | ((value: T) => string),
): Promise<ListPage<V>> {
  if (request.method !== 'POST') return { kind: 'page', status: 200, view, values: defaults, errors: {} };
  const form = await readForm(request);
  const result = await command(form);
  if (result.ok) return { kind: 'redirect', location: typeof location === 'string' ? location : location(result.value) };
  if (result.status === 403) return { kind: 'forbidden' };
  // What was typed over what was there: a form that posts only some fields (remove) keeps the rest.
  return { kind: 'page', status: 400, view, values: { ...defaults, ...form.fields }, errors: renderErrors(t, result.errors) };
}

const overviewOf = (countyCode: string) => `/staff/lists/${countyCode}`;
const draftOf = (countyCode: string) => `/staff/lists/${countyCode}/draft`;

/** /staff/lists/[county]: the versions, and starting the next draft. */
export async function countyOverviewPage(db: Db, actor: Actor, countyCode: string, request: Request, t: Translate): Promise<ListPage<CountyListOverview>> {
  // Loaded after the command: a refused start (a draft exists) shows that draft.
  const started = request.method === 'POST' ? await startDraft(db, actor, { countyCode }) : undefined;
  if (started?.ok) return { kind: 'redirect', location: draftOf(countyCode) };
  if (started?.status === 403) return { kind: 'forbidden' };
  const view = await loadCountyOverview(db, countyCode);
  if (!view) return { kind: 'notFound' };
  return { kind: 'page', status: started ? 409 : 200, view, values: {}, errors: started && !started.ok ? renderErrors(t, started.errors) : {} };
}

export interface DraftSelectionView extends DraftEditorView {
  groups: CategoryGroup<CatalogItem>[];
  /** Catalog item code → its entry in the draft (adopted items only). */
  adopted: Map<string, CountyListItemRow>;
  customs: CountyListItemRow[];
  /** What was just saved (the redirect after a successful POST): "selection" or an item's code. */
  saved: string | undefined;
  /** What the draft changes against the version in force; undefined when none is in force. */
  changes: VersionChanges | undefined;
  /** Adopted items whose steps do not fit the county's shorter limit (carried from an older version). */
  unfit: CatalogItem[];
}

/** /staff/lists/[county]/draft: which catalog items the draft adopts, and its county items. */
export async function draftSelectionPage(db: Db, actor: Actor, countyCode: string, request: Request, t: Translate): Promise<ListPage<DraftSelectionView>> {
  const editor = await loadDraftEditor(db, countyCode);
  if (!editor) return { kind: 'redirect', location: overviewOf(countyCode) };
  const view: DraftSelectionView = {
    ...editor,
    groups: groupByCategory(editor.categories, editor.catalog),
    adopted: new Map(editor.entries.flatMap((entry) => (entry.itemCode ? [[entry.itemCode, entry] as const] : []))),
    customs: editor.entries.filter((entry) => entry.customCode),
    saved: request.method === 'POST' ? undefined : savedParam(new URL(request.url).searchParams.get('saved'), editor.entries),
    changes: await loadDraftChanges(db, countyCode, editor.draft),
    unfit: await stepsNotFitting(db, editor.draft.id),
  };
  return post(request, t, view, {}, ({ all }) => setAdoptedItems(db, actor, { countyCode, codes: all('adopt') }), `${draftOf(countyCode)}?saved=selection#adopt`);
}

/** `?saved=`: the selection, or the code of an item still in the draft (anything else is ignored). */
function savedParam(value: string | null, entries: CountyListItemRow[]): string | undefined {
  if (value === 'selection') return value;
  return entries.some((entry) => (entry.itemCode ?? entry.customCode) === value) ? value! : undefined;
}

/** Where saving an item returns: the draft, at that item, saying it was saved. */
const savedAt = (countyCode: string, code: string, anchor: string) => `${draftOf(countyCode)}?saved=${encodeURIComponent(code)}#${anchor}-${code}`;

export interface StepLimitRow {
  /** The form field, e.g. stepLimit-2. */
  field: string;
  line: number;
  actor: string;
  catalogLimit: string;
  /** Whether the catalog's limit counts towards the total (a day count in the item's unit, or 当场). */
  counts: boolean;
}

export interface DraftItemView extends DraftEditorView {
  item: CatalogItem;
  entry: CountyListItemRow;
  /** One row per step when the item's limit is counted in days, for the steps' own limits. */
  steps: StepLimitRow[];
}

/** /staff/lists/[county]/draft/items/[item]: the county's own details on one adopted catalog item. */
export async function draftItemPage(db: Db, actor: Actor, countyCode: string, itemCode: string | undefined, request: Request, t: Translate): Promise<ListPage<DraftItemView>> {
  const editor = await loadDraftEditor(db, countyCode);
  const item = editor?.catalog.find((candidate) => candidate.code === itemCode);
  const entry = editor?.entries.find((candidate) => candidate.itemCode === itemCode);
  if (!editor || !item || !entry) return { kind: 'notFound' };
  const { overrides } = entry;
  const { unit } = item.timeLimit;
  const steps: StepLimitRow[] =
    (unit === 'workingDays' || unit === 'calendarDays') && item.timeLimit.days !== null
      ? item.steps.map((step, index) => ({ field: stepLimitField(index), line: index + 1, actor: step.actor, catalogLimit: step.limit, counts: stepDays(step.limit, unit) !== null }))
      : [];
  const values: Record<string, string> = {
    responsibleUnit: overrides.responsibleUnit ?? '',
    contactPhone: overrides.contactPhone ?? '',
    timeLimitDays: overrides.timeLimitDays?.toString() ?? '',
    localNote: overrides.localNote ?? '',
    ...Object.fromEntries(steps.map((row, index) => [row.field, overrides.stepLimits?.[index] ?? ''])),
  };
  return post(request, t, { ...editor, item, entry, steps }, values, ({ fields }) => setItemOverrides(db, actor, { countyCode, itemCode: item.code, fields }), savedAt(countyCode, item.code, 'item'));
}

export interface DraftCustomView extends DraftEditorView {
  /** The county item's code: its own, or the next free one for a new item. */
  code: string;
  /** Undefined for a new item. */
  entry: CountyListItemRow | undefined;
}

/** /staff/lists/[county]/draft/custom/[code] ("new" for a new one): a county item, saved or removed. */
export async function draftCustomPage(db: Db, actor: Actor, countyCode: string, code: string | undefined, request: Request, t: Translate): Promise<ListPage<DraftCustomView>> {
  const editor = await loadDraftEditor(db, countyCode);
  if (!editor) return { kind: 'notFound' };
  const entry = code === 'new' ? undefined : editor.entries.find((candidate) => candidate.customCode === code);
  if (code !== 'new' && !entry) return { kind: 'notFound' };
  const view = { ...editor, code: entry?.customCode ?? nextCustomCode(editor.entries), entry };
  const values = entry?.custom ? customItemToFields(entry.custom) : { level: 'township', timeLimitUnit: 'workingDays', fee: '不收费' };
  let removing = false;
  return post(
    request,
    t,
    view,
    values,
    async ({ fields }): Promise<ListResult> => {
      removing = fields.action === 'remove' && entry !== undefined;
      if (removing) return removeCustomItem(db, actor, { countyCode, code: view.code });
      // The form's line formats (steps, risks) are checked first; the item's schema then checks the rest.
      const parsed = parseCustomItemFields(view.code, fields);
      if (Object.keys(parsed.errors).length > 0) return fail(parsed.errors);
      return saveCustomItem(db, actor, { countyCode, item: parsed.item });
    },
    () => (removing ? `${draftOf(countyCode)}#custom` : savedAt(countyCode, view.code, 'custom')),
  );
}

export interface DraftPublishView extends DraftEditorView {
  adoptedCount: number;
  customCount: number;
  today: string;
}

/** /staff/lists/[county]/draft/publish: the effective date and document number, then publication. */
export async function draftPublishPage(db: Db, actor: Actor, countyCode: string, request: Request, t: Translate): Promise<ListPage<DraftPublishView>> {
  const editor = await loadDraftEditor(db, countyCode);
  if (!editor) return { kind: 'redirect', location: overviewOf(countyCode) };
  const adoptedCount = editor.entries.filter((entry) => entry.itemCode).length;
  const today = todayInShanghai();
  const view = { ...editor, adoptedCount, customCount: editor.entries.length - adoptedCount, today };
  return post(
    request,
    t,
    view,
    { effectiveOn: today, note: '' },
    ({ fields }) => publishDraft(db, actor, { countyCode, effectiveOn: fields.effectiveOn ?? '', note: fields.note ?? '', confirmBackdate: fields.confirmBackdate === 'yes' }),
    (published: { version: number }) => `/counties/${countyCode}?v=${published.version}`,
  );
}
