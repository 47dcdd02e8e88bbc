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
    expect(html).toContain('即将上线');
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
