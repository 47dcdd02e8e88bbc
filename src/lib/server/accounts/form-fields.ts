/**
 * Workspace form fields → ledger inputs. Amounts are typed in yuan and become fen; an amount that
 * cannot be read becomes NaN so the schema reports it beside the field, with the typed text kept.
 */
import { parseYuanToFen } from './model.ts';

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
