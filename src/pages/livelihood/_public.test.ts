/**
 * The public livelihood pages, in Chinese and English: the village page and the notice-board print
 * sheet list the published batches with masked names and totals (no ID number, not even its last
 * four characters); the open data endpoint gives totals and counts without recipients; the lookup
 * (POST only) finds a person's payments by ID number and name, answers a wrong name and an unknown
 * ID number with the same page, keeps what was typed, and explains a wrong check digit.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../tests/support/test-db.ts';
import { translator, type Lang } from '../../i18n/index.ts';
import { importBatch } from '../../lib/server/livelihood/batches.ts';
import { publishBatch } from '../../lib/server/livelihood/batch-steps.ts';
import { checkCharacter } from '../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../lib/server/livelihood/items.ts';
import NotFound from '../404.astro';
import Village from '../villages/[code]/index.astro';
import VillagePrint from '../villages/[code]/print.astro';
import { groupsForSheet, periodSpan } from '../../lib/server/livelihood/public-list.ts';
import * as Api from '../api/v1/villages/[code]/livelihood.ts';
import Lookup from './lookup.astro';

let test: TestDatabase;
let container: AstroContainer;
const QIANYING = '990121001201';
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const WANG = { name: '王秀兰', idNumber: id('19560312', 24) };
const LI = { name: '李建国', idNumber: id('19630705', 11) };

async function get(page: Parameters<AstroContainer['renderToResponse']>[0], url: string, params: Record<string, string> = {}, lang: Lang = 'zh-CN') {
  const response = await container.renderToResponse(page, { request: new Request(`http://localhost${url}`), params, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}
async function lookup(body: Record<string, string>, lang: Lang = 'zh-CN', client = '198.51.100.7') {
  const request = new Request('http://localhost/livelihood/lookup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client }, body: new URLSearchParams(body) });
  const response = await container.renderToResponse(Lookup, { request, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
  const mzj = { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
  const item = await addItem(test.db, mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const rows = [WANG, LI].map((person, index) => ({ ...person, amount: index === 0 ? '520' : '480.50', paidOn: '2026-11-10', bankAccount: '6217000010001234567' }));
  const batch = await importBatch(test.db, mzj, { itemId: item.value.id, villageCode: QIANYING, period: '2026-11', sourceSha256: createHash('sha256').update('x').digest('hex'), rows });
  if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
  expect((await publishBatch(test.db, mzj, batch.value.id)).ok).toBe(true);
});
afterAll(async () => test?.dispose());

const secrets = [WANG.name, LI.name, WANG.idNumber, LI.idNumber, '6217000010001234567'];

describe('the village’s public list', () => {
  it('is on the village page with masked names, count and total, in Chinese and English', async () => {
    const { status, html } = await get(Village, `/villages/${QIANYING}`, { code: QIANYING });
    expect(status).toBe(200);
    expect(html).toContain('惠民惠农补贴公示');
    expect(html).toContain('最低生活保障金 · 2026-11');
    expect(html).toContain('桑河县民政局发放，2 人，合计 1,000.50 元');
    expect(html).toContain('王*兰');
    expect(html).toContain('李*国');
    for (const secret of [...secrets, WANG.idNumber.slice(-4)]) expect(html).not.toContain(secret);
    expect(html).toContain('href="/livelihood/lookup"');
    const en = await get(Village, `/villages/${QIANYING}`, { code: QIANYING }, 'en');
    expect(en.html).toContain('Livelihood subsidies paid (public list)');
    expect(en.html).toContain('Paid by 桑河县民政局: 2 recipients, 1,000.50 yuan in total');
    const other = await get(Village, '/villages/990121001202', { code: '990121001202' });
    expect(other.html).toContain('本村还没有公示的补贴发放名单');
  });

  it('is on the notice-board print sheet of the latest period (November is later than any published period), not on an earlier period’s', async () => {
    const { status, html } = await get(VillagePrint, `/villages/${QIANYING}/print?period=2026-Q2`, { code: QIANYING });
    expect(status).toBe(200);
    expect(html).toContain('惠民惠农补贴公示');
    expect(html).toContain('王*兰');
    for (const secret of secrets) expect(html).not.toContain(secret);
    const earlier = await get(VillagePrint, `/villages/${QIANYING}/print?period=2026-Q1`, { code: QIANYING });
    expect(earlier.status).toBe(200);
    expect(earlier.html).not.toContain('王*兰');
  });

  it('matches payment periods to a sheet by the days they cover', () => {
    expect(['2026', '2026-H2', '2026-Q4', '2026-11', '2026-02', 'x'].map(periodSpan)).toEqual([
      { from: '2026-01-01', to: '2026-12-31' },
      { from: '2026-07-01', to: '2026-12-31' },
      { from: '2026-10-01', to: '2026-12-31' },
      { from: '2026-11-01', to: '2026-11-30' },
      { from: '2026-02-01', to: '2026-02-28' },
      null,
    ]);
    const groups = ['2026', '2026-H1', '2026-Q3', '2026-09', '2026-10', '2025-12'].map((period) => ({ period }));
    expect(groupsForSheet(groups, { from: '2026-07-01', to: '2026-09-30' }).map((g) => g.period)).toEqual(['2026', '2026-Q3', '2026-09']);
    expect(groupsForSheet(groups, { from: '2026-07-01', to: null }).map((g) => g.period)).toEqual(['2026', '2026-Q3', '2026-09', '2026-10']);
  });

  it('is in the open data API as totals and counts, without recipients', async () => {
    const call = (code: string) => Api.GET({ params: { code }, url: new URL(`http://localhost/api/v1/villages/${code}/livelihood`), request: new Request(`http://localhost/api/v1/villages/${code}/livelihood`) } as never);
    const response = await call(QIANYING);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ village: { code: QIANYING, name: '前营村' }, unit: 'fen', groups: [{ itemName: '最低生活保障金', period: '2026-11', count: 2, totalFen: 100_050 }] });
    const text = JSON.stringify(body);
    expect(text).not.toContain('*');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect((await call('990121001000')).status).toBe(404);
  });
});

describe('the personal lookup', () => {
  it('shows an empty form on GET and drops a query string (an ID number is never taken from a URL)', async () => {
    const query = await get(Lookup, `/livelihood/lookup?idNumber=${WANG.idNumber}&name=${encodeURIComponent(WANG.name)}`);
    expect(query.status).toBe(303);
    expect(query.headers.get('location')).toBe('/livelihood/lookup');
    const { status, html, headers } = await get(Lookup, '/livelihood/lookup');
    expect(status).toBe(200);
    expect(html).toContain('<form method="post" action="/livelihood/lookup"');
    expect(html).not.toContain(WANG.idNumber);
    expect(html).not.toContain('最低生活保障金');
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('finds the person’s payment with ID number and name', async () => {
    const { status, html } = await lookup(WANG);
    expect(status).toBe(200);
    expect(html).toContain('查到 1 笔发放，合计 520.00 元');
    expect(html).toContain('最低生活保障金 · 2026-11');
    expect(html).toContain('前营村');
    expect(html).toContain('桑河县民政局');
    expect(html).not.toContain('480.50');
  });

  it('answers a wrong name and an unknown ID number with the same page, keeping what was typed', async () => {
    const wrongName = await lookup({ idNumber: WANG.idNumber, name: '王秀英' }, 'zh-CN', '198.51.100.8');
    const unknownId = await lookup({ idNumber: id('19700101', 15), name: '王秀英' }, 'zh-CN', '198.51.100.8');
    expect(wrongName.status).toBe(200);
    expect(wrongName.html).toContain('没有查到与该身份证号码和姓名相符的已公示发放记录');
    expect(wrongName.html).not.toContain('最低生活保障金');
    const strip = (html: string) => html.replace(/value="[^"]*"/g, 'value=""');
    expect(strip(unknownId.html)).toBe(strip(wrongName.html));
    expect(wrongName.html).toContain('value="王秀英"');
    expect(wrongName.html).toContain(`value="${WANG.idNumber}"`);
  });

  it('explains a wrong check digit in Chinese and English, keeping what was typed', async () => {
    const bad = WANG.idNumber.slice(0, 17) + (WANG.idNumber[17] === '1' ? '2' : '1');
    const zh = await lookup({ idNumber: bad, name: WANG.name }, 'zh-CN', '198.51.100.9');
    expect(zh.status).toBe(400);
    expect(zh.html).toContain('身份证号码第18位校验码不对，请核对');
    expect(zh.html).toContain(`value="${bad}"`);
    expect(zh.html).toContain(`value="${WANG.name}"`);
    const en = await lookup({ idNumber: '', name: '' }, 'en', '198.51.100.9');
    expect(en.status).toBe(400);
    expect(en.html).toContain('Subsidy lookup');
    expect(en.html).toContain('请填写身份证号码');
  });

  it('holds back a client after ten misses with the wait', async () => {
    for (let i = 0; i < 10; i++) await lookup({ idNumber: id('19800101', 200 + i), name: '张伟' }, 'zh-CN', '203.0.113.50');
    const held = await lookup(WANG, 'zh-CN', '203.0.113.50');
    expect(held.status).toBe(429);
    expect(held.html).toContain('查询次数过多');
    expect(held.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
