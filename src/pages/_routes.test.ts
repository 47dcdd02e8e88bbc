/**
 * Page and endpoint routes rendered through Astro's container API against a test database:
 * every public route answers 200 with its content for real data and 404 for unknown codes.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../lib/server/db.ts';
import type { TestDatabase } from '../../tests/support/test-db.ts';
import { createPageTester, type PageTester } from '../../tests/support/pages.ts';
import Home from './index.astro';
import Catalog from './catalog/index.astro';
import CatalogItem from './catalog/[code].astro';
import Counties from './counties/index.astro';
import County from './counties/[code]/index.astro';
import CountyItem from './counties/[code]/items/[item].astro';
import Changes from './counties/[code]/changes.astro';
import Search from './search.astro';
import SearchPartial from './partials/search.astro';
import NotFound from './404.astro';
import * as catalogApi from './api/v1/catalog.ts';
import * as countiesApi from './api/v1/counties/index.ts';
import * as countyItemsApi from './api/v1/counties/[code]/items.ts';
import * as healthz from './healthz.ts';
import * as lang from './lang.ts';
import Villages from './villages/index.astro';
import Village from './villages/[code]/index.astro';
import VillageVerify from './villages/[code]/verify.astro';
import VillagePrint from './villages/[code]/print.astro';
import LivelihoodLookup from './livelihood/lookup.astro';
import Overdue from './counties/[code]/overdue.astro';
import Head from './ledgers/head.astro';
import * as villageDownload from './villages/[code]/download.ts';
import * as villagesApi from './api/v1/villages/index.ts';
import * as villageApi from './api/v1/villages/[code]/index.ts';
import * as villageDisclosuresApi from './api/v1/villages/[code]/disclosures.ts';
import * as villageSectionApi from './api/v1/villages/[code]/[section].ts';
import * as complaintsApi from './api/v1/complaints/index.ts';
import * as statisticsApi from './api/v1/statistics/[code].ts';
import Statistics from './statistics/[code].astro';
import Report from './report/index.astro';
import Track from './track.astro';
import SignIn from './staff/sign-in.astro';
import Forbidden from './403.astro';
import BadRequest from './400.astro';
import * as voucherDownload from './staff/ledgers/[id]/vouchers/[attachment].ts';
import { onRequest } from '../middleware.ts';
import { eq, sql } from 'drizzle-orm';
import { fileComplaint } from '../lib/server/complaints/filing.ts';
import sharp from 'sharp';
import { users } from '../../db/schema/auth.ts';
import { createSession, generateSessionToken } from '../lib/server/auth/sessions.ts';
import { sessionCookieName } from '../lib/server/auth/cookies.ts';
import { addVoucher } from '../lib/server/accounts/vouchers.ts';
import { addFundEntry, openDraft } from '../lib/server/accounts/disclosures.ts';

const DEMO_COUNTIES = ['990121000000', '990122000000', '990123000000'];

let test: TestDatabase;
let pages: PageTester;

beforeAll(async () => {
  pages = await createPageTester();
  test = pages.test;
});
afterAll(async () => test?.dispose());

const render: PageTester['render'] = (...args) => pages.render(...args);

describe('public pages', () => {
  it('home shows the search, the three doors and counties grouped by city', async () => {
    const { status, html, headers } = await render(Home, '/');
    expect(status).toBe(200);
    expect(html).toContain('name="q"');
    expect(html).toContain('权力事项清单');
    expect(html).toContain('href="/report"');
    expect(html).toContain('href="/villages"');
    expect(html).toContain('最近公开的村级账目');
    expect(html).toMatch(/href="\/villages\/\d{12}\?period=20\d\d-Q[1-4]"/);
    expect(html).toContain('北原市');
    expect(html).toContain('桑河县');
    expect(html).toContain('演示数据');
    expect(headers.get('Cache-Control')).toMatch(/^public/);
  });

  it('home renders in English', async () => {
    const { html } = await render(Home, '/', {}, 'en');
    expect(html).toContain('Micro-power lists');
    expect(html).toContain('<html lang="en"');
  });

  it('the provincial catalog shows 4 categories and 110 items', async () => {
    const { status, html } = await render(Catalog, '/catalog');
    expect(status).toBe(200);
    for (const name of ['行政执法', '行政审批', '公共管理', '公共服务']) expect(html).toContain(name);
    expect(html.match(/href="\/catalog\/(ZF|SP|GL|FW)-\d\d"/g)).toHaveLength(110);
  });

  it('a catalog item page shows every field and the flowchart', async () => {
    const { status, html } = await render(CatalogItem, '/catalog/SP-01', { code: 'SP-01' });
    expect(status).toBe(200);
    for (const heading of ['实施依据', '申请材料', '收费标准', '办理时限', '办理流程', '廉政风险点及防控措施', '追责情形', '监督渠道']) {
      expect(html).toContain(heading);
    }
    expect(html).toContain('class="flowchart"');
    expect(html).toMatch(/class="flow-step lane-/);
  });

  it('an unknown catalog item is a 404', async () => {
    expect((await render(CatalogItem, '/catalog/ZF-99', { code: 'ZF-99' })).status).toBe(404);
  });

  it.each(DEMO_COUNTIES)('county %s shows its list and every item page renders', async (code) => {
    const page = await render(County, `/counties/${code}`, { code });
    expect(page.status).toBe(200);
    expect(page.html).toContain('第');
    const itemCodes = [...new Set([...page.html.matchAll(new RegExp(`/counties/${code}/items/([A-Z]{2}-\\d\\d)"`, 'g'))].map((m) => m[1]!))];
    expect(itemCodes.length).toBeGreaterThan(80);
    for (const item of itemCodes) {
      const itemPage = await render(CountyItem, `/counties/${code}/items/${item}`, { code, item });
      expect(itemPage.status, `${code}/${item}`).toBe(200);
      expect(itemPage.html).toContain('class="flowchart"');
    }
    const changes = await render(Changes, `/counties/${code}/changes`, { code });
    expect(changes.status).toBe(200);
    expect(changes.html).toContain('省级目录');
  });

  it('shows an older version with a notice, and 404s for a version that does not exist', async () => {
    const old = await render(County, '/counties/990121000000?v=1', { code: '990121000000' });
    expect(old.status).toBe(200);
    expect(old.html).toContain('不是现行版本');
    expect((await render(County, '/counties/990121000000?v=9', { code: '990121000000' })).status).toBe(404);
    expect((await render(County, '/counties/990121000000?v=abc', { code: '990121000000' })).status).toBe(404);
  });

  it('a county without a list explains it instead of showing nothing', async () => {
    const { status, html } = await render(County, '/counties/990221000000', { code: '990221000000' });
    expect(status).toBe(200);
    expect(html).toContain('尚未公布');
  });

  it.each([
    ['/counties/990121001000', { code: '990121001000' }], // a township, not a county
    ['/counties/123', { code: '123' }],
  ])('%s is a 404', async (url, params) => {
    expect((await render(County, url, params)).status).toBe(404);
  });

  it('an item not in the county list is a 404 (青禾县 lists no enforcement items)', async () => {
    const { status } = await render(CountyItem, '/counties/990123000000/items/ZF-01', { code: '990123000000', item: 'ZF-01' });
    expect(status).toBe(404);
  });

  it('the counties page lists every county', async () => {
    const { status, html } = await render(Counties, '/counties');
    expect(status).toBe(200);
    for (const name of ['桑河县', '柳岗县', '青禾县', '枣林县']) expect(html).toContain(name);
  });

  it('search works as a page and as an htmx fragment', async () => {
    const page = await render(Search, '/search?q=' + encodeURIComponent('宅基地'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('宅基地审批');
    const fragment = await render(SearchPartial, '/partials/search?q=' + encodeURIComponent('低保'));
    expect(fragment.status).toBe(200);
    expect(fragment.html).not.toContain('<html');
    expect(fragment.html).toContain('search-results');
    const short = await render(SearchPartial, '/partials/search?q=' + encodeURIComponent('低'));
    expect(short.html).toContain('至少输入2个字');
  });
});

describe('village accounts pages', () => {
  it('finds and browses villages', async () => {
    const search = await render(Villages, '/villages?q=' + encodeURIComponent('河湾'));
    expect(search.status).toBe(200);
    expect(search.html).toContain('/villages/990121001203');
    const browse = await render(Villages, '/villages?county=990121000000');
    expect(browse.html).toContain('前营村');
    expect(browse.html).toContain('/counties/990121000000/overdue');
  });

  it('shows a village with its latest published period, totals, chart, registers and hash', async () => {
    const { status, html, headers } = await render(Village, '/villages/990121001202', { code: '990121001202' });
    expect(status).toBe(200);
    for (const text of ['2026年第3季度', '期初余额', '按会计科目汇总', '<svg', '资产台账', '资源发包（租赁）合同', '防篡改校验']) expect(html).toContain(text);
    expect(headers.get('Cache-Control')).toMatch(/^public/);
  });

  it('404s for unknown villages, non-villages and unpublished periods', async () => {
    expect((await render(Village, '/villages/990121001299', { code: '990121001299' })).status).toBe(404);
    expect((await render(Village, '/villages/990121001000', { code: '990121001000' })).status).toBe(404);
    expect((await render(Village, '/villages/990121001201?period=2026-Q3', { code: '990121001201' })).status).toBe(404);
  });

  it('verifies a village, prints a sheet with a QR code, lists overdue villages and the daily head', async () => {
    const verify = await render(VillageVerify, '/villages/990121001201/verify', { code: '990121001201' });
    expect(verify.html).toContain('核验一致');
    expect(verify.headers.get('Cache-Control')).toBe(null); // decided by the middleware: never cached
    const sheet = await render(VillagePrint, '/villages/990121001201/print?period=2026-Q2', { code: '990121001201' });
    expect(sheet.status).toBe(200);
    expect(sheet.html).toMatch(/<svg[^>]*viewBox/);
    expect(sheet.html).toContain('村务监督委员会');
    const overdue = await render(Overdue, '/counties/990121000000/overdue', { code: '990121000000' });
    expect(overdue.status).toBe(200);
    // The rule for both cadences, from the one due rule (periods.ts DUE_DAY), not the default's alone.
    expect(overdue.html).toContain('下一季度首月20日前');
    expect(overdue.html).toContain('次月15日前');
    if (overdue.html.includes('<table')) expect(overdue.html).toContain('应公开期间');
    expect((await render(Head, '/ledgers/head')).html).toMatch(/[0-9a-f]{64}/);
  });
});

describe('endpoints', () => {
  const call = (route: { GET: (context: never) => Response | Promise<Response> }, url: string, params: Record<string, string> = {}) =>
    route.GET({
      request: new Request(`http://localhost${url}`),
      url: new URL(`http://localhost${url}`),
      params,
      cookies: { set: () => {} },
      redirect: (path: string, status: number) => new Response(null, { status, headers: { Location: path } }),
    } as never);

  it('GET /api/v1/catalog returns 4 categories and 110 items with every field', async () => {
    const response = await call(catalogApi, '/api/v1/catalog');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.itemCount).toBe(110);
    expect(body.categories).toHaveLength(4);
    const item = body.categories[0].items[0];
    expect(Object.keys(item).sort()).toEqual(
      ['accountability', 'category', 'channel', 'code', 'fee', 'implementingBody', 'legalBasis', 'level', 'materials', 'materialsNote', 'name', 'nameEn', 'risks', 'steps', 'summary', 'timeLimit'].sort(),
    );
    expect(item.steps[0]).toHaveProperty('order', 1);
  });

  it('GET /api/v1/counties lists counties with their list in force', async () => {
    const body = await (await call(countiesApi, '/api/v1/counties')).json();
    const sanghe = body.counties.find((county: { code: string }) => county.code === '990121000000');
    expect(sanghe).toMatchObject({ name: '桑河县', cityName: '北原市', demo: true, currentList: { version: 2, itemCount: 112 } });
    expect(body.counties.find((county: { code: string }) => county.code === '990221000000').currentList).toBeNull();
  });

  it('GET /api/v1/counties/{code}/items applies local overrides', async () => {
    const response = await call(countyItemsApi, '/api/v1/counties/990121000000/items', { code: '990121000000' });
    const body = await response.json();
    expect(body.list.version).toBe(2);
    const dibao = body.items.find((item: { code: string }) => item.code === 'FW-01');
    expect(dibao.contactPhone).toBe('0399-6210345');
    expect(dibao.origin).toBe('catalog');
    expect(body.items.filter((item: { origin: string }) => item.origin === 'county')).toHaveLength(2);
  });

  it('GET /api/v1/counties/{code}/items is a JSON 404 for unknown counties and counties without a list', async () => {
    for (const code of ['990221000000', '000000000000', 'x']) {
      const response = await call(countyItemsApi, `/api/v1/counties/${code}/items`, { code });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
  });

  it('serves village data as CSV, JSON and open-data API', async () => {
    const csv = await call(villageDownload, '/villages/990121001202/download?period=2026-Q1&format=csv', { code: '990121001202' });
    expect(csv.headers.get('Content-Disposition')).toContain('990121001202-2026-Q1.csv');
    expect(await csv.text()).toContain('会计科目');
    const list = await (await call(villagesApi, '/api/v1/villages?county=990122000000')).json();
    expect(list.villages.map((v: { name: string }) => v.name)).toContain('柳岗村');
    expect((await call(villagesApi, '/api/v1/villages?q=' + encodeURIComponent('柳'))).status).toBe(400);
    expect((await call(villagesApi, '/api/v1/villages')).status).toBe(400);
    const village = await (await call(villageApi, '/api/v1/villages/990122001202', { code: '990122001202' })).json();
    expect(village.latest.period).toBe('2026-Q3');
    const chain = await (await call(villageDisclosuresApi, '/api/v1/villages/990122001202/disclosures', { code: '990122001202' })).json();
    expect(chain.disclosures.map((d: { chainSeq: number }) => d.chainSeq)).toEqual([1, 2, 3, 4]);
    const funds = await (await call(villageSectionApi, '/api/v1/villages/990122001202/funds?period=2026-Q2', { code: '990122001202', section: 'funds' })).json();
    expect(funds.funds.length).toBeGreaterThan(5);
    expect(funds.incomeFen).toBe(funds.funds.filter((f: { direction: string }) => f.direction === 'income').reduce((sum: number, f: { amountFen: number }) => sum + f.amountFen, 0));
    expect((await call(villageSectionApi, '/api/v1/villages/990122001202/secrets', { code: '990122001202', section: 'secrets' })).status).toBe(404);
  });

  it('GET /healthz answers 200 when the database is reachable', async () => {
    const response = await call(healthz, '/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: true });
  });

  it('the language switch redirects only to same-site paths', async () => {
    const safe = await call(lang, '/lang?to=en&next=%2Fcatalog');
    expect(safe.status).toBe(303);
    expect(safe.headers.get('Location')).toBe('/catalog');
    for (const next of ['https://evil.example', '//evil.example', '/\\evil.example']) {
      const response = await call(lang, `/lang?to=en&next=${encodeURIComponent(next)}`);
      expect(response.headers.get('Location')).toBe('/');
    }
  });
});

/**
 * Requests as the real server handles them: through src/middleware.ts (headers, edge validation,
 * sessions) into the page, with a thrown error counted as the 500 the server would send.
 */
describe('through the middleware', () => {
  let edge: AstroContainer;
  beforeAll(async () => {
    edge = await AstroContainer.create({ manifest: { middleware: async () => ({ onRequest }) } as never });
    edge.insertPageRoute('/404', NotFound);
    edge.insertPageRoute('/403', Forbidden);
    edge.insertPageRoute('/400', BadRequest);
  });

  type Page = Parameters<AstroContainer['renderToResponse']>[0];
  interface Send {
    method?: string;
    body?: BodyInit;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    endpoint?: boolean;
  }

  async function send(page: Page, url: string, init: Send = {}) {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== 'GET') headers.set('Origin', 'http://localhost');
    const request = new Request(`http://localhost${url}`, { method: init.method ?? 'GET', headers, body: init.body });
    try {
      const response = await edge.renderToResponse(page, { request, params: init.params ?? {}, partial: false, routeType: init.endpoint ? 'endpoint' : 'page' });
      return { status: response.status, headers: response.headers, html: await response.text() };
    } catch (error) {
      return { status: 500, headers: new Headers(), html: `thrown: ${(error as Error).message}` };
    }
  }

  function multipart(fields: Record<string, string>): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return form;
  }

  /** A complaint form as the page sends it once the county is chosen (桑河县, 前营村). */
  const complaint = (fields: Record<string, string>) =>
    multipart({
      formKey: 'hostile-input-test-key-0001',
      county: '990121000000',
      category: 'assets',
      areaCode: '990121001201',
      title: '村北机动地发包没有公开招标',
      content: '今年三月村北四十多亩机动地重新发包，没有张贴公告也没有开会，直接包给了村干部的亲戚。',
      anonymous: 'yes',
      ...fields,
    });

  const CJK = /[\u4e00-\u9fff]/;
  const endpoint = (module: unknown) => module as Page;

  // The hostile inputs of issue 8 item 12, against every public route and form.
  const CASES: Array<[string, Page, string, Send?]> = [
    ['NUL in the search box', Search, '/search?q=%E4%BD%8E%00%E4%BF%9D'],
    ['NUL in the search fragment', SearchPartial, '/partials/search?q=%00%00'],
    ['NUL in a village search', Villages, '/villages?q=%E6%B2%B3%00'],
    ['NUL in a village county filter', Villages, '/villages?county=990121000000%00'],
    ['NUL in a catalog code', CatalogItem, '/catalog/SP-01%00', { params: { code: 'SP-01\u0000' } }],
    ['NUL in a county code', County, '/counties/990121000000%00', { params: { code: '990121000000\u0000' } }],
    ['NUL in a county item', CountyItem, '/counties/990121000000/items/FW-01%00', { params: { code: '990121000000', item: 'FW-01\u0000' } }],
    ['NUL in a list version', County, '/counties/990121000000?v=1%00', { params: { code: '990121000000' } }],
    ['NUL in a village code', Village, '/villages/990121001202%00', { params: { code: '990121001202\u0000' } }],
    ['NUL in a village period', Village, '/villages/990121001202?period=2026-Q1%00', { params: { code: '990121001202' } }],
    ['NUL in a statistics code', Statistics, '/statistics/990121000000%00', { params: { code: '990121000000\u0000' } }],
    ['NUL in the report link', Report, '/report?village=990121001201%00&item=FW-01%00'],
    ['NUL in the village API', endpoint(villagesApi), '/api/v1/villages?q=%E6%B2%B3%00', { endpoint: true }],
    ['NUL in the statistics API', endpoint(statisticsApi), '/api/v1/statistics/9901%00', { endpoint: true, params: { code: '9901\u0000' } }],
    ['broken percent-encoding in search', Search, '/search?q=%E4%BD'],
    ['a stray percent sign in search', Search, '/search?q=100%'],
    ['year 0000 as a period', Village, '/villages/990121001202?period=0000-Q1', { params: { code: '990121001202' } }],
    ['year 0000 as a month period', Village, '/villages/990121001202?period=0000-01', { params: { code: '990121001202' } }],
    ['a far-future period', Village, '/villages/990121001202?period=9999-Q4', { params: { code: '990121001202' } }],
    ['year 0000 on the print sheet', VillagePrint, '/villages/990121001202/print?period=0000-Q1', { params: { code: '990121001202' } }],
    ['year 0000 in a download', endpoint(villageDownload), '/villages/990121001202/download?period=0000-Q2', { endpoint: true, params: { code: '990121001202' } }],
    ['year 0000 in the section API', endpoint(villageSectionApi), '/api/v1/villages/990121001202/funds?period=0000-Q2', { endpoint: true, params: { code: '990121001202', section: 'funds' } }],
    ['TAB in the language switch target', endpoint(lang), '/lang?to=en&next=/%09/evil.invalid', { endpoint: true }],
    ['CR/LF in the language switch target', endpoint(lang), '/lang?to=en&next=/%0d%0aSet-Cookie:%20x=1', { endpoint: true }],
    ['NUL in the language switch target', endpoint(lang), '/lang?to=en&next=/%00', { endpoint: true }],
    ['CR/LF in the sign-in target', SignIn, '/staff/sign-in?next=/staff%0d%0aX-Injected:%201'],
    ['plain text sent to the complaint form', Report, '/report', { method: 'POST', body: '标题=举报', headers: { 'Content-Type': 'text/plain' } }],
    ['JSON sent to the complaint form', Report, '/report', { method: 'POST', body: '{"title":"举报"}', headers: { 'Content-Type': 'application/json' } }],
    ['multipart without a boundary to the complaint form', Report, '/report', { method: 'POST', body: 'title=x', headers: { 'Content-Type': 'multipart/form-data' } }],
    ['a broken multipart body to the complaint form', Report, '/report', { method: 'POST', body: '--zzz\r\nContent-Disposition: form-data; name="title"\r\n\r\n举报', headers: { 'Content-Type': 'multipart/form-data; boundary=zzz' } }],
    ['plain text sent to the tracking form', Track, '/track', { method: 'POST', body: 'receipt=1', headers: { 'Content-Type': 'text/plain' } }],
    ['a broken multipart body to the tracking form', Track, '/track', { method: 'POST', body: '--b\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }],
    ['JSON sent to the sign-in form', SignIn, '/staff/sign-in', { method: 'POST', body: '{"username":"x"}', headers: { 'Content-Type': 'application/json' } }],
    ['broken JSON sent to the complaints API', endpoint(complaintsApi), '/api/v1/complaints', { endpoint: true, method: 'POST', body: '{"title":', headers: { 'Content-Type': 'application/json' } }],
    ['NUL in complaint text', Report, '/report', { method: 'POST', body: complaint({ title: '机动地\u0000发包不公开', content: '今年三月村北机动地重新发包，\u0000没有张贴公告也没有开会，直接包给了亲戚。' }) }],
    ['NUL in the subject name', Report, '/report', { method: 'POST', body: complaint({ subjectName: '王\u0000某' }) }],
    ['a zero-width-only title', Report, '/report', { method: 'POST', body: complaint({ title: '\u200b\u200b\u200b\u200b\u200b\u200b' }) }],
    ['zero-width padding in place of the content', Report, '/report', { method: 'POST', body: complaint({ content: `${'\u200b\u2060\ufeff'.repeat(10)}有问题` }) }],
    ['year 0000 as the date it happened', Report, '/report', { method: 'POST', body: complaint({ occurredOn: '0000-01-01' }) }],
    ['a far-future date it happened', Report, '/report', { method: 'POST', body: complaint({ occurredOn: '9999-12-31' }) }],
    ['a six-digit year as the date it happened', Report, '/report', { method: 'POST', body: complaint({ occurredOn: '+275760-09-13' }) }],
    ['NUL in the subsidy lookup', LivelihoodLookup, '/livelihood/lookup', { method: 'POST', body: new URLSearchParams({ idNumber: '4311211956\u00000312024', name: '王\u0000秀兰' }) }],
    ['a broken multipart body to the subsidy lookup', LivelihoodLookup, '/livelihood/lookup', { method: 'POST', body: '--b\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }],
    ['NUL in tracking material', Track, '/track', { method: 'POST', body: new URLSearchParams({ receipt: '1234567890123456', action: 'material', material: '补充\u0000材料' }) }],
  ];

  it.each(CASES)('%s: a 4xx or a page, never a 5xx, and a message in Chinese', async (_label, page, url, init) => {
    const { status, html, headers } = await send(page, url, init);
    expect(status, html.slice(0, 300)).toBeLessThan(500);
    const location = headers.get('Location');
    if (location) {
      // Redirects stay on this site: a plain path, no control characters, no `//host`.
      expect(location).toMatch(/^\/(?![/\\])/);
      expect(location).not.toMatch(/[\u0000-\u001f\u007f\\]/);
    } else {
      expect(html).toMatch(CJK);
    }
  });

  it('a NUL or other control character in the address is a 400 page that explains it and offers the address without it', async () => {
    const { status, html } = await send(Search, '/search?q=%E4%BD%8E%00%E4%BF%9D');
    expect(status).toBe(400);
    expect(html).toContain('控制字符');
    expect(html).toContain('href="/search?q=%E4%BD%8E%E4%BF%9D"');
    expect((await send(endpoint(lang), '/lang?to=en&next=/%09/evil.invalid', { endpoint: true })).status).toBe(400);
  });

  it('the 400 page is in English on English pages, and the API answers JSON', async () => {
    const english = await send(Search, '/search?q=%00', { headers: { Cookie: 'lang=en' } });
    expect(english.status).toBe(400);
    expect(english.html).toContain('control characters');
    const api = await send(endpoint(villagesApi), '/api/v1/villages?q=%00', { endpoint: true });
    expect(api.status).toBe(400);
    expect(api.headers.get('Content-Type')).toContain('application/json');
    expect(JSON.parse(api.html).error.message).toMatch(CJK);
  });

  it('broken percent-encoding is a 400 that says so', async () => {
    const { status, html } = await send(Search, '/search?q=%E4%BD');
    expect(status).toBe(400);
    expect(html).toContain('编码');
  });

  it('a body that is not a form is a 415 (415 for the wrong type, 400 for a broken multipart body)', async () => {
    expect((await send(Report, '/report', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(415);
    const broken = await send(Report, '/report', { method: 'POST', body: '--zzz\r\n', headers: { 'Content-Type': 'multipart/form-data; boundary=zzz' } });
    expect(broken.status).toBe(400);
    expect(broken.html).toContain('表单');
  });

  it('complaint text with invisible or control characters is refused with the text kept', async () => {
    const zeroWidth = await send(Report, '/report', { method: 'POST', body: complaint({ title: '\u200b\u200b\u200b\u200b\u200b\u200b' }) });
    expect(zeroWidth.status).toBe(400);
    expect(zeroWidth.html).toContain('标题至少4个字');
    expect(zeroWidth.html).toContain('今年三月村北四十多亩机动地重新发包');
    const nul = await send(Report, '/report', { method: 'POST', body: complaint({ content: '今年三月村北机动地重新发包，\u0000没有张贴公告也没有开会，直接包给了亲戚。' }) });
    expect(nul.status).toBe(400);
    expect(nul.html).toContain('控制字符');
    expect(nul.html).toContain('村北机动地发包没有公开招标');
  });

  it('a form read through readForm never passes a control character on (tracking material with NUL)', async () => {
    const filed = await fileComplaint(test.db, {
      category: 'assets',
      areaCode: '990121001202',
      title: '后营村门面房出租不透明',
      content: '村委会东侧门面房去年换了租户，没有公开竞价，租金也没在村务公开栏里公布。',
      anonymous: true,
    });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    const body = new URLSearchParams({ receipt: filed.value.receipt, action: 'material', material: '补充：租赁合同复印件\u0000已交村监委会' });
    const { status } = await send(Track, '/track', { method: 'POST', body });
    expect(status).toBeLessThan(500);
    const [event] = await queryRows<{ text: string }>(test.db, sql`select text from complaint_events where kind = 'material' and text like '补充：租赁合同复印件%'`);
    expect(event?.text).toBe('补充：租赁合同复印件已交村监委会');
  });

  it('dates outside sensible years are refused with a message', async () => {
    for (const occurredOn of ['0000-01-01', '9999-12-31']) {
      const { status, html } = await send(Report, '/report', { method: 'POST', body: complaint({ occurredOn }) });
      expect(status, occurredOn).toBe(400);
      expect(html).toMatch(/日期/);
    }
  });

  it('sign-in with the right password and a hostile target goes to the staff home, not a 500 or elsewhere', async () => {
    const [cadre] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
    await test.db.update(users).set({ mustChangePassword: false }).where(eq(users.id, cadre!.id));
    for (const next of ['/staff\r\nSet-Cookie: x=1', '/staff\u0000', '/\t/evil.invalid', '/\\evil.invalid', 'https://evil.invalid/staff']) {
      const body = new URLSearchParams({ username: 'qianying.kj', password: 'yidiantong-baozhang-2026', next });
      const { status, headers } = await send(SignIn, '/staff/sign-in', { method: 'POST', body });
      expect(status, JSON.stringify(next)).toBe(303);
      expect(headers.get('Location')).toBe('/staff');
    }
  });

  it('the language switch encodes a same-site target with Chinese in it', async () => {
    const { status, headers } = await send(endpoint(lang), `/lang?to=en&next=${encodeURIComponent('/search?q=低保')}`, { endpoint: true });
    expect(status).toBe(303);
    expect(headers.get('Location')).toBe('/search?q=%E4%BD%8E%E4%BF%9D');
  });

  it("a download keeps its own sandbox policy instead of the site's (production headers)", async () => {
    const [cadre] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
    await test.db.update(users).set({ mustChangePassword: false }).where(eq(users.id, cadre!.id));
    const opened = await openDraft(test.db, null, '990121001201', '2024-Q3');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const added = await addFundEntry(test.db, null, { disclosureId: opened.value.id, entry: { entryDate: '2024-08-05', direction: 'income', amountFen: 80_000, subject: '其他收入', summary: '银行存款利息', counterparty: '桑河农商银行', voucherNo: '记-2024Q3-001', method: 'transfer' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    const scan = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#eee' } }).png().toBuffer();
    const voucher = await addVoucher(test.db, cadre!, opened.value.id, 1, new Uint8Array(scan));
    if (!voucher.ok) throw new Error(JSON.stringify(voucher.errors));
    const token = generateSessionToken();
    await createSession(test.db, token, cadre!.id);
    vi.stubEnv('PROD', true);
    try {
      const download = await send(endpoint(voucherDownload), `/staff/ledgers/${opened.value.id}/vouchers/${voucher.value.id}`, {
        endpoint: true,
        params: { id: String(opened.value.id), attachment: voucher.value.id },
        headers: { Cookie: `${sessionCookieName()}=${token}` },
      });
      expect(download.status).toBe(200);
      expect(download.headers.get('Content-Disposition')).toMatch(/^attachment;/);
      expect(download.headers.get('Content-Security-Policy')).toBe("default-src 'none'; sandbox");
      expect(download.headers.get('X-Content-Type-Options')).toBe('nosniff');
      // A page without its own policy still gets the site's.
      const page = await send(Counties, '/counties');
      expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
