/**
 * The downloadable templates: the same header and two realistic examples as CSV and as XLSX. The
 * import reads Chinese files, so the templates are Chinese whatever the page's language (`ZH`).
 */
import ExcelJS from 'exceljs';
import type { DataValidation } from 'exceljs';
import { directionKey, paymentMethodKey, ZH } from '../labels.ts';
import { DIRECTIONS, PAYMENT_METHODS, SUBJECTS, parseYuanToFen } from '../model.ts';
import { toCsv } from '../../spreadsheet.ts';
import { FUND_COLUMNS, columnLetter } from './columns.ts';
import type { FundColumn } from './columns.ts';
import { MAX_SHEET_ROWS } from './table.ts';

const TEMPLATE_EXAMPLES: ReadonlyArray<Record<FundColumn, string>> = [
  {
    日期: '2026-07-03',
    收支: '收入',
    '金额（元）': '12000.00',
    会计科目: '经营收入',
    摘要: '收取2026年度东片耕地承包费（40亩）',
    对方单位或个人: '张建国',
    凭证号: '记-2026-07-001',
    结算方式: '转账',
    决议文号: '',
  },
  {
    日期: '2026-07-18',
    收支: '支出',
    '金额（元）': '8650.00',
    会计科目: '公益支出',
    摘要: '村道维修：水泥、砂石及人工费',
    对方单位或个人: '顺达建材经营部',
    凭证号: '记-2026-07-002',
    结算方式: '转账',
    决议文号: '村民代表会议决议〔2026〕5号',
  },
];

const TEMPLATE_WIDTHS: Record<FundColumn, number> = {
  日期: 12,
  收支: 8,
  '金额（元）': 14,
  会计科目: 12,
  摘要: 36,
  对方单位或个人: 24,
  凭证号: 16,
  结算方式: 10,
  决议文号: 30,
};

/** The CSV template: UTF-8 with BOM (so Excel opens it correctly), CRLF, header and two examples. */
export function fundEntriesTemplateCsv(): string {
  return toCsv(
    TEMPLATE_EXAMPLES,
    FUND_COLUMNS.map((column) => ({ header: column, value: (example) => example[column], numeric: column === '金额（元）' })),
  );
}

/** The XLSX template: same content, bold frozen header, column widths and drop-down lists. */
export async function fundEntriesTemplateXlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '一点通';
  const sheet = workbook.addWorksheet('资金收支明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = FUND_COLUMNS.map((column) => ({
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
  for (const example of TEMPLATE_EXAMPLES) {
    const [year, month, day] = example['日期'].split('-').map(Number);
    sheet.addRow(
      FUND_COLUMNS.map((column) => {
        if (column === '日期') return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
        if (column === '金额（元）') return (parseYuanToFen(example[column]) ?? 0) / 100;
        return example[column] === '' ? null : example[column];
      }),
    );
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
