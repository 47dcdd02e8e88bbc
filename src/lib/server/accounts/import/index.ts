/**
 * Import of the funds ledger (资金收支明细) of a disclosure period from a CSV or XLSX file.
 *
 * Principles:
 * - The format is decided by the bytes, never by the file name (sniff.ts).
 * - All-or-nothing: every row is checked, every problem is reported with the row number as the
 *   person sees it in Excel (header = row 1) and the Chinese column name, and a single error means
 *   nothing is imported (rows.ts).
 * - The file is never silently altered: whenever an interpretation changes what was written (a
 *   legacy accounting subject, an Excel date serial number) the result carries a notice.
 * - Untrusted input: size, row and column limits are enforced before anything expensive. For XLSX
 *   the zip is inspected and every part inflated once with a hard output cap before exceljs (which
 *   loads the whole workbook into memory) ever sees it (xlsx.ts, attachments/archive-guard.ts).
 *
 * The readers (csv.ts, xlsx.ts) turn a file into a table (table.ts); columns.ts maps its header
 * onto the template's columns; rows.ts checks the rows; template.ts writes the downloadable
 * templates.
 */
import { readCsv } from './csv.ts';
import { capIssues, fail, onePerRow, unsupportedMessage } from './issues.ts';
import type { ImportResult } from './issues.ts';
import { interpretTable, type ImportContext } from './rows.ts';
import { sniffFormat } from './sniff.ts';
import { FUND_IMPORT_LIMITS } from './table.ts';
import type { TableResult } from './table.ts';
import { readXlsx } from './xlsx.ts';

export { EXAMPLE_COLUMN, FUND_COLUMNS, HEADER_SYNONYMS } from './columns.ts';
export { recheckRows } from './rows.ts';
export type { ImportContext } from './rows.ts';
export type { ImportIssue, ImportResult } from './issues.ts';
export { FUND_IMPORT_LIMITS } from './table.ts';
export { fundEntriesTemplateCsv, fundEntriesTemplateXlsx } from './template.ts';

/**
 * Reads a funds ledger file. `fileName` is only used in messages; the format is decided by the
 * content (XLSX = zip, otherwise CSV text in UTF-8 or GBK). `context` adds the checks against the
 * draft: dates inside its period, no entry or voucher number already in it (when adding).
 */
export async function parseFundEntriesFile(bytes: Uint8Array, fileName: string, context: ImportContext = {}): Promise<ImportResult> {
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

  if (!table.ok) return { ok: false, errors: capIssues(onePerRow(table.errors), '错误') };
  return interpretTable(table, context);
}

/** The file's base name for messages, shortened so a long name cannot drown the message. */
function displayName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop()?.trim() ?? '';
  const name = base === '' ? '上传的文件' : base;
  return name.length > 60 ? `${name.slice(0, 57)}…` : name;
}
