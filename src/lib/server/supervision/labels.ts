/** How the integrity picture's codes are said: message keys, so the compiler checks each one exists. */
import type { EscalatedEventKind } from '../../../../db/schema/escalated.ts';
import { FINDINGS } from '../../../../db/schema/complaints.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import type { FlagKind } from '../accounts/flags.ts';
import { HIT_RULES, type HitRule } from '../../../../db/schema/livelihood-checks.ts';
import { findingKey } from '../complaints/labels.ts';

export function flagKindKey(kind: FlagKind): MessageKey {
  return `integrity.flagKind.${kind}`;
}

export function escalatedEventKey(kind: EscalatedEventKind): MessageKey {
  return `integrity.event.${kind}`;
}

type LateStatus = 'published' | 'missing' | 'draft' | 'submitted' | 'countersigned';

/** A late period: published late, missing, or still unpublished after its due day. */
export function lateStatusKey(status: LateStatus): MessageKey {
  return status === 'published' ? 'integrity.late.published' : status === 'missing' ? 'integrity.late.missing' : 'integrity.late.unpublished';
}

/** A livelihood cross-check rule (the hits on the picture; a judgement's snapshot may hold a rule named later, hence the guard). */
export function hitRuleKey(rule: string): MessageKey | null {
  return (HIT_RULES as readonly string[]).includes(rule) ? (`livelihood.rule.${rule as HitRule}` as const) : null;
}

/** Counts by rule in the rules' documented order (a rule this version does not know comes last). */
export function inHitRuleOrder<T>(counts: Partial<Record<string, T>>): Array<[string, T]> {
  const rank = (rule: string) => {
    const index = (HIT_RULES as readonly string[]).indexOf(rule);
    return index < 0 ? HIT_RULES.length : index;
  };
  return (Object.entries(counts) as Array<[string, T]>).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** One of the ten key-personnel categories (SUBJECT_ROLES, by index) in the page's language. */
export function keyRoleKey(index: number): MessageKey {
  return `keyRole.${Math.min(Math.max(Math.trunc(index), 0), 9) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;
}

const FLAG_KINDS: readonly FlagKind[] = ['noDecision', 'largeCash', 'splitPayments', 'noVoucher', 'expiredListed', 'arrears', 'renewedWithoutTender', 'largeDebt', 'oldDebt'];
const LATE_STATUSES: readonly LateStatus[] = ['published', 'missing', 'draft', 'submitted', 'countersigned'];
const isOneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T => value !== undefined && (list as readonly string[]).includes(value);

/**
 * A point of a judgement's stored snapshot said in words. The snapshot keeps each point as written
 * (judgements.ts `snapshot`: "2026-Q3 largeCash", "桑纪举〔2026〕3号 substantiated",
 * "2026-Q3 意见#12 2026-11-20", "2026-Q3 draft"), append-only; the print reads the codes back out
 * of it and names them. A label that does not read as its source's shape is shown as stored.
 */
export function snapshotPointLabel(point: { source: string; label: string }, t: Translate): string {
  const parts = point.label.split(' ');
  if (point.source === 'flag' && parts.length === 2 && isOneOf(FLAG_KINDS, parts[1])) return t('integrity.snapshot.flag', { period: parts[0]!, kind: t(flagKindKey(parts[1])) });
  if (point.source === 'finding' && parts.length === 2 && isOneOf(FINDINGS, parts[1])) return t('integrity.snapshot.finding', { number: parts[0]!, finding: t(findingKey(parts[1])) });
  const opinion = point.source === 'opinion' ? /^(\S+) 意见#(\d+) (\d{4}-\d{2}-\d{2})$/.exec(point.label) : null;
  if (opinion) return t('integrity.snapshot.opinion', { period: opinion[1]!, id: opinion[2]!, due: opinion[3]! });
  if (point.source === 'late' && parts.length === 2 && isOneOf(LATE_STATUSES, parts[1])) return t('integrity.snapshot.late', { period: parts[0]!, status: t(lateStatusKey(parts[1])) });
  const ruleKey = point.source === 'suspect' && parts.length === 3 ? hitRuleKey(parts[1]!) : null;
  if (ruleKey && (parts[2] === 'confirmed' || parts[2] === 'overdue')) {
    return t(parts[2] === 'confirmed' ? 'integrity.snapshot.suspectConfirmed' : 'integrity.snapshot.suspectOverdue', { period: parts[0]!, rule: t(ruleKey) });
  }
  return point.label;
}
