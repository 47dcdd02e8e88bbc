import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDatabaseForTests } from '../../lib/server/db.ts';
import { createTestDatabase, type TestDatabase } from '../../lib/server/testing/test-db.ts';
import { translator, type Lang } from '../../i18n/index.ts';
import { fileComplaint } from '../../lib/server/complaints/filing.ts';
import NotFound from '../404.astro';
import Page from './[code].astro';
import * as api from '../api/v1/statistics/[code].ts';

let test: TestDatabase;
let container: AstroContainer;
beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  for (let i = 0; i < 6; i++) await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', title: `测试问题第${i}件`, content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。', anonymous: true }, { today: '2026-03-02' });
  await fileComplaint(test.db, { category: 'conduct', areaCode: '990121002201', title: `测试问题第x件`, content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。', anonymous: true }, { today: '2026-04-02' });
});
afterAll(async () => test?.dispose());
async function render(url: string, code: string, lang: Lang = 'zh-CN') {
  const r = await container.renderToResponse(Page, { request: new Request(`http://localhost${url}`), params: { code }, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: r.status, html: await r.text(), headers: r.headers };
}
it('renders', async () => {
  const c = await render('/statistics/990121000000', '990121000000');
  console.log(c.status, c.headers.get('cache-control'));
  console.log(c.html.slice(c.html.indexOf('<main')));
  const city = await render('/statistics/990100000000', '990100000000', 'en');
  console.log(city.status, city.html.slice(city.html.indexOf('<main'), city.html.indexOf('<main') + 3000));
  for (const code of ['990121001201', '990121001000', 'x', '990000000000']) expect((await render(`/statistics/${code}`, code)).status).toBe(404);
  const res = await container.renderToResponse(api as never, { request: new Request('http://localhost/api/v1/statistics/990121000000'), params: { code: '990121000000' } });
  console.log(res.status, res.headers.get('cache-control'), await res.text());
  const res404 = await container.renderToResponse(api as never, { request: new Request('http://localhost/api/v1/statistics/990121001201'), params: { code: '990121001201' } });
  console.log(res404.status, await res404.text());
});
