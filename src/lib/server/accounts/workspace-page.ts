/**
 * The ledger workspace page (/staff/ledgers/[id]) as one call: who may see it, the form that was
 * posted (through the action table), and everything the page shows, already decided — which forms
 * are open to this person, the notice after a redirect, the history in Beijing time. The page only
 * renders what this returns.
 */
import type { DisclosureRow } from '../../../../db/schema/accounts.ts';
import type { MajorMatterRow } from '../../../../db/schema/supervision.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import { can } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db } from '../db.ts';
import type { Actor } from '../result.ts';
import { formatShanghaiMinute, todayInShanghai } from '../time.ts';
import { ledgerDoneKey, runLedgerAction, type LedgerActionOutcome } from './actions.ts';
import { getDisclosure } from './disclosures.ts';
import { historyEventKey } from './labels.ts';
import { formatFen } from './model.ts';
import { isMajorAmount, listPeriodMajorMatters } from './major-matters.ts';
import type { SignerRole } from './period-flags.ts';
import { addDays, listOpinions, OPINION_ANSWER_DAYS, type OpinionView } from './supervision.ts';
import { listVouchers, type VoucherInfo } from './vouchers.ts';
import { loadWorkspace, type Workspace } from './workspace.ts';
import { parseRowNumber } from '../validation.ts';

/** A form that was refused, to open again with what was typed. */
export type FailedForm = Extract<LedgerActionOutcome, { kind: 'invalid' }>;

export interface WorkspaceView extends Omit<Workspace, 'events'> {
  vouchers: Map<number, VoucherInfo[]>;
  /** The draft's forms (entries, registers, import, submit) are open to this person. */
  editable: boolean;
  /** This person takes the period's next review step (countersign, or approve), or returns it. */
  reviewing: boolean;
  /** Red flags, with their answers, for everyone who signs or supervises (not administrators). */
  showFlags: boolean;
  /** Who answers the flags on this page now: the cadre on a draft, the committee on a submitted period. */
  answering: SignerRole | null;
  /** The cadre may take back a submission no one has signed. */
  mayWithdraw: boolean;
  opinions: OpinionView[];
  /** The commission may raise an opinion (with this default due day); the agency may answer. */
  raiseOpinion: { dueOn: string; days: number } | null;
  mayAnswerOpinion: boolean;
  majorMatters: MajorMatterRow[];
  /** Lines the cadre may still report as major matters, those at or above the threshold marked. */
  majorCandidates: Array<{ lineNo: number; summary: string; suggested: boolean }>;
  mayPublishMajor: boolean;
  /** Reviewers (not the cadre editing) get the voucher previews. */
  previewVouchers: boolean;
  /** MAJOR_MATTER_YUAN, as the cadre's hint says it. */
  majorThresholdYuan: string;
  /** The success message after a redirect back here. */
  notice: { key: MessageKey; vars?: Record<string, string> } | undefined;
  history: Array<{ at: string; key: MessageKey; actorName: string | null; reason: string | null }>;
}

/** An import waiting for confirmation, shown above the workspace. */
export type ImportPreviewOutcome = Extract<LedgerActionOutcome, { kind: 'preview' }>;

export type LedgerWorkspacePage =
  | Exclude<LedgerActionOutcome, { kind: 'invalid' | 'preview' }>
  | { kind: 'notFound' }
  | { kind: 'page'; status: 200 | 400 | 409; view: WorkspaceView; failed: FailedForm | undefined; preview?: ImportPreviewOutcome };

export async function ledgerWorkspacePage(db: Db, actor: Actor, id: string | undefined, request: Request, t: Translate): Promise<LedgerWorkspacePage> {
  const disclosureId = parseRowNumber(id);
  const found = disclosureId ? await getDisclosure(db, disclosureId) : undefined;
  // A period that does not exist is refused exactly like one out of scope: ids reveal nothing.
  if (!found || !can(actor, 'ledger.view', { scopeCode: found.villageCode })) return { kind: 'forbidden' };
  let failed: FailedForm | undefined;
  let preview: ImportPreviewOutcome | undefined;
  if (request.method === 'POST') {
    const outcome = await runLedgerAction(db, actor, found, request, t);
    if (outcome.kind === 'preview') preview = outcome;
    else if (outcome.kind !== 'invalid') return outcome;
    else failed = outcome;
  }
  const view = await workspaceView(db, actor, found, new URL(request.url).searchParams);
  // A confirmation that found the draft changed answers 409 with the new preview.
  return view ? { kind: 'page', status: failed ? 400 : preview?.stale ? 409 : 200, view, failed, preview } : { kind: 'notFound' };
}

async function workspaceView(db: Db, actor: Actor, found: DisclosureRow, query: URLSearchParams): Promise<WorkspaceView | undefined> {
  const may = (action: 'ledger.edit' | 'ledger.countersign' | 'ledger.review' | 'ledger.flags' | 'ledger.supervise') => can(actor, action, { scopeCode: found.villageCode });
  const [workspace, vouchers, opinions, majorMatters] = await Promise.all([
    loadWorkspace(db, found.id, may('ledger.flags')),
    listVouchers(db, found.id),
    listOpinions(db, [found.id]),
    listPeriodMajorMatters(db, found.id),
  ]);
  if (!workspace) return undefined;
  const { events, ...rest } = workspace;
  const { status } = workspace.disclosure;
  const done = ledgerDoneKey(query.get('done'));
  const imported = query.get('imported');
  const removed = query.get('removed');
  const count = (value: string | null) => value !== null && /^\d{1,6}$/.test(value);
  return {
    ...rest,
    vouchers,
    editable: may('ledger.edit') && status === 'draft',
    reviewing: (may('ledger.countersign') && status === 'submitted') || (may('ledger.review') && status === 'countersigned'),
    showFlags: may('ledger.flags'),
    answering: status === 'draft' && may('ledger.edit') ? 'cadre' : status === 'submitted' && may('ledger.countersign') ? 'supervisor' : null,
    mayWithdraw: status === 'submitted' && may('ledger.edit'),
    opinions: opinions.get(found.id) ?? [],
    raiseOpinion: may('ledger.supervise') ? { dueOn: addDays(todayInShanghai(), OPINION_ANSWER_DAYS), days: OPINION_ANSWER_DAYS } : null,
    mayAnswerOpinion: may('ledger.review'),
    majorMatters,
    majorCandidates:
      status === 'draft' && may('ledger.edit')
        ? workspace.lines.funds
            .filter((entry) => !majorMatters.some((notice) => notice.lineNo === entry.lineNo))
            .map((entry) => ({ lineNo: entry.lineNo, summary: entry.summary, suggested: isMajorAmount(Number(entry.amountFen)) }))
        : [],
    mayPublishMajor: may('ledger.countersign'),
    previewVouchers: !(may('ledger.edit') && status === 'draft'),
    majorThresholdYuan: formatFen(getConfig().majorMatterFen),
    notice: done
      ? { key: done }
      : count(imported) && count(removed)
        ? { key: 'ledger.import.replaced', vars: { count: imported!, removed: removed!, vouchers: count(query.get('vouchers')) ? query.get('vouchers')! : '0' } }
        : count(imported)
          ? { key: 'ledger.import.done', vars: { count: imported! } }
          : undefined,
    history: events.map((event) => ({ at: formatShanghaiMinute(event.at), key: historyEventKey(event.kind), actorName: event.actorName, reason: event.reason })),
  };
}
