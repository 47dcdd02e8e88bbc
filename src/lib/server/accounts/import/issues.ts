/**
 * What the import reports: problems and notices with the row number as the person sees it in Excel
 * (header = row 1) and the Chinese column name.
 */
import type { FundEntryInput } from '../model.ts';

export type ImportIssue = {
  row: number | null;
  /** The column the problem is in (the first one, when a row's problems are said together). */
  column: string | null;
  message: string;
  /** Every column named, when several problems of one row are said in one line. */
  columns?: string[];
};

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

/**
 * Each problem is said once per row: a row's problems become one line listing them all
 * (“第3行有3处问题：“日期”……；“金额（元）”……；“结算方式”……。”), in the order found. Problems
 * of the whole file (no row) stay one line each. `issues` are sorted by row.
 */
export function onePerRow(issues: ImportIssue[]): ImportIssue[] {
  const result: ImportIssue[] = [];
  const byRow = new Map<number, ImportIssue[]>();
  for (const issue of issues) {
    if (issue.row === null) {
      result.push(issue);
      continue;
    }
    const group = byRow.get(issue.row);
    if (group) {
      group.push(issue);
    } else {
      const created = [issue];
      byRow.set(issue.row, created);
      result.push({ ...issue, message: '' });
    }
  }
  return result.map((issue) => {
    if (issue.row === null) return issue;
    const group = byRow.get(issue.row) ?? [];
    if (group.length === 1) return group[0]!;
    const prefix = `第${issue.row}行`;
    const parts = group.map(({ message }) => (message.startsWith(prefix) ? message.slice(prefix.length) : message).replace(/^[：:]/, '').replace(/[。.]$/, ''));
    const columns = [...new Set(group.map(({ column }) => column).filter((column): column is string => column !== null))];
    return { row: issue.row, column: columns[0] ?? null, columns, message: `${prefix}有${group.length}处问题：${parts.join('；')}。` };
  });
}
