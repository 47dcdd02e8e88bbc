/**
 * Building ledger import files for tests: CSV lines in template order, GBK bytes as Chinese Excel
 * writes them, XLSX workbooks, and assertions on the import result.
 */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { queryRows, type DbOrTx } from '../../src/lib/server/db.ts';
import { FUND_COLUMNS } from '../../src/lib/server/accounts/import/index.ts';
import type { ImportIssue, ImportResult } from '../../src/lib/server/accounts/import/index.ts';

export const HEADER = FUND_COLUMNS.join(',');
const CHINESE = /[\u4e00-\u9fff]/;

/** A realistic ledger line in template column order. */
export function line(fields: Partial<Record<(typeof FUND_COLUMNS)[number], string>> = {}): string {
  const base: Record<(typeof FUND_COLUMNS)[number], string> = {
    日期: '2026-07-03',
    收支: '收入',
    '金额（元）': '12000.00',
    会计科目: '经营收入',
    摘要: '收取2026年度东片耕地承包费',
    对方单位或个人: '张建国',
    凭证号: '记-001',
    结算方式: '转账',
    决议文号: '',
  };
  return FUND_COLUMNS.map((column) => fields[column] ?? base[column]).join(',');
}

export function csv(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

export function withBom(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
}

export function expectOk(result: ImportResult) {
  if (!result.ok) throw new Error(`expected ok, got: ${JSON.stringify(result.errors, null, 1)}`);
  return result;
}

export function expectErrors(result: ImportResult): ImportIssue[] {
  if (result.ok) throw new Error('expected the import to be refused');
  expect(result).not.toHaveProperty('rows');
  for (const error of result.errors) expect(error.message).toMatch(CHINESE);
  return result.errors;
}

/** The only error, asserting where it is. */
export function expectSingleError(result: ImportResult, row: number | null, column: string | null): ImportIssue {
  const errors = expectErrors(result);
  expect(errors).toHaveLength(1);
  const [error] = errors;
  expect(error?.row).toBe(row);
  expect(error?.column).toBe(column);
  return error as ImportIssue;
}

/**
 * A GBK encoder for tests, built by decoding every two-byte GBK sequence with the platform's
 * decoder (TextEncoder only writes UTF-8). Round-tripping through `new TextDecoder('gbk')` proves
 * the bytes are what Chinese Excel would write.
 */
let gbkTable: Map<string, [number, number]> | null = null;
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        try {
          const char = decoder.decode(new Uint8Array([lead, trail]));
          if (char.length === 1 && !gbkTable.has(char)) gbkTable.set(char, [lead, trail]);
        } catch {
          // not a GBK pair
        }
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = gbkTable.get(char);
    if (!pair) throw new Error(`no GBK code for ${char}`);
    bytes.push(...pair);
  }
  return new Uint8Array(bytes);
}

export type XlsxValue = ExcelJS.CellValue;
export async function xlsx(rows: XlsxValue[][], configure?: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('资金收支明细');
  for (const row of rows) sheet.addRow(row);
  configure?.(sheet, workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/**
 * Counts of every table an import may write, to show that a refused preview or confirmation wrote
 * nothing (`stash: false` leaves out the preview stash, which a successful preview does write).
 */
export async function importRowCounts(db: DbOrTx, options: { stash?: boolean } = {}): Promise<Record<string, number>> {
  const tables = ['fund_entries', 'attachments', 'disclosure_events', 'audit_events', ...(options.stash === false ? [] : ['ledger_import_previews'])];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await queryRows<{ n: number | string }>(db, sql.raw(`select count(*)::int as n from ${table}`));
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
