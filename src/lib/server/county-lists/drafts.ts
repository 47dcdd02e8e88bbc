/**
 * Editing a county's list: one draft version at a time, built from the list in force (or the whole
 * catalog when there is none), changed item by item, previewed, then published. Every command is
 * `(db, actor, input)` in the write shape of result.ts: one transaction that locks the county's
 * draft row (`FOR UPDATE`), re-checks there that it is still a draft and that the actor may edit
 * (or publish) this county's list, makes the change and writes its audit entry. Publishing takes
 * the same lock, so an edit lands before a publication (and is in what was published) or finds
 * no draft and is refused. Pages ask `can()` first to decide what to show.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import {
  countyListItems,
  countyLists,
  type CountyListItemRow,
  type CountyListRow,
  type CustomItem,
  type ResolvedItem,
} from '../../../../db/schema/county-lists.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { listCatalogItems, toCatalogItem, type CatalogItem } from '../catalog/index.ts';
import { CustomItemSchema } from '../catalog/validate.ts';
import type { Db, DbOrTx } from '../db.ts';
import { isIsoDate } from '../time.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { createDraftList, getPublishedList, publishList, type DraftEntry } from './index.ts';
import { describeIssues, say, type ListErrors } from './messages.ts';
import { resolveCatalogItem, resolveCustomItem, stepLimitField, validateOverrides } from './resolve.ts';

export async function getDraft(db: DbOrTx, countyCode: string): Promise<CountyListRow | undefined> {
  const [draft] = await db
    .select()
    .from(countyLists)
    .where(and(eq(countyLists.countyCode, countyCode), eq(countyLists.status, 'draft')))
    .orderBy(desc(countyLists.version))
    .limit(1);
  return draft;
}

export async function getDraftEntries(db: DbOrTx, listId: number): Promise<CountyListItemRow[]> {
  return db.select().from(countyListItems).where(eq(countyListItems.listId, listId)).orderBy(asc(countyListItems.position), asc(countyListItems.id));
}

const NOT_PERMITTED = say('lists.error.notPermitted');
const NO_DRAFT = say('lists.error.noDraft');

/** What a list command answers: its value, or messages (i18n keys) per form field. */
export type ListResult<T = null> = Result<T, ListErrors>;

type CountyListAction =
  | 'countyList.draftStarted'
  | 'countyList.itemsChanged'
  | 'countyList.overridesChanged'
  | 'countyList.customItemSaved'
  | 'countyList.customItemRemoved'
  | 'countyList.published';

/** What a change hands back: its result, and for the audit entry what it did (nothing done, no entry). */
type Change<T> = ListResult<T> & { audit?: { detail: Record<string, unknown>; reason?: string } };

/** Locks the county's draft, if it has one, for the rest of the transaction. */
async function lockDraft(tx: DbOrTx, countyCode: string): Promise<CountyListRow | undefined> {
  const [draft] = await tx
    .select()
    .from(countyLists)
    .where(and(eq(countyLists.countyCode, countyCode), eq(countyLists.status, 'draft')))
    .orderBy(desc(countyLists.version))
    .limit(1)
    .for('update');
  return draft;
}

/**
 * The one shape of a draft command: in one transaction, the actor's permission for this county,
 * the draft row locked and found still a draft, the change, its audit entry. A change checks
 * everything before it writes, so a refused change has written nothing.
 */
async function changeDraft<T>(
  db: Db,
  actor: Actor,
  countyCode: string,
  permission: 'countyList.edit' | 'countyList.publish',
  action: CountyListAction,
  change: (tx: DbOrTx, draft: CountyListRow) => Promise<Change<T>>,
): Promise<ListResult<T>> {
  return db.transaction(async (tx) => {
    if (!can(actor, permission, { scopeCode: countyCode })) return fail({ form: NOT_PERMITTED }, 403);
    const draft = await lockDraft(tx, countyCode);
    if (!draft) return fail({ form: NO_DRAFT }, 409);
    const result = await change(tx, draft);
    if (!result.ok) return result;
    if (result.audit) {
      await recordAudit(tx, {
        actor,
        action,
        subjectType: 'countyList',
        subjectId: String(draft.id),
        scopeCode: draft.countyCode,
        reason: result.audit.reason ?? null,
        detail: { version: draft.version, ...result.audit.detail },
      });
    }
    return ok(result.value);
  });
}

/**
 * Starts the next draft from the list in force, or from the whole catalog when there is none. No
 * draft row exists yet to lock, so the county's list lock (the one version numbers are taken under)
 * serialises starts: two people starting at once get one draft and a message.
 */
export async function startDraft(db: Db, actor: Actor, input: { countyCode: string }): Promise<ListResult<{ listId: number; version: number }>> {
  const { countyCode } = input;
  return db.transaction(async (tx) => {
    if (!can(actor, 'countyList.edit', { scopeCode: countyCode })) return fail({ form: NOT_PERMITTED }, 403);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'county-list:' + countyCode}))`);
    const existing = await lockDraft(tx, countyCode);
    if (existing) return fail({ form: say('lists.error.draftExists', { version: existing.version }) }, 409);
    const current = await getPublishedList(tx, countyCode);
    const entries: DraftEntry[] = current
      ? (await getDraftEntries(tx, current.list.id)).map((row) => (row.itemCode ? { itemCode: row.itemCode, overrides: row.overrides } : { custom: row.custom! }))
      : (await listCatalogItems(tx)).map((item) => ({ itemCode: item.code }));
    const created = await createDraftList(tx, countyCode, entries, { carried: current !== undefined });
    if (!created.ok) return fail({ form: say('lists.error.stored', { detail: created.errors.join('；') }) });
    await recordAudit(tx, {
      actor,
      action: 'countyList.draftStarted',
      subjectType: 'countyList',
      subjectId: String(created.value.listId),
      scopeCode: countyCode,
      detail: { version: created.value.version, basedOn: current?.list.version ?? null },
    });
    return ok(created.value);
  });
}

/** Sets which catalog items the draft adopts; kept items keep their overrides. */
export async function setAdoptedItems(db: Db, actor: Actor, input: { countyCode: string; codes: string[] }): Promise<ListResult<{ added: number; removed: number }>> {
  const wanted = new Set(input.codes);
  return changeDraft(db, actor, input.countyCode, 'countyList.edit', 'countyList.itemsChanged', async (tx, draft) => {
    const known = wanted.size ? await tx.select({ code: catalogItems.code }).from(catalogItems).where(inArray(catalogItems.code, [...wanted])) : [];
    if (known.length !== wanted.size) return fail({ form: say('lists.error.unknownItem') });
    const entries = await getDraftEntries(tx, draft.id);
    const current = new Set(entries.flatMap((entry) => (entry.itemCode ? [entry.itemCode] : [])));
    const toAdd = [...wanted].filter((code) => !current.has(code));
    const toRemove = [...current].filter((code) => !wanted.has(code));
    if (wanted.size === 0 && entries.every((entry) => entry.itemCode)) return fail({ form: say('lists.error.emptyList') });
    if (toRemove.length) await tx.delete(countyListItems).where(and(eq(countyListItems.listId, draft.id), inArray(countyListItems.itemCode, toRemove)));
    if (toAdd.length) await tx.insert(countyListItems).values(toAdd.map((itemCode) => ({ listId: draft.id, itemCode, position: 0 })));
    await renumber(tx, draft.id);
    const changed = toAdd.length > 0 || toRemove.length > 0;
    return { ...ok({ added: toAdd.length, removed: toRemove.length }), ...(changed ? { audit: { detail: { added: toAdd, removed: toRemove } } } : {}) };
  });
}

/** Keeps catalog order for adopted items and puts county items after them. */
async function renumber(db: DbOrTx, listId: number): Promise<void> {
  const entries = await db
    .select({ id: countyListItems.id, itemCode: countyListItems.itemCode, sort: catalogItems.sort })
    .from(countyListItems)
    .leftJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
    .where(eq(countyListItems.listId, listId))
    .orderBy(asc(catalogItems.sort), asc(countyListItems.customCode), asc(countyListItems.id));
  for (const [position, entry] of entries.entries()) {
    await db.update(countyListItems).set({ position }).where(eq(countyListItems.id, entry.id));
  }
}

const FieldsSchema = z.record(z.string(), z.string());

/**
 * The overrides a form's fields ask for: empty fields keep the catalog's, a step limit typed the same
 * as the catalog's is no change. Only the schema in validateOverrides decides what is acceptable.
 */
function overridesFromFields(fields: Record<string, string>, steps: CatalogItem['steps']): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const key of ['responsibleUnit', 'contactPhone', 'localNote'] as const) {
    if (fields[key]?.trim()) overrides[key] = fields[key].trim();
  }
  const days = fields.timeLimitDays?.normalize('NFKC').trim();
  if (days) overrides.timeLimitDays = /^\d{1,4}$/.test(days) ? Number(days) : NaN;
  const stepLimits = steps.map((step, index) => {
    const limit = fields[stepLimitField(index)]?.normalize('NFKC').trim();
    return limit && limit !== step.limit ? limit : null;
  });
  if (stepLimits.some((limit) => limit !== null)) overrides.stepLimits = stepLimits;
  return overrides;
}

/**
 * A county's own details on an adopted catalog item (responsible unit, phone, a shorter limit and
 * the steps' limits that fit in it, a note), from the item form's fields.
 */
export async function setItemOverrides(db: Db, actor: Actor, input: { countyCode: string; itemCode: string; fields: Record<string, string> }): Promise<ListResult> {
  const parsedFields = FieldsSchema.safeParse(input.fields);
  if (!parsedFields.success) return fail({ form: say('lists.error.invalid', { field: say('lists.field.form') }) });
  const { itemCode } = input;
  const fields = parsedFields.data;
  return changeDraft(db, actor, input.countyCode, 'countyList.edit', 'countyList.overridesChanged', async (tx, draft) => {
    const [row] = await tx
      .select({ entry: countyListItems, catalog: catalogItems })
      .from(countyListItems)
      .innerJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
      .where(and(eq(countyListItems.listId, draft.id), eq(countyListItems.itemCode, itemCode)));
    if (!row) return fail({ form: say('lists.error.notInDraft') });
    const item = toCatalogItem(row.catalog);
    const checked = validateOverrides(item, overridesFromFields(fields, item.steps));
    if (!checked.ok) return fail(checked.errors);
    await tx.update(countyListItems).set({ overrides: checked.overrides }).where(eq(countyListItems.id, row.entry.id));
    return { ...ok(), audit: { detail: { itemCode, before: row.entry.overrides, after: checked.overrides } } };
  });
}

/** Adds a county item, or replaces the one with the same code. */
export async function saveCustomItem(db: Db, actor: Actor, input: { countyCode: string; item: CustomItem }): Promise<ListResult> {
  const parsed = CustomItemSchema.safeParse(input.item);
  if (!parsed.success) return fail(describeIssues(parsed.error));
  const custom = parsed.data as CustomItem;
  return changeDraft(db, actor, input.countyCode, 'countyList.edit', 'countyList.customItemSaved', async (tx, draft) => {
    const [existing] = await tx
      .select()
      .from(countyListItems)
      .where(and(eq(countyListItems.listId, draft.id), eq(countyListItems.customCode, custom.code)));
    if (existing) await tx.update(countyListItems).set({ custom }).where(eq(countyListItems.id, existing.id));
    else await tx.insert(countyListItems).values({ listId: draft.id, customCode: custom.code, custom, position: 0 });
    await renumber(tx, draft.id);
    return { ...ok(), audit: { detail: { code: custom.code, name: custom.name, replaced: Boolean(existing) } } };
  });
}

export async function removeCustomItem(db: Db, actor: Actor, input: { countyCode: string; code: string }): Promise<ListResult> {
  return changeDraft(db, actor, input.countyCode, 'countyList.edit', 'countyList.customItemRemoved', async (tx, draft) => {
    const entries = await getDraftEntries(tx, draft.id);
    const target = entries.find((entry) => entry.customCode === input.code);
    if (!target) return fail({ form: say('lists.error.notInDraft') });
    if (entries.length === 1) return fail({ form: say('lists.error.emptyList') });
    await tx.delete(countyListItems).where(eq(countyListItems.id, target.id));
    return { ...ok(), audit: { detail: { code: input.code, name: target.custom?.name } } };
  });
}

/**
 * Adopted items whose county limits break the step-limit rule: only ones carried over from a
 * version published before the rule (every edit since is checked), to be fixed before publishing.
 */
export async function stepsNotFitting(db: DbOrTx, listId: number): Promise<CatalogItem[]> {
  const rows = await db
    .select({ entry: countyListItems, catalog: catalogItems })
    .from(countyListItems)
    .innerJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
    .where(eq(countyListItems.listId, listId))
    .orderBy(asc(countyListItems.position));
  return rows.flatMap(({ entry, catalog }) => {
    const item = toCatalogItem(catalog);
    return validateOverrides(item, entry.overrides).ok ? [] : [item];
  });
}

/** The next free county-item code of a draft (DF-01, DF-02 …). */
export function nextCustomCode(entries: CountyListItemRow[]): string {
  const used = new Set(entries.flatMap((entry) => (entry.customCode ? [entry.customCode] : [])));
  for (let n = 1; n < 100; n++) {
    const code = `DF-${String(n).padStart(2, '0')}`;
    if (!used.has(code)) return code;
  }
  return 'DF-99';
}

/** The draft as citizens would see it once published. */
export async function previewDraft(db: DbOrTx, draft: CountyListRow): Promise<ResolvedItem[]> {
  const rows = await db
    .select({ entry: countyListItems, catalog: catalogItems })
    .from(countyListItems)
    .leftJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
    .where(eq(countyListItems.listId, draft.id))
    .orderBy(asc(countyListItems.position), asc(countyListItems.id));
  return rows.map(({ entry, catalog }) =>
    catalog ? resolveCatalogItem(toCatalogItem(catalog), entry.overrides) : resolveCustomItem(entry.custom!),
  );
}

const PublishSchema = z.object({
  countyCode: z.string(),
  effectiveOn: z.string().trim(),
  note: z.string().trim(),
  /** The officer confirmed an effective date before today (the list is then in force retroactively). */
  confirmBackdate: z.boolean().default(false),
});

/**
 * Publishes the draft as the county's next version, from its effective date. A date before today
 * makes the version in force for days already past, so it is refused until the officer confirms it.
 */
export async function publishDraft(db: Db, actor: Actor, input: z.input<typeof PublishSchema>): Promise<ListResult<{ version: number }>> {
  const { countyCode, effectiveOn, note, confirmBackdate } = PublishSchema.parse(input);
  const errors: ListErrors = {};
  const today = todayInShanghai();
  if (!isIsoDate(effectiveOn)) errors.effectiveOn = say('lists.error.effectiveOn');
  else if (effectiveOn < today && !confirmBackdate) errors.effectiveOn = say('lists.error.backdated', { date: effectiveOn, today });
  if ([...note].length < 4) errors.note = say('lists.error.tooShort', { field: say('staff.publish.note'), min: 4 });
  if (Object.keys(errors).length > 0) return fail(errors);
  return changeDraft(db, actor, countyCode, 'countyList.publish', 'countyList.published', async (tx, draft) => {
    const unfit = await stepsNotFitting(tx, draft.id);
    if (unfit.length > 0) return fail({ form: say('lists.error.stepsToFix', { items: unfit.map((item) => `${item.code} ${item.name}`).join('、') }) });
    const published = await publishList(tx, draft.id, { effectiveOn, note, publishedBy: actor.id });
    if (!published.ok) return fail({ form: say('lists.error.stored', { detail: published.errors.join('；') }) });
    return { ...published, audit: { detail: { effectiveOn, backdated: effectiveOn < today }, reason: note } };
  });
}
