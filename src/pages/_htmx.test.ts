/**
 * htmx (37 KB) is loaded exactly by the public pages that use it (the search-as-you-type form):
 * a page with `data-hx-` attributes has the script, a page without them does not pay for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../tests/support/pages.ts';
import Home from './index.astro';
import Catalog from './catalog/index.astro';
import CatalogItem from './catalog/[code].astro';
import County from './counties/[code]/index.astro';
import Search from './search.astro';
import Villages from './villages/index.astro';
import Village from './villages/[code]/index.astro';

let pages: PageTester;
beforeAll(async () => {
  pages = await createPageTester();
});
afterAll(async () => pages?.test.dispose());

describe('htmx only where it is used', () => {
  it.each([
    ['/', Home, {}],
    ['/search?q=低保', Search, {}],
    ['/counties/990121000000', County, { code: '990121000000' }],
    ['/catalog', Catalog, {}],
    ['/catalog/SP-01', CatalogItem, { code: 'SP-01' }],
    ['/villages', Villages, {}],
    ['/villages/990121001201', Village, { code: '990121001201' }],
  ] as const)('%s', async (url, page, params) => {
    const { status, html } = await pages.render(page, url, params);
    expect(status).toBe(200);
    const usesHtmx = html.includes('data-hx-');
    expect(html.includes('/vendor/htmx.min.js'), `${url} uses htmx: ${usesHtmx}`).toBe(usesHtmx);
  });

  it('the pages with the search form do use it', async () => {
    const { html } = await pages.render(Home, '/');
    expect(html).toContain('data-hx-get="/partials/search"');
  });
});
