/**
 * The open-data API's JSON shapes (documented in README, "Open data"). Field names here are a
 * public contract: add fields freely, never rename or remove one within /api/v1.
 */
import type { ResolvedItem } from '../../../db/schema/county-lists.ts';
import type { DbOrTx } from './db.ts';
import { listCountiesByCity } from './areas/index.ts';
import { groupByCategory, listCatalogItems, listCategories, type CatalogItem } from './catalog/index.ts';
import { listCurrentVersions, loadCountyList } from './county-lists/index.ts';

export const API_VERSION = 1;

export interface ItemJson {
  code: string;
  category: string;
  name: string;
  nameEn: string;
  level: 'township' | 'village';
  summary: string;
  legalBasis: string[];
  implementingBody: string;
  materials: string[];
  materialsNote: string | null;
  fee: string;
  timeLimit: { unit: string; days: number | null; note: string | null };
  steps: Array<{ order: number; actor: string; action: string; limit: string }>;
  risks: Array<{ risk: string; level: string; control: string }>;
  accountability: string[];
  channel: string;
}

export function itemJson(item: CatalogItem | ResolvedItem): ItemJson {
  return {
    code: item.code,
    category: item.categoryCode,
    name: item.name,
    nameEn: item.nameEn,
    level: item.level,
    summary: item.summary,
    legalBasis: item.legalBasis,
    implementingBody: item.implementingBody,
    materials: item.materials,
    materialsNote: item.materialsNote ?? null,
    fee: item.fee,
    timeLimit: { unit: item.timeLimit.unit, days: item.timeLimit.days, note: item.timeLimit.note ?? null },
    steps: item.steps.map((step, index) => ({ order: index + 1, actor: step.actor, action: step.action, limit: step.limit })),
    risks: item.risks.map((risk) => ({ risk: risk.risk, level: risk.level, control: risk.control })),
    accountability: item.accountability,
    channel: item.channel,
  };
}

export async function catalogJson(db: DbOrTx) {
  const [categories, items] = await Promise.all([listCategories(db), listCatalogItems(db)]);
  return {
    apiVersion: API_VERSION,
    itemCount: items.length,
    categories: groupByCategory(categories, items).map((group) => ({
      code: group.category.code,
      name: group.category.nameZh,
      nameEn: group.category.nameEn,
      itemCount: group.items.length,
      items: group.items.map(itemJson),
    })),
  };
}

export async function countiesJson(db: DbOrTx) {
  const [groups, current] = await Promise.all([listCountiesByCity(db), listCurrentVersions(db)]);
  return {
    apiVersion: API_VERSION,
    counties: groups.flatMap((group) =>
      group.counties.map((county) => ({
        code: county.code,
        name: county.name,
        cityCode: group.city.code,
        cityName: group.city.name,
        demo: county.isDemo,
        currentList: current.get(county.code) ?? null,
      })),
    ),
  };
}

/** The list in force for a county, overrides applied; undefined when there is none. */
export async function countyItemsJson(db: DbOrTx, countyCode: string) {
  const view = await loadCountyList(db, countyCode);
  if (!view || !view.shown) return undefined;
  const { county, shown } = view;
  return {
    apiVersion: API_VERSION,
    county: { code: county.code, name: county.name, demo: county.isDemo },
    list: {
      version: shown.list.version,
      effectiveOn: shown.list.effectiveOn,
      publishedAt: shown.list.publishedAt?.toISOString() ?? null,
      note: shown.list.note,
      itemCount: shown.items.length,
    },
    items: shown.items.map((item) => ({
      ...itemJson(item),
      origin: item.origin,
      responsibleUnit: item.responsibleUnit ?? null,
      contactPhone: item.contactPhone ?? null,
      localNote: item.localNote ?? null,
      catalogTimeLimitDays: item.catalogTimeLimitDays ?? null,
    })),
  };
}
