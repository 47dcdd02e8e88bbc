/** A catalog item page says its coded values (category, risk levels) in the page's language. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../../tests/support/pages.ts';
import CatalogItem from './[code].astro';

let pages: PageTester;
beforeAll(async () => {
  pages = await createPageTester();
});
afterAll(async () => pages?.test.dispose());

const riskLevels = (html: string) => [...html.matchAll(/<span class="risk-level risk-(\w+)">([^<]+)<\/span>/g)].map((match) => `${match[1]}:${match[2]}`);

describe('the catalog item page in both languages', () => {
  it('Chinese: category and risk levels as authored', async () => {
    const { status, html } = await pages.render(CatalogItem, '/catalog/SP-01', { code: 'SP-01' }, 'zh-CN');
    expect(status).toBe(200);
    expect(html).toContain('行政审批');
    const levels = riskLevels(html);
    expect(levels.length).toBeGreaterThan(0);
    for (const level of levels) expect(level).toMatch(/^(high:高|medium:中|low:低)$/);
  });

  it('English: the same in English, with the same styles', async () => {
    const { html } = await pages.render(CatalogItem, '/catalog/SP-01', { code: 'SP-01' }, 'en');
    expect(html).toContain('Administrative approval');
    const levels = riskLevels(html);
    expect(levels.length).toBeGreaterThan(0);
    for (const level of levels) expect(level).toMatch(/^(high:High|medium:Medium|low:Low)$/);
  });
});
