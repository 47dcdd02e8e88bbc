/**
 * Editing a county's list: one draft version at a time, built from the list in force (or the whole
 * catalog when there is none), changed item by item, previewed, then published. Every command
 * writes its audit entry in the same transaction. Permission is checked by the caller (pages ask
 * `can(user, 'countyList.edit' | 'countyList.publish', { scopeCode: county })`).
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import {
  countyListItems,
  countyLists,
  type CountyListItemRow,
  type CountyListRow,
  type CustomItem,
  type ItemOverrides,
  type ResolvedItem,
} from '../../../../db/schema/county-lists.ts';
import { recordAudit } from '../audit.ts';
import { listCatalogItems, toCatalogItem } from '../catalog/index.ts';
import { CustomItemSchema } from '../catalog/validate.ts';
import type { Db, DbOrTx } from '../db.ts';
import { isIsoDate } from '../time.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { fieldErrors } from '../validation.ts';
import { createDraftList, getPublishedList, publishList, type DraftEntry } from './index.ts';
import { resolveCatalogItem, resolveCustomItem, validateOverrides } from './resolve.ts';


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

/** Starts the next draft from the list in force, or from the whole catalog when there is none. */
export async function startDraft(db: Db, actor: Actor, countyCode: string): Promise<Result<{ listId: number; version: number }>> {
  const existing = await getDraft(db, countyCode);
  if (existing) return fail({ form: `已有第${existing.version}版草稿，请继续编辑` });
  const current = await getPublishedList(db, countyCode);
  let entries: DraftEntry[];
  if (current) {
    const rows = await getDraftEntries(db, current.list.id);
    entries = rows.map((row) => (row.itemCode ? { itemCode: row.itemCode, overrides: row.overrides } : { custom: row.custom! }));
  } else {
    entries = (await listCatalogItems(db)).map((item) => ({ itemCode: item.code }));
  }
  return db.transaction(async (tx) => {
    const created = await createDraftList(tx, countyCode, entries);
    if (!created.ok) return fail({ form: created.errors.join('；') });
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
export async function setAdoptedItems(db: Db, actor: Actor, draft: CountyListRow, codes: string[]): Promise<Result<{ added: number; removed: number }>> {
  const wanted = new Set(codes);
  const known = wanted.size ? await db.select({ code: catalogItems.code }).from(catalogItems).where(inArray(catalogItems.code, [...wanted])) : [];
  if (known.length !== wanted.size) return fail({ form: '包含省级目录中不存在的事项' });
  const entries = await getDraftEntries(db, draft.id);
  const current = new Set(entries.flatMap((entry) => (entry.itemCode ? [entry.itemCode] : [])));
  const toAdd = [...wanted].filter((code) => !current.has(code));
  const toRemove = [...current].filter((code) => !wanted.has(code));
  if (wanted.size === 0 && entries.every((entry) => entry.itemCode)) return fail({ form: '清单至少包含一个事项' });
  await db.transaction(async (tx) => {
    if (toRemove.length) {
      await tx.delete(countyListItems).where(and(eq(countyListItems.listId, draft.id), inArray(countyListItems.itemCode, toRemove)));
    }
    if (toAdd.length) {
      await tx.insert(countyListItems).values(toAdd.map((itemCode) => ({ listId: draft.id, itemCode, position: 0 })));
    }
    await renumber(tx, draft.id);
    if (toAdd.length || toRemove.length) {
      await recordAudit(tx, {
        actor,
        action: 'countyList.itemsChanged',
        subjectType: 'countyList',
        subjectId: String(draft.id),
        scopeCode: draft.countyCode,
        detail: { version: draft.version, added: toAdd, removed: toRemove },
      });
    }
  });
  return ok({ added: toAdd.length, removed: toRemove.length });
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

export async function setItemOverrides(
  db: Db,
  actor: Actor,
  draft: CountyListRow,
  itemCode: string,
  raw: Record<string, string>,
): Promise<Result> {
  const [row] = await db
    .select({ entry: countyListItems, catalog: catalogItems })
    .from(countyListItems)
    .innerJoin(catalogItems, eq(catalogItems.code, countyListItems.itemCode))
    .where(and(eq(countyListItems.listId, draft.id), eq(countyListItems.itemCode, itemCode)));
  if (!row) return fail({ form: '该事项不在草稿中' });
  const overrides: Record<string, unknown> = {};
  for (const key of ['responsibleUnit', 'contactPhone', 'localNote'] as const) {
    if (raw[key]?.trim()) overrides[key] = raw[key].trim();
  }
  if (raw.timeLimitDays?.trim()) {
    const days = Number(raw.timeLimitDays.trim());
    overrides.timeLimitDays = Number.isFinite(days) ? days : NaN;
  }
  const checked = validateOverrides(toCatalogItem(row.catalog), overrides);
  if (!checked.ok) return fail(checked.errors as FieldErrors);
  await db.transaction(async (tx) => {
    await tx.update(countyListItems).set({ overrides: checked.overrides }).where(eq(countyListItems.id, row.entry.id));
    await recordAudit(tx, {
      actor,
      action: 'countyList.overridesChanged',
      subjectType: 'countyList',
      subjectId: String(draft.id),
      scopeCode: draft.countyCode,
      detail: { version: draft.version, itemCode, before: row.entry.overrides, after: checked.overrides },
    });
  });
  return ok();
}

/** Adds a county item, or replaces the one with the same code. */
export async function saveCustomItem(db: Db, actor: Actor, draft: CountyListRow, item: CustomItem): Promise<Result> {
  const parsed = CustomItemSchema.safeParse(item);
  if (!parsed.success) {
    return fail(fieldErrors(parsed.error));
  }
  const custom = parsed.data as CustomItem;
  await db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(countyListItems)
      .where(and(eq(countyListItems.listId, draft.id), eq(countyListItems.customCode, custom.code)));
    if (existing) await tx.update(countyListItems).set({ custom }).where(eq(countyListItems.id, existing.id));
    else await tx.insert(countyListItems).values({ listId: draft.id, customCode: custom.code, custom, position: 0 });
    await renumber(tx, draft.id);
    await recordAudit(tx, {
      actor,
      action: 'countyList.customItemSaved',
      subjectType: 'countyList',
      subjectId: String(draft.id),
      scopeCode: draft.countyCode,
      detail: { version: draft.version, code: custom.code, name: custom.name, replaced: Boolean(existing) },
    });
  });
  return ok();
}

export async function removeCustomItem(db: Db, actor: Actor, draft: CountyListRow, code: string): Promise<Result> {
  const entries = await getDraftEntries(db, draft.id);
  const target = entries.find((entry) => entry.customCode === code);
  if (!target) return fail({ form: '该县级事项不在草稿中' });
  if (entries.length === 1) return fail({ form: '清单至少包含一个事项' });
  await db.transaction(async (tx) => {
    await tx.delete(countyListItems).where(eq(countyListItems.id, target.id));
    await recordAudit(tx, {
      actor,
      action: 'countyList.customItemRemoved',
      subjectType: 'countyList',
      subjectId: String(draft.id),
      scopeCode: draft.countyCode,
      detail: { version: draft.version, code, name: target.custom?.name },
    });
  });
  return ok();
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

export async function publishDraft(
  db: Db,
  actor: Actor,
  draft: CountyListRow,
  input: { effectiveOn: string; note: string },
): Promise<Result<{ version: number }>> {
  const errors: FieldErrors = {};
  if (!isIsoDate(input.effectiveOn)) errors.effectiveOn = '请填写生效日期，格式如 2027-01-01';
  if (input.note.trim().length < 4) errors.note = '请填写发文字号或版本说明（至少4个字）';
  if (Object.keys(errors).length > 0) return fail(errors);
  return db.transaction(async (tx) => {
    const published = await publishList(tx, draft.id, { effectiveOn: input.effectiveOn, note: input.note.trim(), publishedBy: actor.id });
    if (!published.ok) return fail({ form: published.errors.join('；') });
    await recordAudit(tx, {
      actor,
      action: 'countyList.published',
      subjectType: 'countyList',
      subjectId: String(draft.id),
      scopeCode: draft.countyCode,
      reason: input.note.trim(),
      detail: { version: draft.version, effectiveOn: input.effectiveOn },
    });
    return published;
  });
}

