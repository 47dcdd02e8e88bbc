import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankAccountHash, idHash, nameHash } from './id-number.ts';
import { checkPaymentRow } from './payment-row.ts';

const KEY = Buffer.alloc(32, 9);
const TODAY = '2026-12-02';
const ROW = { name: '王秀兰', idNumber: '11010519491231002X', amount: '520', paidOn: '2026-11-10', bankAccount: '6217 0000 1000 1234 567' };

describe('a payment row', () => {
  it('becomes its stored form: masked and hashed name, hashed ID number with its last four, amount in fen, hashed account', () => {
    const result = checkPaymentRow(KEY, ROW, TODAY);
    expect(result).toEqual({
      ok: true,
      payment: {
        nameHash: nameHash(KEY, '王秀兰'),
        nameMasked: '王*兰',
        idHash: idHash(KEY, '11010519491231002X'),
        idLast4: '002X',
        amountFen: 52_000,
        paidOn: '2026-11-10',
        bankAccountHash: bankAccountHash(KEY, '6217000010001234567'),
        certifierIdHash: null,
      },
    });
    expect(JSON.stringify(result)).not.toMatch(/王秀兰|11010519491231002X|6217000010001234567/);
  });

  it('takes what spreadsheets and people write: a lower-case x, full-width digits, 2026/11/10, a minority name, no account', () => {
    const result = checkPaymentRow(KEY, { name: '阿依古丽・买买提', idNumber: '１１０１０５１９４９１２３１００２x', amount: '1,250.50', paidOn: '2026/11/10' }, TODAY);
    expect(result).toMatchObject({ ok: true, payment: { nameMasked: '阿******提', idLast4: '002X', amountFen: 125_050, paidOn: '2026-11-10', bankAccountHash: null } });
  });

  it('keeps the certifying cadre’s ID number as its keyed hash only, checked like the recipient’s', () => {
    const certified = checkPaymentRow(KEY, { ...ROW, certifierIdNumber: '110105194912310038 ' }, TODAY);
    expect(certified).toMatchObject({ ok: true, payment: { certifierIdHash: idHash(KEY, '110105194912310038') } });
    expect(JSON.stringify(certified)).not.toContain('110105194912310038');
    expect(checkPaymentRow(KEY, { ...ROW, certifierIdNumber: '110105194912310039' }, TODAY)).toEqual({ ok: false, errors: { certifierIdNumber: '审核村干部的身份证号码第18位校验码不对，请核对' } });
  });

  it('says in Chinese what is wrong with each field', () => {
    const result = checkPaymentRow(KEY, { name: '王', idNumber: '110105194912310021', amount: '0', paidOn: '2026-12-03', bankAccount: '6217-abc' }, TODAY);
    expect(result).toEqual({
      ok: false,
      errors: {
        name: '姓名应为2至20个汉字或字母（少数民族姓名中间用“·”）',
        idNumber: '身份证号码第18位校验码不对，请核对',
        amount: '发放金额应为大于0、最多两位小数的金额（元），如：520 或 1,250.50',
        paidOn: '发放日期晚于今天，请核对',
        bankAccount: '银行账号应为12至30位数字，没有的请留空',
      },
    });
    expect(checkPaymentRow(KEY, { name: '', idNumber: '', amount: '', paidOn: '' }, TODAY)).toEqual({
      ok: false,
      errors: { name: '请填写领取人姓名', idNumber: '请填写身份证号码', amount: '请填写发放金额（元）', paidOn: '请填写发放日期' },
    });
    expect(checkPaymentRow(KEY, { ...ROW, paidOn: '2026-11-31' }, TODAY)).toMatchObject({ ok: false, errors: { paidOn: '发放日期应写成 2026-11-10 这样的格式' } });
  });

  it('never repeats the name, ID number or account in a message, whatever was typed', () => {
    // Each field carries a marker somewhere in random text; no part of the answer may contain one.
    const marked = (marker: string) => fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([a, b]) => `${a}${marker}${b}`);
    fc.assert(
      fc.property(marked('甲乙丙'), marked('IDMARK'), marked('BANKMARK'), (name, idNumber, bankAccount) => {
        const text = JSON.stringify(checkPaymentRow(KEY, { name, idNumber, amount: '520', paidOn: '2026-11-10', bankAccount }, TODAY));
        return !/甲乙丙|IDMARK|BANKMARK/.test(text);
      }),
      { numRuns: 500 },
    );
  });
});
