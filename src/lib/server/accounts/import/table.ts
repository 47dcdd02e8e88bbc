/**
 * The table the CSV and XLSX readers hand to the header and row checks, and the limits both
 * readers enforce before anything expensive.
 */
import { fail } from './issues.ts';
import type { ImportIssue } from './issues.ts';

/** Limits, exported so the upload form can state them. */
export const FUND_IMPORT_LIMITS = {
  /** Largest accepted file. */
  maxBytes: 5 * 1024 * 1024,
  /** Most data rows (header not counted) in one file. */
  maxRows: 10_000,
  /** Most columns a worksheet may use. */
  maxColumns: 30,
} as const;

/** Data rows plus the header. */
export const MAX_SHEET_ROWS = FUND_IMPORT_LIMITS.maxRows + 1;

/** A cell that could not be read as a value (formula error, merged cell...). */
type CellProblem = { problem: string };
export type CellData = string | number | boolean | Date | null | CellProblem;
export type TableRow = { row: number; cells: CellData[] };
export type Table = {
  header: CellData[];
  /** The header's row number as the person sees it (1, or lower when a title is above it). */
  headerRow: number;
  body: TableRow[];
  notices: ImportIssue[];
  /** Workbooks saved with the 1904 date system (old Mac Excel) count serial days from 1904-01-01. */
  date1904?: boolean;
};
export type TableResult = ({ ok: true } & Table) | { ok: false; errors: ImportIssue[] };

export function isProblem(cell: CellData): cell is CellProblem {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Date);
}

export function isBlank(cell: CellData | undefined): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}

export function isoFromUtcDate(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** Cell content as text, for text columns. */
export function cellText(cell: CellData | undefined): string {
  if (cell === undefined || cell === null) return '';
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : isoFromUtcDate(cell);
  return '';
}

/** `rows`: data rows found, or null when the reader stopped counting at the limit. */
export function tooManyRows(rows: number | null): { ok: false; errors: ImportIssue[] } {
  const limit = FUND_IMPORT_LIMITS.maxRows.toLocaleString('en-US');
  const found =
    rows === null ? `工作簿中有工作表超过${limit}行数据（或行号超过${MAX_SHEET_ROWS.toLocaleString('en-US')}）` : `文件有${rows.toLocaleString('en-US')}行数据`;
  return fail(
    null,
    null,
    `${found}，每次最多导入${limit}行（不含表头），不会只导入其中一部分。请分成几个文件导入；如果工作簿里还有其他很大的工作表，或表格下方有大量带格式的空行，请删除后再上传。`,
  );
}
