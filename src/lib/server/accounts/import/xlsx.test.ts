import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, fundEntriesTemplateXlsx, parseFundEntriesFile } from './index.ts';
import { readXlsx, workbookReads } from './xlsx.ts';
import { expectErrors, expectOk, expectSingleError, xlsx } from '../../../../../tests/support/ledger-import.ts';
import type { XlsxValue } from '../../../../../tests/support/ledger-import.ts';
import { zip } from '../../../../../tests/support/zip.ts';

describe('XLSX workbooks', () => {
  it('reads an XLSX built in Excel style: Date cells, number amounts, rich text, formulas', async () => {
    const bytes = await xlsx(
      [
        ['日期', '收支方向', '金额', '会计科目', '摘要', '对方单位或个人', '凭证号', '结算方式', '决议文号'],
        [new Date(Date.UTC(2026, 6, 3)), '收入', 12000, '经营收入', '收取2026年度东片耕地承包费', '张建国', '记-001', '转账', null],
        [
          new Date(Date.UTC(2026, 6, 18)),
          '支出',
          { formula: 'ROUND(8650.456,2)', result: 8650.46 },
          '公益支出',
          { richText: [{ text: '村道维修', font: { bold: true } }, { text: '（水泥、砂石）' }] },
          '顺达建材经营部',
          2,
          '转账',
          '村民代表会议决议〔2026〕5号',
        ],
        ['2026-07-25', '收入', '3,000', '补助收入', '乡镇拨付村级运转经费', '某某镇财政所', '记-003', '转账', null],
      ],
      (sheet) => {
        sheet.getColumn(1).numFmt = 'yyyy-mm-dd';
      },
    );
    const result = expectOk(await parseFundEntriesFile(bytes, 'upload.bin'));
    expect(result.notices).toEqual([]);
    expect(result.rows.map((row) => [row.sourceRow, row.entryDate, row.amountFen, row.summary, row.voucherNo])).toEqual([
      [2, '2026-07-03', 1_200_000, '收取2026年度东片耕地承包费', '记-001'],
      [3, '2026-07-18', 865_046, '村道维修（水泥、砂石）', '2'],
      [4, '2026-07-25', 300_000, '乡镇拨付村级运转经费', '记-003'],
    ]);
  });

  it('reports an Excel serial date, hidden rows and ignored sheets as notices', async () => {
    const bytes = await xlsx(
      [[...FUND_COLUMNS], [46206, '收入', 500, '其他收入', '收到捐赠', '外出乡贤王某', '记-010', '现金', null]],
      (sheet, workbook) => {
        sheet.getRow(2).hidden = true;
        workbook.addWorksheet('汇总').addRow(['合计', 500]);
      },
    );
    const result = expectOk(await parseFundEntriesFile(bytes, 'a.xlsx'));
    expect(result.rows[0]?.entryDate).toBe('2026-07-03');
    expect(result.notices).toEqual([
      expect.objectContaining({ row: null, column: null, message: expect.stringContaining('“汇总”中的内容没有导入') }),
      expect.objectContaining({ row: 2, column: null, message: expect.stringContaining('隐藏') }),
      expect.objectContaining({ row: 2, column: '日期', message: expect.stringContaining('46206') }),
    ]);
  });

  it('counts serial dates from 1904 in a workbook saved with the 1904 date system', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], [44744, '收入', 500, '其他收入', '收到捐赠', '外出乡贤王某', null, '现金', null]], (_, workbook) => {
      workbook.properties.date1904 = true;
    });
    const result = expectOk(await parseFundEntriesFile(bytes, 'mac.xlsx'));
    expect(result.rows[0]?.entryDate).toBe('2026-07-03');
    expect(result.notices).toEqual([expect.objectContaining({ row: 2, column: '日期', message: expect.stringContaining('2026-07-03') })]);
  });

  it('refuses merged cells and formulas without a saved result in an XLSX', async () => {
    const bytes = await xlsx(
      [
        [...FUND_COLUMNS],
        ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', '记-1', '转账', null],
        [null, '收入', { formula: 'C2*2', result: undefined } as unknown as XlsxValue, '经营收入', '承包费', '李四', '记-2', '转账', null],
      ],
      (sheet) => sheet.mergeCells('A2:A3'),
    );
    const error = expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), 3, '日期');
    expect(error.columns).toEqual(['日期', '金额（元）']);
    expect(error.message).toContain('合并单元格');
    expect(error.message).toContain('公式');
  });

  it('refuses a corrupt XLSX (zip signature, then garbage)', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 300 }, (_, index) => (index * 31) % 256)]);
    expect(expectSingleError(await parseFundEntriesFile(bytes, '明细.xlsx'), null, null).message).toContain('损坏');
    // A truncated real workbook is corrupt too.
    const real = await fundEntriesTemplateXlsx({ start: '2026-07-01', end: '2026-09-30' });
    const truncated = real.slice(0, Math.floor(real.byteLength / 2));
    expect(expectSingleError(await parseFundEntriesFile(truncated, '明细.xlsx'), null, null).message).toContain('损坏');
  });

  it('refuses a zip that is not a workbook', async () => {
    const bytes = zip([{ name: 'word/document.xml', data: new TextEncoder().encode('<w:document/>') }]);
    expect(expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), null, null).message).toContain('Word');
  });

  it('refuses a decompression bomb before exceljs inflates it, even when its sizes lie', async () => {
    const zeros = new Uint8Array(40 * 1024 * 1024);
    const honest = zip([{ name: 'xl/workbook.xml', data: new Uint8Array(10) }, { name: 'xl/worksheets/sheet1.xml', data: zeros }]);
    expect(honest.byteLength).toBeLessThan(100_000);
    expect(expectSingleError(await parseFundEntriesFile(honest, 'a.xlsx'), null, null).message).toContain('过大');
    const lying = zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, declaredSize: 1000 }]);
    expect(expectSingleError(await parseFundEntriesFile(lying, 'a.xlsx'), null, null).message).toContain('过大');
  });

  it('refuses merged or named ranges that exceljs would expand cell by cell', async () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const merged = zip([
      { name: 'xl/workbook.xml', data: encode('<workbook><sheets><sheet name="明细" sheetId="1" r:id="rId1"/></sheets></workbook>') },
      { name: 'xl/worksheets/sheet1.xml', data: encode('<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells></worksheet>') },
    ]);
    expect(expectSingleError(await parseFundEntriesFile(merged, 'a.xlsx'), null, null).message).toContain('合并单元格');
    const named = zip([
      { name: 'xl/workbook.xml', data: encode('<workbook><definedNames><definedName name="全部">明细!$A$1:$XFD$1048576</definedName></definedNames></workbook>') },
    ]);
    expect(expectSingleError(await parseFundEntriesFile(named, 'a.xlsx'), null, null).message).toContain('名称');
  });

  it('refuses 10,001 data rows in an XLSX', async () => {
    const rows: XlsxValue[][] = [[...FUND_COLUMNS]];
    for (let index = 1; index <= 10_001; index++) {
      rows.push(['2026-07-03', '收入', 100, '经营收入', '承包费', `承包户${index}`, `记-${index}`, '转账', null]);
    }
    const error = expectSingleError(await parseFundEntriesFile(await xlsx(rows), 'a.xlsx'), null, null);
    expect(error.message).toContain('最多导入10,000行');
  });

  it('refuses a worksheet wider than 30 columns', async () => {
    const bytes = await xlsx([[...FUND_COLUMNS], ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', null, '转账', null]], (sheet) => {
      sheet.getCell('AH2').value = '备注';
    });
    expect(expectSingleError(await parseFundEntriesFile(bytes, 'a.xlsx'), null, null).message).toContain('30列');
  });
});

describe('reading workbooks in a busy process', () => {
  it('reads one workbook at a time: a second upload waits for the first, and a failed read does not hold up the next', async () => {
    const good = await xlsx([[...FUND_COLUMNS], ['2026-04-02', '收入', 1200, '经营收入', '收到鱼塘承包费', '村民李某', '记-01', '银行转账', null]]);
    const broken = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const first = readXlsx(broken, '坏的.xlsx');
    const second = readXlsx(good, '资金收支.xlsx');
    const third = readXlsx(good, '资金收支.xlsx');
    expect(workbookReads.activeCount).toBe(1);
    expect(workbookReads.pendingCount).toBe(2);
    expect((await first).ok).toBe(false);
    expect((await second).ok).toBe(true);
    expect((await third).ok).toBe(true);
    expect(workbookReads.activeCount + workbookReads.pendingCount).toBe(0);
  });
});
