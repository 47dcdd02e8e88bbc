/**
 * Search as citizens read it (issue 12 item 9): results grouped into items, counties and villages;
 * a county named in the query, or a county page's own box, gives that county's versions of the
 * items (its limit and phone), linked to the county's item pages; the catalog item page links to
 * the counties that list it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../tests/support/pages.ts';
import Search from './search.astro';
import SearchPartial from './partials/search.astro';
import County from './counties/[code]/index.astro';
import CatalogItem from './catalog/[code].astro';

const SANGHE = '990121000000';
let pages: PageTester;
beforeAll(async () => {
  pages = await createPageTester();
});
afterAll(async () => pages?.test.dispose());

const section = (html: string, id: string) => html.match(new RegExp(`<section id="${id}"[\\s\\S]*?</section>`))?.[0] ?? '';

describe('the search page', () => {
  it('groups what it finds: items, counties, villages, with a link to each group', async () => {
    const { html } = await pages.render(Search, `/search?q=${encodeURIComponent('营村')}`);
    expect(section(html, 'results-villages')).toContain('href="/villages/990121001201"');
    expect(html).toContain('<h3 id="h-results-villages">村');
    const both = await pages.render(Search, `/search?q=${encodeURIComponent('桑河')}`);
    expect(section(both.html, 'results-counties')).toContain(`href="/counties/${SANGHE}"`);
  });

  it('“桑河县 低保” lists 桑河县’s versions, linked to the county, with its limit and phone', async () => {
    const { status, html } = await pages.render(Search, `/search?q=${encodeURIComponent('桑河县 低保')}`);
    expect(status).toBe(200);
    const items = section(html, 'results-items');
    expect(items).toContain('桑河县清单中的事项');
    expect(items).toContain(`href="/counties/${SANGHE}/items/FW-01"`);
    expect(items).not.toContain('href="/catalog/');
    expect(items).toContain('16个工作日');
    expect(items).toContain('0399-6210345');
    expect(html).toContain(`href="/search?q=${encodeURIComponent('低保')}"`);
  });

  it('says the same in English', async () => {
    const { html } = await pages.render(Search, `/search?q=${encodeURIComponent('桑河县 低保')}`, {}, 'en');
    expect(section(html, 'results-items')).toContain('Items in 桑河县’s list');
    expect(section(html, 'results-items')).toContain('16 working days');
  });

  it('keeps a county page’s search within the county, in the page and the live fragment', async () => {
    const url = `/search?county=${SANGHE}&q=${encodeURIComponent('光伏')}`;
    const { html } = await pages.render(Search, url);
    expect(html).toContain(`<input type="hidden" name="county" value="${SANGHE}">`);
    expect(section(html, 'results-items')).toContain(`href="/counties/${SANGHE}/items/DF-01"`);
    const fragment = await pages.render(SearchPartial, `/partials/search?county=${SANGHE}&q=${encodeURIComponent('低保')}`);
    expect(section(fragment.html, 'results-items')).toContain(`href="/counties/${SANGHE}/items/FW-01"`);
  });
});

describe('links between the catalog and the counties', () => {
  it('each county list has its own search box', async () => {
    const { html } = await pages.render(County, `/counties/${SANGHE}`, { code: SANGHE });
    expect(html).toContain('在桑河县清单中搜索');
    expect(html).toContain(`<input type="hidden" name="county" value="${SANGHE}">`);
    expect(html).toContain('data-hx-include="closest form"');
  });

  it('the catalog item page links to the county versions that adopt it', async () => {
    const { html } = await pages.render(CatalogItem, '/catalog/FW-01', { code: 'FW-01' });
    const adopted = html.match(/<section class="adopted-by"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(adopted).toContain(`href="/counties/${SANGHE}/items/FW-01"`);
    expect(adopted).toContain('href="/counties/990122000000/items/FW-01"');
    expect(adopted).toContain('16个工作日 · 0399-6210345');
  });
});
