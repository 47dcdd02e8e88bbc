import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { launchBrowser } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe('a citizen on a phone', () => {
  it('goes home → county → item and sees the flowchart', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(baseUrl + '/');
    expect((await page.locator('h1').textContent())?.trim()).toBe('小微权力，一点就通');
    await page.getByRole('link', { name: /桑河县/ }).click();
    await page.waitForURL(/\/counties\/990121000000$/);
    expect(await page.locator('h1').textContent()).toContain('桑河县小微权力清单');

    await page.locator('a[href="/counties/990121000000/items/FW-01"]').click();
    await page.waitForURL(/items\/FW-01$/);
    const flowchart = page.locator('.flowchart');
    await flowchart.scrollIntoViewIfNeeded();
    expect(await flowchart.isVisible()).toBe(true);
    expect(await page.locator('.flow-step').count()).toBeGreaterThanOrEqual(3);
    const box = await flowchart.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(360);
    // Nothing overflows the phone's width.
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('searches as they type where JavaScript runs', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl + '/');
    await page.locator('#q').fill('宅基地');
    await page.locator('#search-results .result-list').waitFor({ timeout: 10_000 });
    expect(await page.locator('#search-results').textContent()).toContain('宅基地审批');
    expect(page.url()).toBe(baseUrl + '/');
    await page.close();
  });

  it('searches with a plain form where JavaScript does not run', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(baseUrl + '/');
    await page.locator('#q').fill('低保');
    await page.locator('form[role="search"] button[type="submit"]').click();
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator('.result-list').textContent()).toMatch(/最低生活保障|低保/);
    await context.close();
  });

  it('switches the interface to English and back', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl + '/catalog');
    await Promise.all([page.waitForEvent('load'), page.locator('.lang-switch').click()]);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Provincial catalog of micro-power items');
    await Promise.all([page.waitForEvent('load'), page.locator('.lang-switch').click()]);
    expect((await page.locator('h1').textContent())?.trim()).toBe('省级小微权力事项目录');
    await page.close();
  });

  it('prints an item page on A4 with the flowchart as a single column', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl + '/catalog/SP-01');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-nav').isVisible()).toBe(false);
    expect(await page.locator('.flowchart').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.close();
  });

  it('answers unknown pages with a helpful 404', async () => {
    const page = await browser.newPage();
    const response = await page.goto(baseUrl + '/counties/990121000000/items/ZF-99');
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('页面没有找到');
    await page.close();
  });
});
