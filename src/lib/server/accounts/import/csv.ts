/** Reading a CSV file into a table: decoding, syntax errors with their row and column, limits. */
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { FUND_COLUMNS, columnForHeader, locateHeader } from './columns.ts';
import { fail } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { decodeText } from './sniff.ts';
import { FUND_IMPORT_LIMITS, isBlank, tooManyRows } from './table.ts';
import type { TableResult, TableRow } from './table.ts';

const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: false, bom: true } as const;

export function readCsv(bytes: Uint8Array, name: string): TableResult {
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

  const first = records[0] ?? [];
  if (first.length === 1 && /[\t;；|]/.test(first[0] ?? '')) {
    return fail(1, null, '第1行只有一列：文件似乎是用制表符或分号分隔的。请在 Excel 或 WPS 中另存为“CSV（逗号分隔）”后再上传。');
  }
  const rows: TableRow[] = [];
  records.forEach((cells, index) => {
    if (!cells.every((cell) => isBlank(cell))) rows.push({ row: index + 1, cells });
  });
  const { header, headerRow, body: candidates, notices } = locateHeader(rows);
  if (header.length > FUND_IMPORT_LIMITS.maxColumns) {
    return fail(headerRow, null, `表头有${header.length}列，超过${FUND_IMPORT_LIMITS.maxColumns}列的上限。请只保留模板中的列：${FUND_COLUMNS.join('、')}。`);
  }

  const body: TableRow[] = [];
  const errors: ImportIssue[] = [];
  for (const { row, cells } of candidates) {
    if (cells.length !== header.length) {
      errors.push({
        row,
        column: null,
        message: `第${row}行有${cells.length}列，表头有${header.length}列。请检查这一行是否多了或少了逗号；内容本身含有逗号时，要用英文双引号把整格括起来。`,
      });
      continue;
    }
    body.push({ row, cells });
  }
  if (body.length > FUND_IMPORT_LIMITS.maxRows) return tooManyRows(body.length);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, header, headerRow, body, notices };
}

function csvSyntaxIssue(error: CsvError, text: string): ImportIssue {
  const context = error as CsvError & { records?: unknown; column?: unknown };
  const row = typeof context.records === 'number' ? context.records + 1 : null;
  let column: string | null = null;
  if (row !== null && row > 1 && typeof context.column === 'number') {
    try {
      const [header] = parseCsv(text, { ...CSV_OPTIONS, to: 1 });
      const raw = header?.[context.column];
      if (raw !== undefined) column = columnForHeader(raw) ?? (raw.trim() || null);
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
