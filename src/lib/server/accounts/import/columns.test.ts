import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, HEADER_SYNONYMS, parseFundEntriesFile } from './index.ts';
import { columnForHeader } from './columns.ts';
import { csv, expectOk, expectSingleError, HEADER, line, xlsx } from '../../../../../tests/support/ledger-import.ts';

describe('header synonyms', () => {
  const spellings = FUND_COLUMNS.flatMap((column) => HEADER_SYNONYMS[column].map((synonym) => [synonym, column] as const));

  it.each(spellings)('reads “%s” as “%s”', (synonym, column) => {
    expect(columnForHeader(synonym)).toBe(column);
  });

  it('no spelling means two columns, and the template names are among them', () => {
    const seen = new Map<string, string>();
    for (const [synonym, column] of [...FUND_COLUMNS.map((column) => [column, column] as const), ...spellings]) {
      const key = synonym.normalize('NFKC').replace(/\s+/g, '');
      expect(seen.get(key) ?? column, synonym).toBe(column);
      seen.set(key, column);
    }
    expect(columnForHeader('金额 ( 元 )')).toBe('金额（元）');
    expect(columnForHeader('日期*')).toBe('日期');
    expect(columnForHeader('＊收支类型')).toBe('收支');
  });

  it('imports a township template written with the other spellings, in another order', async () => {
    const header = ['业务日期', '凭证编号', '事由', '收支类型', '金额(元)', '科目', '对方单位', '结算方式', '决议编号'];
    const bytes = csv(header.join(','), '2026-07-03,记-001,收取2026年度东片耕地承包费,收入,12000.00,经营收入,张建国,转账,村民代表会议决议〔2026〕5号');
    const result = expectOk(await parseFundEntriesFile(bytes, '乡镇模板.csv'));
    expect(result.rows).toEqual([
      expect.objectContaining({ entryDate: '2026-07-03', voucherNo: '记-001', direction: 'income', amountFen: 1_200_000, subject: '经营收入', counterparty: '张建国', method: 'transfer', decisionRef: '村民代表会议决议〔2026〕5号' }),
    ]);
    const village = ['日期', '收支', '金额', '会计科目', '摘要', '往来单位', '凭证号', '支付方式', '决议文号'];
    expect(expectOk(await parseFundEntriesFile(csv(village.join(','), line()), '村模板.csv')).rows).toHaveLength(1);
  });
});

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

  it('skips a title row above the header, with a notice', async () => {
    const bytes = await xlsx([['前营村2026年第三季度收支明细'], [...FUND_COLUMNS], ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', null, '转账', null]], (sheet) => {
      sheet.mergeCells('A1:I1');
    });
    const result = expectOk(await parseFundEntriesFile(bytes, 'a.xlsx'));
    expect(result.rows).toEqual([expect.objectContaining({ sourceRow: 3, amountFen: 10_000 })]);
    expect(result.notices).toEqual([{ row: 1, column: null, message: '第1行“前营村2026年第三季度收支明细”在表头（第2行）上方，是标题或说明行，已跳过，没有导入。' }]);
    // The same in a CSV saved from it, with a unit line under the title.
    const fromCsv = expectOk(await parseFundEntriesFile(csv('前营村2026年第三季度收支明细,,,,,,,,', '单位：元', HEADER, line()), 'a.csv'));
    expect(fromCsv.rows.map((row) => row.sourceRow)).toEqual([4]);
    expect(fromCsv.notices.map((notice) => notice.row)).toEqual([1, 2]);
  });

  it('asks for the header when no row near the top names the columns', async () => {
    const bytes = await xlsx([['前营村2026年第三季度收支明细'], ['2026-07-03', '收入', 100]]);
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 1, null);
    expect(error.message).toContain('第1行应为表头');
  });

  it('refuses content in a column without a header', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', null, '转账', null, null, '补记']]);
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 2, null);
    expect(error.message).toContain('K列没有表头');
  });
});
