/**
 * The livelihood statistics pages and their open data (issue 14 item 6), on PGlite and
 * PostgreSQL: recipients are distinct persons per village, only published batches count (a
 * withdrawn or merely imported batch never does), small counts are "<5" with complementary "*"
 * and the amount masked wherever the count is, the page, the JSON and the CSV show the same, and
 * nothing personal appears anywhere.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../../../db/schema/auth.ts';
import { createPageTester, type PageTester } from '../../../../../tests/support/pages.ts';
import { createUser } from '../../../../lib/server/auth/users.ts';
import { findExposures, SMALL } from '../../../../lib/server/complaints/suppression.ts';
import { publishBatch, withdrawBatch } from '../../../../lib/server/livelihood/batch-steps.ts';
import { importBatch } from '../../../../lib/server/livelihood/batches.ts';
import { checkCharacter } from '../../../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../../../lib/server/livelihood/items.ts';
import { itemPeriodStatistics, type ItemPeriodStatistics, type PaymentFigures } from '../../../../lib/server/livelihood/statistics.ts';
import type { Actor } from '../../../../lib/server/result.ts';
import type { Lang } from '../../../../i18n/index.ts';
import Overview from './index.astro';
import ItemPage from './[item].astro';
import * as overviewApi from '../../../api/v1/statistics/[code]/livelihood/index.ts';
import * as itemApi from '../../../api/v1/statistics/[code]/livelihood/[item].ts';

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const QIANYING = '990121001201';
const HOUYING = '990121001202';
const HEWAN = '990121001203';
const DONGLING = '990121002201';
const KEY = Buffer.alloc(32, 7);
const TODAY = '2026-12-02';

let pages: PageTester;
let dibao: string;
let gaoling: string;
let liugangItem: string;
let serial = 0;
const people: Array<{ name: string; idNumber: string }> = [];

const surnames = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
function person(): { name: string; idNumber: string } {
  serial += 1;
  const first17 = `431121${1940 + (serial % 40)}0${1 + (serial % 9)}1${serial % 10}${String(serial).padStart(3, '0')}`;
  const entry = { name: `${surnames[serial % surnames.length]}秀${'兰英芳桂华珍'[serial % 6]}`, idNumber: first17 + checkCharacter(first17) };
  people.push(entry);
  return entry;
}
const crowd = (count: number) => Array.from({ length: count }, person);

async function actor(username: string): Promise<Actor> {
  const [row] = await pages.test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

async function batch(who: Actor, itemId: string, villageCode: string, period: string, recipients: Array<{ name: string; idNumber: string }>, amount: string): Promise<string> {
  const result = await importBatch(
    pages.test.db,
    who,
    { itemId, villageCode, period, sourceSha256: createHash('sha256').update(`${itemId}${villageCode}${period}${serial}${recipients.length}`).digest('hex'), rows: recipients.map((row) => ({ ...row, amount, paidOn: '2026-11-10' })) },
    { key: KEY, today: TODAY },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value.id;
}

async function published(who: Actor, itemId: string, villageCode: string, period: string, recipients: Array<{ name: string; idNumber: string }>, amount: string): Promise<string> {
  const id = await batch(who, itemId, villageCode, period, recipients, amount);
  const step = await publishBatch(pages.test.db, who, id);
  if (!step.ok) throw new Error(JSON.stringify(step.errors));
  return id;
}

beforeAll(async () => {
  pages = await createPageTester();
  const mzj = await actor('sanghe.mzj');
  const first = await addItem(pages.test.db, mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  const second = await addItem(pages.test.db, mzj, { name: '高龄津贴', standardText: '80周岁以上老年人每人每月100元', legalBasis: '《湖南省老年人权益保障条例》' });
  if (!first.ok || !second.ok) throw new Error('items');
  dibao = first.value.id;
  gaoling = second.value.id;

  // 最低生活保障金 2026-11: 前营村 5, 后营村 6 (桑河镇 11), 东岭村 3 (东岭乡 3); county 14.
  await published(mzj, dibao, QIANYING, '2026-11', crowd(5), '520');
  await published(mzj, dibao, HOUYING, '2026-11', crowd(6), '520');
  await published(mzj, dibao, DONGLING, '2026-11', crowd(3), '480.50');

  // 高龄津贴 2026-11: 前营村 5 people, two of them paid again in a supplementary batch (补发);
  // 后营村 7. 河湾村's batch was published and withdrawn, another is only imported.
  const elders = crowd(5);
  await published(mzj, gaoling, QIANYING, '2026-11', elders, '100');
  await published(mzj, gaoling, QIANYING, '2026-11', elders.slice(0, 2), '100');
  await published(mzj, gaoling, HOUYING, '2026-11', crowd(7), '100');
  const withdrawn = await published(mzj, gaoling, HEWAN, '2026-11', crowd(2), '100');
  expect((await withdrawBatch(pages.test.db, mzj, withdrawn, '名单有误，更正后重新导入')).ok).toBe(true);
  await batch(mzj, gaoling, HEWAN, '2026-11', crowd(8), '100');
  await batch(mzj, gaoling, QIANYING, '2026-10', crowd(6), '100');
  await published(mzj, gaoling, QIANYING, '2026-09', crowd(9), '100');

  // Another county's department and item.
  const created = await createUser(pages.test.db, await actor('beiyuan.jw'), { username: 'liugang.mzj', displayName: '柳岗县民政局经办人', role: 'department', scopeCode: LIUGANG, department: '柳岗县民政局', password: 'livelihood-statistics-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const liugang = await actor('liugang.mzj');
  const other = await addItem(pages.test.db, liugang, { name: '特困人员救助供养金', standardText: '每人每月1000元', legalBasis: '《特困人员救助供养办法》' });
  if (!other.ok) throw new Error('item');
  liugangItem = other.value.id;
  await published(liugang, liugangItem, '990122001201', '2026-11', crowd(5), '1000');
});
afterAll(async () => pages?.test.dispose());

const renderOverview = (code: string, language: Lang = 'zh-CN') => pages.render(Overview, `/statistics/${code}/livelihood`, { code }, language);
const renderItem = (code: string, item: string, query = '', language: Lang = 'zh-CN') => pages.render(ItemPage, `/statistics/${code}/livelihood/${item}${query}`, { code, item }, language);
const callOverview = (code: string, query = '') => overviewApi.GET({ params: { code }, url: new URL(`http://localhost/api/v1/statistics/${code}/livelihood${query}`) } as never) as Promise<Response>;
const callItem = (code: string, item: string, query = '') => itemApi.GET({ params: { code, item }, url: new URL(`http://localhost/api/v1/statistics/${code}/livelihood/${item}${query}`) } as never) as Promise<Response>;

async function statsOf(item: string, period?: string): Promise<ItemPeriodStatistics> {
  const answer = await itemPeriodStatistics(pages.test.db, SANGHE, item, period);
  if (answer.kind !== 'found') throw new Error(answer.kind);
  return answer.statistics;
}

const row = (stats: ItemPeriodStatistics) => ({
  county: stats.totals,
  townships: Object.fromEntries(stats.byTownship.map((township) => [township.name, township.figures])),
  villages: Object.fromEntries(stats.byTownship.flatMap((township) => township.villages.map((village) => [village.name, village.figures]))),
});
const fig = (recipients: PaymentFigures['recipients'], yuan: number | '*'): PaymentFigures => ({ recipients, amountFen: yuan === '*' ? '*' : Math.round(yuan * 100) });

/** The rows of the page's village table: [place, recipients, amount]. */
function tableRows(html: string): string[][] {
  const start = html.indexOf('<table');
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&amp;/g, '&').trim()));
}

describe('the figures', () => {
  it('publishes counts of five and more exactly, counts distinct persons, and leaves out withdrawn and unpublished batches', async () => {
    const stats = await statsOf(gaoling);
    expect(stats.period).toBe('2026-11');
    // 前营村: five persons (the supplementary batch pays two of them again), 700 yuan; 河湾村 is absent.
    expect(row(stats)).toEqual({ county: fig(12, 1_400), townships: { 桑河镇: fig(12, 1_400) }, villages: { 前营村: fig(5, 700), 后营村: fig(7, 700) } });
    // The imported 2026-10 batch and nothing withdrawn make a period.
    expect(stats.periods).toEqual(['2026-11', '2026-09']);
  });

  it('shows 1–4 recipients as "<5", withholds a complement so it cannot be worked out, and masks the amount with the count', async () => {
    const stats = await statsOf(dibao);
    expect(row(stats)).toEqual({
      county: fig(14, 14 * 520 - 3 * 39.5),
      // 东岭乡 (3) is "<5"; so the county's other part, 桑河镇, is withheld, and with it its smaller village.
      townships: { 桑河镇: fig('*', '*'), 东岭乡: fig(SMALL, '*') },
      villages: { 前营村: fig('*', '*'), 后营村: fig(6, 3_120), 东岭村: fig(SMALL, '*') },
    });
    const view = [stats.totals, ...stats.byTownship.flatMap((township) => [township.figures, ...township.villages.map((village) => village.figures)])].map((figures) => figures.recipients);
    // county = 桑河镇 + 东岭乡; 桑河镇 = 前营村 + 后营村; 东岭乡 = 东岭村 (view order: county, 桑河镇, 前营, 后营, 东岭乡, 东岭村).
    expect(findExposures(view, [{ total: 0, parts: [1, 4] }, { total: 1, parts: [2, 3] }, { total: 4, parts: [5] }])).toEqual([]);
  });

  it('treats four as small and five as shown at the threshold', async () => {
    const mzj = await actor('sanghe.mzj');
    const item = await addItem(pages.test.db, mzj, { name: '困难群众临时救助金', standardText: '按困难程度一次性救助', legalBasis: '《社会救助暂行办法》' });
    if (!item.ok) throw new Error('item');
    await published(mzj, item.value.id, QIANYING, '2026-Q4', crowd(4), '800');
    await published(mzj, item.value.id, DONGLING, '2026-Q4', crowd(5), '800');
    await published(mzj, item.value.id, '990121003201', '2026-Q4', crowd(6), '800');
    const stats = await statsOf(item.value.id);
    // 前营村 4 → "<5"; its township 桑河镇 equals it; the county relation then needs a second mask: the smallest shown part, 东岭乡 (5).
    expect(row(stats).villages).toEqual({ 前营村: fig(SMALL, '*'), 东岭村: fig('*', '*'), 白杨村: fig(6, 4_800) });
    expect(row(stats).county).toEqual(fig(15, 12_000));
  });

  it('refuses a period with nothing published, another county’s item and non-counties', async () => {
    expect((await itemPeriodStatistics(pages.test.db, SANGHE, gaoling, '2026-10')).kind).toBe('bad_period');
    expect((await itemPeriodStatistics(pages.test.db, SANGHE, gaoling, '2026-13')).kind).toBe('bad_period');
    expect((await itemPeriodStatistics(pages.test.db, SANGHE, liugangItem)).kind).toBe('not_found');
    expect((await itemPeriodStatistics(pages.test.db, '990121001000', gaoling)).kind).toBe('not_found');
    expect((await itemPeriodStatistics(pages.test.db, SANGHE, 'x')).kind).toBe('not_found');
  });
});

describe('the pages', () => {
  it('lists the county’s items with their latest period, linked from the county and statistics pages', async () => {
    const { status, html, headers } = await renderOverview(SANGHE);
    expect(status).toBe(200);
    expect(headers.get('Cache-Control')).toContain('public');
    expect(html).toContain('桑河县惠民惠农补贴发放统计');
    const rows = tableRows(html);
    expect(rows.find((cells) => cells[0] === '高龄津贴')).toEqual(['高龄津贴', '桑河县民政局', '2026-11', '2', '12', '1,400.00']);
    expect(rows.find((cells) => cells[0] === '最低生活保障金')).toEqual(['最低生活保障金', '桑河县民政局', '2026-11', '3', '14', '7,161.50']);
    expect(html).not.toContain('特困人员救助供养金');
    expect(html).toContain(`href="/statistics/${SANGHE}/livelihood/${gaoling}?period=2026-09"`);
    expect(html).not.toContain('2026-10');
    const county = await pages.render((await import('../../../counties/[code]/index.astro')).default, `/counties/${SANGHE}`, { code: SANGHE });
    expect(county.html).toContain(`href="/statistics/${SANGHE}/livelihood"`);
    const statistics = await pages.render((await import('../../[code].astro')).default, `/statistics/${SANGHE}`, { code: SANGHE });
    expect(statistics.html).toContain(`href="/statistics/${SANGHE}/livelihood"`);
  });

  it('shows one item and period by township and village, masks as in the figures, in Chinese and English', async () => {
    const { status, html } = await renderItem(SANGHE, dibao, '?period=2026-11');
    expect(status).toBe(200);
    expect(tableRows(html)).toEqual([
      ['桑河镇 · 乡镇合计', '*', '*'],
      ['前营村', '*', '*'],
      ['后营村', '6', '3,120.00'],
      ['东岭乡 · 乡镇合计', '<5', '*'],
      ['东岭村', '<5', '*'],
      ['桑河县合计', '14', '7,161.50'],
    ]);
    expect(html).toContain('title="1至4人"');
    const english = await renderItem(SANGHE, dibao, '', 'en');
    expect(english.status).toBe(200);
    expect(english.html).toContain('最低生活保障金 paid in 桑河县 (2026-11)');
    expect(english.html).toContain('1 to 4 recipients show as &quot;&lt;5&quot;');
  });

  it('answers a period with nothing published with 400 and an unknown county or item with 404', async () => {
    for (const period of ['2026-10', '2026-13', 'abc']) {
      const { status, html } = await renderItem(SANGHE, gaoling, `?period=${period}`);
      expect(status, period).toBe(400);
      expect(html).toContain('该补贴项目在这个期间没有公示的发放名单');
    }
    expect((await renderItem(SANGHE, liugangItem)).status).toBe(404);
    expect((await renderOverview('990121001000')).status).toBe(404);
    expect((await renderOverview('nope')).status).toBe(404);
  });

  it('never shows a name, a masked name, an ID number or its last four characters', async () => {
    const htmls = [(await renderOverview(SANGHE)).html, (await renderItem(SANGHE, dibao)).html, (await renderItem(SANGHE, gaoling)).html];
    const text = [...htmls, await (await callItem(SANGHE, dibao, '?format=csv')).text(), JSON.stringify(await (await callItem(SANGHE, gaoling)).json())].join('\n');
    for (const entry of people) {
      expect(text).not.toContain(entry.name);
      expect(text).not.toContain(`${entry.name[0]}*${entry.name.slice(-1)}`);
      expect(text).not.toContain(entry.idNumber);
    }
  });
});

describe('open data', () => {
  it('gives the page’s figures as JSON and CSV with the same masks', async () => {
    const json = await (await callItem(SANGHE, dibao, '?period=2026-11')).json();
    expect(json).toMatchObject({ apiVersion: 1, unit: 'fen', period: '2026-11', county: { code: SANGHE, name: '桑河县' }, item: { id: dibao, name: '最低生活保障金', department: '桑河县民政局' } });
    expect(json.totals).toEqual(fig(14, 7_161.5));
    expect(json.byTownship).toEqual((await statsOf(dibao)).byTownship);

    const response = await callItem(SANGHE, dibao, '?period=2026-11&format=csv');
    expect(response.headers.get('Content-Type')).toContain('text/csv');
    expect(response.headers.get('Cache-Control')).toContain('public');
    const rows: Record<string, string>[] = parse((await response.text()).replace(/^\uFEFF/, ''), { columns: true });
    expect(rows.map((entry) => [entry['表'], entry['地区'], entry['发放人数'], entry['发放金额（元）']])).toEqual([
      ['全县合计', '桑河县', '14', '7161.50'],
      ['按乡镇', '桑河镇', '*', '*'],
      ['按村', '前营村', '*', '*'],
      ['按村', '后营村', '6', '3120.00'],
      ['按乡镇', '东岭乡', '<5', '*'],
      ['按村', '东岭村', '<5', '*'],
    ]);

    const overview = await (await callOverview(SANGHE)).json();
    expect(overview.items.find((entry: { id: string }) => entry.id === gaoling)).toMatchObject({ name: '高龄津贴', periods: ['2026-11', '2026-09'], latest: { period: '2026-11', villages: 2, totals: fig(12, 1_400) } });
    const overviewCsv: Record<string, string>[] = parse((await (await callOverview(SANGHE, '?format=csv')).text()).replace(/^\uFEFF/, ''), { columns: true });
    expect(overviewCsv.find((entry) => entry['补贴项目'] === '高龄津贴')).toMatchObject({ 发放期间: '2026-11', 发放村数: '2', 发放人数: '12', '发放金额（元）': '1400.00' });
  });

  it('answers errors in JSON', async () => {
    const bad = await callItem(SANGHE, gaoling, '?period=2026-10');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_period');
    expect((await callItem(SANGHE, liugangItem)).status).toBe(404);
    expect((await callOverview('990121001000')).status).toBe(404);
  });
});
