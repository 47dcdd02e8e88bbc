import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { fundEntriesTemplateCsv, fundEntriesTemplateXlsx, parseFundEntriesFile } from './index.ts';
import { expectOk, HEADER } from '../../../../../tests/support/ledger-import.ts';

describe('templates', () => {
  it('the CSV template has a BOM, the header and two examples that import cleanly', async () => {
    const template = fundEntriesTemplateCsv();
    expect(template.startsWith('\uFEFF')).toBe(true);
    expect(template.slice(1).split('\r\n')[0]).toBe(HEADER);
    const result = expectOk(await parseFundEntriesFile(new TextEncoder().encode(template), '模板.csv'));
    expect(result.rows.map((row) => [row.entryDate, row.direction, row.subject])).toEqual([
      ['2026-07-03', 'income', '经营收入'],
      ['2026-07-18', 'expense', '公益支出'],
    ]);
  });

  it('the XLSX template has the same content, a bold header and drop-down lists', async () => {
    const bytes = await fundEntriesTemplateXlsx();
    const fromXlsx = expectOk(await parseFundEntriesFile(bytes, '模板.xlsx'));
    const fromCsv = expectOk(await parseFundEntriesFile(new TextEncoder().encode(fundEntriesTemplateCsv()), '模板.csv'));
    expect(fromXlsx.rows).toEqual(fromCsv.rows);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet?.getColumn(5).width).toBeGreaterThan(20);
    const validations = (sheet as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
    expect(validations.B2?.formulae).toEqual(['"收入,支出"']);
    expect(validations.D500?.formulae[0]).toContain('公益支出');
    expect(validations.H2?.formulae).toEqual(['"转账,现金"']);
  });
});
