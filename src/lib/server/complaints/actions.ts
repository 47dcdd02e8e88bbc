/**
 * What the case page (/staff/complaints/[id]) can be asked to do, as one table: each form's
 * `action` → the permission it needs → how its fields become the command's input → the command →
 * where to go once it worked. The page calls `runCaseAction` once per POST and redirects or
 * re-renders with what this returns; the commands re-check reach and status inside their row lock.
 */
import type { ComplaintRow } from '../../../../db/schema/complaints.ts';
import type { Translate } from '../../../i18n/index.ts';
import { can, type Action } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import { ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { caseResource } from './cases.ts';
import { actOnComplaint, mergeComplaint, revealIdentity, type ConsoleAction } from './console.ts';
import { assignZone } from './zones.ts';

export type CaseActionOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  /** Shown in this response only, never stored decrypted; every look is in the audit log. */
  | { kind: 'revealed'; identity: { name: string; phone: string } }
  | {
      kind: 'invalid';
      /** Which form failed, so the page puts the typed values back into that one. */
      action: string;
      values: Record<string, string>;
      errors: FieldErrors;
      /** Field name → element id, for the error summary's links (several forms share `text`). */
      errorIds: Record<string, string>;
      /** 400, or 404 when the case (or a merge target) is not within the actor's reach. */
      status: number;
    };

interface Context {
  db: Db;
  actor: Actor;
  complaint: ComplaintRow;
  fields: Record<string, string>;
}

interface CaseAction {
  permission: Action;
  /** The command, and on success what follows: a redirect, or (reveal) something to show here. */
  run: (context: Context) => Promise<Result<CaseActionOutcome>>;
}

const then = <T>(result: Result<T>, next: (value: T) => CaseActionOutcome): Result<CaseActionOutcome> => (result.ok ? ok(next(result.value)) : result);

const casePage = (complaint: ComplaintRow, done: string): CaseActionOutcome => ({ kind: 'redirect', location: `/staff/complaints/${complaint.id}?done=${done}` });

function step(action: ConsoleAction): CaseAction {
  return {
    permission: 'complaint.handle',
    run: async ({ db, actor, complaint, fields }) =>
      then(await actOnComplaint(db, actor, { complaintId: complaint.id, action, text: fields.text ?? '' }), () =>
        // After an escalation the case may leave this commission's reach: back to the queue.
        action === 'escalate' ? { kind: 'redirect', location: '/staff/complaints?done=escalate' } : casePage(complaint, action),
      ),
  };
}

const ACTIONS: Record<string, CaseAction> = {
  accept: step('accept'),
  decline: step('decline'),
  note: step('note'),
  dispose: step('dispose'),
  transfer: step('transfer'),
  escalate: step('escalate'),
  conclude: step('conclude'),
  merge: {
    permission: 'complaint.handle',
    run: async ({ db, actor, complaint, fields }) =>
      then(await mergeComplaint(db, actor, { complaintId: complaint.id, intoId: fields.into ?? '' }), () => ({ kind: 'redirect', location: `/staff/complaints/${fields.into}?done=merge` })),
  },
  zone: {
    permission: 'complaint.handle',
    run: async ({ db, actor, complaint, fields }) => then(await assignZone(db, actor, { complaintId: complaint.id, zoneId: fields.zone ?? '' }), () => casePage(complaint, 'zone')),
  },
  reveal: {
    permission: 'complaint.handle',
    run: async ({ db, actor, complaint, fields }) =>
      then(await revealIdentity(db, actor, { complaintId: complaint.id, reason: fields.reason ?? '' }), (identity) => ({ kind: 'revealed', identity })),
  },
};

/** Runs the case form that was posted, for `actor` on `complaint`. */
export async function runCaseAction(db: Db, actor: Actor, complaint: ComplaintRow, request: Request, t: Translate): Promise<CaseActionOutcome> {
  const { fields } = await readForm(request);
  const name = fields.action ?? '';
  const errorIds = { text: `field-text-${name}`, reason: `field-reason-${name}` };
  const invalid = (errors: FieldErrors, status = 400): CaseActionOutcome => ({ kind: 'invalid', action: name, values: fields, errors, errorIds, status });
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action) return invalid({ form: t('staff.unknownAction') });
  if (!can(actor, action.permission, caseResource(complaint))) return { kind: 'forbidden' };
  const result = await action.run({ db, actor, complaint, fields });
  if (!result.ok) return result.status === 403 ? { kind: 'forbidden' } : invalid(result.errors, result.status ?? 400);
  return result.value;
}
