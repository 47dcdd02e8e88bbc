/**
 * What the import reports: problems and notices with the row number as the person sees it in Excel
 * (header = row 1) and the Chinese column name.
 */
import type { FundEntryInput } from '../model.ts';

export type ImportIssue = { row: number | null; column: string | null; message: string };

export type ImportResult =
  | { ok: true; rows: Array<FundEntryInput & { sourceRow: number }>; notices: ImportIssue[] }
  | { ok: false; errors: ImportIssue[] };

const MAX_LISTED_ISSUES = 200;

const ACCEPTED_FORMATS =
  '只支持 CSV 文件（UTF-8 或 GBK 编码）和 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中用“另存为”保存成其中一种格式后再上传，或直接使用下载的模板。';

export function fail(row: number | null, column: string | null, message: string): { ok: false; errors: ImportIssue[] } {
  return { ok: false, errors: [{ row, column, message }] };
}

export function unsupportedMessage(name: string, description: string | null): string {
  return `无法导入“${name}”${description ? `：${description}` : '：无法识别文件格式'}。${ACCEPTED_FORMATS}`;
}

export function cellIssue(row: number, column: string, message: string): ImportIssue {
  return { row, column, message: `第${row}行“${column}”：${message}` };
}

/** Keeps at most 200 issues; the last one then says how many more there were. */
export function capIssues(issues: ImportIssue[], noun: '错误' | '提示'): ImportIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  const kept = issues.slice(0, MAX_LISTED_ISSUES - 1);
  const rest = issues.length - kept.length;
  const tail = noun === '错误' ? '，请先改正以上错误后重新上传' : '';
  return [...kept, { row: null, column: null, message: `另有${rest}处${noun}未列出${tail}。` }];
}
