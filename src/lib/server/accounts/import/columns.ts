/**
 * The template's columns and how a file's header row is mapped onto them. A column the template
 * does not know is refused, never ignored: its content would silently go missing.
 */
import { fail } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { cellText, isBlank, isProblem } from './table.ts';
import type { Table } from './table.ts';

/** Template columns, in order. */
export const FUND_COLUMNS = ['日期', '收支', '金额（元）', '会计科目', '摘要', '对方单位或个人', '凭证号', '结算方式', '决议文号'] as const;
export type FundColumn = (typeof FUND_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly FundColumn[] = FUND_COLUMNS.filter((column) => column !== '凭证号' && column !== '决议文号');

/** The column of each field of a fund entry, to place a validation message. */
export const FIELD_COLUMNS: Record<string, FundColumn> = {
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

/** "金额 ( 元 )", "金额（元）", "金额(元)" → one key: NFKC folds full-width brackets, spaces go. */
function normalizeHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b]+/g, '');
}

const HEADER_ALIASES = new Map<string, FundColumn>([
  ...FUND_COLUMNS.map((column) => [normalizeHeader(column), column] as const),
  [normalizeHeader('收支方向'), '收支'],
  [normalizeHeader('金额'), '金额（元）'],
  [normalizeHeader('金额(元)'), '金额（元）'],
]);

/** The template column a header text means, if any. */
export function columnForHeader(text: string): FundColumn | undefined {
  return HEADER_ALIASES.get(normalizeHeader(text));
}

/** Excel-style column name of a 0-based column index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The 1-based column number of Excel column letters: A → 1, AA → 27. */
export function columnNumber(letters: string): number {
  let value = 0;
  for (const char of letters.toUpperCase()) value = value * 26 + (char.charCodeAt(0) - 64);
  return value;
}

export function mapHeader(table: Table): { ok: true; columns: Map<FundColumn, number> } | { ok: false; errors: ImportIssue[] } {
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
    const column = columnForHeader(text);
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
