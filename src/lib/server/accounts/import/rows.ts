/**
 * The checks of every data row: each cell parsed by its column (dates, amounts, coded columns,
 * text), the whole entry validated by the same schema as the form, duplicates within the file.
 * A cell whose value is reinterpreted (an Excel serial date, a legacy subject) is kept with a
 * notice, never silently altered.
 */
import { directionKey, paymentMethodKey, ZH } from '../labels.ts';
import {
  FundEntrySchema,
  INCOME_SUBJECTS,
  MAX_AMOUNT_FEN,
  SUBJECTS,
  formatFen,
  legacySubjectFor,
  parseYuanToFen,
  subjectAllowed,
  subjectsFor,
  chartSubject,
} from '../model.ts';
import type { Direction, FundEntryInput, PaymentMethod, Subject } from '../model.ts';
import { looksLikeFormula } from '../../spreadsheet.ts';
import { EXAMPLE_COLUMN, FIELD_COLUMNS, FUND_COLUMNS, mapHeader } from './columns.ts';
import type { FundColumn, HeaderColumn } from './columns.ts';
import { capIssues, cellIssue, fail, onePerRow } from './issues.ts';
import type { ImportIssue, ImportResult } from './issues.ts';
import { cellText, isBlank, isProblem, isoFromUtcDate } from './table.ts';
import type { CellData, Table } from './table.ts';

// The import reads Chinese files and answers cadres in Chinese: the words are the Chinese catalog's
// (the template offers the same ones), plus the other spellings people type for a transfer.
const DIRECTION_WORDS = new Map<string, Direction>([
  [ZH(directionKey('income')), 'income'],
  [ZH(directionKey('expense')), 'expense'],
]);
const METHOD_WORDS = new Map<string, PaymentMethod>([
  [ZH(paymentMethodKey('transfer')), 'transfer'],
  ['转帐', 'transfer'],
  ['银行转账', 'transfer'],
  ['银行转帐', 'transfer'],
  [ZH(paymentMethodKey('cash')), 'cash'],
]);

/**
 * What the file is checked against besides itself: the period its dates must fall in, and (when
 * the rows are added to a draft) the entries already there, so that importing the same file twice
 * or reusing a voucher number is caught.
 */
export interface ImportContext {
  period?: { start: string; end: string };
  existing?: ReadonlyArray<Pick<FundEntryInput, 'entryDate' | 'direction' | 'amountFen' | 'counterparty' | 'voucherNo'> & { lineNo: number }>;
}

/** Maps the header, checks every row and the file for duplicates: one error means no rows. */
export function interpretTable(table: Table, context: ImportContext = {}): ImportResult {
  const headerResult = mapHeader(table);
  if (!headerResult.ok) return { ok: false, errors: capIssues(onePerRow(headerResult.errors), '错误') };
  const { columns } = headerResult;
  if (table.body.length === 0) {
    return fail(null, null, `文件只有表头，没有数据行。请从第${table.headerRow + 1}行起每行填写一笔收支后再上传。`);
  }

  const errors: ImportIssue[] = [];
  const notices: ImportIssue[] = [...table.notices];
  const rows: Array<FundEntryInput & { sourceRow: number }> = [];
  for (const { row, cells } of table.body) {
    const get = (column: HeaderColumn): CellData => {
      const index = columns.get(column);
      return index === undefined ? null : (cells[index] ?? null);
    };
    const skipped = skippedRow(row, get);
    if (skipped) {
      notices.push(skipped);
      continue;
    }
    const result = interpretRow(row, table.date1904 === true, get, context.period);
    errors.push(...result.errors);
    notices.push(...result.notices);
    if (result.entry) rows.push({ ...result.entry, sourceRow: row });
  }
  errors.push(...findDuplicates(rows, context.existing ?? []));

  if (errors.length > 0) {
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    return { ok: false, errors: capIssues(onePerRow(errors), '错误') };
  }
  if (rows.length === 0) {
    return fail(null, null, '文件中除了表头、示例行和合计行，没有要导入的数据行。请每行填写一笔收支后再上传。');
  }
  // File-level notices first, then by row (stable, so a row's notices keep their column order).
  notices.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { ok: true, rows, notices: capIssues(notices, '提示') };
}

/**
 * The checks against the draft again, on rows already read from a file (a confirmation that found
 * the draft changed since its preview): dates inside the period, nothing already in the draft.
 */
export function recheckRows(rows: Array<FundEntryInput & { sourceRow: number }>, context: ImportContext): ImportIssue[] {
  const { period } = context;
  const errors: ImportIssue[] = [];
  for (const row of rows) {
    if (period && (row.entryDate < period.start || row.entryDate > period.end)) {
      errors.push(cellIssue(row.sourceRow, '日期', `${row.entryDate}不在本期（${period.start} 至 ${period.end}）之内`));
    }
  }
  errors.push(...findDuplicates(rows, context.existing ?? []));
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return capIssues(onePerRow(errors), '错误');
}

/** What a 示例 cell may say of a real row (anything else there marks a sample row). */
const NOT_AN_EXAMPLE = /^(否|不是|非示例|n|no|0|false)$/i;

/** A 合计/小计 label, possibly with what it totals (本月合计, 第三季度小计, 本期发生额合计 …). */
const TOTALS_LABEL = /^[^\d]{0,6}(合计|小计|总计|累计)[:：]?$/;

/**
 * A row that is not an entry: a sample row of the template (its 示例 cell is filled), or a
 * 合计/小计 row, which has such a label and no date of its own (an entry's 摘要 may well end with
 * 合计, but an entry has a date). Both are skipped with a notice, never imported.
 */
function skippedRow(row: number, get: (column: HeaderColumn) => CellData): ImportIssue | null {
  const example = get(EXAMPLE_COLUMN);
  if (!isBlank(example) && !isProblem(example) && !NOT_AN_EXAMPLE.test(cellText(example).normalize('NFKC'))) {
    return {
      row,
      column: EXAMPLE_COLUMN,
      message: `第${row}行是模板的示例行（“${EXAMPLE_COLUMN}”列写有“${cellText(example)}”），已跳过，没有导入。如果这是真实的一笔，请清空这一格后重新上传。`,
    };
  }
  const date = get('日期');
  const dateText = isProblem(date) ? '' : cellText(date);
  const label = FUND_COLUMNS.map((column) => get(column))
    .map((cell) => (isProblem(cell) || typeof cell !== 'string' ? '' : cell.trim()))
    .find((text) => TOTALS_LABEL.test(text.normalize('NFKC').replace(/\s+/g, '')));
  if (label === undefined || !(dateText === '' || TOTALS_LABEL.test(dateText.normalize('NFKC').replace(/\s+/g, '')))) return null;
  return { row, column: null, message: `第${row}行是“${label}”行，不是一笔收支，已跳过，没有导入（合计数由系统按明细计算）。` };
}

type Parsed<T> = { ok: true; value: T; notice?: string } | { ok: false; message: string };

// Tab and line breaks (Alt+Enter in Excel) are allowed in a cell; other control characters are not.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function interpretRow(
  row: number,
  date1904: boolean,
  get: (column: FundColumn) => CellData,
  period: ImportContext['period'],
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

  const entryDate = take('日期', (cell) => {
    const parsed = parseDate(cell, date1904);
    if (!parsed.ok || !period || (parsed.value >= period.start && parsed.value <= period.end)) return parsed;
    return { ok: false, message: `${parsed.value}不在本期（${period.start} 至 ${period.end}）之内。请核对日期，或导入到该日期所在期间的草稿` };
  });
  const direction = take('收支', parseDirection);
  const amountFen = take('金额（元）', parseAmount);
  // A legacy subject is mapped by what the row says it was (contracting income or profits handed over).
  const words = [get('摘要'), get('对方单位或个人')].map((cell) => (isProblem(cell) ? '' : cellText(cell))).join(' ');
  const subject = take('会计科目', (cell) => parseSubject(cell, words));
  const summary = text('摘要');
  const counterparty = text('对方单位或个人');
  const voucherNo = text('凭证号');
  const method = take('结算方式', parseMethod);
  const decisionRef = text('决议文号');

  if (direction && subject) {
    if (!subjectAllowed(subject, direction)) {
      const profitLoss = subjectsFor(direction).filter((name) => chartSubject(name)?.category === 'profitLoss');
      failed.add('会计科目');
      errors.push(
        cellIssue(
          row,
          '会计科目',
          `“${subject}”不能用于${ZH(directionKey(direction))}。${ZH(directionKey(direction))}的损益科目是：${profitLoss.join('、')}（资产、负债、所有者权益、成本科目收付均可）`,
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

function parseSubject(cell: CellData, words: string): Parsed<Subject> {
  const raw = cellText(cell);
  if (raw === '') return { ok: false, message: '请填写会计科目' };
  const key = raw.normalize('NFKC').replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
  if ((SUBJECTS as readonly string[]).includes(key)) return { ok: true, value: key as Subject };
  const mapped = legacySubjectFor(key, words);
  if (mapped) {
    return {
      ok: true,
      value: mapped,
      notice: `“${raw}”是2004年旧会计制度的科目，已按《农村集体经济组织会计制度》（2023年）据本行摘要改为“${mapped}”（承包、租赁收入记经营收入，投资企业上交的利润记投资收益），请核对`,
    };
  }
  if (chartSubject(key)) return { ok: false, message: `“${raw}”是货币资金或不发生收付的科目，一笔收付应记对方科目（如经营收入、应付款、在建工程）` };
  return { ok: false, message: `“${raw}”不是会计科目。请用《农村集体经济组织会计制度》科目表中的一级科目，如：经营收入、管理费用、应收款、应付款、专项应付款、在建工程、固定资产` };
}

// -- duplicates --

function findDuplicates(rows: Array<FundEntryInput & { sourceRow: number }>, existing: NonNullable<ImportContext['existing']>): ImportIssue[] {
  const errors: ImportIssue[] = [];
  const byContent = new Map<string, number>();
  const byVoucher = new Map<string, number>();
  const voucherKey = (voucherNo: string | null | undefined) => (voucherNo ?? '').normalize('NFKC').replace(/\s+/g, '');
  const contentKey = (entry: Pick<FundEntryInput, 'entryDate' | 'direction' | 'amountFen' | 'counterparty' | 'voucherNo'>) =>
    JSON.stringify([entry.entryDate, entry.direction, Number(entry.amountFen), entry.counterparty, voucherKey(entry.voucherNo)]);
  // Entries already in the draft (when adding) are negative keys: -lineNo.
  for (const entry of existing) {
    byContent.set(contentKey(entry), -entry.lineNo);
    if (voucherKey(entry.voucherNo) !== '') byVoucher.set(voucherKey(entry.voucherNo), -entry.lineNo);
  }
  const where = (at: number) => (at < 0 ? `本期草稿已有的第${-at}笔` : `第${at}行`);
  for (const entry of rows) {
    const voucher = voucherKey(entry.voucherNo);
    const key = contentKey(entry);
    const same = byContent.get(key);
    if (same !== undefined) {
      const hint = same < 0 ? '如果这个文件已经导入过，请不要再追加；要用文件替换本期全部明细，请选择“替换”。' : '如果是重复录入，请删除一行；如果确实是两笔，请分别填写各自的凭证号。';
      errors.push({
        row: entry.sourceRow,
        column: null,
        message: `第${entry.sourceRow}行与${where(same)}重复：日期、收支、金额、对方单位或个人、凭证号都相同。${hint}`,
      });
      continue;
    }
    byContent.set(key, entry.sourceRow);
    if (voucher === '') continue;
    const reused = byVoucher.get(voucher);
    if (reused !== undefined) {
      errors.push(cellIssue(entry.sourceRow, '凭证号', `“${entry.voucherNo ?? ''}”与${where(reused)}的凭证号相同，同一凭证号只能用于一笔收支，请核对后改正`));
    } else {
      byVoucher.set(voucher, entry.sourceRow);
    }
  }
  return errors;
}
