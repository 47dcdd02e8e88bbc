/**
 * What the case page (/staff/complaints/[id]) can be asked to do, as one table: each form's
 * `action` → the permission it needs → how its fields become the command's input → the command →
 * where to go once it worked. The page calls `runCaseAction` once per POST and redirects or
 * re-renders with what this returns; the commands re-check reach and status inside their row lock.
 */
import { MEASURES, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import type { Translate } from '../../../i18n/index.ts';
import { can, type Action } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import { ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { caseResource } from './cases.ts';
import { assignHandler, forwardComplaint, handDown, press, recordTransferReply, reportBack, reviewReport, transferComplaint } from './casework.ts';
import { actOnComplaint, mergeComplaint, type ConsoleAction } from './console.ts';
import { answerObjection, pressObjection } from './objections.ts';
import { decideProposal, propose, revealIdentity, withdrawProposal } from './proposals.ts';
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
  /** The command, and on success what follows: a redirect, or (identity) something to show here. */
  run: (context: Context) => Promise<Result<CaseActionOutcome>>;
}

const then = <T>(result: Result<T>, next: (value: T) => CaseActionOutcome): Result<CaseActionOutcome> => (result.ok ? ok(next(result.value)) : result);

const casePage = (complaint: ComplaintRow, done: string): CaseActionOutcome => ({ kind: 'redirect', location: `/staff/complaints/${complaint.id}?done=${done}` });

function step(action: ConsoleAction): CaseAction {
  return {
    permission: action === 'note' ? 'complaint.handle' : 'complaint.manage',
    run: async ({ db, actor, complaint, fields }) =>
      then(await actOnComplaint(db, actor, { complaintId: complaint.id, action, text: fields.text ?? '' }), () =>
        // After an escalation the case leaves this commission's reach: back to the queue.
        action === 'escalate' ? { kind: 'redirect', location: '/staff/complaints?done=escalate' } : casePage(complaint, action),
      ),
  };
}

/** A step of casework.ts or proposals.ts: its permission, and how the form's fields become its input. */
function command(permission: Action, done: string, run: (context: Context) => Promise<Result<unknown>>): CaseAction {
  return { permission, run: async (context) => then(await run(context), () => casePage(context.complaint, done)) };
}

/** A decision the handler proposes; the form's field is `text` (the disposal's select too) or `reason` (reveal). */
function proposal(kind: 'decline' | 'dispose' | 'reveal'): CaseAction {
  return command('complaint.propose', 'proposed', ({ db, actor, complaint, fields }) =>
    propose(db, actor, { complaintId: complaint.id, kind, value: fields.text ?? '', reason: fields.reason ?? '' }),
  );
}

const ACTIONS: Record<string, CaseAction> = {
  accept: step('accept'),
  note: step('note'),
  escalate: step('escalate'),
  interim: step('interim'),
  decline: proposal('decline'),
  dispose: proposal('dispose'),
  conclude: command('complaint.propose', 'proposed', ({ db, actor, complaint, fields }) =>
    propose(db, actor, { complaintId: complaint.id, kind: 'conclude', value: fields.finding ?? '', measures: MEASURES.filter((code) => fields[`measure_${code}`]), measuresNote: fields.text ?? '' }),
  ),
  answer: step('answer'),
  reveal: proposal('reveal'),
  // Approver rights are read from the account inside the command; the session does not carry them.
  approve: command('complaint.manage', 'approved', ({ db, actor, complaint, fields }) => decideProposal(db, actor, { complaintId: complaint.id, proposalId: fields.proposal ?? '', decision: 'approve', note: fields.note })),
  reject: command('complaint.manage', 'rejected', ({ db, actor, complaint, fields }) => decideProposal(db, actor, { complaintId: complaint.id, proposalId: fields.proposal ?? '', decision: 'reject', note: fields.note })),
  withdraw: command('complaint.propose', 'withdrawn', ({ db, actor, complaint, fields }) => withdrawProposal(db, actor, { complaintId: complaint.id, proposalId: fields.proposal ?? '' })),
  handler: command('complaint.manage', 'handler', ({ db, actor, complaint, fields }) => assignHandler(db, actor, { complaintId: complaint.id, handlerId: fields.handler ?? '' })),
  forward: {
    permission: 'complaint.manage',
    run: async ({ db, actor, complaint, fields }) =>
      then(await forwardComplaint(db, actor, { complaintId: complaint.id, toScopeCode: fields.toScopeCode ?? '', reason: fields.reason ?? '' }), () => ({ kind: 'redirect', location: '/staff/complaints?done=forward' })),
  },
  handDown: command('complaint.manage', 'handDown', ({ db, actor, complaint, fields }) => handDown(db, actor, { complaintId: complaint.id, townshipCode: fields.townshipCode ?? '' })),
  report: command('complaint.report', 'report', ({ db, actor, complaint, fields }) => reportBack(db, actor, { complaintId: complaint.id, text: fields.text ?? '' })),
  review: command('complaint.manage', 'review', ({ db, actor, complaint, fields }) => reviewReport(db, actor, { complaintId: complaint.id, decision: fields.decision ?? '', text: fields.text ?? '' })),
  press: command('complaint.manage', 'press', ({ db, actor, complaint, fields }) => press(db, actor, { complaintId: complaint.id, text: fields.text ?? '', dueOn: fields.dueOn ?? '' })),
  transfer: command('complaint.manage', 'transfer', ({ db, actor, complaint, fields }) => transferComplaint(db, actor, { complaintId: complaint.id, departmentId: fields.department ?? '' })),
  reply: command('complaint.manage', 'reply', ({ db, actor, complaint, fields }) => recordTransferReply(db, actor, { complaintId: complaint.id, text: fields.text ?? '' })),
  merge: {
    permission: 'complaint.manage',
    run: async ({ db, actor, complaint, fields }) =>
      then(await mergeComplaint(db, actor, { complaintId: complaint.id, intoId: fields.into ?? '' }), () => ({ kind: 'redirect', location: `/staff/complaints/${fields.into}?done=merge` })),
  },
  objection: command('complaint.manage', 'objection', ({ db, actor, complaint, fields }) => answerObjection(db, actor, { complaintId: complaint.id, decision: fields.decision ?? '', text: fields.text ?? '' })),
  pressObjection: command('complaint.supervise', 'pressObjection', ({ db, actor, complaint, fields }) => pressObjection(db, actor, { complaintId: complaint.id, text: fields.text ?? '' })),
  zone: command('complaint.manage', 'zone', ({ db, actor, complaint, fields }) => assignZone(db, actor, { complaintId: complaint.id, zoneId: fields.zone ?? '' })),
  identity: {
    permission: 'complaint.propose',
    run: async ({ db, actor, complaint }) => then(await revealIdentity(db, actor, { complaintId: complaint.id }), (identity) => ({ kind: 'revealed', identity })),
  },
};

/** Runs the case form that was posted, for `actor` on `complaint`. */
export async function runCaseAction(db: Db, actor: Actor, complaint: ComplaintRow, request: Request, t: Translate): Promise<CaseActionOutcome> {
  // A clone: a refusal is answered with the 403 page through Astro.rewrite, which needs the body unread.
  const { fields } = await readForm(request.clone());
  const name = fields.action ?? '';
  const errorIds = {
    text: `field-text-${name}`,
    reason: `field-reason-${name}`,
    // The approver's note is per proposal: several may wait on one page.
    note: `field-note-${fields.proposal ?? ''}`,
    dueOn: `field-dueOn-${name}`,
    handler: 'field-handler',
    finding: 'field-finding',
    measures: 'field-measures',
    toScopeCode: 'field-toScopeCode',
    townshipCode: 'field-townshipCode',
    department: 'field-department',
    zone: 'field-zone',
  };
  const invalid = (errors: FieldErrors, status = 400): CaseActionOutcome => ({ kind: 'invalid', action: name, values: fields, errors, errorIds, status });
  const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!action) return invalid({ form: t('staff.unknownAction') });
  if (!can(actor, action.permission, caseResource(complaint))) return { kind: 'forbidden' };
  const result = await action.run({ db, actor, complaint, fields });
  if (!result.ok) return result.status === 403 ? { kind: 'forbidden' } : invalid(result.errors, result.status ?? 400);
  return result.value;
}
