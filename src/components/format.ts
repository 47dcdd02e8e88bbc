/** Presentation helpers shared by components (no I/O). */
import type { TimeLimit } from '../lib/server/catalog/types.ts';
import type { Translate } from '../i18n/index.ts';

export function formatTimeLimit(t: Translate, limit: TimeLimit): string {
  switch (limit.unit) {
    case 'workingDays':
      return t('item.timeLimit.workingDays', { days: limit.days ?? 0 });
    case 'calendarDays':
      return t('item.timeLimit.calendarDays', { days: limit.days ?? 0 });
    case 'onTheSpot':
      return t('item.timeLimit.onTheSpot');
    case 'periodic':
      return limit.days ? t('item.timeLimit.periodicDays', { days: limit.days }) : t('item.timeLimit.periodic');
  }
}

export type Lane = 'citizen' | 'village' | 'township' | 'county' | 'other';
export const LANE_ORDER: Lane[] = ['citizen', 'village', 'township', 'county', 'other'];

/**
 * Which administrative level a step's actor belongs to, read from the actor's name
 * (申请人 → citizen, 县民政局 → county, 乡镇人民政府 → township, 村民委员会 → village).
 */
export function laneOfActor(actor: string): Lane {
  if (/申请人|当事人|群众|本人|家属|监护人|经营者|承包方|报告人|缴费人|参保人/.test(actor)) return 'citizen';
  if (/县|市|区(?!域)/.test(actor) && !/乡|镇|街道/.test(actor.slice(0, 2))) return 'county';
  if (/乡|镇|街道|执法队|便民服务中心|中心/.test(actor)) return 'township';
  if (/村/.test(actor)) return 'village';
  return 'other';
}

/** True when a fee text means the item is free (most are). */
export function isFree(fee: string): boolean {
  return /^(不收费|免费|不收取)/.test(fee.trim());
}

/**
 * The header cells of a "stacked" table (site.css): each label heads its column on a desktop and is
 * repeated as the cells' data-label, which becomes their visible label when rows stack on a phone.
 */
export function stackedColumns<K extends string>(labels: Record<K, string>, numeric: readonly K[] = []): Array<{ label: string; num: boolean }> {
  return (Object.entries(labels) as Array<[K, string]>).map(([key, label]) => ({ label, num: numeric.includes(key) }));
}
