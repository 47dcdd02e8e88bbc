/**
 * How a county's changes apply to a catalog item. Pure functions: the same code builds the
 * snapshot written at publication, the preview, and the "what this county changed" view.
 */
import { z } from 'zod';
import type { CustomItem, ItemOverrides, ResolvedItem } from '../../../../db/schema/county-lists.ts';
import type { CatalogItem } from '../catalog/index.ts';

export const PHONE_PATTERN = /^(0\d{2,3}-?\d{7,8}|1\d{10}|12\d{3,4})$/;

export const OverridesSchema = z
  .object({
    responsibleUnit: z.string().trim().min(2, '责任单位至少2个字').max(80, '责任单位不超过80个字').optional(),
    contactPhone: z
      .string()
      .trim()
      .regex(PHONE_PATTERN, '电话号码格式不正确，例如 0311-12345678、13800000000 或 12345')
      .optional(),
    timeLimitDays: z.number().int('时限须为整数天').min(1, '时限至少1天').optional(),
    localNote: z.string().trim().min(2, '本地说明至少2个字').max(500, '本地说明不超过500个字').optional(),
  })
  .strict();

export type OverrideErrors = Partial<Record<keyof ItemOverrides, string>>;

/** Checks overrides against the catalog item they apply to: a county may shorten a limit, never lengthen it. */
export function validateOverrides(
  item: CatalogItem,
  overrides: unknown,
): { ok: true; overrides: ItemOverrides } | { ok: false; errors: OverrideErrors } {
  const parsed = OverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const errors: OverrideErrors = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof ItemOverrides | undefined;
      if (key && !errors[key]) errors[key] = issue.message;
    }
    return { ok: false, errors };
  }
  const value = parsed.data as ItemOverrides;
  if (value.timeLimitDays !== undefined) {
    if (item.timeLimit.days === null) {
      return { ok: false, errors: { timeLimitDays: '该事项没有按天计算的时限，不能调整天数' } };
    }
    if (value.timeLimitDays > item.timeLimit.days) {
      return {
        ok: false,
        errors: { timeLimitDays: `县级时限只能缩短，不能超过省级目录的${item.timeLimit.days}天` },
      };
    }
  }
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
    ...(overrides.responsibleUnit ? { responsibleUnit: overrides.responsibleUnit } : {}),
    ...(overrides.contactPhone ? { contactPhone: overrides.contactPhone } : {}),
    ...(overrides.localNote ? { localNote: overrides.localNote } : {}),
  };
}

export function resolveCustomItem(custom: CustomItem): ResolvedItem {
  return { ...custom, origin: 'county' };
}

export interface ItemChange {
  field: 'responsibleUnit' | 'contactPhone' | 'timeLimitDays' | 'localNote';
  catalogValue: string | number | null;
  countyValue: string | number;
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
