/**
 * Workspace form fields → ledger inputs. Amounts are typed in yuan and become fen; an amount that
 * cannot be read becomes NaN so the schema reports it beside the field, with the typed text kept.
 */
import type { FieldErrors } from '../result.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { feeStatusKey } from './labels.ts';
import type { AssetItemRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import type { DebtItemRow } from '../../../../db/schema/debts.ts';
import { ASSET_TYPES, ASSET_USE_STATUSES, AWARD_METHODS, DEBT_KINDS, DEBT_SUBJECTS, FEE_STATUSES, LAND_CLASSES, formatFen, parseYuanToFen } from './model.ts';

/** The asset and resource forms share field names (name, location) on one page: their ids differ. */
export const ASSET_ID_PREFIX = 'asset-';
export const RESOURCE_ID_PREFIX = 'resource-';
export const DEBT_ID_PREFIX = 'debt-';
/** Each line's edit form has ids of its own too (asset-3-field-name), beside the add form's. */
export const editIdPrefix = (register: 'asset' | 'resource' | 'debt', lineNo: number | string) => `${register}-${lineNo}-`;

/** Schema field → the form field a person types it in (amounts are typed in yuan, held in fen). */
const FORM_FIELD_OF: Record<string, string> = {
  amountFen: 'amount',
  originalValueFen: 'originalValue',
  annualRentFen: 'annualRent',
  bookAmountFen: 'bookAmount',
  actualAmountFen: 'actualAmount',
  annualFeeFen: 'annualFee',
  arrearsFen: 'arrears',
};

/**
 * A command's errors keyed by the form's field names, so each message sits beside the field it is
 * about and the error summary links to an element that exists.
 */
export function formErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [FORM_FIELD_OF[field] ?? field, message]));
}

const orNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);
const yuan = (value: string | undefined) => (value?.trim() ? (parseYuanToFen(value) ?? Number.NaN) : Number.NaN);
const optionalYuan = (value: string | undefined) => (value?.trim() ? (parseYuanToFen(value) ?? Number.NaN) : null);
const number = (value: string | undefined) => {
  const n = Number((value ?? '').normalize('NFKC').trim());
  return value?.trim() && Number.isFinite(n) ? n : Number.NaN;
};

export function fundEntryFromForm(fields: Record<string, string>) {
  const adjusts = fields.adjustsEntryId?.trim();
  return {
    entryDate: (fields.entryDate ?? '').trim(),
    direction: fields.direction,
    amountFen: yuan(fields.amount),
    subject: fields.subject,
    summary: fields.summary ?? '',
    counterparty: fields.counterparty ?? '',
    voucherNo: orNull(fields.voucherNo),
    method: fields.method,
    decisionRef: orNull(fields.decisionRef),
    adjustsEntryId: adjusts ? Number(adjusts) : null,
  };
}

export function assetFromForm(fields: Record<string, string>) {
  return {
    name: fields.name ?? '',
    assetType: fields.assetType,
    quantity: number(fields.quantity),
    unit: fields.unit ?? '',
    originalValueFen: yuan(fields.originalValue),
    acquiredOn: orNull(fields.acquiredOn),
    location: fields.location ?? '',
    useStatus: fields.useStatus,
    lessee: orNull(fields.lessee),
    leaseStart: orNull(fields.leaseStart),
    leaseEnd: orNull(fields.leaseEnd),
    annualRentFen: optionalYuan(fields.annualRent),
    bookAmountFen: yuan(fields.bookAmount),
    actualAmountFen: yuan(fields.actualAmount),
    gapReason: orNull(fields.gapReason),
  };
}

export function resourceFromForm(fields: Record<string, string>) {
  return {
    name: fields.name ?? '',
    landClass: fields.landClass,
    areaMu: number(fields.areaMu),
    location: fields.location ?? '',
    contractor: fields.contractor ?? '',
    termStart: (fields.termStart ?? '').trim(),
    termEnd: (fields.termEnd ?? '').trim(),
    annualFeeFen: yuan(fields.annualFee),
    awardMethod: fields.awardMethod,
    feeStatus: fields.feeStatus,
    arrearsFen: fields.arrears?.trim() ? yuan(fields.arrears) : 0,
  };
}

const yuanText = (fen: number | null) => (fen === null ? '' : formatFen(fen).replace(/,/g, ''));

/** A stored asset as its edit form shows it (the reverse of `assetFromForm`). */
export function assetToForm(a: AssetItemRow): Record<string, string> {
  return {
    name: a.name, assetType: a.assetType, quantity: String(Number(a.quantity)), unit: a.unit, originalValue: yuanText(a.originalValueFen),
    acquiredOn: a.acquiredOn ?? '', location: a.location, useStatus: a.useStatus, lessee: a.lessee ?? '', leaseStart: a.leaseStart ?? '',
    leaseEnd: a.leaseEnd ?? '', annualRent: yuanText(a.annualRentFen), bookAmount: yuanText(a.bookAmountFen), actualAmount: yuanText(a.actualAmountFen),
    gapReason: a.gapReason ?? '',
  };
}

/** A stored resource contract as its edit form shows it (the reverse of `resourceFromForm`). */
export function resourceToForm(r: ResourceContractRow): Record<string, string> {
  return {
    name: r.name, landClass: r.landClass, areaMu: String(Number(r.areaMu)), location: r.location, contractor: r.contractor,
    termStart: r.termStart, termEnd: r.termEnd, annualFee: yuanText(r.annualFeeFen), awardMethod: r.awardMethod, feeStatus: r.feeStatus,
    arrears: yuanText(r.arrearsFen),
  };
}

export function debtFromForm(fields: Record<string, string>) {
  return {
    kind: fields.kind,
    counterparty: fields.counterparty ?? '',
    subject: fields.subject ?? '',
    summary: fields.summary ?? '',
    amountFen: yuan(fields.amount),
    incurredOn: (fields.incurredOn ?? '').trim(),
    dueOn: orNull(fields.dueOn),
  };
}

/** A stored debt as its edit form shows it (the reverse of `debtFromForm`). */
export function debtToForm(d: DebtItemRow): Record<string, string> {
  return { kind: d.kind, counterparty: d.counterparty, subject: d.subject, summary: d.summary, amount: yuanText(d.amountFen), incurredOn: d.incurredOn, dueOn: d.dueOn ?? '' };
}

/** One field of a register form (assets, resource contracts): its name, label key and kind. */
export interface RegisterField {
  name: string;
  label: MessageKey;
  required?: boolean;
  kind?: 'date' | 'amount' | 'number';
  /** A select's choices: a coded value is said by its key; a Chinese register term (资产类别 …) is its own label. */
  options?: Array<{ value: string; key?: MessageKey }>;
}

const plain = (values: readonly string[]) => values.map((value) => ({ value }));

/** The register forms' fields in the order shown, each named as `assetFromForm`/`resourceFromForm` read them. */
export const REGISTER_FIELDS: Record<'asset' | 'resource' | 'debt', { idPrefix: string; fields: RegisterField[] }> = {
  asset: {
    idPrefix: ASSET_ID_PREFIX,
    fields: [
      { name: 'name', label: 'ledger.assetName', required: true },
      { name: 'assetType', label: 'ledger.assetType', options: plain(ASSET_TYPES) },
      { name: 'quantity', label: 'ledger.quantity', kind: 'number', required: true },
      { name: 'unit', label: 'ledger.unitName', required: true },
      { name: 'originalValue', label: 'ledger.originalValue', kind: 'amount', required: true },
      { name: 'acquiredOn', label: 'ledger.acquiredOn', kind: 'date' },
      { name: 'location', label: 'ledger.location', required: true },
      { name: 'useStatus', label: 'ledger.useStatus', options: plain(ASSET_USE_STATUSES) },
      { name: 'lessee', label: 'ledger.lessee' },
      { name: 'leaseStart', label: 'ledger.leaseStart', kind: 'date' },
      { name: 'leaseEnd', label: 'ledger.leaseEnd', kind: 'date' },
      { name: 'annualRent', label: 'ledger.annualRent', kind: 'amount' },
      { name: 'bookAmount', label: 'ledger.book', kind: 'amount', required: true },
      { name: 'actualAmount', label: 'ledger.actual', kind: 'amount', required: true },
      { name: 'gapReason', label: 'ledger.gapReason' },
    ],
  },
  resource: {
    idPrefix: RESOURCE_ID_PREFIX,
    fields: [
      { name: 'name', label: 'ledger.resourceName', required: true },
      { name: 'landClass', label: 'ledger.landClass', options: plain(LAND_CLASSES) },
      { name: 'areaMu', label: 'ledger.areaMu', kind: 'number', required: true },
      { name: 'location', label: 'ledger.location', required: true },
      { name: 'contractor', label: 'ledger.contractor', required: true },
      { name: 'termStart', label: 'ledger.termStart', kind: 'date', required: true },
      { name: 'termEnd', label: 'ledger.termEnd', kind: 'date', required: true },
      { name: 'annualFee', label: 'ledger.annualFee', kind: 'amount', required: true },
      { name: 'awardMethod', label: 'ledger.awardMethod', options: plain(AWARD_METHODS) },
      { name: 'feeStatus', label: 'ledger.feeStatus', options: FEE_STATUSES.map((value) => ({ value, key: feeStatusKey(value) })) },
      { name: 'arrears', label: 'ledger.arrearsAmount', kind: 'amount' },
    ],
  },
  debt: {
    idPrefix: DEBT_ID_PREFIX,
    fields: [
      { name: 'kind', label: 'ledger.debtKind', options: DEBT_KINDS.map((value) => ({ value, key: `ledger.debtKind.${value}` as const })) },
      { name: 'counterparty', label: 'ledger.debtCounterparty', required: true },
      { name: 'subject', label: 'ledger.subject', options: plain([...new Set([...DEBT_SUBJECTS.receivable, ...DEBT_SUBJECTS.payable])]) },
      { name: 'summary', label: 'ledger.debtSummary', required: true },
      { name: 'amount', label: 'ledger.debtAmount', kind: 'amount', required: true },
      { name: 'incurredOn', label: 'ledger.incurredOn', kind: 'date', required: true },
      { name: 'dueOn', label: 'ledger.dueOn', kind: 'date' },
    ],
  },
};
