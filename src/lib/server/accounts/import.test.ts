import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  FUND_COLUMNS,
  fundEntriesTemplateCsv,
  fundEntriesTemplateXlsx,
  parseFundEntriesFile,
} from './import.ts';
import type { ImportIssue, ImportResult } from './import.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const HEADER = FUND_COLUMNS.join(',');
const CHINESE = /[\u4e00-\u9fff]/;

/** A realistic ledger line in template column order. */
function line(fields: Partial<Record<(typeof FUND_COLUMNS)[number], string>> = {}): string {
  const base: Record<(typeof FUND_COLUMNS)[number], string> = {
    日期: '2026-07-03',
    收支: '收入',
    '金额（元）': '12000.00',
    会计科目: '经营收入',
    摘要: '收取2026年度东片耕地承包费',
    对方单位或个人: '张建国',
    凭证号: '记-001',
    结算方式: '转账',
    决议文号: '',
  };
  return FUND_COLUMNS.map((column) => fields[column] ?? base[column]).join(',');
}

function csv(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

function withBom(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
}

function expectOk(result: ImportResult) {
  if (!result.ok) throw new Error(`expected ok, got: ${JSON.stringify(result.errors, null, 1)}`);
  return result;
}

function expectErrors(result: ImportResult): ImportIssue[] {
  if (result.ok) throw new Error('expected the import to be refused');
  expect(result).not.toHaveProperty('rows');
  for (const error of result.errors) expect(error.message).toMatch(CHINESE);
  return result.errors;
}

/** The only error, asserting where it is. */
function expectSingleError(result: ImportResult, row: number | null, column: string | null): ImportIssue {
  const errors = expectErrors(result);
  expect(errors).toHaveLength(1);
  const [error] = errors;
  expect(error?.row).toBe(row);
  expect(error?.column).toBe(column);
  return error as ImportIssue;
}

/**
 * A GBK encoder for tests, built by decoding every two-byte GBK sequence with the platform's
 * decoder (TextEncoder only writes UTF-8). Round-tripping through `new TextDecoder('gbk')` proves
 * the bytes are what Chinese Excel would write.
 */
let gbkTable: Map<string, [number, number]> | null = null;
function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        try {
          const char = decoder.decode(new Uint8Array([lead, trail]));
          if (char.length === 1 && !gbkTable.has(char)) gbkTable.set(char, [lead, trail]);
        } catch {
          // not a GBK pair
        }
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = gbkTable.get(char);
    if (!pair) throw new Error(`no GBK code for ${char}`);
    bytes.push(...pair);
  }
  return new Uint8Array(bytes);
}

type XlsxValue = ExcelJS.CellValue;
async function xlsx(rows: XlsxValue[][], configure?: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('资金收支明细');
  for (const row of rows) sheet.addRow(row);
  configure?.(sheet, workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A minimal zip with the given (name, raw bytes) parts, deflated, sizes as declared. */
function zip(parts: Array<{ name: string; data: Uint8Array; declaredSize?: number }>): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const compressed = deflateRawSync(part.data);
    const size = part.declaredSize ?? part.data.byteLength;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(compressed.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(compressed.byteLength, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.byteLength, 28);
    header.writeUInt32LE(offset, 42);
    chunks.push(local, name, compressed);
    central.push(header, name);
    offset += local.byteLength + name.byteLength + compressed.byteLength;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, directory, end]));
}

// ---------------------------------------------------------------------------------------------
// Valid files
// ---------------------------------------------------------------------------------------------

describe('parseFundEntriesFile: valid files', () => {
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

  it('reads UTF-8 without BOM and LF line endings, and header variants people type', async () => {
    const header = '日期, 收支方向 ,金额 ( 元 ),会计科目,摘要,对方单位或个人,凭证号,结算方式,决议文号';
    const bytes = new TextEncoder().encode(`${header}\n${line({ '金额（元）': '１２０００' })}\n`);
    const result = expectOk(await parseFundEntriesFile(bytes, 'ledger.txt'));
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.amountFen).toBe(1_200_000);
  });

  it('reads a GBK CSV, as Chinese Excel and WPS write "CSV（逗号分隔）"', async () => {
    const text = [HEADER, line(), line({ 日期: '2026-07-18', 收支: '支出', '金额（元）': '8650', 会计科目: '公益支出', 摘要: '村道维修', 对方单位或个人: '顺达建材经营部', 凭证号: '记-002' })].join('\r\n');
    const bytes = encodeGbk(text);
    // The encoder is right: 收入 is CA D5 C8 EB in GBK, and the bytes decode back to the text.
    expect([...encodeGbk('收入')]).toEqual([0xca, 0xd5, 0xc8, 0xeb]);
    expect(new TextDecoder('gbk').decode(bytes)).toBe(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();

    const result = expectOk(await parseFundEntriesFile(bytes, '资金.csv'));
    expect(result.rows.map((row) => [row.sourceRow, row.direction, row.amountFen, row.summary, row.counterparty])).toEqual([
      [2, 'income', 1_200_000, '收取2026年度东片耕地承包费', '张建国'],
      [3, 'expense', 865_000, '村道维修', '顺达建材经营部'],
    ]);
  });

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

  it('maps the legacy subject 发包及上交收入 to 经营收入 and says so', async () => {
    const result = expectOk(await parseFundEntriesFile(csv(HEADER, line({ 会计科目: '发包及上交收入' })), 'a.csv'));
    expect(result.rows[0]?.subject).toBe('经营收入');
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({ row: 2, column: '会计科目' });
    expect(result.notices[0]?.message).toContain('发包及上交收入');
    expect(result.notices[0]?.message).toContain('经营收入');
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
});

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Refused files
// ---------------------------------------------------------------------------------------------

describe('parseFundEntriesFile: file-level problems', () => {
  it('refuses an empty file, a blank CSV and a header-only file', async () => {
    expect(expectSingleError(await parseFundEntriesFile(new Uint8Array(), 'a.csv'), null, null).message).toContain('空');
    expect(expectSingleError(await parseFundEntriesFile(withBom(csv('', '  ')), 'a.csv'), null, null).message).toContain('空');
    expect(expectSingleError(await parseFundEntriesFile(withBom(csv(HEADER)), 'a.csv'), null, null).message).toContain('只有表头');
    expect(expectSingleError(await parseFundEntriesFile(await xlsx([[...FUND_COLUMNS]]), 'a.xlsx'), null, null).message).toContain('只有表头');
  });

  it.each([
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'PDF'],
    ['a legacy .xls (OLE)', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0x3e, 0, 3, 0]), '.xls'],
    ['random bytes', new Uint8Array(Array.from({ length: 512 }, (_, index) => (index * 7919 + 13) % 256)), null],
    ['an HTML table saved as .xls', new TextEncoder().encode('<html><body><table><tr><td>日期</td></tr></table></body></html>'), 'HTML'],
  ])('refuses %s, naming the accepted formats', async (_, bytes, hint) => {
    const error = expectSingleError(await parseFundEntriesFile(bytes, '资金收支.xls'), null, null);
    expect(error.message).toContain('CSV');
    expect(error.message).toContain('.xlsx');
    if (hint) expect(error.message).toContain(hint);
  });

  it('refuses a file over 5 MB', async () => {
    const error = expectSingleError(await parseFundEntriesFile(new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41), 'a.csv'), null, null);
    expect(error.message).toContain('5 MB');
  });

  it('refuses a corrupt XLSX (zip signature, then garbage)', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 300 }, (_, index) => (index * 31) % 256)]);
    expect(expectSingleError(await parseFundEntriesFile(bytes, '明细.xlsx'), null, null).message).toContain('损坏');
    // A truncated real workbook is corrupt too.
    const real = await fundEntriesTemplateXlsx();
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

  it('refuses 10,001 data rows in a CSV rather than importing part of them', async () => {
    const lines = [HEADER];
    for (let index = 1; index <= 10_001; index++) lines.push(line({ 凭证号: `记-${index}` }));
    const error = expectSingleError(await parseFundEntriesFile(csv(...lines), 'a.csv'), null, null);
    expect(error.message).toContain('10,001');
    expect(error.message).toContain('最多导入10,000行');
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

describe('parseFundEntriesFile: malformed CSV', () => {
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

describe('parseFundEntriesFile: header', () => {
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

describe('parseFundEntriesFile: rows', () => {
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

  it('refuses merged cells and formulas without a saved result in an XLSX', async () => {
    const bytes = await xlsx(
      [
        [...FUND_COLUMNS],
        ['2026-07-03', '收入', 100, '经营收入', '承包费', '张三', '记-1', '转账', null],
        [null, '收入', { formula: 'C2*2', result: undefined } as unknown as XlsxValue, '经营收入', '承包费', '李四', '记-2', '转账', null],
      ],
      (sheet) => sheet.mergeCells('A2:A3'),
    );
    const errors = expectErrors(await parseFundEntriesFile(bytes, 'a.xlsx'));
    expect(errors.map((error) => [error.row, error.column])).toEqual([
      [3, '日期'],
      [3, '金额（元）'],
    ]);
    expect(errors[0]?.message).toContain('合并单元格');
    expect(errors[1]?.message).toContain('公式');
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

// ---------------------------------------------------------------------------------------------
// Formula-looking text
// ---------------------------------------------------------------------------------------------

describe('parseFundEntriesFile: text that trimming would turn into a formula', () => {
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
