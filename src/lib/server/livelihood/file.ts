/**
 * A payment batch file (CSV or XLSX) read into recipient rows for importBatch, through the village
 * ledger import's readers: the format decided by the bytes (sniff.ts), CSV in UTF-8 or GBK
 * (csv.ts), XLSX behind the zip guard (xlsx.ts), the same size and row limits.
 *
 * Columns: 姓名, 身份证号码, 金额（元）, 发放日期, 银行账号 (optional), each with the spellings the
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
import { cellText, FUND_IMPORT_LIMITS, isBlank, isoFromUtcDate, isProblem, type CellData, type TableResult } from '../accounts/import/table.ts';
import { readXlsx } from '../accounts/import/xlsx.ts';
import type { PaymentRowInput } from './payment-row.ts';

export const PAYMENT_COLUMNS = ['姓名', '身份证号码', '金额（元）', '发放日期', '银行账号'] as const;
export type PaymentColumn = (typeof PAYMENT_COLUMNS)[number];

/** The field of PaymentRowInput each column fills. */
export const COLUMN_FIELDS: Record<PaymentColumn, keyof PaymentRowInput> = {
  姓名: 'name',
  身份证号码: 'idNumber',
  '金额（元）': 'amount',
  发放日期: 'paidOn',
  银行账号: 'bankAccount',
};

export const PAYMENT_HEADER_SYNONYMS: Readonly<Record<PaymentColumn, readonly string[]>> = {
  姓名: ['户主姓名', '领取人姓名', '领取人', '收款人姓名', '收款人', '享受人姓名', '补贴对象姓名', '户主'],
  身份证号码: ['身份证号', '公民身份号码', '身份证', '证件号码', '身份证件号码', '户主身份证号码', '领取人身份证号码'],
  '金额（元）': ['金额', '金额(元)', '发放金额', '发放金额（元）', '补贴金额', '补贴金额（元）', '补助金额', '补助金额（元）'],
  发放日期: ['日期', '发放时间', '拨付日期', '支付日期'],
  银行账号: ['银行卡号', '账号', '收款账号', '一卡通账号', '社保卡号', '银行账户'],
};

const IGNORED = new Set(['序号', '编号']);

function normaliseHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b]+/g, '').replace(/^\*+|\*+$/g, '');
}
const ALIASES = new Map<string, PaymentColumn>(PAYMENT_COLUMNS.flatMap((column) => [column, ...PAYMENT_HEADER_SYNONYMS[column]].map((text) => [normaliseHeader(text), column] as const)));

export function paymentColumnFor(text: string): PaymentColumn | undefined {
  return ALIASES.get(normaliseHeader(text));
}

export interface FileProblem {
  row: number | null;
  message: string;
}

export type PaymentFileResult = { ok: true; rows: PaymentRowInput[]; lines: number[] } | { ok: false; problems: FileProblem[] };

const MAX_PROBLEMS = 100;

/** The file read into rows (with each row's number as the spreadsheet shows it), or what is wrong with the file. */
export async function readPaymentFile(bytes: Uint8Array): Promise<PaymentFileResult> {
  const refuse = (message: string, row: number | null = null): PaymentFileResult => ({ ok: false, problems: [{ row, message }] });
  if (bytes.byteLength === 0) return refuse('上传的文件是空的，请填写后再上传。');
  if (bytes.byteLength > FUND_IMPORT_LIMITS.maxBytes) return refuse(`文件有 ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB，超过 5 MB 的上限，请分批导入。`);
  const kind = sniffFormat(bytes);
  // The readers name the file in some messages; the name a department gives it may hold a person's name, so it is not passed.
  let table: TableResult;
  if (kind.format === 'xlsx') table = await readXlsx(bytes, '上传的文件');
  else if (kind.format === 'csv') table = readCsv(bytes, '上传的文件');
  else return refuse('只支持 CSV 文件（UTF-8 或 GBK 编码）和 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中另存为其中一种格式，或直接使用下载的模板。');
  if (!table.ok) return { ok: false, problems: table.errors.slice(0, MAX_PROBLEMS).map((issue) => ({ row: issue.row, message: issue.message })) };

  const at = table.headerRow;
  const columns = new Map<PaymentColumn, number>();
  const problems: FileProblem[] = [];
  table.header.forEach((cell, index) => {
    const text = cellText(isProblem(cell) ? null : cell);
    if (text === '' || IGNORED.has(normaliseHeader(text))) return;
    const column = paymentColumnFor(text);
    if (!column) problems.push({ row: at, message: `第${at}行${columnLetter(index)}列的表头不是模板中的列。第${at}行应为表头：${PAYMENT_COLUMNS.join('、')}（银行账号可不填）；请删除这一列或改成模板的列名。` });
    else if (columns.has(column)) problems.push({ row: at, message: `第${at}行${columnLetter(index)}列与${columnLetter(columns.get(column)!)}列都表示“${column}”，请删除其中一列。` });
    else columns.set(column, index);
  });
  for (const column of PAYMENT_COLUMNS) {
    if (column !== '银行账号' && !columns.has(column)) problems.push({ row: at, message: `第${at}行表头缺少“${column}”列，请按模板补上这一列。` });
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };

  const rows: PaymentRowInput[] = [];
  const lines: number[] = [];
  for (const { row, cells } of table.body) {
    if (cells.every((cell) => isBlank(cell))) continue;
    const read = (column: PaymentColumn): string => {
      const index = columns.get(column);
      const cell: CellData | undefined = index === undefined ? undefined : cells[index];
      if (cell !== undefined && cell !== null && isProblem(cell)) {
        problems.push({ row, message: `第${row}行“${column}”无法读取（${cell.problem}），请改成普通的文字或数字。` });
        return '';
      }
      if (typeof cell === 'number' && (column === '身份证号码' || column === '银行账号') && cell >= 1e15) {
        problems.push({ row, message: `第${row}行“${column}”被 Excel 存成了数字，后几位已经丢失。请把这一列设为“文本”格式后重新填写，或使用下载的模板。` });
        return '';
      }
      if (typeof cell === 'number' && column === '发放日期' && Number.isInteger(cell) && cell > 20_000 && cell < 80_000) {
        // An Excel date serial (a date cell formatted as a number or as text): days since 1899-12-30, or 1904-01-01.
        return isoFromUtcDate(new Date(Date.UTC(table.date1904 ? 1904 : 1899, table.date1904 ? 0 : 11, table.date1904 ? 1 + cell : 30 + cell)));
      }
      return cellText(cell);
    };
    rows.push({ name: read('姓名'), idNumber: read('身份证号码'), amount: read('金额（元）'), paidOn: read('发放日期'), bankAccount: read('银行账号') });
    lines.push(row);
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  return { ok: true, rows, lines };
}

/** The template (CSV with BOM so Excel opens it as UTF-8): the header only; a sample row would be imported if left in. */
export function paymentTemplateCsv(): string {
  return `\uFEFF${PAYMENT_COLUMNS.join(',')}\r\n`;
}

/** The template as a workbook: the ID number and account columns formatted as text, so Excel keeps all 18 digits. */
export async function paymentTemplateXlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('发放名单');
  sheet.columns = PAYMENT_COLUMNS.map((header) => ({ header, width: header === '身份证号码' || header === '银行账号' ? 24 : 14 }));
  for (const index of [2, 5]) sheet.getColumn(index).numFmt = '@';
  sheet.getRow(1).font = { bold: true };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
