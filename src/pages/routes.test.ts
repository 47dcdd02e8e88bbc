/**
 * Page and endpoint routes rendered through Astro's container API against a test database:
 * every public route answers 200 with its content for real data and 404 for unknown codes.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabaseForTests } from '../lib/server/db.ts';
import { createTestDatabase, type TestDatabase } from '../lib/server/testing/test-db.ts';
import { translator, type Lang } from '../i18n/index.ts';
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
import Overdue from './counties/[code]/overdue.astro';
import Head from './ledgers/head.astro';
import * as villageDownload from './villages/[code]/download.ts';
import * as villagesApi from './api/v1/villages/index.ts';
import * as villageApi from './api/v1/villages/[code]/index.ts';
import * as villageDisclosuresApi from './api/v1/villages/[code]/disclosures.ts';
import * as villageSectionApi from './api/v1/villages/[code]/[section].ts';

const DEMO_COUNTIES = ['990121000000', '990122000000', '990123000000'];

let test: TestDatabase;
let container: AstroContainer;

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
});
afterAll(async () => test?.dispose());

async function render(page: Parameters<AstroContainer['renderToResponse']>[0], url: string, params: Record<string, string> = {}, language: Lang = 'zh-CN') {
  const response = await container.renderToResponse(page, {
    request: new Request(`http://localhost${url}`),
    params,
    partial: false,
    locals: { lang: language, t: translator(language), user: null, sessionId: null },
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

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
    expect((await render(Overdue, '/counties/990121000000/overdue', { code: '990121000000' })).status).toBe(200);
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
