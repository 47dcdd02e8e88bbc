/**
 * What the staff list pages load (the pages that write also run their command: pages.ts).
 */
import type { AreaRow } from '../../../../db/schema/areas.ts';
import type { CountyListItemRow, CountyListRow, ResolvedItem } from '../../../../db/schema/county-lists.ts';
import { getCounty, listCountiesByCity } from '../areas/index.ts';
import { listCatalogItems, listCategories, type CatalogItem } from '../catalog/index.ts';
import type { CategoryRow } from '../../../../db/schema/catalog.ts';
import { can, type Actor } from '../auth/permissions.ts';
import type { DbOrTx } from '../db.ts';
import { getDraft, getDraftEntries, previewDraft } from './drafts.ts';
import { compareVersions, compareWithCatalog, type ListComparison, type VersionChanges } from './resolve.ts';
import { getPublishedList, listCurrentVersions, listPublishedVersions, pickCurrentVersion, type CurrentListSummary } from './index.ts';
import { todayInShanghai } from '../time.ts';

export interface EditableCounty {
  county: AreaRow;
  cityName: string;
  current: CurrentListSummary | undefined;
  draft: CountyListRow | undefined;
}

/** Counties whose list the actor may edit, with the state of their lists. */
export async function listEditableCounties(db: DbOrTx, actor: Actor): Promise<EditableCounty[]> {
  const [groups, current] = await Promise.all([listCountiesByCity(db), listCurrentVersions(db)]);
  const result: EditableCounty[] = [];
  for (const group of groups) {
    for (const county of group.counties) {
      if (!can(actor, 'countyList.edit', { scopeCode: county.code })) continue;
      result.push({ county, cityName: group.city.name, current: current.get(county.code), draft: await getDraft(db, county.code) });
    }
  }
  return result;
}

export interface CountyListOverview {
  county: AreaRow;
  versions: CountyListRow[];
  current: CountyListRow | undefined;
  draft: CountyListRow | undefined;
}

export async function loadCountyOverview(db: DbOrTx, countyCode: string): Promise<CountyListOverview | undefined> {
  const county = await getCounty(db, countyCode);
  if (!county) return undefined;
  const versions = await listPublishedVersions(db, countyCode);
  return { county, versions, current: pickCurrentVersion(versions, todayInShanghai()), draft: await getDraft(db, countyCode) };
}

export interface DraftEditorView {
  county: AreaRow;
  draft: CountyListRow;
  categories: CategoryRow[];
  catalog: CatalogItem[];
  entries: CountyListItemRow[];
}

export async function loadDraftEditor(db: DbOrTx, countyCode: string): Promise<DraftEditorView | undefined> {
  const county = await getCounty(db, countyCode);
  if (!county) return undefined;
  const draft = await getDraft(db, countyCode);
  if (!draft) return undefined;
  const [categories, catalog, entries] = await Promise.all([listCategories(db), listCatalogItems(db), getDraftEntries(db, draft.id)]);
  return { county, draft, categories, catalog, entries };
}

export interface DraftPreview extends DraftEditorView {
  /** The draft as citizens would see it once published. */
  items: ResolvedItem[];
  comparison: ListComparison;
}

export async function loadDraftPreview(db: DbOrTx, countyCode: string): Promise<DraftPreview | undefined> {
  const editor = await loadDraftEditor(db, countyCode);
  if (!editor) return undefined;
  const items = await previewDraft(db, editor.draft);
  return { ...editor, items, comparison: compareWithCatalog(items, editor.catalog) };
}

/** What the draft changes against the version in force (undefined when the county has none in force). */
export async function loadDraftChanges(db: DbOrTx, countyCode: string, draft: CountyListRow): Promise<VersionChanges | undefined> {
  const [current, items] = await Promise.all([getPublishedList(db, countyCode), previewDraft(db, draft)]);
  return current ? compareVersions(items, { version: current.list.version, items: current.items }) : undefined;
}

/** One item of the draft as citizens would read it once published (the preview's item page). */
export async function loadDraftPreviewItem(db: DbOrTx, countyCode: string, code: string | undefined): Promise<{ preview: DraftPreview; item: ResolvedItem } | undefined> {
  const preview = await loadDraftPreview(db, countyCode);
  const item = preview?.items.find((candidate) => candidate.code === code);
  return preview && item ? { preview, item } : undefined;
}
