/**
 * One recipient row of a payment batch (姓名, 身份证号码, 金额, 发放日期, 银行账号, 审核村干部身份证号), checked and
 * turned into what is stored (db/schema/livelihood.ts `payments`): the name only masked and keyed-
 * hashed, the ID number only keyed-hashed plus its last four characters, the account only hashed,
 * the certifying cadre's ID number only keyed-hashed (the same hash, so the registries match it).
 * The batch import (next) runs every row through this and imports nothing when any row fails.
 *
 * Messages say what is wrong and never repeat the name, the ID number or the account: they are
 * shown on a page and may be copied into a ticket.
 */
import { parseYuanToFen } from '../accounts/model.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { bankAccountHash, idHash, idLast4, idNumberProblem, maskName, nameHash, normaliseIdNumber, normaliseName } from './id-number.ts';

export interface PaymentRowInput {
  name: string;
  idNumber: string;
  amount: string;
  paidOn: string;
  bankAccount?: string;
  /** The ID number of the village cadre who certified the application (审核村干部), optional. */
  certifierIdNumber?: string;
}

export interface StoredPayment {
  nameHash: string;
  nameMasked: string;
  idHash: string;
  idLast4: string;
  amountFen: number;
  paidOn: string;
  bankAccountHash: string | null;
  certifierIdHash: string | null;
}

export type PaymentRowResult = { ok: true; payment: StoredPayment } | { ok: false; errors: Partial<Record<keyof PaymentRowInput, string>> };

/** Han characters, letters and the middle dot of 少数民族 names; 2 to 20 of them. */
const NAME = /^[\p{Script=Han}A-Za-z·]{2,20}$/u;

export function checkPaymentRow(key: Buffer, input: PaymentRowInput, today: string = todayInShanghai()): PaymentRowResult {
  const errors: Partial<Record<keyof PaymentRowInput, string>> = {};
  const name = normaliseName(input.name ?? '');
  if (name === '') errors.name = '请填写领取人姓名';
  else if (!NAME.test(name)) errors.name = '姓名应为2至20个汉字或字母（少数民族姓名中间用“·”）';
  const idNumber = normaliseIdNumber(input.idNumber);
  const idProblem = idNumberProblem(idNumber, today);
  if (idProblem) errors.idNumber = idProblem;
  const amountText = (input.amount ?? '').trim();
  const amountFen = amountText ? parseYuanToFen(amountText) : null;
  if (!amountText) errors.amount = '请填写发放金额（元）';
  else if (amountFen === null || amountFen === 0) errors.amount = '发放金额应为大于0、最多两位小数的金额（元），如：520 或 1,250.50';
  const paidOn = (input.paidOn ?? '').normalize('NFKC').trim().replace(/[/.]/g, '-');
  if (!paidOn) errors.paidOn = '请填写发放日期';
  else if (!isIsoDate(paidOn)) errors.paidOn = '发放日期应写成 2026-11-10 这样的格式';
  else if (paidOn > today) errors.paidOn = '发放日期晚于今天，请核对';
  const account = (input.bankAccount ?? '').normalize('NFKC').replace(/[\s-]/g, '');
  if (account && !/^\d{12,30}$/.test(account)) errors.bankAccount = '银行账号应为12至30位数字，没有的请留空';
  const certifier = normaliseIdNumber(input.certifierIdNumber);
  const certifierProblem = certifier === '' ? null : idNumberProblem(certifier, today);
  if (certifierProblem) errors.certifierIdNumber = certifierProblem.replace(/^身份证号码/, '审核村干部的身份证号码');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    payment: {
      nameHash: nameHash(key, name),
      nameMasked: maskName(name),
      idHash: idHash(key, idNumber),
      idLast4: idLast4(idNumber),
      amountFen: amountFen!,
      paidOn,
      bankAccountHash: account ? bankAccountHash(key, account) : null,
      certifierIdHash: certifier ? idHash(key, certifier) : null,
    },
  };
}
