/**
 * The one CSV writer of the site. Every CSV we hand out (village funds downloads, the import
 * template, the commission's queue export, the statistics open data) goes through `toCsv`, so
 * that formula injection is handled in one place.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet opening a CSV evaluates a cell that
 * begins with `=`, `+`, `-` or `@` (and, in some programs, TAB or CR before one of them) as a
 * formula — `=HYPERLINK(...)` becomes a link that sends data away, `@SUM(...)` runs. Text typed by
 * citizens and cadres (summaries, counterparties, complaint titles) reaches our CSVs, so every
 * TEXT cell that begins with one of those characters (or their full-width forms, which some
 * programs fold to ASCII) is written with a leading single quote, as OWASP recommends; the
 * spreadsheet then shows the text as typed. csv-stringify's `escape_formulas` does the prefixing.
 *
 * Numeric columns are not text: a real amount such as -12.50 must stay a number people can sum.
 * A column declared `numeric` takes only numbers or plain decimal strings (checked here, so no
 * formula can ever ride in one) and is written without a prefix. Pages and JSON are not affected:
 * they keep showing the original text.
 *
 * XLSX needs no such treatment: its cells are typed, and a text cell holding "=1+1" is stored as
 * text, never as a formula. `toXlsx` writes such workbooks (the commission's queue export); the
 * import template has its own.
 */
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | bigint | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
  /** Numbers only (JS numbers, bigints or decimal strings like "-12.50"), written unprefixed. */
  numeric?: boolean;
}

/** What a spreadsheet may take for the start of a formula (the same characters csv-stringify escapes). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** True when a spreadsheet would read this text as a formula if it were written as is. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function numericCell(header: string, value: CsvValue): string | number | bigint | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  // Our own code fills numeric columns; anything else is a programming error, never user input to pass on.
  throw new TypeError(`CSV column "${header}" is numeric but got ${JSON.stringify(String(value))}`);
}

/**
 * Rows as CSV for spreadsheets: UTF-8 with a BOM (Excel on Chinese Windows then reads UTF-8),
 * CRLF line ends, a header row, text cells neutralised against formula injection.
 */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const numeric = new Set(columns.flatMap((column, index) => (column.numeric ? [index] : [])));
  const records = rows.map((row) =>
    columns.map((column) => (column.numeric ? numericCell(column.header, column.value(row)) : (column.value(row) ?? null))),
  );
  return (
    '\uFEFF' +
    stringify(records, {
      columns: columns.map((column, index) => ({ key: String(index), header: column.header })),
      header: true,
      record_delimiter: 'windows',
      escape_formulas: true,
      cast: {
        // A numeric column's decimal string ("-12.50") is a number, not text: no quote prefix.
        string: (value, context) => (!context.header && numeric.has(context.index) ? { value, escape_formulas: false } : value),
      },
    })
  );
}

/**
 * Rows as an XLSX workbook with the same columns as `toCsv`: a bold, frozen header row, every
 * text cell typed as text (so "=HYPERLINK(…)" is shown, never evaluated) and numeric columns as
 * numbers.
 */
export async function toXlsx<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[], sheetName: string): Promise<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '一点通';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({ header: column.header, width: Math.max(10, column.header.length * 2 + 4), style: column.numeric ? {} : { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(
      columns.map((column) => {
        const value = column.value(row);
        if (column.numeric) {
          const cell = numericCell(column.header, value);
          return cell === null ? null : Number(cell);
        }
        return value === null || value === undefined || value === '' ? null : String(value);
      }),
    );
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
