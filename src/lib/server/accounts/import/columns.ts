/**
 * The template's columns and how a file's header row is mapped onto them. A column the template
 * does not know is refused, never ignored: its content would silently go missing.
 */
import { fail } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { cellText, isBlank, isProblem } from './table.ts';
import type { CellData, Table, TableRow } from './table.ts';

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

/**
 * "金额 ( 元 )", "金额（元）", "金额(元)", "日期*" → one key: NFKC folds full-width brackets and
 * asterisks, spaces go, and the asterisk some templates put on required columns goes.
 */
function normalizeHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b]+/g, '').replace(/^\*+|\*+$/g, '');
}

/**
 * The one table of header spellings: each template column and what village and township templates
 * (accounting software exports, the 三资 platforms' sheets, hand-made tables) call it. Matching
 * ignores spaces, full-width/half-width brackets and a required-column asterisk.
 */
export const HEADER_SYNONYMS: Readonly<Record<FundColumn, readonly string[]>> = {
  日期: ['业务日期', '记账日期', '发生日期', '收支日期', '凭证日期', '交易日期'],
  收支: ['收支类型', '收支方向', '收支类别', '收/支', '收或支'],
  '金额（元）': ['金额', '金额(元)', '发生额', '发生额（元）', '发生金额', '收支金额', '收支金额（元）'],
  会计科目: ['科目', '科目名称', '一级科目', '会计科目名称'],
  摘要: ['事由', '摘要说明', '收支事由', '收支内容', '内容摘要', '业务摘要'],
  对方单位或个人: ['往来单位', '往来单位或个人', '对方单位', '对方单位/个人', '对方单位（个人）', '对方户名', '对方名称', '收付款单位', '收（付）款单位', '收付款人'],
  凭证号: ['凭证编号', '凭证字号', '凭证号码', '记账凭证号'],
  结算方式: ['支付方式', '收付方式', '收付款方式', '资金结算方式'],
  决议文号: ['决议编号', '决议号', '决策文号', '会议决议文号', '决议文件号'],
};

/**
 * The template's marker of its sample rows: a row with anything in this column is an example and
 * is skipped with a notice (the column itself is optional; a file without it imports every row).
 */
export const EXAMPLE_COLUMN = '示例';

const HEADER_ALIASES = new Map<string, FundColumn | typeof EXAMPLE_COLUMN>([
  ...FUND_COLUMNS.flatMap((column) => [column, ...HEADER_SYNONYMS[column]].map((text) => [normalizeHeader(text), column] as const)),
  [normalizeHeader(EXAMPLE_COLUMN), EXAMPLE_COLUMN],
]);

/** The template column a header text means, if any. */
export function columnForHeader(text: string): FundColumn | typeof EXAMPLE_COLUMN | undefined {
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

/** How many of the first non-blank rows may be a title or notes above the header. */
const MAX_ROWS_ABOVE_HEADER = 5;
/** A row naming at least this many template columns is taken for the header. */
const HEADER_MIN_COLUMNS = 3;

/**
 * Finds the header: the first of the first few non-blank rows that names at least three template
 * columns. Rows above it (a title such as “前营村2026年第三季度收支明细”, “单位：元”) are skipped,
 * each with a notice. Without such a row the first non-blank row is the header, and its problems
 * are reported as a header's.
 */
export function locateHeader(rows: readonly TableRow[]): { header: CellData[]; headerRow: number; body: TableRow[]; notices: ImportIssue[] } {
  const known = (cells: CellData[]) => new Set(cells.map((cell) => columnForHeader(cellText(isProblem(cell) ? null : cell))).filter(Boolean)).size;
  let at = rows.slice(0, MAX_ROWS_ABOVE_HEADER + 1).findIndex(({ cells }) => known(cells) >= HEADER_MIN_COLUMNS);
  if (at === -1) at = 0;
  const headerRow = rows[at]?.row ?? 1;
  const notices = rows.slice(0, at).map(({ row, cells }) => {
    const words = cells.map((cell) => cellText(isProblem(cell) ? null : cell)).filter((text) => text !== '').join(' ');
    const shown = words.length > 40 ? `${words.slice(0, 39)}…` : words;
    return { row, column: null, message: `第${row}行“${shown}”在表头（第${headerRow}行）上方，是标题或说明行，已跳过，没有导入。` };
  });
  return { header: rows[at]?.cells ?? [], headerRow, body: rows.slice(at + 1), notices };
}

export type HeaderColumn = FundColumn | typeof EXAMPLE_COLUMN;

export function mapHeader(table: Table): { ok: true; columns: Map<HeaderColumn, number> } | { ok: false; errors: ImportIssue[] } {
  const at = table.headerRow;
  const columns = new Map<HeaderColumn, number>();
  const written = new Map<HeaderColumn, string>();
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
        row: at,
        column,
        message: `第${at}行表头“${text}”（${columnLetter(index)}列）与“${written.get(column) ?? column}”（${columnLetter(first)}列）重复，都表示“${column}”。请删除其中一列。`,
      });
    } else {
      columns.set(column, index);
      written.set(column, text);
    }
  });

  if (columns.size === 0) {
    return fail(
      at,
      null,
      `第${at}行应为表头，依次是：${FUND_COLUMNS.join('、')}（也认常见的写法，如“收支类型”“往来单位”“支付方式”“决议编号”）。表头上方的标题行可以保留；也可以直接使用下载的模板。`,
    );
  }
  for (const { index, text } of unknown) {
    errors.push({
      row: at,
      column: text,
      message: `第${at}行表头“${text}”（${columnLetter(index)}列）不是模板中的列，系统不会忽略它。请删除这一列，或改成模板的列名：${FUND_COLUMNS.join('、')}（备注性的内容请写进“摘要”）。`,
    });
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) errors.push({ row: at, column, message: `第${at}行表头缺少“${column}”列，请按模板补上这一列。` });
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
