/**
 * What the ledger workspace page (/staff/ledgers/[id]) can be asked to do, as one table: each form's
 * `action` → the permission it needs → how its fields become the command's input → the command.
 * The forms of every role are here: the cadre's (entries, registers, import, flag answers, submit,
 * withdraw, major matters), the supervision committee's (flag answers, checklist and countersign,
 * major-matter notices, return), the agency's (approve, return, answer an opinion) and the
 * commission's (raise a supervision opinion).
 * The page calls `runLedgerAction` once per POST and either redirects or re-renders with what this
 * returns; the commands themselves re-check state and permission inside their row lock.
 */
import type { DisclosureRow } from '../../../../db/schema/accounts.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import { can, type Action } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors, Result } from '../result.ts';
import {
  addFundEntry,
  answerFlags,
  answerField,
  approveDisclosure,
  countersignDisclosure,
  flagKeyField,
  deleteFundEntry,
  deleteLine,
  returnDisclosure,
  saveAsset,
  saveDebt,
  saveResource,
  setOpeningBalance,
  submitDisclosure,
  withdrawDisclosure,
} from './disclosures.ts';
import { publishMajorMatter, reportMajorMatter } from './major-matters.ts';
import { answerOpinion, raiseOpinion } from './supervision.ts';
import { ASSET_ID_PREFIX, DEBT_ID_PREFIX, RESOURCE_ID_PREFIX, assetFromForm, debtFromForm, editIdPrefix, formErrors, fundEntryFromForm, resourceFromForm } from './form-fields.ts';
import { confirmImport, isImportMode, previewImport, type ImportPreview, type ImportRefusal } from './import/apply.ts';
import type { ImportIssue } from './import/index.ts';
import { parseYuanToFen } from './model.ts';
import { voucherFromForm } from './vouchers.ts';

/** Row-level problems of an import, listed under the error summary. */
export type ImportProblem = Pick<ImportIssue, 'row' | 'message'> & { column?: string | null };

export type LedgerActionOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | {
      kind: 'invalid';
      /** Which form failed, so the page opens it and puts the typed values back. */
      action: string;
      values: Record<string, string>;
      /** Keyed by the form's field names. */
      errors: FieldErrors;
      /** Field name → element id, for the error summary's links. */
      errorIds: Record<string, string>;
      importErrors: ImportProblem[];
      importNotices: ImportProblem[];
    }
  /** An import checked and not yet written: the page shows what it will do and asks to confirm. `stale`: a confirmation found the draft changed. */
  | { kind: 'preview'; preview: ImportPreview; stale: boolean };

interface Context {
  db: Db;
  actor: Actor;
  disclosure: DisclosureRow;
  fields: Record<string, string>;
  /** Every value of a repeated field (the countersign checklist). */
  all: (name: string) => string[];
  request: Request;
  t: Translate;
}

type Ran =
  | Result<unknown>
  | { imported: { count: number; notices: number; removed: number | null; vouchers: number } }
  | { importFailed: { errors: FieldErrors; problems: ImportProblem[]; notices: ImportProblem[] } }
  | { previewed: ImportPreview; stale: boolean };

interface LedgerAction {
  permission: (disclosure: DisclosureRow) => Action;
  /** Prefix of the form's element ids (forms on one page that share field names need their own; a line's edit form names its line). */
  idPrefix?: string | ((fields: Record<string, string>) => string);
  run: (context: Context) => Promise<Ran>;
}

const line = (fields: Record<string, string>) => Number(fields.line);

/** The flag-answer form: `flag-N` carries the flag's key, `answer-N` its answer. */
function flagAnswersFromForm(fields: Record<string, string>): Array<{ key: string; body: string }> {
  const answers: Array<{ key: string; body: string }> = [];
  for (let index = 0; fields[flagKeyField(index)] !== undefined && index < 200; index++) {
    answers.push({ key: fields[flagKeyField(index)]!, body: fields[answerField(index)] ?? '' });
  }
  return answers;
}

const ACTIONS = {
  'set-opening': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => setOpeningBalance(db, actor, { disclosureId: disclosure.id, openingBalanceFen: parseYuanToFen(fields.openingBalance ?? '') ?? Number.NaN }),
  },
  'add-entry': {
    permission: () => 'ledger.edit',
    run: async ({ db, actor, disclosure, fields, request }) => {
      const voucher = await voucherFromForm(await request.clone().formData());
      if (!voucher.ok) return voucher;
      return addFundEntry(db, actor, { disclosureId: disclosure.id, entry: fundEntryFromForm(fields), voucher: voucher.value });
    },
  },
  'delete-entry': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => deleteFundEntry(db, actor, { disclosureId: disclosure.id, lineNo: line(fields) }),
  },
  'add-asset': {
    permission: () => 'ledger.edit',
    idPrefix: ASSET_ID_PREFIX,
    run: ({ db, actor, disclosure, fields }) => saveAsset(db, actor, { disclosureId: disclosure.id, asset: assetFromForm(fields) }),
  },
  'edit-asset': {
    permission: () => 'ledger.edit',
    idPrefix: (fields) => editIdPrefix('asset', line(fields)),
    run: ({ db, actor, disclosure, fields }) => saveAsset(db, actor, { disclosureId: disclosure.id, lineNo: line(fields), asset: assetFromForm(fields) }),
  },
  'delete-asset': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => deleteLine(db, actor, { disclosureId: disclosure.id, kind: 'asset', lineNo: line(fields) }),
  },
  'add-resource': {
    permission: () => 'ledger.edit',
    idPrefix: RESOURCE_ID_PREFIX,
    run: ({ db, actor, disclosure, fields }) => saveResource(db, actor, { disclosureId: disclosure.id, resource: resourceFromForm(fields) }),
  },
  'edit-resource': {
    permission: () => 'ledger.edit',
    idPrefix: (fields) => editIdPrefix('resource', line(fields)),
    run: ({ db, actor, disclosure, fields }) => saveResource(db, actor, { disclosureId: disclosure.id, lineNo: line(fields), resource: resourceFromForm(fields) }),
  },
  'delete-resource': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => deleteLine(db, actor, { disclosureId: disclosure.id, kind: 'resource', lineNo: line(fields) }),
  },
  'add-debt': {
    permission: () => 'ledger.edit',
    idPrefix: DEBT_ID_PREFIX,
    run: ({ db, actor, disclosure, fields }) => saveDebt(db, actor, { disclosureId: disclosure.id, debt: debtFromForm(fields) }),
  },
  'edit-debt': {
    permission: () => 'ledger.edit',
    idPrefix: (fields) => editIdPrefix('debt', line(fields)),
    run: ({ db, actor, disclosure, fields }) => saveDebt(db, actor, { disclosureId: disclosure.id, lineNo: line(fields), debt: debtFromForm(fields) }),
  },
  'delete-debt': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => deleteLine(db, actor, { disclosureId: disclosure.id, kind: 'debt', lineNo: line(fields) }),
  },
  import: { permission: () => 'ledger.edit', run: previewFile },
  'import-confirm': { permission: () => 'ledger.edit', run: confirmFile },
  submit: {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure }) => submitDisclosure(db, actor, { disclosureId: disclosure.id }),
  },
  withdraw: {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure }) => withdrawDisclosure(db, actor, { disclosureId: disclosure.id }),
  },
  'answer-flags': {
    // The cadre answers on a draft, the supervision committee on a submitted period.
    permission: (disclosure) => (disclosure.status === 'submitted' ? 'ledger.countersign' : 'ledger.edit'),
    run: ({ db, actor, disclosure, fields }) => answerFlags(db, actor, { disclosureId: disclosure.id, answers: flagAnswersFromForm(fields) }),
  },
  countersign: {
    permission: () => 'ledger.countersign',
    run: ({ db, actor, disclosure, all }) => countersignDisclosure(db, actor, { disclosureId: disclosure.id, checked: all('check') }),
  },
  approve: {
    permission: () => 'ledger.review',
    run: ({ db, actor, disclosure }) => approveDisclosure(db, actor, { disclosureId: disclosure.id }),
  },
  'raise-opinion': {
    permission: () => 'ledger.supervise',
    run: ({ db, actor, disclosure, fields }) =>
      raiseOpinion(db, actor, { disclosureId: disclosure.id, lineNo: fields.lineNo ? Number(fields.lineNo) : null, body: fields.opinion ?? '', dueOn: fields.dueOn ?? '' }),
  },
  'answer-opinion': {
    permission: () => 'ledger.review',
    run: ({ db, actor, fields }) => answerOpinion(db, actor, { opinionId: Number(fields.opinionId), body: fields.answer ?? '' }),
  },
  'report-major': {
    permission: () => 'ledger.edit',
    run: ({ db, actor, disclosure, fields }) => reportMajorMatter(db, actor, { disclosureId: disclosure.id, lineNo: line(fields) }),
  },
  'publish-major': {
    permission: () => 'ledger.countersign',
    run: ({ db, actor, fields }) => publishMajorMatter(db, actor, { noticeId: Number(fields.notice) }),
  },
  return: {
    // The supervision committee returns what was submitted; the township agency what was countersigned.
    permission: (disclosure) => (disclosure.status === 'submitted' ? 'ledger.countersign' : 'ledger.review'),
    run: ({ db, actor, disclosure, fields }) => returnDisclosure(db, actor, { disclosureId: disclosure.id, reason: fields.reason ?? '' }),
  },
} satisfies Record<string, LedgerAction>;

type LedgerActionName = keyof typeof ACTIONS;

const isActionName = (name: string): name is LedgerActionName => Object.hasOwn(ACTIONS, name);

/**
 * What `?done=` may name after a redirect back to the workspace: a form of this table that
 * succeeded (approving leaves for the public page, an import says `?imported=`), or the entry
 * page's edit. Anything else in the address says nothing.
 */
type Done = Exclude<LedgerActionName, 'approve' | 'import' | 'import-confirm'> | 'edit-entry';

const isDone = (done: string): done is Done => done === 'edit-entry' || (isActionName(done) && done !== 'approve' && done !== 'import' && done !== 'import-confirm');

/** The success message for `?done=`, checked against the catalog by the compiler; none for an unknown value. */
export function ledgerDoneKey(done: string | null): MessageKey | undefined {
  return done !== null && isDone(done) ? `staff.ledgers.done.${done}` : undefined;
}

/** A refused preview or confirmation, as the import form shows it: the message on its field, the file's problems below. */
function importRefused(refused: { errors: ImportRefusal; status?: number }, t: Translate): Ran {
  if (refused.status === 403) return { ok: false, errors: { form: refused.errors.message }, status: 403 };
  const { field, message, problems, notices } = refused.errors;
  const said = field === 'file' && problems.length > 0 ? t('ledger.import.rejected', { count: problems.length }) : message;
  return { importFailed: { errors: { [field]: said }, problems, notices } };
}

/** Step 1 of an import: the file and the mode (追加 or 替换) → a preview; nothing is written to the draft. */
async function previewFile({ db, actor, disclosure, fields, request, t }: Context): Promise<Ran> {
  const form = await request.clone().formData();
  const file = form.get('file');
  const errors: FieldErrors = {};
  if (!(file instanceof File) || file.size === 0) errors.file = t('ledger.import.noFile');
  if (!isImportMode(fields.mode)) errors.mode = t('ledger.import.chooseMode');
  if (!(file instanceof File) || Object.keys(errors).length > 0) return { ok: false, errors };
  const previewed = await previewImport(db, actor, { disclosureId: disclosure.id, mode: fields.mode, fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  return previewed.ok ? { previewed: previewed.value, stale: false } : importRefused(previewed, t);
}

/** Step 2: the preview's confirmation (its token, the file's hash and the draft state it showed) → written, or a new preview if the draft changed. */
async function confirmFile({ db, actor, disclosure, fields, t }: Context): Promise<Ran> {
  const confirmed = await confirmImport(db, actor, { disclosureId: disclosure.id, token: fields.token ?? '', fileSha256: fields.fileSha256 ?? '', draftState: fields.draftState ?? '' });
  if (!confirmed.ok) return importRefused(confirmed, t);
  const done = confirmed.value;
  if (done.kind === 'stale') return { previewed: done.preview, stale: true };
  return { imported: { count: done.added, notices: done.notices, removed: done.mode === 'replace' ? done.removed : null, vouchers: done.vouchersDeleted } };
}

/** Runs the workspace form that was posted, for `actor` on `disclosure`. */
export async function runLedgerAction(db: Db, actor: Actor, disclosure: DisclosureRow, request: Request, t: Translate): Promise<LedgerActionOutcome> {
  const { fields, all } = await readForm(request.clone());
  const name = fields.action ?? '';
  const action: LedgerAction | undefined = isActionName(name) ? ACTIONS[name] : undefined;
  const invalid = (errors: FieldErrors, importErrors: ImportProblem[] = [], importNotices: ImportProblem[] = []): LedgerActionOutcome => {
    const formKeyed = formErrors(errors);
    const prefix = typeof action?.idPrefix === 'function' ? action.idPrefix(fields) : (action?.idPrefix ?? '');
    const errorIds = Object.fromEntries(Object.keys(formKeyed).map((field) => [field, `${prefix}field-${field}`]));
    return { kind: 'invalid', action: name, values: fields, errors: formKeyed, errorIds, importErrors, importNotices };
  };
  if (!action) return invalid({ form: t('staff.unknownAction') });
  if (!can(actor, action.permission(disclosure), { scopeCode: disclosure.villageCode })) return { kind: 'forbidden' };
  const ran = await action.run({ db, actor, disclosure, fields, all, request, t });
  if ('imported' in ran) {
    const { count, notices, removed, vouchers } = ran.imported;
    return { kind: 'redirect', location: `/staff/ledgers/${disclosure.id}?imported=${count}&notices=${notices}${removed === null ? '' : `&removed=${removed}&vouchers=${vouchers}`}` };
  }
  if ('previewed' in ran) return { kind: 'preview', preview: ran.previewed, stale: ran.stale };
  if ('importFailed' in ran) return invalid(ran.importFailed.errors, ran.importFailed.problems, ran.importFailed.notices);
  if (!ran.ok) return ran.status === 403 ? { kind: 'forbidden' } : invalid(ran.errors);
  // After an entry the add form is open again where the bookkeeper was (#add-entry), for the next one.
  const location =
    name === 'approve' ? `/villages/${disclosure.villageCode}?period=${disclosure.period}` : `/staff/ledgers/${disclosure.id}?done=${name}${name === 'add-entry' ? '#add-entry' : ''}`;
  return { kind: 'redirect', location };
}
