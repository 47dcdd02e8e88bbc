import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, parseFundEntriesFile } from './index.ts';
import { csv, expectOk, expectSingleError, HEADER, line, xlsx } from '../../../../../tests/support/ledger-import.ts';

describe('header', () => {
  it('names a missing required column', async () => {
    const header = FUND_COLUMNS.filter((column) => column !== '结算方式').join(',');
    const row = line().split(',').filter((_, index) => FUND_COLUMNS[index] !== '结算方式').join(',');
    const error = expectSingleError(await parseFundEntriesFile(csv(header, row), 'a.csv'), 1, '结算方式');
    expect(error.message).toContain('缺少“结算方式”');
  });

  it('accepts a file without the optional columns', async () => {
    const keep = FUND_COLUMNS.filter((column) => column !== '凭证号' && column !== '决议文号');
    const row = line().split(',').filter((_, index) => keep.includes(FUND_COLUMNS[index] as (typeof keep)[number])).join(',');
    const result = expectOk(await parseFundEntriesFile(csv(keep.join(','), row), 'a.csv'));
    expect(result.rows[0]).toMatchObject({ voucherNo: null, decisionRef: null });
  });

  it('names an unknown column instead of ignoring it', async () => {
    const error = expectSingleError(await parseFundEntriesFile(csv(`${HEADER},备注`, `${line()},已入账`), 'a.csv'), 1, '备注');
    expect(error.message).toContain('“备注”（J列）不是模板中的列');
  });

  it('refuses a duplicated column, including two spellings of the same one', async () => {
    const bytes = csv(`${HEADER},金额`, `${line()},12000`);
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.csv'), 1, '金额（元）');
    expect(error.message).toContain('重复');
    expect(error.message).toContain('J列');
    expect(error.message).toContain('C列');
  });

  it('asks for the header on row 1 when a title row is above it', async () => {
    const bytes = await xlsx([['某某村2026年7月资金收支明细'], [...FUND_COLUMNS], ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', null, '转账', null]], (sheet) => {
      sheet.mergeCells('A1:I1');
    });
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 1, null);
    expect(error.message).toContain('第1行应为表头');
  });

  it('refuses content in a column without a header', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', null, '转账', null, null, '补记']]);
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 2, null);
    expect(error.message).toContain('K列没有表头');
  });
});
