import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, parseFundEntriesFile } from './index.ts';
import { csv, expectErrors, expectOk, expectSingleError, HEADER, line, xlsx } from '../../../../../tests/support/ledger-import.ts';

describe('rows', () => {
  it('maps the legacy subject 发包及上交收入 to 经营收入 and says so', async () => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line({ 会计科目: '发包及上交收入' })), 'a.csv'));
    expect(result.rows[0]?.subject).toBe('经营收入');
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({ row: 2, column: '会计科目' });
    expect(result.notices[0]?.message).toContain('发包及上交收入');
    expect(result.notices[0]?.message).toContain('经营收入');
  });

  it('maps 发包及上交收入 on a row of profits handed over to 投资收益, and says so', async () => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line({ 会计科目: '发包及上交收入', 摘要: '村办砖厂上交2025年利润', 对方单位或个人: '李家堡砖厂' })), 'a.csv'));
    expect(result.rows[0]?.subject).toBe('投资收益');
    expect(result.notices[0]?.message).toContain('投资收益');
  });

  it('accepts a grant to 专项应付款 and a road to 在建工程, refuses cash itself and a 2004 subject that is gone', async () => {
    const ok = expectOk(
      await parseFundEntriesFile(
        csv(HEADER, line({ 收支: '收入', 会计科目: '专项应付款', 凭证号: '记-001' }), line({ 收支: '支出', 会计科目: '在建工程', 凭证号: '记-002' })),
        'a.csv',
      ),
    );
    expect(ok.rows.map((row) => [row.direction, row.subject])).toEqual([['income', '专项应付款'], ['expense', '在建工程']]);
    expect(expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ 会计科目: '银行存款' })), 'a.csv'), 2, '会计科目').message).toContain('对方科目');
    expect(expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ 会计科目: '一事一议资金' })), 'a.csv'), 2, '会计科目').message).toContain('专项应付款');
    expect(expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ 收支: '收入', 会计科目: '公益支出' })), 'a.csv'), 2, '会计科目').message).toContain('收入的损益科目是：经营收入、投资收益、补助收入、其他收入');
  });

  it.each([
    ['text', '一千二百元', '不是有效金额'],
    ['negative', '-500', '负数'],
    ['three decimals', '12.345', '“12.345”不是有效金额，最多两位小数'],
    ['zero', '0', '金额应大于0'],
    ['a misplaced thousands comma', '"1,2000"', '逗号位置不对'],
    ['empty', '', '请填写金额'],
  ])('refuses an amount that is %s', async (_, amount, message) => {
    const bytes = csv(HEADER, line(), line({ '金额（元）': amount, 凭证号: '记-002' }));
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 3, '金额（元）');
    expect(error.message).toMatch(/^第3行“金额（元）”：/);
    expect(error.message).toContain(message);
  });

  it('refuses an XLSX number with more than two decimals even if Excel displays it rounded', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], ['2026-07-03', '收入', 12.345, '经营收入', '承包费', '张三', null, '转账', null]], (sheet) => {
      sheet.getColumn(3).numFmt = '0.00';
    });
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 2, '金额（元）');
    expect(error.message).toContain('12.345');
    expect(error.message).toContain('最多两位小数');
  });

  it.each([
    ['2026-02-30', '2026年2月没有30日'],
    ['明天', '“明天”不是有效日期'],
    ['2026-13-01', '月份'],
    ['46206', '不是有效日期'],
  ])('refuses the date %s', async (date, message) => {
    const error = expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ 日期: date })), 'a.csv'), 2, '日期');
    expect(error.message).toContain(message);
  });

  it('refuses a subject that does not match the direction', async () => {
    const bytes = csv(HEADER, line({ 收支: '支出', 会计科目: '经营收入', 摘要: '支付村道维修款' }));
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 2, '会计科目');
    expect(error.message).toContain('“经营收入”不能用于支出');
  });

  it('refuses unknown subjects, directions and payment methods, and missing text', async () => {
    const bytes = csv(HEADER, line({ 收支: '收', 会计科目: '办公费', 结算方式: '支付宝', 摘要: '', 对方单位或个人: ' ' }));
    const errors = expectErrors(await parseFundEntriesFile(bytes, 'a.csv'));
    expect(errors.map((error) => [error.row, error.column])).toEqual([
      [2, '收支'],
      [2, '会计科目'],
      [2, '摘要'],
      [2, '对方单位或个人'],
      [2, '结算方式'],
    ]);
    expect(errors[1]?.message).toContain('“办公费”不是会计科目');
    expect(errors[2]?.message).toBe('第2行“摘要”：请填写摘要');
  });

  it('refuses invisible control characters pasted into a cell', async () => {
    const bytes = csv(HEADER, line({ 对方单位或个人: '张\u000b建国' }));
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 2, '对方单位或个人');
    expect(error.message).toContain('控制字符');
  });

  it('refuses rows repeated in the file, naming both rows', async () => {
    const bytes = csv(HEADER, line(), line({ 凭证号: '记-002', 对方单位或个人: '李四' }), line());
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 4, null);
    expect(error.message).toContain('第4行与第2行重复');
  });

  it('refuses rows repeated without a voucher number', async () => {
    const bytes = csv(HEADER, line({ 凭证号: '' }), line({ 凭证号: '' }));
    expect(expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 3, null).message).toContain('第3行与第2行重复');
  });

  it('refuses a voucher number used twice', async () => {
    const bytes = csv(HEADER, line(), line({ 日期: '2026-07-09', '金额（元）': '300', 对方单位或个人: '李四' }));
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 3, '凭证号');
    expect(error.message).toContain('“记-001”与第2行的凭证号相同');
  });

  it('checks every row, sorts the errors by row and imports nothing', async () => {
    const bytes = csv(HEADER, line({ '金额（元）': '-1' }), line({ 凭证号: '记-002' }), line({ 日期: '昨天', 凭证号: '记-003' }));
    const errors = expectErrors(await parseFundEntriesFile(bytes, 'a.csv'));
    expect(errors.map((error) => [error.row, error.column])).toEqual([
      [2, '金额（元）'],
      [4, '日期'],
    ]);
  });

  it('lists at most 200 errors and says how many more there are', async () => {
    const lines = [HEADER];
    for (let index = 1; index <= 250; index++) lines.push(line({ '金额（元）': 'abc', 凭证号: `记-${index}` }));
    const errors = expectErrors(await parseFundEntriesFile(csv(...lines), 'a.csv'));
    expect(errors).toHaveLength(200);
    expect(errors[198]).toMatchObject({ row: 200, column: '金额（元）' });
    expect(errors[199]).toEqual({ row: null, column: null, message: '另有51处错误未列出，请先改正以上错误后重新上传。' });
  });
});

describe('text that trimming would turn into a formula', () => {
  it.each([
    ['摘要', '"\t=1+1"'],
    ['对方单位或个人', '"\t+8613800000000"'],
    ['凭证号', '"\r@SUM(A1:A9)"'],
    ['决议文号', '"  -1+1"'],
  ] as const)('refuses a %s that begins with blanks before a formula sign, instead of storing the formula', async (column, cell) => {
    const error = expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ [column]: cell })), 'a.csv'), 2, column);
    expect(error.message).toContain('公式');
    expect(error.message).toContain('删除');
  });

  it('refuses the same in a workbook cell', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], ['2026-07-03', '收入', 12000, '经营收入', '\t=1+1', '张建国', '记-001', '转账', '']]);
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 2, '摘要');
    expect(error.message).toContain('公式');
  });

  it('still trims blanks before ordinary text, and keeps text typed with a formula sign as typed', async () => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line({ 摘要: '"\t收取承包费"', 对方单位或个人: '=张建国' })), 'a.csv'));
    expect(result.rows[0]).toMatchObject({ summary: '收取承包费', counterparty: '=张建国' });
  });
});
