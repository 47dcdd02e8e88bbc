/**
 * Reading the first worksheet of an XLSX workbook into a table. exceljs loads the whole workbook
 * into memory, so the zip is inspected first (`inspectXlsxZip`): every part is inflated once with
 * a hard output cap, and what exceljs would build from it is counted, before exceljs ever sees it.
 */
import pLimit from 'p-limit';
import ExcelJS from 'exceljs';
import type { Cell, CellValue } from 'exceljs';
import { walkZip } from '../../attachments/archive-guard.ts';
import { FUND_COLUMNS, columnNumber, locateHeader } from './columns.ts';
import { fail, unsupportedMessage } from './issues.ts';
import type { ImportIssue } from './issues.ts';
import { FUND_IMPORT_LIMITS, MAX_SHEET_ROWS, isBlank, tooManyRows } from './table.ts';
import type { CellData, TableResult, TableRow } from './table.ts';

/** Total inflated size of all parts of an XLSX. A full 10,000 × 30 sheet is about 20 MB. */
const XLSX_MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const XLSX_MAX_PARTS = 1_000;
/** Cells (`<c>`), rows and shared strings over all worksheets: exceljs makes an object of each. */
const XLSX_MAX_CELLS = 400_000;
const XLSX_MAX_ROW_ELEMENTS = 60_000;
const XLSX_MAX_SHARED_STRINGS = 400_000;
/** exceljs expands merged ranges and defined-name ranges cell by cell while loading. */
const XLSX_MAX_RANGE_CELLS = MAX_SHEET_ROWS * FUND_IMPORT_LIMITS.maxColumns;

/**
 * Decompression-bomb guard, run before exceljs. exceljs (through JSZip) inflates every part of the
 * workbook fully into memory and only then compares with the declared size, and it builds an
 * object for every cell, row, shared string, and every cell of merged or named ranges. So:
 * 1. the zip is walked and every part inflated within XLSX_MAX_INFLATED_BYTES by the attachments
 *    module's archive guard (refusing zip64, encryption, unknown compression and lying sizes);
 * 2. cells, rows and shared strings are counted and the area of merged and defined-name ranges
 *    summed, part by part.
 * Residual risks: the work is done twice (bounded by the 32 MB budget, ~tens of ms); other
 * workbook parts (styles, drawings, comments) are parsed by exceljs within that budget without
 * a finer count; and exceljs's XML parser (saxes) does not expand DTD entities, so there is no
 * entity-expansion bomb. Worksheet column definitions, data validations and conditional formats,
 * which exceljs would also expand by range, are not loaded at all (see XLSX_IGNORED_NODES).
 */
function inspectXlsxZip(bytes: Uint8Array, name: string): string | null {
  const tooLarge = `“${name}”解压后的内容过大（可能含有大量空白格式、其他工作表或图片）。请只保留要导入的工作表，删除多余内容后再上传。`;
  let cells = 0;
  let rowElements = 0;
  let sharedStrings = 0;
  let rangeCells = 0;
  const walk = walkZip(bytes, { maxEntries: XLSX_MAX_PARTS, maxInflatedBytes: XLSX_MAX_INFLATED_BYTES }, (partName, content) => {
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(partName)) {
      cells += countOccurrences(content, '<c ') + countOccurrences(content, '<c>') + countOccurrences(content, '<c/>');
      rowElements += countOccurrences(content, '<row ') + countOccurrences(content, '<row>');
      rangeCells += sumRangeAreas(content.toString('latin1'), /<mergeCell\b[^>]*?\bref="([^"]*)"/g);
    } else if (/^xl\/sharedStrings\.xml$/i.test(partName)) {
      sharedStrings += countOccurrences(content, '<si>') + countOccurrences(content, '<si ') + countOccurrences(content, '<si/>');
    } else if (/^xl\/workbook\.xml$/i.test(partName)) {
      rangeCells += sumRangeAreas(content.toString('utf8'), /<definedName\b[^>]*>([^<]*)<\/definedName>/g);
    }
    if (cells > XLSX_MAX_CELLS || rowElements > XLSX_MAX_ROW_ELEMENTS || sharedStrings > XLSX_MAX_SHARED_STRINGS) {
      return tooLarge;
    }
    if (rangeCells > XLSX_MAX_RANGE_CELLS) {
      return `“${name}”中合并单元格或“名称管理器”里定义的名称覆盖的范围过大。请取消大范围的合并单元格、删除不用的名称后再上传。`;
    }
    return undefined;
  });

  if (!walk.ok) {
    switch (walk.refusal) {
      case 'stopped':
        return walk.by;
      case 'too-large':
        return tooLarge;
      case 'encrypted':
        return unsupportedMessage(name, '工作簿设置了密码或已加密，请取消密码保护后另存');
      case 'corrupt':
        return `“${name}”看起来是 Excel 工作簿，但文件已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开确认无误后重新保存，再上传。`;
    }
  }
  const { names } = walk;
  if (!names.has('xl/workbook.xml')) {
    if (names.has('word/document.xml')) return unsupportedMessage(name, '这是 Word 文档');
    if (names.has('ppt/presentation.xml')) return unsupportedMessage(name, '这是 PowerPoint 演示文稿');
    if (names.has('mimetype') || names.has('content.xml')) {
      return unsupportedMessage(name, '这是 OpenDocument 表格（.ods）或其他格式的压缩文件');
    }
    return unsupportedMessage(name, '这是压缩包，但不是 Excel 工作簿');
  }
  return null;
}

function countOccurrences(haystack: Buffer, needle: string): number {
  let count = 0;
  let position = haystack.indexOf(needle);
  while (position !== -1) {
    count++;
    position = haystack.indexOf(needle, position + needle.length);
  }
  return count;
}

/** Sums the number of cells covered by the A1:B2 style ranges found by `pattern` (group 1). */
function sumRangeAreas(xml: string, pattern: RegExp): number {
  let total = 0;
  for (const match of xml.matchAll(pattern)) {
    for (const range of (match[1] ?? '').matchAll(/\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})/gi)) {
      const left = columnNumber(range[1] ?? 'A');
      const right = columnNumber(range[3] ?? 'A');
      const top = Number(range[2]);
      const bottom = Number(range[4]);
      total += (Math.abs(right - left) + 1) * (Math.abs(bottom - top) + 1);
    }
  }
  return total;
}

/** Worksheet parts exceljs would otherwise expand range by range and which the import never needs. */
const XLSX_IGNORED_NODES = ['cols', 'dataValidations', 'conditionalFormatting', 'extLst'];

/**
 * Workbooks are read one at a time in a process: exceljs holds the whole workbook in memory (a
 * 3.4 MB upload peaked at 66 MB of heap, measured 2026-12-03) and the server's heap is capped at
 * 256 MB (src/server/node-flags.ts), so several staff uploading at once wait a second or two for
 * each other instead of pushing the server over its cap. Both importers (funds ledgers, livelihood
 * payment files) read through here.
 */
export const workbookReads = pLimit(1);

export function readXlsx(bytes: Uint8Array, name: string): Promise<TableResult> {
  return workbookReads(() => loadXlsx(bytes, name));
}

async function loadXlsx(bytes: Uint8Array, name: string): Promise<TableResult> {
  const zipProblem = inspectXlsxZip(bytes, name);
  if (zipProblem) return fail(null, null, zipProblem);

  const workbook = new ExcelJS.Workbook();
  // maxRows/maxCols are honoured by exceljs's worksheet parser (they abort the load as soon as a
  // worksheet has more <row> elements or a row more <c> elements) but are missing from its types.
  const options: Partial<ExcelJS.XlsxReadOptions> & { maxRows: number; maxCols: number } = {
    ignoreNodes: XLSX_IGNORED_NODES,
    maxRows: MAX_SHEET_ROWS,
    maxCols: FUND_IMPORT_LIMITS.maxColumns,
  };
  try {
    // exceljs declares its own `Buffer` (an ArrayBuffer); at run time it takes a Node Buffer.
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Parameters<ExcelJS.Xlsx['load']>[0];
    await workbook.xlsx.load(data, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Max row count/i.test(message)) return tooManyRows(null);
    if (/Max column count/i.test(message)) return tooManyColumns(name);
    return fail(null, null, `“${name}”看起来是 Excel 工作簿，但内容已损坏或不是标准的 .xlsx，无法读取。请在 Excel 或 WPS 中打开后另存为 .xlsx，再上传。`);
  }

  const [sheet, ...others] = workbook.worksheets;
  if (!sheet) return fail(null, null, `“${name}”中没有工作表。`);
  if (sheet.state !== 'visible') {
    return fail(null, null, `第一个工作表“${sheet.name}”是隐藏的。请取消隐藏，或把要导入的明细放到第一个工作表后再上传。`);
  }
  if (sheet.rowCount > MAX_SHEET_ROWS) return tooManyRows(null);
  if (sheet.columnCount > FUND_IMPORT_LIMITS.maxColumns) return tooManyColumns(name);

  const width = sheet.columnCount;
  const rows: TableRow[] = [];
  const hidden = new Set<number>();
  sheet.eachRow((row, rowNumber) => {
    const cells: CellData[] = [];
    for (let column = 1; column <= width; column++) cells.push(readCell(row.findCell(column)));
    if (cells.every((cell) => isBlank(cell))) return;
    if (row.hidden) hidden.add(rowNumber);
    rows.push({ row: rowNumber, cells });
  });
  // A merged cell in the header or a title row above it (typically a title spanning the sheet) counts once, at its master.
  const { header, headerRow, body, notices } = locateHeader(rows);
  if (body.length > FUND_IMPORT_LIMITS.maxRows) return tooManyRows(body.length);

  const hiddenRows = body.filter(({ row }) => hidden.has(row)).map(({ row }) => row);
  if (hiddenRows.length > 0) {
    const listed = hiddenRows.slice(0, 20).join('、');
    notices.push({
      row: hiddenRows[0] ?? null,
      column: null,
      message: `第${listed}${hiddenRows.length > 20 ? `等${hiddenRows.length}` : ''}行在表格中是隐藏的（或被筛选隐藏），也一并导入了，请核对。`,
    });
  }
  const otherSheets = others.filter((other) => other.actualRowCount > 0).map((other) => `“${other.name}”`);
  if (otherSheets.length > 0) {
    notices.push({
      row: null,
      column: null,
      message: `只导入了第一个工作表“${sheet.name}”；工作表${otherSheets.join('、')}中的内容没有导入。`,
    });
  }
  return { ok: true, header, headerRow, body, notices, date1904: workbook.properties.date1904 === true };
}

function tooManyColumns(name: string): { ok: false; errors: ImportIssue[] } {
  return fail(
    null,
    null,
    `“${name}”的工作表超过${FUND_IMPORT_LIMITS.maxColumns}列。请只保留模板中的列（${FUND_COLUMNS.join('、')}），删除右侧多余的列后再上传。`,
  );
}

function readCell(cell: Cell | undefined): CellData {
  if (!cell) return null;
  if (cell.isMerged && cell.master !== cell) {
    const master = fromCellValue(cell.master.value);
    return isBlank(master) ? null : { problem: `是合并单元格（与${cell.master.address}合并）。请取消合并，并在每一行分别填写` };
  }
  return fromCellValue(cell.value);
}

function fromCellValue(value: CellValue): CellData {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { problem: '日期无法识别' } : value;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result: unknown = value.result;
    if (result === undefined || result === null) {
      return { problem: '是公式，但文件中没有保存计算结果。请在 Excel 或 WPS 中打开、重新计算并保存后再上传' };
    }
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in result) {
      return { problem: `公式的结果是错误值 ${String(result.error)}，请改正公式` };
    }
    return fromCellValue(result as CellValue);
  }
  if ('error' in value) return { problem: `单元格是错误值 ${value.error}，请改正` };
  if ('hyperlink' in value) return fromCellValue(value.text as CellValue);
  return { problem: '单元格的内容无法识别，请直接填写文字或数字' };
}
