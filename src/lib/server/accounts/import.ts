/**
 * Import of the funds ledger (资金收支明细) of a disclosure period from a CSV or XLSX file.
 *
 * Principles:
 * - The format is decided by the bytes, never by the file name.
 * - All-or-nothing: every row is checked, every problem is reported with the row number as the
 *   person sees it in Excel (header = row 1) and the Chinese column name, and a single error means
 *   nothing is imported.
 * - The file is never silently altered: whenever an interpretation changes what was written (a
 *   legacy accounting subject, an Excel date serial number) the result carries a notice.
 * - Untrusted input: size, row and column limits are enforced before anything expensive. For XLSX
 *   the zip is inspected and every part inflated once with a hard output cap before exceljs (which
 *   loads the whole workbook into memory) ever sees it; see `inspectXlsxZip`.
 */
import { inflateRawSync } from 'node:zlib';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Cell, CellValue, DataValidation, Worksheet } from 'exceljs';
import {
  DIRECTION_LABELS,
  EXPENSE_SUBJECTS,
  FundEntrySchema,
  INCOME_SUBJECTS,
  LEGACY_SUBJECTS,
  MAX_AMOUNT_FEN,
  PAYMENT_METHOD_LABELS,
  SUBJECTS,
  formatFen,
  parseYuanToFen,
} from './model.ts';
import type { Direction, FundEntryInput, PaymentMethod, Subject } from './model.ts';
import { looksLikeFormula, toCsv } from '../spreadsheet.ts';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Template columns, in order. */
export const FUND_COLUMNS = ['日期', '收支', '金额（元）', '会计科目', '摘要', '对方单位或个人', '凭证号', '结算方式', '决议文号'] as const;
export type FundColumn = (typeof FUND_COLUMNS)[number];

/** Limits, exported so the upload form can state them. */
export const FUND_IMPORT_LIMITS = {
  /** Largest accepted file. */
  maxBytes: 5 * 1024 * 1024,
  /** Most data rows (header not counted) in one file. */
  maxRows: 10_000,
  /** Most columns a worksheet may use. */
  maxColumns: 30,
} as const;

export type ImportIssue = { row: number | null; column: string | null; message: string };

export type ImportResult =
  | { ok: true; rows: Array<FundEntryInput & { sourceRow: number }>; notices: ImportIssue[] }
  | { ok: false; errors: ImportIssue[] };

/**
 * Reads a funds ledger file. `fileName` is only used in messages; the format is decided by the
 * content (XLSX = zip, otherwise CSV text in UTF-8 or GBK).
 */
export async function parseFundEntriesFile(bytes: Uint8Array, fileName: string): Promise<ImportResult> {
  const name = displayName(fileName);
  if (bytes.byteLength === 0) return fail(null, null, `文件“${name}”是空的，请填写后再上传。`);
  if (bytes.byteLength > FUND_IMPORT_LIMITS.maxBytes) {
    return fail(
      null,
      null,
      `文件“${name}”有 ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB，超过 5 MB 的上限。请删除多余的工作表、图片或分批导入。`,
    );
  }

  const kind = sniffFormat(bytes);
  let table: TableResult;
  if (kind.format === 'xlsx') table = await readXlsx(bytes, name);
  else if (kind.format === 'csv') table = readCsv(bytes, name);
  else return fail(null, null, unsupportedMessage(name, kind.description));

  if (!table.ok) return { ok: false, errors: capIssues(table.errors, '错误') };
  return interpretTable(table);
}

/** The CSV template: UTF-8 with BOM (so Excel opens it correctly), CRLF, header and two examples. */
export function fundEntriesTemplateCsv(): string {
  return toCsv(
    TEMPLATE_EXAMPLES,
    FUND_COLUMNS.map((column) => ({ header: column, value: (example) => example[column], numeric: column === '金额（元）' })),
  );
}

/** The XLSX template: same content, bold frozen header, column widths and drop-down lists. */
export async function fundEntriesTemplateXlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '一点通';
  const sheet = workbook.addWorksheet('资金收支明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = FUND_COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: TEMPLATE_WIDTHS[column],
    style:
      column === '日期'
        ? { numFmt: 'yyyy-mm-dd' }
        : column === '金额（元）'
          ? { numFmt: '#,##0.00' }
          : // Text format, so that 凭证号 like 001 keeps its leading zeros.
            { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const example of TEMPLATE_EXAMPLES) {
    const [year, month, day] = example['日期'].split('-').map(Number);
    sheet.addRow(
      FUND_COLUMNS.map((column) => {
        if (column === '日期') return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
        if (column === '金额（元）') return (parseYuanToFen(example[column]) ?? 0) / 100;
        return example[column] === '' ? null : example[column];
      }),
    );
  }

  const lastRow = FUND_IMPORT_LIMITS.maxRows + 1;
  const list = (column: FundColumn, values: readonly string[]): [string, DataValidation] => [
    `${columnLetter(FUND_COLUMNS.indexOf(column))}2:${columnLetter(FUND_COLUMNS.indexOf(column))}${lastRow}`,
    {
      type: 'list',
      allowBlank: true,
      formulae: [`"${values.join(',')}"`],
      showErrorMessage: true,
      errorTitle: `${column}填写有误`,
      error: `请从下拉列表中选择：${values.join('、')}`,
    },
  ];
  // exceljs supports range data validations but does not declare `dataValidations` in its types.
  const validations = (sheet as unknown as { dataValidations: { add(address: string, validation: DataValidation): void } })
    .dataValidations;
  for (const [address, validation] of [
    list('收支', Object.values(DIRECTION_LABELS)),
    list('会计科目', SUBJECTS),
    list('结算方式', Object.values(PAYMENT_METHOD_LABELS)),
  ]) {
    validations.add(address, validation);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// Template content
// ---------------------------------------------------------------------------------------------

const TEMPLATE_EXAMPLES: ReadonlyArray<Record<FundColumn, string>> = [
  {
    日期: '2026-07-03',
    收支: '收入',
    '金额（元）': '12000.00',
    会计科目: '经营收入',
    摘要: '收取2026年度东片耕地承包费（40亩）',
    对方单位或个人: '张建国',
    凭证号: '记-2026-07-001',
    结算方式: '转账',
    决议文号: '',
  },
  {
    日期: '2026-07-18',
    收支: '支出',
    '金额（元）': '8650.00',
    会计科目: '公益支出',
    摘要: '村道维修：水泥、砂石及人工费',
    对方单位或个人: '顺达建材经营部',
    凭证号: '记-2026-07-002',
    结算方式: '转账',
    决议文号: '村民代表会议决议〔2026〕5号',
  },
];

const TEMPLATE_WIDTHS: Record<FundColumn, number> = {
  日期: 12,
  收支: 8,
  '金额（元）': 14,
  会计科目: 12,
  摘要: 36,
  对方单位或个人: 24,
  凭证号: 16,
  结算方式: 10,
  决议文号: 30,
};

// ---------------------------------------------------------------------------------------------
// Limits and messages
// ---------------------------------------------------------------------------------------------

const MAX_LISTED_ISSUES = 200;
const MAX_SHEET_ROWS = FUND_IMPORT_LIMITS.maxRows + 1;
/** Total inflated size of all parts of an XLSX. A full 10,000 × 30 sheet is about 20 MB. */
const XLSX_MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const XLSX_MAX_PARTS = 1_000;
/** Cells (`<c>`), rows and shared strings over all worksheets: exceljs makes an object of each. */
const XLSX_MAX_CELLS = 400_000;
const XLSX_MAX_ROW_ELEMENTS = 60_000;
const XLSX_MAX_SHARED_STRINGS = 400_000;
/** exceljs expands merged ranges and defined-name ranges cell by cell while loading. */
const XLSX_MAX_RANGE_CELLS = MAX_SHEET_ROWS * FUND_IMPORT_LIMITS.maxColumns;

const ACCEPTED_FORMATS =
  '只支持 CSV 文件（UTF-8 或 GBK 编码）和 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中用“另存为”保存成其中一种格式后再上传，或直接使用下载的模板。';
const REQUIRED_COLUMNS: readonly FundColumn[] = FUND_COLUMNS.filter((column) => column !== '凭证号' && column !== '决议文号');

const HEADER_ALIASES = new Map<string, FundColumn>([
  ...FUND_COLUMNS.map((column) => [normalizeHeader(column), column] as const),
  [normalizeHeader('收支方向'), '收支'],
  [normalizeHeader('金额'), '金额（元）'],
  [normalizeHeader('金额(元)'), '金额（元）'],
]);

const FIELD_COLUMNS: Record<string, FundColumn> = {
  entryDate: '日期',
  direction: '收支',
  amountFen: '金额（元）',
  subject: '会计科目',
  summary: '摘要',
  counterparty: '对方单位或个人',
  voucherNo: '凭证号',
  method: '结算方式',
  decisionRef: '决议文号',
};

const DIRECTION_WORDS = new Map<string, Direction>([
  ['收入', 'income'],
  ['支出', 'expense'],
]);
const METHOD_WORDS = new Map<string, PaymentMethod>([
  ['转账', 'transfer'],
  ['转帐', 'transfer'],
  ['银行转账', 'transfer'],
  ['银行转帐', 'transfer'],
  ['现金', 'cash'],
]);

function fail(row: number | null, column: string | null, message: string): { ok: false; errors: ImportIssue[] } {
  return { ok: false, errors: [{ row, column, message }] };
}

function unsupportedMessage(name: string, description: string | null): string {
  return `无法导入“${name}”${description ? `：${description}` : '：无法识别文件格式'}。${ACCEPTED_FORMATS}`;
}

function displayName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop()?.trim() ?? '';
  const name = base === '' ? '上传的文件' : base;
  return name.length > 60 ? `${name.slice(0, 57)}…` : name;
}

function cellIssue(row: number, column: string, message: string): ImportIssue {
  return { row, column, message: `第${row}行“${column}”：${message}` };
}

/** Keeps at most 200 issues; the last one then says how many more there were. */
function capIssues(issues: ImportIssue[], noun: '错误' | '提示'): ImportIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  const kept = issues.slice(0, MAX_LISTED_ISSUES - 1);
  const rest = issues.length - kept.length;
  const tail = noun === '错误' ? '，请先改正以上错误后重新上传' : '';
  return [...kept, { row: null, column: null, message: `另有${rest}处${noun}未列出${tail}。` }];
}

/** Excel-style column name of a 0-based column index: 0 → A, 26 → AA. */
function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

// ---------------------------------------------------------------------------------------------
// Format detection
// ---------------------------------------------------------------------------------------------

type Sniffed = { format: 'xlsx' } | { format: 'csv' } | { format: 'unsupported'; description: string | null };

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.byteLength >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

function sniffFormat(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { format: 'xlsx' };
  const known: Array<[readonly number[], string]> = [
    [[0x25, 0x50, 0x44, 0x46, 0x2d], '这是 PDF 文件'],
    [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], '这是旧版 Excel（.xls）、WPS 表格（.et）或设置了密码的 Office 文件'],
    [[0x50, 0x4b, 0x05, 0x06], '这是一个空的压缩包'],
    [[0x50, 0x4b], '这是压缩包，但不是有效的 Excel 工作簿'],
    [[0x1f, 0x8b], '这是压缩文件（gzip）'],
    [[0x52, 0x61, 0x72, 0x21], '这是压缩文件（RAR）'],
    [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '这是压缩文件（7z）'],
    [[0x89, 0x50, 0x4e, 0x47], '这是图片（PNG）'],
    [[0xff, 0xd8, 0xff], '这是图片（JPEG）'],
    [[0x47, 0x49, 0x46, 0x38], '这是图片（GIF）'],
    [[0x7b, 0x5c, 0x72, 0x74, 0x66], '这是 RTF 文档'],
    [[0xff, 0xfe], '这是 UTF-16 编码的文本（Excel 的“Unicode 文本”）'],
    [[0xfe, 0xff], '这是 UTF-16 编码的文本'],
  ];
  for (const [signature, description] of known) {
    if (startsWith(bytes, signature)) return { format: 'unsupported', description };
  }
  // Text has no NUL bytes and hardly any other control characters (a stray one pasted into a
  // cell is reported on its row by the row checks).
  let controls = 0;
  for (let index = 0; index < bytes.byteLength; index++) {
    const byte = bytes[index] ?? 0;
    if (byte === 0) return { format: 'unsupported', description: '文件内容不是文本，也不是 Excel 工作簿' };
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) controls++;
  }
  if (controls > Math.max(4, bytes.byteLength / 200)) {
    return { format: 'unsupported', description: '文件内容不是文本，也不是 Excel 工作簿' };
  }
  // Financial software often exports "xls" files that are really HTML or XML.
  let start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (start < bytes.byteLength && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) {
    start++;
  }
  if (bytes[start] === 0x3c) {
    return { format: 'unsupported', description: '这是网页（HTML）或 XML 文件，不是真正的 Excel 工作簿' };
  }
  return { format: 'csv' };
}

// ---------------------------------------------------------------------------------------------
// Tables: what the CSV and XLSX readers hand to the row checks
// ---------------------------------------------------------------------------------------------

/** A cell that could not be read as a value (formula error, merged cell...). */
type CellProblem = { problem: string };
type CellData = string | number | boolean | Date | null | CellProblem;
type TableRow = { row: number; cells: CellData[] };
type Table = {
  header: CellData[];
  body: TableRow[];
  notices: ImportIssue[];
  /** Workbooks saved with the 1904 date system (old Mac Excel) count serial days from 1904-01-01. */
  date1904?: boolean;
};
type TableResult = ({ ok: true } & Table) | { ok: false; errors: ImportIssue[] };

function isProblem(cell: CellData): cell is CellProblem {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Date);
}

function isBlank(cell: CellData | undefined): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function isoFromUtcDate(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** Cell content as text, for text columns. */
function cellText(cell: CellData | undefined): string {
  if (cell === undefined || cell === null) return '';
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : isoFromUtcDate(cell);
  return '';
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

function decodeText(bytes: Uint8Array, name: string): { ok: true; text: string } | { ok: false; message: string } {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      return {
        ok: false,
        message: `“${name}”标明是 UTF-8 编码，但其中有无法识别的字符（文件可能已损坏或混用了编码）。请重新另存为“CSV UTF-8（逗号分隔）”后上传。`,
      };
    }
  }
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    // Not UTF-8: what Chinese Excel and WPS write by default ("CSV（逗号分隔）") is GBK.
  }
  try {
    return { ok: true, text: new TextDecoder('gbk', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: unsupportedMessage(name, '文件既不是 UTF-8 也不是 GBK 编码的文本') };
  }
}

const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: false, bom: true } as const;

function readCsv(bytes: Uint8Array, name: string): TableResult {
  const decoded = decodeText(bytes, name);
  if (!decoded.ok) return fail(null, null, decoded.message);
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return fail(null, null, `文件“${name}”是空的，请填写后再上传。`);

  let records: string[][];
  try {
    records = parseCsv(text, CSV_OPTIONS);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return { ok: false, errors: [csvSyntaxIssue(error, text)] };
  }

  const [header = [], ...rest] = records;
  if (header.length > FUND_IMPORT_LIMITS.maxColumns) {
    return fail(1, null, `表头有${header.length}列，超过${FUND_IMPORT_LIMITS.maxColumns}列的上限。请只保留模板中的列：${FUND_COLUMNS.join('、')}。`);
  }
  if (header.length === 1 && /[\t;；|]/.test(header[0] ?? '')) {
    return fail(1, null, '第1行只有一列：文件似乎是用制表符或分号分隔的。请在 Excel 或 WPS 中另存为“CSV（逗号分隔）”后再上传。');
  }

  const body: TableRow[] = [];
  const errors: ImportIssue[] = [];
  rest.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((cell) => isBlank(cell))) return;
    if (cells.length !== header.length) {
      errors.push({
        row,
        column: null,
        message: `第${row}行有${cells.length}列，表头有${header.length}列。请检查这一行是否多了或少了逗号；内容本身含有逗号时，要用英文双引号把整格括起来。`,
      });
      return;
    }
    body.push({ row, cells });
  });
  if (body.length > FUND_IMPORT_LIMITS.maxRows) return tooManyRows(body.length);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, header, body, notices: [] };
}

function csvSyntaxIssue(error: CsvError, text: string): ImportIssue {
  const context = error as CsvError & { records?: unknown; column?: unknown };
  const row = typeof context.records === 'number' ? context.records + 1 : null;
  let column: string | null = null;
  if (row !== null && row > 1 && typeof context.column === 'number') {
    try {
      const [header] = parseCsv(text, { ...CSV_OPTIONS, to: 1 });
      const raw = header?.[context.column];
      if (raw !== undefined) column = HEADER_ALIASES.get(normalizeHeader(raw)) ?? (raw.trim() || null);
    } catch {
      // The header itself is malformed: no column name to give.
    }
  }
  const where = `第${row ?? '?'}行${column ? `“${column}”` : ''}`;
  let detail: string;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      detail = '有一个英文双引号（"）开头的格一直没有结束引号，文件到结尾都没有配对。请补上结束的引号，或删去多余的引号';
      break;
    case 'INVALID_OPENING_QUOTE':
      detail = '格的中间出现了英文双引号（"）。请把整格用双引号括起来，并把其中的每个双引号写成两个（""），或改用中文引号';
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
      detail = '结束的英文双引号（"）后面还有其他字符。请把格内的双引号写成两个（""），或改用中文引号';
      break;
    default:
      detail = `CSV 格式有误（${error.message}）`;
  }
  return { row, column, message: `${where}：${detail}。` };
}

/** `rows`: data rows found, or null when the reader stopped counting at the limit. */
function tooManyRows(rows: number | null): { ok: false; errors: ImportIssue[] } {
  const limit = FUND_IMPORT_LIMITS.maxRows.toLocaleString('en-US');
  const found =
    rows === null ? `工作簿中有工作表超过${limit}行数据（或行号超过${(MAX_SHEET_ROWS).toLocaleString('en-US')}）` : `文件有${rows.toLocaleString('en-US')}行数据`;
  return fail(
    null,
    null,
    `${found}，每次最多导入${limit}行（不含表头），不会只导入其中一部分。请分成几个文件导入；如果工作簿里还有其他很大的工作表，或表格下方有大量带格式的空行，请删除后再上传。`,
  );
}

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

/**
 * Decompression-bomb guard, run before exceljs. exceljs (through JSZip) inflates every part of the
 * workbook fully into memory and only then compares with the declared size, and it builds an
 * object for every cell, row, shared string, and every cell of merged or named ranges. So:
 * 1. walk the zip's central directory (refusing zip64, encryption and unknown compression);
 * 2. inflate every part ourselves with zlib's `maxOutputLength`, so a part that lies about its
 *    size cannot make us allocate more than the remaining budget of XLSX_MAX_INFLATED_BYTES;
 * 3. count cells, rows and shared strings and sum the area of merged and defined-name ranges.
 * Residual risks: the work is done twice (bounded by the 32 MB budget, ~tens of ms); other
 * workbook parts (styles, drawings, comments) are parsed by exceljs within that budget without
 * a finer count; and exceljs's XML parser (saxes) does not expand DTD entities, so there is no
 * entity-expansion bomb. Worksheet column definitions, data validations and conditional formats,
 * which exceljs would also expand by range, are not loaded at all (see XLSX_IGNORED_NODES).
 */
function inspectXlsxZip(bytes: Uint8Array, name: string): string | null {
  const corrupt = `“${name}”看起来是 Excel 工作簿，但文件已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开确认无误后重新保存，再上传。`;
  const tooLarge = `“${name}”解压后的内容过大（可能含有大量空白格式、其他工作表或图片）。请只保留要导入的工作表，删除多余内容后再上传。`;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = buffer.byteLength;

  let eocd = -1;
  for (let offset = size - 22; offset >= Math.max(0, size - 22 - 0xffff); offset--) {
    if (buffer.readUInt32LE(offset) === 0x06054b50) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) return corrupt;
  const entryCount = buffer.readUInt16LE(eocd + 10);
  const directorySize = buffer.readUInt32LE(eocd + 12);
  const directoryOffset = buffer.readUInt32LE(eocd + 16);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) return corrupt; // zip64: never needed under 5 MB
  if (entryCount > XLSX_MAX_PARTS) return tooLarge;
  if (directoryOffset + directorySize > eocd) return corrupt;

  const names = new Set<string>();
  let inflatedTotal = 0;
  let cells = 0;
  let rowElements = 0;
  let sharedStrings = 0;
  let rangeCells = 0;
  let pointer = directoryOffset;
  for (let entry = 0; entry < entryCount; entry++) {
    if (pointer + 46 > eocd || buffer.readUInt32LE(pointer) !== 0x02014b50) return corrupt;
    const flags = buffer.readUInt16LE(pointer + 8);
    const method = buffer.readUInt16LE(pointer + 10);
    let compressedSize = buffer.readUInt32LE(pointer + 20);
    let declaredSize = buffer.readUInt32LE(pointer + 24);
    const nameLength = buffer.readUInt16LE(pointer + 28);
    const extraLength = buffer.readUInt16LE(pointer + 30);
    const commentLength = buffer.readUInt16LE(pointer + 32);
    let localOffset = buffer.readUInt32LE(pointer + 42);
    if (pointer + 46 + nameLength + extraLength + commentLength > eocd) return corrupt;
    const partName = buffer.toString('utf8', pointer + 46, pointer + 46 + nameLength).replace(/^\//, '');
    // Zip64 extended information, which some writers add even to small files.
    let extra = pointer + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = buffer.readUInt16LE(extra);
      const length = buffer.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        const read64 = (): number | null => {
          if (field + 8 > extra + 4 + length) return null;
          const value = buffer.readBigUInt64LE(field);
          field += 8;
          return value > BigInt(size) * 1024n ? null : Number(value);
        };
        if (declaredSize === 0xffffffff) declaredSize = read64() ?? -1;
        if (compressedSize === 0xffffffff) compressedSize = read64() ?? -1;
        if (localOffset === 0xffffffff) localOffset = read64() ?? -1;
      }
      extra += 4 + length;
    }
    pointer += 46 + nameLength + extraLength + commentLength;
    if (declaredSize < 0 || compressedSize < 0 || localOffset < 0) return corrupt;
    if ((flags & 0x1) !== 0) {
      return unsupportedMessage(name, '工作簿设置了密码或已加密，请取消密码保护后另存');
    }
    if (partName.endsWith('/')) continue;
    names.add(partName);

    if (localOffset + 30 > size || buffer.readUInt32LE(localOffset) !== 0x04034b50) return corrupt;
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > size) return corrupt;
    const data = buffer.subarray(dataStart, dataStart + compressedSize);
    if (declaredSize > XLSX_MAX_INFLATED_BYTES - inflatedTotal) return tooLarge;

    let content: Buffer;
    if (method === 0) {
      content = data;
    } else if (method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, XLSX_MAX_INFLATED_BYTES - inflatedTotal) });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge;
        return corrupt;
      }
    } else {
      return corrupt;
    }
    if (content.byteLength !== declaredSize) return corrupt;
    inflatedTotal += content.byteLength;
    if (inflatedTotal > XLSX_MAX_INFLATED_BYTES) return tooLarge;

    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(partName)) {
      cells += countOccurrences(content, '<c ') + countOccurrences(content, '<c>') + countOccurrences(content, '<c/>');
      rowElements += countOccurrences(content, '<row ') + countOccurrences(content, '<row>');
      rangeCells += sumRangeAreas(content.toString('latin1'), /<mergeCell\b[^>]*?\bref="([^"]*)"/g);
    } else if (/^xl\/sharedStrings\.xml$/i.test(partName)) {
      sharedStrings += countOccurrences(content, '<si>') + countOccurrences(content, '<si ') + countOccurrences(content, '<si/>');
    } else if (/^xl\/workbook\.xml$/i.test(partName)) {
      rangeCells += sumRangeAreas(content.toString('utf8'), /<definedName\b[^>]*>([^<]*)<\/definedName>/g);
    }
    if (cells > XLSX_MAX_CELLS || rowElements > XLSX_MAX_ROW_ELEMENTS || sharedStrings > XLSX_MAX_SHARED_STRINGS) {
      return tooLarge;
    }
    if (rangeCells > XLSX_MAX_RANGE_CELLS) {
      return `“${name}”中合并单元格或“名称管理器”里定义的名称覆盖的范围过大。请取消大范围的合并单元格、删除不用的名称后再上传。`;
    }
  }

  if (!names.has('xl/workbook.xml')) {
    if (names.has('word/document.xml')) return unsupportedMessage(name, '这是 Word 文档');
    if (names.has('ppt/presentation.xml')) return unsupportedMessage(name, '这是 PowerPoint 演示文稿');
    if (names.has('mimetype') || names.has('content.xml')) {
      return unsupportedMessage(name, '这是 OpenDocument 表格（.ods）或其他格式的压缩文件');
    }
    return unsupportedMessage(name, '这是压缩包，但不是 Excel 工作簿');
  }
  return null;
}

function countOccurrences(haystack: Buffer, needle: string): number {
  let count = 0;
  let position = haystack.indexOf(needle);
  while (position !== -1) {
    count++;
    position = haystack.indexOf(needle, position + needle.length);
  }
  return count;
}

/** Sums the number of cells covered by the A1:B2 style ranges found by `pattern` (group 1). */
function sumRangeAreas(xml: string, pattern: RegExp): number {
  let total = 0;
  for (const match of xml.matchAll(pattern)) {
    for (const range of (match[1] ?? '').matchAll(/\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})/gi)) {
      const left = columnNumber(range[1] ?? 'A');
      const right = columnNumber(range[3] ?? 'A');
      const top = Number(range[2]);
      const bottom = Number(range[4]);
      total += (Math.abs(right - left) + 1) * (Math.abs(bottom - top) + 1);
    }
  }
  return total;
}

function columnNumber(letters: string): number {
  let value = 0;
  for (const char of letters.toUpperCase()) value = value * 26 + (char.charCodeAt(0) - 64);
  return value;
}

/** Worksheet parts exceljs would otherwise expand range by range and which the import never needs. */
const XLSX_IGNORED_NODES = ['cols', 'dataValidations', 'conditionalFormatting', 'extLst'];

async function readXlsx(bytes: Uint8Array, name: string): Promise<TableResult> {
  const zipProblem = inspectXlsxZip(bytes, name);
  if (zipProblem) return fail(null, null, zipProblem);

  const workbook = new ExcelJS.Workbook();
  // maxRows/maxCols are honoured by exceljs's worksheet parser (they abort the load as soon as a
  // worksheet has more <row> elements or a row more <c> elements) but are missing from its types.
  const options: Partial<ExcelJS.XlsxReadOptions> & { maxRows: number; maxCols: number } = {
    ignoreNodes: XLSX_IGNORED_NODES,
    maxRows: MAX_SHEET_ROWS,
    maxCols: FUND_IMPORT_LIMITS.maxColumns,
  };
  try {
    // exceljs declares its own `Buffer` (an ArrayBuffer); at run time it takes a Node Buffer.
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Parameters<ExcelJS.Xlsx['load']>[0];
    await workbook.xlsx.load(data, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Max row count/i.test(message)) return tooManyRows(null);
    if (/Max column count/i.test(message)) return tooManyColumns(name);
    return fail(null, null, `“${name}”看起来是 Excel 工作簿，但内容已损坏或不是标准的 .xlsx，无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx，再上传。`);
  }

  const [sheet, ...others] = workbook.worksheets;
  if (!sheet) return fail(null, null, `“${name}”中没有工作表。`);
  if (sheet.state !== 'visible') {
    return fail(null, null, `第一个工作表“${sheet.name}”是隐藏的。请取消隐藏，或把要导入的明细放到第一个工作表后再上传。`);
  }
  if (sheet.rowCount > MAX_SHEET_ROWS) return tooManyRows(null);
  if (sheet.columnCount > FUND_IMPORT_LIMITS.maxColumns) return tooManyColumns(name);

  const width = sheet.columnCount;
  const header: CellData[] = [];
  const headerRow = sheet.getRow(1);
  for (let column = 1; column <= width; column++) {
    const cell = headerRow.findCell(column);
    // A merged header cell (typically a title spanning the sheet) counts once, at its master.
    header.push(cell && cell.isMerged && cell.master !== cell ? null : readCell(cell));
  }

  const body: TableRow[] = [];
  const hiddenRows: number[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells: CellData[] = [];
    for (let column = 1; column <= width; column++) cells.push(readCell(row.findCell(column)));
    if (cells.every((cell) => isBlank(cell))) return;
    if (row.hidden) hiddenRows.push(rowNumber);
    body.push({ row: rowNumber, cells });
  });
  if (body.length > FUND_IMPORT_LIMITS.maxRows) return tooManyRows(body.length);

  const notices: ImportIssue[] = [];
  if (hiddenRows.length > 0) {
    const listed = hiddenRows.slice(0, 20).join('、');
    notices.push({
      row: hiddenRows[0] ?? null,
      column: null,
      message: `第${listed}${hiddenRows.length > 20 ? `等${hiddenRows.length}` : ''}行在表格中是隐藏的（或被筛选隐藏），也一并导入了，请核对。`,
    });
  }
  const otherSheets = others.filter((other) => other.actualRowCount > 0).map((other) => `“${other.name}”`);
  if (otherSheets.length > 0) {
    notices.push({
      row: null,
      column: null,
      message: `只导入了第一个工作表“${sheet.name}”；工作表${otherSheets.join('、')}中的内容没有导入。`,
    });
  }
  return { ok: true, header, body, notices, date1904: workbook.properties.date1904 === true };
}

function tooManyColumns(name: string): { ok: false; errors: ImportIssue[] } {
  return fail(
    null,
    null,
    `“${name}”的工作表超过${FUND_IMPORT_LIMITS.maxColumns}列。请只保留模板中的列（${FUND_COLUMNS.join('、')}），删除右侧多余的列后再上传。`,
  );
}

function readCell(cell: Cell | undefined): CellData {
  if (!cell) return null;
  if (cell.isMerged && cell.master !== cell) {
    const master = fromCellValue(cell.master.value);
    return isBlank(master) ? null : { problem: `是合并单元格（与${cell.master.address}合并）。请取消合并，并在每一行分别填写` };
  }
  return fromCellValue(cell.value);
}

function fromCellValue(value: CellValue): CellData {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { problem: '日期无法识别' } : value;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result: unknown = value.result;
    if (result === undefined || result === null) {
      return { problem: '是公式，但文件中没有保存计算结果。请在 Excel 或 WPS 中打开、重新计算并保存后再上传' };
    }
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in result) {
      return { problem: `公式的结果是错误值 ${String(result.error)}，请改正公式` };
    }
    return fromCellValue(result as CellValue);
  }
  if ('error' in value) return { problem: `单元格是错误值 ${value.error}，请改正` };
  if ('hyperlink' in value) return fromCellValue(value.text as CellValue);
  return { problem: '单元格的内容无法识别，请直接填写文字或数字' };
}

// ---------------------------------------------------------------------------------------------
// Header and rows
// ---------------------------------------------------------------------------------------------

/** "金额 ( 元 )", "金额（元）", "金额(元)" → one key: NFKC folds full-width brackets, spaces go. */
function normalizeHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b]+/g, '');
}

function interpretTable(table: Table): ImportResult {
  const headerResult = mapHeader(table);
  if (!headerResult.ok) return { ok: false, errors: capIssues(headerResult.errors, '错误') };
  const { columns } = headerResult;
  if (table.body.length === 0) {
    return fail(null, null, '文件只有表头，没有数据行。请从第2行起每行填写一笔收支后再上传。');
  }

  const errors: ImportIssue[] = [];
  const notices: ImportIssue[] = [...table.notices];
  const rows: Array<FundEntryInput & { sourceRow: number }> = [];
  for (const { row, cells } of table.body) {
    const result = interpretRow(row, table.date1904 === true, (column) => {
      const index = columns.get(column);
      return index === undefined ? null : (cells[index] ?? null);
    });
    errors.push(...result.errors);
    notices.push(...result.notices);
    if (result.entry) rows.push({ ...result.entry, sourceRow: row });
  }
  errors.push(...findDuplicates(rows));

  if (errors.length > 0) {
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, errors: capIssues(errors, '错误') };
  }
  // File-level notices first, then by row (stable, so a row's notices keep their column order).
  notices.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: true, rows, notices: capIssues(notices, '提示') };
}

function mapHeader(table: Table): { ok: true; columns: Map<FundColumn, number> } | { ok: false; errors: ImportIssue[] } {
  const columns = new Map<FundColumn, number>();
  const written = new Map<FundColumn, string>();
  const errors: ImportIssue[] = [];
  const unknown: Array<{ index: number; text: string }> = [];
  const blank: number[] = [];
  table.header.forEach((cell, index) => {
    const text = cellText(isProblem(cell) ? null : cell);
    if (text === '') {
      blank.push(index);
      return;
    }
    const column = HEADER_ALIASES.get(normalizeHeader(text));
    if (!column) {
      unknown.push({ index, text });
    } else if (columns.has(column)) {
      const first = columns.get(column) ?? 0;
      errors.push({
        row: 1,
        column,
        message: `第1行表头“${text}”（${columnLetter(index)}列）与“${written.get(column) ?? column}”（${columnLetter(first)}列）重复，都表示“${column}”。请删除其中一列。`,
      });
    } else {
      columns.set(column, index);
      written.set(column, text);
    }
  });

  if (columns.size === 0) {
    return fail(
      1,
      null,
      `第1行应为表头，依次是：${FUND_COLUMNS.join('、')}。如果表头上方有标题或说明行，请删除；也可以直接使用下载的模板。`,
    );
  }
  for (const { index, text } of unknown) {
    errors.push({
      row: 1,
      column: text,
      message: `第1行表头“${text}”（${columnLetter(index)}列）不是模板中的列，系统不会忽略它。请删除这一列，或改成模板的列名：${FUND_COLUMNS.join('、')}（备注性的内容请写进“摘要”）。`,
    });
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) errors.push({ row: 1, column, message: `第1行表头缺少“${column}”列，请按模板补上这一列。` });
  }
  for (const index of blank) {
    const first = table.body.find(({ cells }) => !isBlank(cells[index]));
    if (first) {
      errors.push({
        row: first.row,
        column: null,
        message: `${columnLetter(index)}列没有表头，但第${first.row}行等处有内容。请删除这一列的内容，或补上模板中的列名。`,
      });
    }
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, columns };
}

type Parsed<T> = { ok: true; value: T; notice?: string } | { ok: false; message: string };

// Tab and line breaks (Alt+Enter in Excel) are allowed in a cell; other control characters are not.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function interpretRow(
  row: number,
  date1904: boolean,
  get: (column: FundColumn) => CellData,
): { entry: FundEntryInput | null; errors: ImportIssue[]; notices: ImportIssue[] } {
  const errors: ImportIssue[] = [];
  const notices: ImportIssue[] = [];
  const failed = new Set<string>();

  function take<T>(column: FundColumn, parse: (cell: CellData) => Parsed<T>): T | undefined {
    const cell = get(column);
    const parsed: Parsed<T> = isProblem(cell)
      ? { ok: false, message: cell.problem }
      : typeof cell === 'string' && CONTROL_CHARACTERS.test(cell)
        ? { ok: false, message: '含有看不见的控制字符（可能是从其他软件复制来的），请删除这一格的内容后重新输入' }
        : parse(cell);
    if (!parsed.ok) {
      failed.add(column);
      errors.push(cellIssue(row, column, parsed.message));
      return undefined;
    }
    if (parsed.notice) notices.push(cellIssue(row, column, parsed.notice));
    return parsed.value;
  }
  const text = (column: FundColumn) => take(column, parseText);

  const entryDate = take('日期', (cell) => parseDate(cell, date1904));
  const direction = take('收支', parseDirection);
  const amountFen = take('金额（元）', parseAmount);
  const subject = take('会计科目', parseSubject);
  const summary = text('摘要');
  const counterparty = text('对方单位或个人');
  const voucherNo = text('凭证号');
  const method = take('结算方式', parseMethod);
  const decisionRef = text('决议文号');

  if (direction && subject) {
    const allowed: readonly string[] = direction === 'income' ? INCOME_SUBJECTS : EXPENSE_SUBJECTS;
    if (!allowed.includes(subject)) {
      failed.add('会计科目');
      errors.push(
        cellIssue(
          row,
          '会计科目',
          `“${subject}”不能用于${DIRECTION_LABELS[direction]}。${DIRECTION_LABELS[direction]}的科目是：${allowed.join('、')}`,
        ),
      );
    }
  }

  const result = FundEntrySchema.safeParse({
    entryDate: entryDate ?? '',
    direction,
    amountFen,
    subject,
    summary: summary ?? '',
    counterparty: counterparty ?? '',
    voucherNo: voucherNo ?? '',
    method,
    decisionRef: decisionRef ?? '',
  });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0];
      const column = typeof field === 'string' ? FIELD_COLUMNS[field] : undefined;
      if (column && failed.has(column)) continue;
      if (column) failed.add(column);
      errors.push(column ? cellIssue(row, column, issue.message) : { row, column: null, message: `第${row}行：${issue.message}` });
    }
  }
  const order = (issue: ImportIssue) => FUND_COLUMNS.indexOf(issue.column as FundColumn);
  errors.sort((a, b) => order(a) - order(b));
  return { entry: errors.length === 0 && result.success ? result.data : null, errors, notices };
}

// -- text --

/**
 * Text cells are trimmed, but trimming must never create a formula: "\t=1+1" would become
 * "=1+1", which a spreadsheet evaluates. Such a cell is refused (not silently altered) with what
 * to do; text typed with the sign at the very start is kept as typed (CSV downloads neutralise it).
 */
function parseText(cell: CellData): Parsed<string> {
  const value = cellText(cell);
  if (typeof cell === 'string' && /^\s/.test(cell) && looksLikeFormula(value)) {
    return {
      ok: false,
      message: `开头有制表符、换行或空格，去掉后以“${value[0]}”开头，电子表格会把它当成公式。请删除开头的这些空白字符；如果“${value[0]}”确是内容的一部分，请在它前面加上文字说明后重新上传`,
    };
  }
  return { ok: true, value };
}

// -- dates --

const DATE_FORMAT_HINT = '请写成 2026-07-15 这样的格式';
const DAY_MS = 86_400_000;
/** Only serial numbers between these dates are taken for dates; anything else is a mistake. */
const SERIAL_FIRST_MS = Date.UTC(1990, 0, 1);
const SERIAL_LAST_MS = Date.UTC(2099, 11, 31);

function parseDate(cell: CellData, date1904: boolean): Parsed<string> {
  if (isBlank(cell)) return { ok: false, message: '请填写日期' };
  if (cell instanceof Date) return { ok: true, value: isoFromUtcDate(cell) };
  if (typeof cell === 'number') {
    // Serial day 1 is 1900-01-01 (counted from 1899-12-30 because of Excel's 1900 leap-year bug;
    // irrelevant after 1900-03-01) or, in the 1904 system, 1904-01-02.
    const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    const ms = epoch + cell * DAY_MS;
    if (Number.isInteger(cell) && ms >= SERIAL_FIRST_MS && ms <= SERIAL_LAST_MS) {
      const value = isoFromUtcDate(new Date(ms));
      return { ok: true, value, notice: `单元格里是数字 ${cell}，已按 Excel 的日期序号理解为 ${value}，请核对` };
    }
    return { ok: false, message: `“${cell}”不是有效日期，${DATE_FORMAT_HINT}` };
  }
  const raw = cellText(cell);
  const text = raw.normalize('NFKC').trim();
  const match =
    /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+0?0:00(?::00)?)?$/.exec(text) ?? /^(\d{4})()年(\d{1,2})月(\d{1,2})日$/.exec(text);
  if (!match) return { ok: false, message: `“${raw}”不是有效日期，${DATE_FORMAT_HINT}` };
  const year = Number(match[1]);
  const month = Number(match[3]);
  const day = Number(match[4]);
  const iso = `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (month < 1 || month > 12) return { ok: false, message: `“${raw}”不是有效日期：月份应在1到12之间` };
  if (Number.isNaN(date.getTime()) || isoFromUtcDate(date) !== iso) {
    return { ok: false, message: `“${raw}”不是有效日期：${year}年${month}月没有${day}日` };
  }
  return { ok: true, value: iso };
}

// -- amounts --

function parseAmount(cell: CellData): Parsed<number> {
  if (isBlank(cell)) return { ok: false, message: '请填写金额' };
  const maxYuan = formatFen(MAX_AMOUNT_FEN);
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return { ok: false, message: `“${cell}”不是有效金额` };
    if (cell < 0) return { ok: false, message: negativeAmount(String(cell)) };
    const fen = Math.round(cell * 100);
    if (Math.abs(cell * 100 - fen) > 1e-6) {
      return { ok: false, message: `单元格的值是 ${cell}，不是有效金额，最多两位小数（表格中显示的可能是四舍五入后的数，请用 ROUND 函数或直接填写金额）` };
    }
    if (fen === 0) return { ok: false, message: '金额应大于0' };
    if (fen > MAX_AMOUNT_FEN) return { ok: false, message: `“${cell}”超过单笔金额上限（${maxYuan}元）` };
    return { ok: true, value: fen };
  }
  if (typeof cell !== 'string') return { ok: false, message: `“${cellText(cell)}”不是有效金额，请只填写数字，如 1234.50` };

  const raw = cell.trim();
  const compact = raw.normalize('NFKC').replace(/[\s¥元]/g, '');
  if (/^[-−–—]/.test(compact) || /^\(.*\)$/.test(compact)) return { ok: false, message: negativeAmount(raw) };
  if (compact.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(compact)) {
    return { ok: false, message: `“${raw}”不是有效金额：千位分隔的逗号位置不对（应为每三位一个，如 12,345.60），请检查是否把小数点写成了逗号` };
  }
  const fen = parseYuanToFen(raw);
  if (fen !== null) return fen === 0 ? { ok: false, message: '金额应大于0' } : { ok: true, value: fen };
  const plain = compact.replace(/,/g, '');
  if (/^\d+\.\d{3,}$/.test(plain)) return { ok: false, message: `“${raw}”不是有效金额，最多两位小数` };
  if (/^\d+(\.\d{1,2})?$/.test(plain)) return { ok: false, message: `“${raw}”超过单笔金额上限（${maxYuan}元）` };
  return { ok: false, message: `“${raw}”不是有效金额，请只填写数字（单位：元），如 1234.50` };
}

function negativeAmount(raw: string): string {
  return `“${raw}”是负数。金额请填写正数，支出在“收支”列写“支出”`;
}

// -- coded columns --

function parseDirection(cell: CellData): Parsed<Direction> {
  const raw = cellText(cell);
  if (raw === '') return { ok: false, message: '请填写“收入”或“支出”' };
  const direction = DIRECTION_WORDS.get(raw.normalize('NFKC').replace(/\s+/g, ''));
  return direction ? { ok: true, value: direction } : { ok: false, message: `“${raw}”应为“收入”或“支出”` };
}

function parseMethod(cell: CellData): Parsed<PaymentMethod> {
  const raw = cellText(cell);
  if (raw === '') return { ok: false, message: '请填写结算方式（“转账”或“现金”）' };
  const method = METHOD_WORDS.get(raw.normalize('NFKC').replace(/\s+/g, ''));
  return method ? { ok: true, value: method } : { ok: false, message: `“${raw}”应为“转账”或“现金”` };
}

function parseSubject(cell: CellData): Parsed<Subject> {
  const raw = cellText(cell);
  if (raw === '') return { ok: false, message: '请填写会计科目' };
  const key = raw.normalize('NFKC').replace(/\s+/g, '');
  if ((SUBJECTS as readonly string[]).includes(key)) return { ok: true, value: key as Subject };
  const mapped = Object.hasOwn(LEGACY_SUBJECTS, key) ? LEGACY_SUBJECTS[key] : undefined;
  if (mapped) {
    return {
      ok: true,
      value: mapped,
      notice: `“${raw}”是2004年旧会计制度的科目，已按《农村集体经济组织会计制度》（2023年）改为“${mapped}”，请核对`,
    };
  }
  return { ok: false, message: `“${raw}”不是会计科目。收入科目：${INCOME_SUBJECTS.join('、')}；支出科目：${EXPENSE_SUBJECTS.join('、')}` };
}

// -- duplicates --

function findDuplicates(rows: Array<FundEntryInput & { sourceRow: number }>): ImportIssue[] {
  const errors: ImportIssue[] = [];
  const byContent = new Map<string, number>();
  const byVoucher = new Map<string, number>();
  for (const entry of rows) {
    const voucher = (entry.voucherNo ?? '').normalize('NFKC').replace(/\s+/g, '');
    const key = JSON.stringify([entry.entryDate, entry.direction, entry.amountFen, entry.counterparty, voucher]);
    const same = byContent.get(key);
    if (same !== undefined) {
      errors.push({
        row: entry.sourceRow,
        column: null,
        message: `第${entry.sourceRow}行与第${same}行重复：日期、收支、金额、对方单位或个人、凭证号都相同。如果是重复录入，请删除一行；如果确实是两笔，请分别填写各自的凭证号。`,
      });
      continue;
    }
    byContent.set(key, entry.sourceRow);
    if (voucher === '') continue;
    const reused = byVoucher.get(voucher);
    if (reused !== undefined) {
      errors.push(
        cellIssue(entry.sourceRow, '凭证号', `“${entry.voucherNo ?? ''}”与第${reused}行的凭证号相同，同一凭证号只能用于一笔收支，请核对后改正`),
      );
    } else {
      byVoucher.set(voucher, entry.sourceRow);
    }
  }
  return errors;
}
