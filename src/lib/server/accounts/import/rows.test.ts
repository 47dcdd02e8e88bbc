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
    // Five problems of one row are said in one line, in column order.
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 2, '收支');
    expect(error.columns).toEqual(['收支', '会计科目', '摘要', '对方单位或个人', '结算方式']);
    expect(error.message).toMatch(/^第2行有5处问题：“收支”：/);
    expect(error.message).toContain('；“会计科目”：“办公费”不是会计科目');
    expect(error.message).toContain('；“摘要”：请填写摘要；');
    expect(error.message.match(/第2行/g)).toHaveLength(1);
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

describe('totals rows, one line per row, the period', () => {
  it.each([
    ['合计 in the date column', '合计,,"12,000.00",,,,,,'],
    ['本月合计 in the summary, no date', ',,12000,,本月合计,,,,'],
    ['小计 with spaces and a colon', '小 计：,,12000,,,,,,'],
    ['第三季度合计', ',,,,第三季度合计,,,,'],
  ])('skips a totals row (%s) with a notice', async (_, totals) => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line(), totals), 'a.csv'));
    expect(result.rows).toHaveLength(1);
    expect(result.notices).toEqual([{ row: 3, column: null, message: expect.stringMatching(/^第3行是“[^”]*(合|小 ?)计：?”行，不是一笔收支，已跳过，没有导入/) }]);
  });

  it('does not take an entry whose summary ends in 合计 for a totals row: it has a date', async () => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line({ 摘要: '合计', 凭证号: '记-009' })), 'a.csv'));
    expect(result.rows).toEqual([expect.objectContaining({ summary: '合计' })]);
    expect(result.notices).toEqual([]);
  });

  it('says each problem once per row: one problem as it is, several in one line', async () => {
    const bytes = csv(HEADER, line(), line({ 结算方式: '支付宝', 凭证号: '记-002' }), line({ 凭证号: '记-003', 对方单位或个人: '李四', '金额（元）': 'abc', 收支: '收' }));
    const errors = expectErrors(await parseFundEntriesFile(bytes, 'a.csv'));
    expect(errors.map((error) => error.row)).toEqual([3, 4]);
    expect(errors[0]?.message).toBe('第3行“结算方式”：“支付宝”应为“转账”或“现金”');
    expect(errors[1]?.columns).toEqual(['收支', '金额（元）']);
    expect(errors[1]?.message).toMatch(/^第4行有2处问题：“收支”：.*；“金额（元）”：“abc”不是有效金额/);
    for (const error of errors) expect(error.message.match(new RegExp(`第${error.row}行`, 'g'))).toHaveLength(1);
  });

  it('checks dates against the period when it is given', async () => {
    const period = { start: '2026-07-01', end: '2026-09-30' };
    const error = expectSingleError(await parseFundEntriesFile(csv(HEADER, line({ 日期: '2026-10-01' })), 'a.csv', { period }), 2, '日期');
    expect(error.message).toBe('第2行“日期”：2026-10-01不在本期（2026-07-01 至 2026-09-30）之内。请核对日期，或导入到该日期所在期间的草稿');
  });
});
