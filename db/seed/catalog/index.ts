/**
 * The provincial catalog: 110 items in 4 categories, authored in Chinese.
 * Each category file holds the items of one area of work; the order here is the display order.
 */
import type { CatalogItemSeed, CategoryCode } from '../../../src/lib/server/catalog/types.ts';
import { items as enforcement } from './enforcement.ts';
import { items as approval } from './approval.ts';
import { items as managementVillage } from './management-village.ts';
import { items as managementTownship } from './management-township.ts';
import { items as serviceAssistance } from './service-assistance.ts';
import { items as serviceConvenience } from './service-convenience.ts';

export interface CategorySeed {
  code: CategoryCode;
  nameZh: string;
  nameEn: string;
  sort: number;
  items: CatalogItemSeed[];
}

export const catalogCategories: CategorySeed[] = [
  { code: 'enforcement', nameZh: '行政执法', nameEn: 'Administrative enforcement', sort: 1, items: enforcement },
  { code: 'approval', nameZh: '行政审批', nameEn: 'Administrative approval and licensing', sort: 2, items: approval },
  {
    code: 'management',
    nameZh: '公共管理',
    nameEn: 'Public management',
    sort: 3,
    items: [...managementVillage, ...managementTownship],
  },
  {
    code: 'service',
    nameZh: '公共服务',
    nameEn: 'Public services',
    sort: 4,
    items: [...serviceAssistance, ...serviceConvenience],
  },
];

export function allCatalogItems(): Array<CatalogItemSeed & { categoryCode: CategoryCode }> {
  return catalogCategories.flatMap((category) =>
    category.items.map((item) => ({ ...item, categoryCode: category.code })),
  );
}
