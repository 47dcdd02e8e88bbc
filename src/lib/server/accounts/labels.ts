/**
 * How the accounts side's codes are said: as message keys of the i18n catalog, never as text of
 * their own, so an English page shows English and the compiler checks that each key exists (a
 * template literal over a code union must be a `MessageKey`). Files that are Chinese documents —
 * the funds CSV, the import template, the import's messages to cadres — translate these keys with
 * `ZH`, and say so by using it.
 */
import type { DisclosureStatus, disclosureEvents } from '../../../../db/schema/accounts.ts';
import { translator, type MessageKey, type Translate } from '../../../i18n/index.ts';
import type { Direction, FeeStatus, PaymentMethod } from './model.ts';
import { parsePeriod } from './periods.ts';

/** The Chinese catalog, for files whose language is Chinese whatever the reader's page language. */
export const ZH: Translate = translator('zh-CN');

export function directionKey(direction: Direction): MessageKey {
  return `ledger.${direction}`;
}

export function paymentMethodKey(method: PaymentMethod): MessageKey {
  return `ledger.method.${method}`;
}

export function feeStatusKey(status: FeeStatus): MessageKey {
  return `ledger.feeStatus.${status}`;
}

export function disclosureStatusKey(status: DisclosureStatus): MessageKey {
  return `disclosure.status.${status}`;
}

/** The steps a period's history shows; each draft edit's own event row is for the audit trail only. */
export type HistoryKind = Exclude<(typeof disclosureEvents.$inferSelect)['kind'], 'edited'>;

export function historyEventKey(kind: HistoryKind): MessageKey {
  return `disclosure.event.${kind}`;
}

/** "2026-Q3" → 2026年第3季度 / Q3 2026; "2026-09" → 2026年9月 / 2026-09; anything else as given. */
export function periodLabel(t: Translate, code: string): string {
  const period = parsePeriod(code);
  if (!period) return code;
  const year = code.slice(0, 4);
  return period.kind === 'quarter'
    ? t('period.quarter', { year, quarter: code.slice(6) })
    : t('period.month', { year, month: Number(code.slice(5)), mm: code.slice(5) });
}
