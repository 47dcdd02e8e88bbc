/**
 * Editing one funds entry of a draft, as one call per request for the page
 * (/staff/ledgers/[id]/entries/[line]: the entry's fields and its voucher scans) and for the htmx
 * fragment that edits the entry inline in the workspace table. Both find the entry the same way;
 * the commands they run re-check state and permission inside the disclosure row lock.
 */
import type { DisclosureRow, FundEntryRow } from '../../../../db/schema/accounts.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import { uploadsFromForm } from '../attachments/index.ts';
import { can } from '../auth/permissions.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors, Result } from '../result.ts';
import { getDisclosure, getLines, updateFundEntry, type PeriodTotals } from './disclosures.ts';
import { formErrors, fundEntryFromForm } from './form-fields.ts';
import { formatFen } from './model.ts';
import { addVoucher, listVouchers, removeVoucher, voucherFromForm, type VoucherInfo } from './vouchers.ts';
import { loadWorkspace } from './workspace.ts';
import { parseRowNumber } from '../validation.ts';

type Refusal = { kind: 'forbidden' } | { kind: 'notFound' } | { kind: 'redirect'; location: string };

interface Found {
  disclosure: DisclosureRow;
  entry: FundEntryRow;
  lineNo: number;
}

/** The entry to edit, for someone who may edit the village's ledger; out of scope and missing look alike. */
async function findEntry(db: Db, actor: Actor, params: { id?: string; line?: string }): Promise<Found | Refusal> {
  const id = parseRowNumber(params.id);
  const lineNo = parseRowNumber(params.line);
  const disclosure = id ? await getDisclosure(db, id) : undefined;
  if (!disclosure || !can(actor, 'ledger.edit', { scopeCode: disclosure.villageCode })) return { kind: 'forbidden' };
  const entry = (await getLines(db, disclosure.id)).funds.find((line) => line.lineNo === lineNo);
  return entry ? { disclosure, entry, lineNo: entry.lineNo } : { kind: 'notFound' };
}

/** The form's fields as the entry stands (amounts in yuan, as people type them). */
function entryValues(entry: FundEntryRow): Record<string, string> {
  return {
    entryDate: entry.entryDate, direction: entry.direction, amount: formatFen(entry.amountFen).replace(/,/g, ''), subject: entry.subject,
    summary: entry.summary, counterparty: entry.counterparty, method: entry.method, voucherNo: entry.voucherNo ?? '',
    decisionRef: entry.decisionRef ?? '', adjustsEntryId: entry.adjustsEntryId ? String(entry.adjustsEntryId) : '',
  };
}

/** Saves the entry's fields with the scan the form carried, if any (a scan that cannot be cleaned saves nothing). */
async function update(db: Db, actor: Actor, found: Found, fields: Record<string, string>, form: FormData): Promise<Result> {
  const voucher = await voucherFromForm(form);
  if (!voucher.ok) return voucher;
  return updateFundEntry(db, actor, { disclosureId: found.disclosure.id, lineNo: found.lineNo, entry: fundEntryFromForm(fields), voucher: voucher.value });
}

export interface EntryPageView extends Found {
  values: Record<string, string>;
  errors: FieldErrors;
  voucherErrors: FieldErrors;
  vouchers: VoucherInfo[];
  notice: MessageKey | undefined;
}

export type EntryPage = Refusal | { kind: 'page'; status: 200 | 400; view: EntryPageView };

/** The full page: edit the entry, add a voucher scan or remove one; a period no longer a draft goes back to the workspace. */
export async function fundEntryPage(db: Db, actor: Actor, params: { id?: string; line?: string }, request: Request, t: Translate): Promise<EntryPage> {
  const found = await findEntry(db, actor, params);
  if ('kind' in found) return found;
  const { disclosure, lineNo } = found;
  const here = `/staff/ledgers/${disclosure.id}`;
  if (disclosure.status !== 'draft') return { kind: 'redirect', location: here };
  let values = entryValues(found.entry);
  let errors: FieldErrors = {};
  let voucherErrors: FieldErrors = {};
  if (request.method === 'POST') {
    // A clone: the body stays unread for the /403 or /404 rewrite a refusal may still need.
    const form = await request.clone().formData();
    const action = String(form.get('action') ?? 'edit');
    if (action === 'add-voucher' || action === 'remove-voucher') {
      const [file] = action === 'add-voucher' ? await uploadsFromForm(form, 'file') : [];
      const done =
        action === 'remove-voucher'
          ? await removeVoucher(db, actor, disclosure.id, String(form.get('voucher') ?? ''))
          : file
            ? await addVoucher(db, actor, disclosure.id, lineNo, file.bytes, file.name)
            : { ok: false as const, errors: { file: t('ledger.import.noFile') } };
      if (done.ok) return { kind: 'redirect', location: `${here}/entries/${lineNo}?done=${action === 'add-voucher' ? 'voucher' : 'voucher-removed'}` };
      voucherErrors = done.errors;
    } else {
      values = Object.fromEntries([...form.entries()].filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
      const updated = await update(db, actor, found, values, form);
      if (updated.ok) return { kind: 'redirect', location: `${here}?done=edit-entry#line-${lineNo}` };
      errors = formErrors(updated.errors);
    }
  }
  const done = new URL(request.url).searchParams.get('done');
  const vouchers = (await listVouchers(db, disclosure.id)).get(found.entry.id) ?? [];
  const notice: MessageKey | undefined = done === 'voucher' ? 'ledger.voucherAdded' : done === 'voucher-removed' ? 'ledger.voucherRemoved' : undefined;
  const status = request.method === 'POST' ? 400 : 200;
  return { kind: 'page', status, view: { ...found, values, errors, voucherErrors, vouchers, notice } };
}

export type EntryPartial =
  | { kind: 'notFound' }
  | { kind: 'row'; found: Found; vouchers: VoucherInfo[]; totals: PeriodTotals | undefined }
  | { kind: 'form'; status: 200 | 400; found: Found; values: Record<string, string>; errors: FieldErrors };

/**
 * The htmx fragment: GET gives the row as a form (or, with ?view=row, as text again); POST saves and
 * gives the row plus the new totals, or the form with its errors. Anything not editable is a 404:
 * a fragment has no page to redirect to.
 */
export async function fundEntryPartial(db: Db, actor: Actor, params: { id?: string; line?: string }, request: Request): Promise<EntryPartial | Extract<Refusal, { kind: 'forbidden' }>> {
  const found = await findEntry(db, actor, params);
  if ('kind' in found) return found.kind === 'forbidden' ? found : { kind: 'notFound' };
  if (found.disclosure.status !== 'draft') return { kind: 'notFound' };
  const asRow = async (entry: FundEntryRow, totals?: PeriodTotals): Promise<EntryPartial> => ({
    kind: 'row',
    found: { ...found, entry },
    vouchers: (await listVouchers(db, found.disclosure.id)).get(entry.id) ?? [],
    totals,
  });
  if (request.method !== 'POST') {
    return new URL(request.url).searchParams.get('view') === 'row' ? asRow(found.entry) : { kind: 'form', status: 200, found, values: entryValues(found.entry), errors: {} };
  }
  const { fields } = await readForm(request.clone());
  const updated = await update(db, actor, found, fields, await request.clone().formData());
  if (!updated.ok) return { kind: 'form', status: 400, found, values: fields, errors: formErrors(updated.errors) };
  const workspace = (await loadWorkspace(db, found.disclosure.id, false))!;
  return asRow(workspace.lines.funds.find((entry) => entry.lineNo === found.lineNo) ?? found.entry, workspace.totals);
}
