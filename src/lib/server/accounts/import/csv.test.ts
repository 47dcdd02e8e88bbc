import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, parseFundEntriesFile } from './index.ts';
import { csv, expectErrors, expectOk, expectSingleError, HEADER, line, withBom } from '../../../../../tests/support/ledger-import.ts';

describe('CSV files', () => {
  it('reads a UTF-8 CSV with BOM, as Excel writes "CSV UTF-8"', async () => {
    const bytes = withBom(
      csv(
        HEADER,
        line(),
        line({
          日期: '2026/7/18',
          收支: '支出',
          '金额（元）': '"8,650.50"',
          会计科目: '公益支出',
          摘要: '"村道维修：水泥、砂石,人工费"',
          对方单位或个人: '顺达建材经营部',
          凭证号: '记-002',
          结算方式: '银行转账',
          决议文号: '村民代表会议决议〔2026〕5号',
        }),
        ',,,,,,,,',
        line({ 日期: '2026年7月21日', 收支: '支出', '金额（元）': '¥320', 会计科目: '管理费用', 摘要: '购买办公用品', 对方单位或个人: '镇上文具店', 凭证号: '', 结算方式: '现金' }),
      ),
    );
    const result = expectOk(await parseFundEntriesFile(bytes, '2026年7月资金收支.csv'));
    expect(result.notices).toEqual([]);
    expect(result.rows).toEqual([
      {
        entryDate: '2026-07-03',
        direction: 'income',
        amountFen: 1_200_000,
        subject: '经营收入',
        summary: '收取2026年度东片耕地承包费',
        counterparty: '张建国',
        voucherNo: '记-001',
        method: 'transfer',
        decisionRef: null,
        sourceRow: 2,
      },
      {
        entryDate: '2026-07-18',
        direction: 'expense',
        amountFen: 865_050,
        subject: '公益支出',
        summary: '村道维修：水泥、砂石,人工费',
        counterparty: '顺达建材经营部',
        voucherNo: '记-002',
        method: 'transfer',
        decisionRef: '村民代表会议决议〔2026〕5号',
        sourceRow: 3,
      },
      // Row 4 is blank and skipped; the row number stays what Excel shows.
      {
        entryDate: '2026-07-21',
        direction: 'expense',
        amountFen: 32_000,
        subject: '管理费用',
        summary: '购买办公用品',
        counterparty: '镇上文具店',
        voucherNo: null,
        method: 'cash',
        decisionRef: null,
        sourceRow: 5,
      },
    ]);
  });

  it('accepts a 5,000-row CSV', async () => {
    const lines = [HEADER];
    for (let index = 1; index <= 5000; index++) {
      lines.push(line({ '金额（元）': `${index}.50`, 凭证号: `记-${index}`, 对方单位或个人: `承包户${index}` }));
    }
    const result = expectOk(await parseFundEntriesFile(csv(...lines), 'big.csv'));
    expect(result.rows).toHaveLength(5000);
    expect(result.rows[4999]).toMatchObject({ sourceRow: 5001, amountFen: 500_050 });
  });

  it('refuses 10,001 data rows in a CSV rather than importing part of them', async () => {
    const lines = [HEADER];
    for (let index = 1; index <= 10_001; index++) lines.push(line({ 凭证号: `记-${index}` }));
    const error = expectSingleError(await parseFundEntriesFile(csv(...lines), 'a.csv'), null, null);
    expect(error.message).toContain('10,001');
    expect(error.message).toContain('最多导入10,000行');
  });

  it('reports an unclosed quote with its row and column', async () => {
    const bytes = csv(HEADER, line(), line({ 摘要: '"村道维修，水泥款', 凭证号: '记-002' }), line({ 凭证号: '记-003' }));
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 3, '摘要');
    expect(error.message).toMatch(/^第3行“摘要”：.*引号/);
  });

  it('reports a row with a different number of columns', async () => {
    const bytes = csv(HEADER, line(), `${line({ 凭证号: '记-002' })},多出的一格`, '2026-07-05,收入,100');
    const errors = expectErrors(await parseFundEntriesFile(bytes, 'a.csv'));
    expect(errors.map((error) => [error.row, error.column])).toEqual([
      [3, null],
      [4, null],
    ]);
    expect(errors[0]?.message).toContain('第3行有10列，表头有9列');
  });

  it('explains a semicolon- or tab-separated file', async () => {
    const bytes = new TextEncoder().encode(`${FUND_COLUMNS.join('\t')}\n${line().replace(/,/g, '\t')}\n`);
    expect(expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 1, null).message).toContain('制表符');
  });
});
