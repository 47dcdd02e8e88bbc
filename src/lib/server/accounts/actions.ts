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
  replaceFundEntries,
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
import { parseFundEntriesFile, type ImportIssue } from './import/index.ts';
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
    };

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

type Ran = Result<unknown> | { imported: { count: number; notices: number } } | { importFailed: { errors: FieldErrors; problems: ImportProblem[]; notices: ImportProblem[] } };

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
      const voucher = await voucherFromForm(await request.formData());
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
  import: { permission: () => 'ledger.edit', run: importFile },
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
type Done = Exclude<LedgerActionName, 'approve' | 'import'> | 'edit-entry';

const isDone = (done: string): done is Done => done === 'edit-entry' || (isActionName(done) && done !== 'approve' && done !== 'import');

/** The success message for `?done=`, checked against the catalog by the compiler; none for an unknown value. */
export function ledgerDoneKey(done: string | null): MessageKey | undefined {
  return done !== null && isDone(done) ? `staff.ledgers.done.${done}` : undefined;
}

/** The import form: a file, a confirmation that it replaces the ledger, then the all-or-nothing import. */
async function importFile({ db, actor, disclosure, request, t }: Context): Promise<Ran> {
  const form = await request.formData();
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return { ok: false, errors: { file: t('ledger.import.noFile') } };
  if (form.get('replace') !== 'yes') return { ok: false, errors: { replace: t('ledger.import.confirmReplace') } };
  const parsed = await parseFundEntriesFile(new Uint8Array(await file.arrayBuffer()), file.name);
  if (!parsed.ok) {
    return { importFailed: { errors: { file: t('ledger.import.rejected', { count: parsed.errors.length }) }, problems: parsed.errors, notices: [] } };
  }
  const replaced = await replaceFundEntries(db, actor, { disclosureId: disclosure.id, rows: parsed.rows });
  if (replaced.ok) return { imported: { count: replaced.value.count, notices: parsed.notices.length } };
  return { importFailed: { errors: { file: t('ledger.import.rejected', { count: replaced.errors.length }) }, problems: replaced.errors, notices: parsed.notices } };
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
  if ('imported' in ran) return { kind: 'redirect', location: `/staff/ledgers/${disclosure.id}?imported=${ran.imported.count}&notices=${ran.imported.notices}` };
  if ('importFailed' in ran) return invalid(ran.importFailed.errors, ran.importFailed.problems, ran.importFailed.notices);
  if (!ran.ok) return ran.status === 403 ? { kind: 'forbidden' } : invalid(ran.errors);
  // After an entry the add form is open again where the bookkeeper was (#add-entry), for the next one.
  const location =
    name === 'approve' ? `/villages/${disclosure.villageCode}?period=${disclosure.period}` : `/staff/ledgers/${disclosure.id}?done=${name}${name === 'add-entry' ? '#add-entry' : ''}`;
  return { kind: 'redirect', location };
}
