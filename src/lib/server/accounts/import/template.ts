/**
 * The downloadable templates of a period: the same header and two realistic sample rows, dated
 * inside the period and marked in the 示例 column, as CSV and as XLSX. The
 * import reads Chinese files, so the templates are Chinese whatever the page's language (`ZH`).
 */
import ExcelJS from 'exceljs';
import type { DataValidation } from 'exceljs';
import { directionKey, paymentMethodKey, ZH } from '../labels.ts';
import { DIRECTIONS, PAYMENT_METHODS, SUBJECTS, parseYuanToFen } from '../model.ts';
import { toCsv } from '../../spreadsheet.ts';
import type { Period } from '../periods.ts';
import { EXAMPLE_COLUMN, FUND_COLUMNS, columnLetter } from './columns.ts';
import type { FundColumn } from './columns.ts';
import { MAX_SHEET_ROWS } from './table.ts';

/** The period a template is for: its sample rows are dated inside it. */
export type TemplatePeriod = Pick<Period, 'start' | 'end'>;

/** What the 示例 column of a sample row says; the import skips such a row with a notice. */
const EXAMPLE_MARK = '示例';

function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Two realistic sample rows, dated on the 3rd and the 18th day of the period (never past its end). */
function templateExamples(period: TemplatePeriod): Array<Record<FundColumn | typeof EXAMPLE_COLUMN, string>> {
  const on = (day: number) => {
    const date = addDays(period.start, day - 1);
    return date > period.end ? period.end : date;
  };
  const first = on(3);
  const second = on(18);
  const voucher = (n: number) => `记-${first.slice(0, 7)}-00${n}`;
  return [
    {
      日期: first,
      收支: '收入',
      '金额（元）': '12000.00',
      会计科目: '经营收入',
      摘要: `收取${first.slice(0, 4)}年度东片耕地承包费（40亩）`,
      对方单位或个人: '张建国',
      凭证号: voucher(1),
      结算方式: '转账',
      决议文号: '',
      [EXAMPLE_COLUMN]: EXAMPLE_MARK,
    },
    {
      日期: second,
      收支: '支出',
      '金额（元）': '8650.00',
      会计科目: '公益支出',
      摘要: '村道维修：水泥、砂石及人工费',
      对方单位或个人: '顺达建材经营部',
      凭证号: voucher(2),
      结算方式: '转账',
      决议文号: `村民代表会议决议〔${first.slice(0, 4)}〕5号`,
      [EXAMPLE_COLUMN]: EXAMPLE_MARK,
    },
  ];
}

/** The template's columns: the fund columns, then the 示例 marker of the sample rows. */
const TEMPLATE_COLUMNS = [...FUND_COLUMNS, EXAMPLE_COLUMN] as const;
type TemplateColumn = (typeof TEMPLATE_COLUMNS)[number];

const TEMPLATE_WIDTHS: Record<TemplateColumn, number> = {
  日期: 12,
  收支: 8,
  '金额（元）': 14,
  会计科目: 12,
  摘要: 36,
  对方单位或个人: 24,
  凭证号: 16,
  结算方式: 10,
  决议文号: 30,
  [EXAMPLE_COLUMN]: 8,
};

/**
 * The CSV template for a period: UTF-8 with BOM (so Excel opens it correctly), CRLF, the header and
 * two sample rows dated inside the period and marked 示例 (skipped with a notice if left in).
 */
export function fundEntriesTemplateCsv(period: TemplatePeriod): string {
  return toCsv(
    templateExamples(period),
    TEMPLATE_COLUMNS.map((column) => ({ header: column, value: (example) => example[column], numeric: column === '金额（元）' })),
  );
}

/** The XLSX template for a period: same content, bold frozen header, column widths and drop-down lists. */
export async function fundEntriesTemplateXlsx(period: TemplatePeriod): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '一点通';
  const sheet = workbook.addWorksheet('资金收支明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: TEMPLATE_WIDTHS[column],
    style:
      column === '日期'
        ? { numFmt: 'yyyy-mm-dd' }
        : column === '金额（元）'
          ? { numFmt: '#,##0.00' }
          : // Text format, so that 凭证号 like 001 keeps its leading zeros.
            { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const example of templateExamples(period)) {
    const [year, month, day] = example['日期'].split('-').map(Number);
    // Sample rows look like samples: grey italics (and the 示例 column, which the import reads).
    const added = sheet.addRow(
      TEMPLATE_COLUMNS.map((column) => {
        if (column === '日期') return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
        if (column === '金额（元）') return (parseYuanToFen(example[column]) ?? 0) / 100;
        return example[column] === '' ? null : example[column];
      }),
    );
    added.font = { italic: true, color: { argb: 'FF6B6B6B' } };
  }

  // The drop-down lists cover every row the import accepts.
  const lastRow = MAX_SHEET_ROWS;
  const list = (column: FundColumn, values: readonly string[]): [string, DataValidation] => [
    `${columnLetter(FUND_COLUMNS.indexOf(column))}2:${columnLetter(FUND_COLUMNS.indexOf(column))}${lastRow}`,
    {
      type: 'list',
      allowBlank: true,
      formulae: [`"${values.join(',')}"`],
      showErrorMessage: true,
      errorTitle: `${column}填写有误`,
      error: `请从下拉列表中选择：${values.join('、')}`,
    },
  ];
  // exceljs supports range data validations but does not declare `dataValidations` in its types.
  const validations = (sheet as unknown as { dataValidations: { add(address: string, validation: DataValidation): void } })
    .dataValidations;
  for (const [address, validation] of [
    list('收支', DIRECTIONS.map((direction) => ZH(directionKey(direction)))),
    list('会计科目', SUBJECTS),
    list('结算方式', PAYMENT_METHODS.map((method) => ZH(paymentMethodKey(method)))),
  ]) {
    validations.add(address, validation);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
