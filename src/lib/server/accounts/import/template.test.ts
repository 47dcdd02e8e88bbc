import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_COLUMN, fundEntriesTemplateCsv, fundEntriesTemplateXlsx, parseFundEntriesFile } from './index.ts';
import { expectOk, expectSingleError, HEADER, line } from '../../../../../tests/support/ledger-import.ts';

const Q3 = { start: '2026-07-01', end: '2026-09-30' };

/** The template's sample rows (CSV, no commas inside their cells) as header → value records. */
function sampleRows(template: string): Array<Record<string, string>> {
  const [header, ...rows] = template.slice(1).split('\r\n').filter(Boolean).map((text) => text.split(','));
  return rows.map((cells) => Object.fromEntries(header!.map((name, index) => [name, cells[index] ?? ''])));
}

async function withRealRow(bytes: Uint8Array): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  workbook.worksheets[0]!.addRow([new Date(Date.UTC(2026, 7, 9)), '支出', 320, '管理费用', '购买办公用品', '镇上文具店', '记-2026-08-009', '现金', null, null]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('templates', () => {
  it('the CSV template has a BOM, the header with its 示例 column and two sample rows marked as examples', () => {
    const template = fundEntriesTemplateCsv(Q3);
    expect(template.startsWith('\uFEFF')).toBe(true);
    expect(template.slice(1).split('\r\n')[0]).toBe(`${HEADER},${EXAMPLE_COLUMN}`);
    expect(sampleRows(template).map((row) => [row['日期'], row['收支'], row['会计科目'], row[EXAMPLE_COLUMN]])).toEqual([
      ['2026-07-03', '收入', '经营收入', '示例'],
      ['2026-07-18', '支出', '公益支出', '示例'],
    ]);
  });

  it.each([
    ['a quarter', { start: '2024-10-01', end: '2024-12-31' }],
    ['a month', { start: '2026-09-01', end: '2026-09-30' }],
    ['February of a leap year', { start: '2024-02-01', end: '2024-02-29' }],
    ['February', { start: '2026-02-01', end: '2026-02-28' }],
  ])('dates its sample rows inside the chosen period: %s', (_, period) => {
    const dates = sampleRows(fundEntriesTemplateCsv(period)).map((row) => row['日期']!);
    expect(dates).toHaveLength(2);
    for (const date of dates) {
      expect(date >= period.start && date <= period.end, date).toBe(true);
    }
    expect(sampleRows(fundEntriesTemplateCsv(period))[0]!['凭证号']).toContain(period.start.slice(0, 7));
  });

  it('a template imported as it is imports nothing: its sample rows are skipped', async () => {
    const error = expectSingleError(await parseFundEntriesFile(new TextEncoder().encode(fundEntriesTemplateCsv(Q3)), '模板.csv'), null, null);
    expect(error.message).toContain('没有要导入的数据行');
  });

  it('sample rows left above real rows are skipped, each with a notice (CSV and XLSX alike)', async () => {
    const csvText = `${fundEntriesTemplateCsv(Q3)}${line({ 日期: '2026-08-09', 收支: '支出', '金额（元）': '320', 会计科目: '管理费用', 摘要: '购买办公用品', 对方单位或个人: '镇上文具店', 凭证号: '记-2026-08-009', 结算方式: '现金' })},\r\n`;
    const fromCsv = expectOk(await parseFundEntriesFile(new TextEncoder().encode(csvText), '模板.csv', { period: Q3 }));
    expect(fromCsv.rows.map((row) => [row.sourceRow, row.amountFen])).toEqual([[4, 32_000]]);
    expect(fromCsv.notices).toEqual([
      { row: 2, column: EXAMPLE_COLUMN, message: '第2行是模板的示例行（“示例”列写有“示例”），已跳过，没有导入。如果这是真实的一笔，请清空这一格后重新上传。' },
      expect.objectContaining({ row: 3, column: EXAMPLE_COLUMN }),
    ]);
    const fromXlsx = expectOk(await parseFundEntriesFile(await withRealRow(await fundEntriesTemplateXlsx(Q3)), '模板.xlsx', { period: Q3 }));
    expect(fromXlsx.rows).toEqual(fromCsv.rows);
    expect(fromXlsx.notices).toEqual(fromCsv.notices);
  });

  it('a 示例 cell saying 否 is a real row', async () => {
    const text = `${HEADER},${EXAMPLE_COLUMN}\r\n${line()},否\r\n${line({ 凭证号: '记-002', 对方单位或个人: '李四' })},\r\n`;
    const result = expectOk(await parseFundEntriesFile(new TextEncoder().encode(text), 'a.csv'));
    expect(result.rows).toHaveLength(2);
    expect(result.notices).toEqual([]);
  });

  it('the XLSX template has a bold header, grey sample rows and drop-down lists', async () => {
    const bytes = await fundEntriesTemplateXlsx(Q3);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet?.getRow(1).getCell(10).value).toBe(EXAMPLE_COLUMN);
    expect(sheet?.getRow(2).getCell(10).value).toBe('示例');
    expect(sheet?.getRow(2).font?.italic).toBe(true);
    expect(sheet?.getColumn(5).width).toBeGreaterThan(20);
    const validations = (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    expect(validations.B2?.formulae).toEqual(['"收入,支出"']);
    expect(validations.D500?.formulae[0]).toContain('公益支出');
    expect(validations.H2?.formulae).toEqual(['"转账,现金"']);
  });
});
