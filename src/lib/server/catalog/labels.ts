/**
 * How the catalog's codes are said: as message keys of the i18n catalog, so an English page shows
 * English and the compiler checks each key exists. (Category names already come as
 * `category.${code}`; item texts themselves are Chinese content, published as written.)
 */
import type { MessageKey } from '../../../i18n/index.ts';
import type { RiskPoint } from './types.ts';

/** A risk level as authored (高/中/低) → its code, which also names its style (risk-high …). */
const RISK_LEVEL_CODES = { 高: 'high', 中: 'medium', 低: 'low' } as const satisfies Record<RiskPoint['level'], string>;

export type RiskLevelCode = (typeof RISK_LEVEL_CODES)[RiskPoint['level']];

export function riskLevelCode(level: RiskPoint['level']): RiskLevelCode {
  return RISK_LEVEL_CODES[level];
}

export function riskLevelKey(level: RiskPoint['level']): MessageKey {
  return `item.riskLevel.${riskLevelCode(level)}`;
}
