/**
 * The marker sweep of issue 14 ("no ID number, name or bank account appears in any log line"),
 * through the pages as people use them, on PGlite and PostgreSQL. Recipients with marker names,
 * valid ID numbers and bank accounts go through everything the portal does with them, while every
 * line the app logger writes (captured as written, through a logger of the same configuration at
 * level debug, so info and debug lines count too), every console call and everything written to
 * stdout and stderr is kept:
 *
 * - 桑河县民政局 uploads a recipient list with a bad row (refused), then the good one — markers
 *   sharing an account, one certified by a marker cadre — and publishes it; a second batch is
 *   uploaded while the cross-check function is missing, so the checks fail and are logged;
 * - the county commission uploads a refused and then a good death registry and a relatives
 *   registry carrying the marker ID numbers (and their names, read past), which raise hits;
 * - the hits page, the batch page and the village's integrity picture render for staff;
 * - the public village page, its print sheet, its open-data JSON, the livelihood statistics page
 *   and JSON, and the personal lookup (found, wrong name, throttled, and an ID number in a URL).
 *
 * Then no marker — the name, the full ID number, its first 14 characters (address and birth
 * date), the bank account — is in any captured line, in any audit_events row, in any public
 * response or in any staff response, nor in any table. Allowed where the design shows them
 * (README, "Livelihood data we hold"): the masked name (标*甲) on the public list and staff pages,
 * the ID number's last four on staff pages. The lookup form shows the person what they typed
 * (value="…", their own input in the answer to their own POST, Cache-Control: no-store): those
 * attributes are set aside before its answer is searched, and the test checks that they are all
 * there is.
 */
import { Writable } from 'node:stream';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStaffPageTester, type StaffPageTester } from '../../../tests/support/pages.ts';
import { actorOf } from '../../../tests/support/complaint-cases.ts';
import { translator } from '../../i18n/index.ts';
import { queryRows } from '../../lib/server/db.ts';
import { createLogger, logger } from '../../lib/server/logger.ts';
import { checkCharacter } from '../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../lib/server/livelihood/items.ts';
import NotFound from '../404.astro';
import Batches from '../staff/livelihood/batches/index.astro';
import Batch from '../staff/livelihood/batches/[id].astro';
import Registries from '../staff/livelihood/registries/index.astro';
import Hits from '../staff/livelihood/hits/index.astro';
import IntegrityVillage from '../staff/integrity/[code]/index.astro';
import Village from '../villages/[code]/index.astro';
import VillagePrint from '../villages/[code]/print.astro';
import Lookup from '../livelihood/lookup.astro';
import StatisticsOverview from '../statistics/[code]/livelihood/index.astro';
import StatisticsItem from '../statistics/[code]/livelihood/[item].astro';
import * as VillageApi from '../api/v1/villages/[code]/livelihood.ts';
import * as StatisticsApi from '../api/v1/statistics/[code]/livelihood/index.ts';
import * as StatisticsItemApi from '../api/v1/statistics/[code]/livelihood/[item].ts';

const SANGHE = '990121000000';
const QIANYING = '990121001201';
const HOUYING = '990121001202';
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const SHARED = '6299887766554433221';
const JIA = { name: '标记甲', idNumber: id('19700101', 777), bankAccount: SHARED };
const YI = { name: '标记乙', idNumber: id('19710202', 778), bankAccount: SHARED };
const BING = { name: '标记丙', idNumber: id('19720303', 779), bankAccount: '6299001122334455667' };
const DING = { name: '标记丁', idNumber: id('19730404', 780), bankAccount: '6299554433221100998' };
/** The village cadre who certified 标记丁's application: their ID number is a marker too. */
const CADRE = { name: '标记戊', idNumber: id('19650505', 781) };
const RECIPIENTS = [JIA, YI, BING, DING];
const MARKERS = [
  ...[...RECIPIENTS, CADRE].flatMap((who) => [who.name, who.idNumber, who.idNumber.slice(0, 14)]),
  ...RECIPIENTS.map((who) => who.bankAccount),
  // The wrong-check-digit variant the refused uploads carry.
  `${JIA.idNumber.slice(0, 17)}${JIA.idNumber[17] === '1' ? '2' : '1'}`,
];

let pages: StaffPageTester;
let publicPages: AstroContainer;
let itemId = '';
const logged: string[] = [];
const publicAnswers: Array<{ what: string; text: string }> = [];
const staffAnswers: Array<{ what: string; text: string }> = [];

function upload(fields: Record<string, string>, name: string, text: string): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('file', new File([new TextEncoder().encode(text)], name, { type: 'text/csv' }));
  return form;
}
const csvOf = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
const recipientRow = (who: { name: string; idNumber: string; bankAccount: string }, certifier = '') => [who.name, who.idNumber, '520', '2026-11-10', who.bankAccount, certifier];
const HEADER = ['姓名', '身份证号码', '金额（元）', '发放日期', '银行账号', '审核村干部身份证号'];

async function staff(what: string, ...args: Parameters<StaffPageTester['render']>) {
  const answer = await pages.render(...args);
  staffAnswers.push({ what, text: `${answer.location ?? ''}\n${answer.html}` });
  return answer;
}
async function publicPage(what: string, page: Parameters<AstroContainer['renderToResponse']>[0], url: string, params: Record<string, string> = {}, init: RequestInit = {}) {
  const response = await publicPages.renderToResponse(page, { request: new Request(`http://localhost${url}`, init), params, partial: false, locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null } });
  const answer = { status: response.status, html: await response.text(), location: response.headers.get('location') };
  publicAnswers.push({ what, text: `${answer.location ?? ''}\n${answer.html}` });
  return answer;
}
async function publicJson(what: string, handler: { GET: (context: never) => Response | Promise<Response> }, url: string, params: Record<string, string>) {
  const target = new URL(`http://localhost${url}`);
  const response = await handler.GET({ params, url: target, request: new Request(target) } as never);
  const text = await response.text();
  publicAnswers.push({ what, text });
  return { status: response.status, text };
}
async function lookup(what: string, body: Record<string, string>, client: string) {
  return publicPage(what, Lookup, '/livelihood/lookup', {}, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client }, body: new URLSearchParams(body) });
}

beforeAll(async () => {
  pages = await createStaffPageTester();
  publicPages = await AstroContainer.create();
  publicPages.insertPageRoute('/404', NotFound);
  const item = await addItem(pages.test.db, await actorOf(pages.test.db, 'sanghe.mzj'), { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', standardYuan: '520', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  itemId = item.value.id;

  // Everything the app logger writes, as it would be written (same redaction, every level).
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  // debug is the lowest level the configuration allows; a trace call is written at debug.
  const capture = createLogger(sink, 'debug');
  const grab = (...args: unknown[]) => void logged.push(args.map((arg) => (typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg)))).join(' '));
  const spies = [
    ...(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).map((level) => vi.spyOn(logger, level).mockImplementation(((...args: unknown[]) => (capture[level === 'trace' ? 'debug' : level] as (...a: unknown[]) => void).apply(capture, args)) as never)),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(grab)),
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => (grab(String(chunk)), true)) as never),
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown) => (grab(String(chunk)), true)) as never),
  ];
  try {
    await walk();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
});
afterAll(async () => pages?.test.dispose());

/** Everything the markers go through, in the order people would do it. */
async function walk() {
  const fields = { itemId, villageCode: QIANYING, period: '2026-11' };
  // 1. A refused upload: a wrong check digit and a bad amount on rows carrying the markers.
  const refused = await staff('batch upload refused', Batches, '/staff/livelihood/batches', {
    as: 'sanghe.mzj',
    body: upload(fields, `${JIA.name}低保名单.csv`, csvOf([HEADER, recipientRow({ ...JIA, idNumber: MARKERS.at(-1)! }), [YI.name, YI.idNumber, '五百二', '2026-11-10', YI.bankAccount, '']])),
  });
  expect(refused.status).toBe(400);
  // 2. The good list, published.
  const imported = await staff('batch upload', Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload(fields, '前营村低保名单.csv', csvOf([HEADER, recipientRow(JIA), recipientRow(YI), recipientRow(BING), recipientRow(DING, CADRE.idNumber)])) });
  expect(imported.status).toBe(303);
  const batchId = imported.location!.match(/batches\/([0-9a-f-]{36})/)![1]!;
  const url = `/staff/livelihood/batches/${batchId}`;
  expect((await staff('batch publish', Batch, url, { as: 'sanghe.mzj', params: { id: batchId }, body: new URLSearchParams({ action: 'publish' }) })).status).toBe(303);
  // 3. A batch whose checks fail (the rule function is missing): logged, the batch stands.
  await queryRows(pages.test.db, sql`alter function livelihood_run_cross_checks(text) rename to livelihood_run_cross_checks_away`);
  try {
    const failing = await staff('batch upload, checks failing', Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ ...fields, villageCode: HOUYING }, '后营村低保名单.csv', csvOf([HEADER, recipientRow(JIA), recipientRow(BING)])) });
    expect(failing.status).toBe(303);
  } finally {
    await queryRows(pages.test.db, sql`alter function livelihood_run_cross_checks_away(text) rename to livelihood_run_cross_checks`);
  }
  // 4. Registries: a refused file, then the deaths and relatives that raise hits on the markers.
  const registry = (kind: string, text: string) => staff(`registry ${kind}`, Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload({ action: 'import', kind }, `${kind}.csv`, text) });
  expect((await registry('deaths', csvOf([['身份证号码', '姓名', '死亡日期'], [MARKERS.at(-1)!, JIA.name, '2026-10-01']]))).status).toBe(400);
  expect((await registry('deaths', csvOf([['身份证号码', '姓名', '死亡日期'], [JIA.idNumber, JIA.name, '2026-10-01']]))).status).toBe(303);
  expect((await registry('relatives', csvOf([['村干部身份证号码', '村干部姓名', '亲属身份证号码', '亲属姓名', '关系'], [CADRE.idNumber, CADRE.name, DING.idNumber, DING.name, '配偶']]))).status).toBe(303);
  // 5. Staff pages that show the hits and the payments.
  for (const as of ['sanghe.jw', 'sanghe.mzj']) {
    const hits = await staff(`hits page (${as})`, Hits, '/staff/livelihood/hits', { as });
    expect(hits.status).toBe(200);
    expect(hits.html).toContain('标*甲');
    expect(hits.html).toContain(`…${JIA.idNumber.slice(-4)}`);
  }
  expect((await staff('batch page', Batch, url, { as: 'sanghe.mzj', params: { id: batchId } })).html).toContain('标*丁');
  expect((await staff('integrity picture', IntegrityVillage, `/staff/integrity/${QIANYING}`, { as: 'sanghe.jw', params: { code: QIANYING } })).html).toContain('h-hits');
  // 6. The public pages.
  expect((await publicPage('village page', Village, `/villages/${QIANYING}`, { code: QIANYING })).html).toContain('标*甲');
  expect((await publicPage('village print', VillagePrint, `/villages/${QIANYING}/print`, { code: QIANYING })).status).toBe(200);
  expect((await publicJson('village open data', VillageApi, `/api/v1/villages/${QIANYING}/livelihood`, { code: QIANYING })).status).toBe(200);
  expect((await publicPage('statistics', StatisticsOverview, `/statistics/${SANGHE}/livelihood`, { code: SANGHE })).status).toBe(200);
  expect((await publicPage('item statistics', StatisticsItem, `/statistics/${SANGHE}/livelihood/${itemId}?period=2026-11`, { code: SANGHE, item: itemId })).status).toBe(200);
  expect((await publicJson('statistics open data', StatisticsApi, `/api/v1/statistics/${SANGHE}/livelihood`, { code: SANGHE })).status).toBe(200);
  expect((await publicJson('item statistics open data', StatisticsItemApi, `/api/v1/statistics/${SANGHE}/livelihood/${itemId}?period=2026-11`, { code: SANGHE, item: itemId })).status).toBe(200);
  // 7. The personal lookup: found, a wrong name until the number is throttled, a number in a URL.
  const found = await lookup('lookup found', { idNumber: JIA.idNumber, name: JIA.name }, '203.0.113.41');
  expect(found.html).toContain('查到 1 笔发放');
  const wrong = await lookup('lookup wrong name', { idNumber: JIA.idNumber, name: '标记庚' }, '203.0.113.42');
  expect(wrong.html).toContain('没有查到与该身份证号码和姓名相符的已公示发放记录');
  for (let n = 0; n < 9; n++) await lookup('lookup wrong name', { idNumber: JIA.idNumber, name: '标记庚' }, `203.0.113.${50 + n}`);
  const throttled = await lookup('lookup throttled', { idNumber: JIA.idNumber, name: JIA.name }, '203.0.113.60');
  expect(throttled.status).toBe(429);
  expect((await publicPage('lookup from a URL', Lookup, `/livelihood/lookup?idNumber=${JIA.idNumber}&name=${encodeURIComponent(JIA.name)}`)).status).toBe(303);
}

/** The lookup form's echo of the person's own input, set aside: value="…" attributes only. */
const withoutOwnInput = (text: string) => text.replace(/ value="[^"]*"/g, ' value=""');
const markersIn = (text: string) => MARKERS.filter((marker) => text.includes(marker));

describe('the marker sweep', () => {
  it('captured the walk: the app logger’s lines, the failing check among them', () => {
    expect(logged.some((line) => line.includes('livelihood cross-checks failed after a batch; the batch stands'))).toBe(true);
    expect(publicAnswers.length).toBeGreaterThanOrEqual(19);
    expect(staffAnswers.length).toBeGreaterThanOrEqual(10);
  });

  it('finds no marker in any log line', () => {
    for (const line of logged) expect(markersIn(line), line.slice(0, 200)).toEqual([]);
  });

  it('finds no marker in the audit log', async () => {
    const rows = await queryRows<{ r: string }>(pages.test.db, sql`select row_to_json(a)::text as r from audit_events a`);
    expect(rows.some((row) => row.r.includes('livelihood.registryImported'))).toBe(true);
    for (const row of rows) expect(markersIn(row.r), row.r.slice(0, 200)).toEqual([]);
  });

  it('finds no marker in any public answer, the lookup’s echo of what the person typed aside', () => {
    for (const { what, text } of publicAnswers) expect(markersIn(what.startsWith('lookup') ? withoutOwnInput(text) : text), what).toEqual([]);
    // What was set aside is the form's two fields and nothing else: the number and the name the person typed.
    const found = publicAnswers.find((answer) => answer.what === 'lookup found')!.text;
    expect(markersIn(found).sort()).toEqual([JIA.name, JIA.idNumber, JIA.idNumber.slice(0, 14)].sort());
    expect(found.match(new RegExp(JIA.idNumber, 'g'))).toHaveLength(1);
    expect(found).toContain(`value="${JIA.idNumber}"`);
    // The public list shows the masked name, never the last four.
    const village = publicAnswers.find((answer) => answer.what === 'village page')!.text;
    expect(village).toContain('标*甲');
    for (const who of RECIPIENTS) expect(village).not.toContain(who.idNumber.slice(-4));
  });

  it('finds no marker in any staff answer (the masked name and the last four are what staff see)', () => {
    for (const { what, text } of staffAnswers) expect(markersIn(text), what).toEqual([]);
  });

  it('finds no marker in any table', async () => {
    const tables = await queryRows<{ name: string }>(pages.test.db, sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
    for (const { name } of tables) {
      const rows = await queryRows<{ r: string }>(pages.test.db, sql.raw(`select row_to_json(t)::text as r from "${name}" t`));
      expect(markersIn(rows.map((row) => row.r).join('\n')), name).toEqual([]);
    }
  });
});
