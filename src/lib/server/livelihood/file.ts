/**
 * A payment batch file (CSV or XLSX) read into recipient rows for importBatch, through the village
 * ledger import's readers: the format decided by the bytes (sniff.ts), CSV in UTF-8 or GBK
 * (csv.ts), XLSX behind the zip guard (xlsx.ts), the same size and row limits.
 *
 * Columns: 姓名, 身份证号码, 金额（元）, 发放日期, 银行账号 (optional), 审核村干部身份证号 (optional: the
 * village cadre who certified the application, for the close-relative check), each with the spellings the
 * departments' systems export (户主姓名, 公民身份号码, 发放金额 …); a 序号 column is allowed and
 * ignored. An unknown column is refused, never ignored.
 *
 * Messages name rows and columns only, never a cell's content: a file without a header row would
 * otherwise put a name or an ID number into the message as "the unknown column".
 */
import ExcelJS from 'exceljs';
import { columnLetter } from '../accounts/import/columns.ts';
import { readCsv } from '../accounts/import/csv.ts';
import { sniffFormat } from '../accounts/import/sniff.ts';
import { cellText, FUND_IMPORT_LIMITS, isBlank, isoFromUtcDate, isProblem, type CellData, type TableResult, type TableRow } from '../accounts/import/table.ts';
import { readXlsx } from '../accounts/import/xlsx.ts';
import type { PaymentRowInput } from './payment-row.ts';

export const PAYMENT_COLUMNS = ['姓名', '身份证号码', '金额（元）', '发放日期', '银行账号', '审核村干部身份证号'] as const;
export type PaymentColumn = (typeof PAYMENT_COLUMNS)[number];

/** The field of PaymentRowInput each column fills. */
export const COLUMN_FIELDS: Record<PaymentColumn, keyof PaymentRowInput> = {
  姓名: 'name',
  身份证号码: 'idNumber',
  '金额（元）': 'amount',
  发放日期: 'paidOn',
  银行账号: 'bankAccount',
  审核村干部身份证号: 'certifierIdNumber',
};

export const PAYMENT_HEADER_SYNONYMS: Readonly<Record<PaymentColumn, readonly string[]>> = {
  姓名: ['户主姓名', '领取人姓名', '领取人', '收款人姓名', '收款人', '享受人姓名', '补贴对象姓名', '户主'],
  身份证号码: ['身份证号', '公民身份号码', '身份证', '证件号码', '身份证件号码', '户主身份证号码', '领取人身份证号码'],
  '金额（元）': ['金额', '金额(元)', '发放金额', '发放金额（元）', '补贴金额', '补贴金额（元）', '补助金额', '补助金额（元）'],
  发放日期: ['日期', '发放时间', '拨付日期', '支付日期'],
  银行账号: ['银行卡号', '账号', '收款账号', '一卡通账号', '社保卡号', '银行账户'],
  审核村干部身份证号: ['审核村干部身份证号码', '审核人身份证号', '审核人身份证号码', '村级审核人身份证号', '经办村干部身份证号'],
};

/** The columns a file may leave out. */
const OPTIONAL_PAYMENT_COLUMNS: readonly PaymentColumn[] = ['银行账号', '审核村干部身份证号'];

const IGNORED = new Set(['序号', '编号']);

function normaliseHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b]+/g, '').replace(/^\*+|\*+$/g, '');
}

/**
 * What a file of named columns looks like (a payment batch, a registry): its columns in template
 * order, the spellings each is also known by, which may be left out, which hold identity or account
 * numbers Excel must not store as numbers, and which hold dates.
 */
export interface ColumnSpec<C extends string> {
  columns: readonly C[];
  synonyms: Readonly<Record<C, readonly string[]>>;
  optional: readonly C[];
  numberText: readonly C[];
  dates: readonly C[];
  /** Header texts beside 序号 whose column is read past, never kept (a registry's 姓名). */
  ignored?: readonly string[];
}

export function columnLookup<C extends string>(spec: ColumnSpec<C>): (text: string) => C | undefined {
  const aliases = new Map<string, C>(spec.columns.flatMap((column) => [column, ...spec.synonyms[column]].map((text) => [normaliseHeader(text), column] as const)));
  return (text) => aliases.get(normaliseHeader(text));
}

const PAYMENT_SPEC: ColumnSpec<PaymentColumn> = { columns: PAYMENT_COLUMNS, synonyms: PAYMENT_HEADER_SYNONYMS, optional: OPTIONAL_PAYMENT_COLUMNS, numberText: ['身份证号码', '银行账号', '审核村干部身份证号'], dates: ['发放日期'] };

export const paymentColumnFor = columnLookup(PAYMENT_SPEC);

export interface FileProblem {
  row: number | null;
  message: string;
}

export type ColumnFileResult<C extends string> = { ok: true; rows: Array<Record<C, string>>; lines: number[] } | { ok: false; problems: FileProblem[] };
export type PaymentFileResult = { ok: true; rows: PaymentRowInput[]; lines: number[] } | { ok: false; problems: FileProblem[] };

const MAX_PROBLEMS = 100;

/** How many rows above the header may be a title or notes (the ledger import allows as many). */
const MAX_TITLE_ROWS = 5;
/** 15 or more digits in a row: an ID number or a bank account, which no title or note holds. */
const LONG_NUMBER = /\d{15,}/;

/**
 * The file's own header. The ledger readers look for the village ledger's header and, not finding
 * one, take the first non-blank row; a county's or department's export often has a title row
 * above the header (“桑河县2026年11月死亡人员登记信息”, “填报单位：县公安局”). So the first of the
 * first few rows that names every required column of the spec is the header, and the rows above
 * it are skipped — provided none of them looks like a recipient's or registrant's row (a long
 * number: an ID number or an account), which would otherwise vanish from an all-or-nothing import
 * without a word. Without such a row the first row stays the header and its problems are a
 * header's. (A CSV whose title row has fewer commas than the rows below is refused earlier by the
 * CSV reader for its column counts; Excel and WPS pad every row of a saved CSV to the same width.)
 */
function locateOwnHeader<C extends string>(
  table: Extract<TableResult, { ok: true }>,
  spec: ColumnSpec<C>,
  columnFor: (text: string) => C | undefined,
): { at: number; header: CellData[]; body: TableRow[] } | { problem: FileProblem } {
  const rows: TableRow[] = [{ row: table.headerRow, cells: table.header }, ...table.body];
  const required = spec.columns.filter((column) => !spec.optional.includes(column));
  const texts = (cells: CellData[]) => cells.map((cell) => cellText(isProblem(cell) ? null : cell));
  const namesEveryColumn = (cells: CellData[]) => {
    const named = new Set(texts(cells).map((text) => columnFor(text)));
    return required.every((column) => named.has(column));
  };
  const index = rows.slice(0, MAX_TITLE_ROWS + 1).findIndex(({ cells }) => namesEveryColumn(cells));
  if (index <= 0) return { at: table.headerRow, header: table.header, body: table.body };
  const header = rows[index]!;
  const dataLike = rows.slice(0, index).find(({ cells }) => texts(cells).some((text) => LONG_NUMBER.test(text.replace(/\s/g, ''))) || cells.some((cell) => typeof cell === 'number' && cell >= 1e14));
  if (dataLike) {
    return { problem: { row: dataLike.row, message: `第${dataLike.row}行在表头（第${header.row}行）上方，却像是一行数据（有身份证号码或账号那样的长数字）。表头上方只能是标题或说明：请把这一行移到表头下方，或删除后再上传。` } };
  }
  return { at: header.row, header: header.cells, body: rows.slice(index + 1) };
}

/**
 * A file of named columns read into rows of text by column (with each row's number as the
 * spreadsheet shows it), or what is wrong with the file: its format, an unknown, doubled or
 * missing column, a cell that cannot be read, a number column Excel turned into a number. A title
 * or note row above the header is skipped (locateOwnHeader).
 */
export async function readColumnFile<C extends string>(bytes: Uint8Array, spec: ColumnSpec<C>): Promise<ColumnFileResult<C>> {
  const refuse = (message: string, row: number | null = null): ColumnFileResult<C> => ({ ok: false, problems: [{ row, message }] });
  if (bytes.byteLength === 0) return refuse('上传的文件是空的，请填写后再上传。');
  if (bytes.byteLength > FUND_IMPORT_LIMITS.maxBytes) return refuse(`文件有 ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB，超过 5 MB 的上限，请分批导入。`);
  const kind = sniffFormat(bytes);
  // The readers name the file in some messages; the name a department gives it may hold a person's name, so it is not passed.
  let table: TableResult;
  if (kind.format === 'xlsx') table = await readXlsx(bytes, '上传的文件');
  else if (kind.format === 'csv') table = readCsv(bytes, '上传的文件');
  else return refuse('只支持 CSV 文件（UTF-8 或 GBK 编码）和 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中另存为其中一种格式，或直接使用下载的模板。');
  if (!table.ok) return { ok: false, problems: table.errors.slice(0, MAX_PROBLEMS).map((issue) => ({ row: issue.row, message: issue.message })) };

  const columnFor = columnLookup(spec);
  const located = locateOwnHeader(table, spec, columnFor);
  if ('problem' in located) return refuse(located.problem.message, located.problem.row);
  const { at, header, body } = located;
  const columns = new Map<C, number>();
  const problems: FileProblem[] = [];
  const optionalNote = spec.optional.length > 0 ? `（${spec.optional.join('、')}可不填）` : '';
  header.forEach((cell, index) => {
    const text = cellText(isProblem(cell) ? null : cell);
    if (text === '' || IGNORED.has(normaliseHeader(text)) || spec.ignored?.includes(normaliseHeader(text))) return;
    const column = columnFor(text);
    if (!column) problems.push({ row: at, message: `第${at}行${columnLetter(index)}列的表头不是模板中的列。第${at}行应为表头：${spec.columns.join('、')}${optionalNote}；请删除这一列或改成模板的列名。` });
    else if (columns.has(column)) problems.push({ row: at, message: `第${at}行${columnLetter(index)}列与${columnLetter(columns.get(column)!)}列都表示“${column}”，请删除其中一列。` });
    else columns.set(column, index);
  });
  for (const column of spec.columns) {
    if (!spec.optional.includes(column) && !columns.has(column)) problems.push({ row: at, message: `第${at}行表头缺少“${column}”列，请按模板补上这一列。` });
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };

  const rows: Array<Record<C, string>> = [];
  const lines: number[] = [];
  for (const { row, cells } of body) {
    if (cells.every((cell) => isBlank(cell))) continue;
    const read = (column: C): string => {
      const index = columns.get(column);
      const cell: CellData | undefined = index === undefined ? undefined : cells[index];
      if (cell !== undefined && cell !== null && isProblem(cell)) {
        problems.push({ row, message: `第${row}行“${column}”无法读取（${cell.problem}），请改成普通的文字或数字。` });
        return '';
      }
      if (typeof cell === 'number' && spec.numberText.includes(column) && cell >= 1e15) {
        problems.push({ row, message: `第${row}行“${column}”被 Excel 存成了数字，后几位已经丢失。请把这一列设为“文本”格式后重新填写，或使用下载的模板。` });
        return '';
      }
      if (typeof cell === 'number' && spec.dates.includes(column) && Number.isInteger(cell) && cell > 20_000 && cell < 80_000) {
        // An Excel date serial (a date cell formatted as a number or as text): days since 1899-12-30, or 1904-01-01.
        return isoFromUtcDate(new Date(Date.UTC(table.date1904 ? 1904 : 1899, table.date1904 ? 0 : 11, table.date1904 ? 1 + cell : 30 + cell)));
      }
      return cellText(cell);
    };
    rows.push(Object.fromEntries(spec.columns.map((column) => [column, read(column)])) as Record<C, string>);
    lines.push(row);
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  return { ok: true, rows, lines };
}

/** The file read into recipient rows (with each row's number as the spreadsheet shows it), or what is wrong with the file. */
export async function readPaymentFile(bytes: Uint8Array): Promise<PaymentFileResult> {
  const read = await readColumnFile(bytes, PAYMENT_SPEC);
  if (!read.ok) return read;
  return { ok: true, lines: read.lines, rows: read.rows.map((row) => Object.fromEntries(PAYMENT_COLUMNS.map((column) => [COLUMN_FIELDS[column], row[column]])) as unknown as PaymentRowInput) };
}

/** A template of these columns as CSV (with BOM so Excel opens it as UTF-8): the header only; a sample row would be imported if left in. */
export function templateCsv(columns: readonly string[]): string {
  return `\uFEFF${columns.join(',')}\r\n`;
}

/** A template as a workbook: the number columns (ID numbers, accounts) formatted as text, so Excel keeps all 18 digits. */
export async function templateXlsx<C extends string>(spec: ColumnSpec<C>, sheetName: string): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = spec.columns.map((header) => ({ header, width: spec.numberText.includes(header) ? 24 : 14 }));
  spec.columns.forEach((header, index) => {
    if (spec.numberText.includes(header)) sheet.getColumn(index + 1).numFmt = '@';
  });
  sheet.getRow(1).font = { bold: true };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** The recipient list template as CSV. */
export function paymentTemplateCsv(): string {
  return templateCsv(PAYMENT_COLUMNS);
}

/** The recipient list template as a workbook. */
export function paymentTemplateXlsx(): Promise<Uint8Array> {
  return templateXlsx(PAYMENT_SPEC, '发放名单');
}
