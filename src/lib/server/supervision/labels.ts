/** How the integrity picture's codes are said: message keys, so the compiler checks each one exists. */
import type { EscalatedEventKind } from '../../../../db/schema/escalated.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import type { FlagKind } from '../accounts/flags.ts';

export function flagKindKey(kind: FlagKind): MessageKey {
  return `integrity.flagKind.${kind}`;
}

export function escalatedEventKey(kind: EscalatedEventKind): MessageKey {
  return `integrity.event.${kind}`;
}

/** A late period: published late, missing, or still unpublished after its due day. */
export function lateStatusKey(status: 'published' | 'missing' | 'draft' | 'submitted' | 'countersigned'): MessageKey {
  return status === 'published' ? 'integrity.late.published' : status === 'missing' ? 'integrity.late.missing' : 'integrity.late.unpublished';
}
