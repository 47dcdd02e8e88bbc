/**
 * Collaboration zones in the browser (issue 13 §4): the county schedules a cross-check and is
 * refused, with the 回避 message and what it typed kept, when 第一片区 would inspect 东岭乡 (one of its
 * own townships); scheduled for 白杨乡 instead, a member of 第一片区 records the finding. The county
 * sets base targets and the assessment table's totals row is the sum of its rows; at 360 px the
 * pages do not scroll sideways.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

async function staff(username: string, password: string, width = 1024): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
  await page.goto(baseUrl + '/staff/sign-in');
  await page.fill('#field-username', username);
  await page.fill('#field-password', password);
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/staff/sign-in"] button[type="submit"]')]);
  return page;
}

async function submit(page: Page, form: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`${form} button[type="submit"]`)]);
}

const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('cross-checks (地地交叉检查)', () => {
  it('are refused for the zone’s own township, then scheduled for another and answered by a member', async () => {
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    await county.goto(baseUrl + '/staff/zones/cross-checks');
    const schedule = 'form:has(input[name="action"][value="schedule"])';
    await county.selectOption('#field-inspector', { label: '第一片区（片区）' });
    await county.selectOption('#field-inspectedTownshipCode', { label: '东岭乡' });
    await county.fill('#field-subject', '交叉检查东岭乡各村第三季度三资公开');
    await county.fill('#field-dueOn', '2099-12-31');
    await submit(county, schedule);
    const summary = await county.locator('.error-summary').textContent();
    expect(summary).toContain('回避：检查方不能检查本片区的乡镇');
    expect(await county.inputValue('#field-subject')).toBe('交叉检查东岭乡各村第三季度三资公开');
    expect(await county.locator('.error-summary a').first().getAttribute('href')).toBe('#field-inspectedTownshipCode');
    await county.selectOption('#field-inspectedTownshipCode', { label: '白杨乡' });
    await county.fill('#field-subject', '交叉检查白杨乡各村第三季度三资公开');
    await submit(county, schedule);
    expect(await county.locator('[role="status"]').textContent()).toContain('交叉检查已安排');
    expect(await county.locator('main').textContent()).toContain('第一片区检查白杨乡');

    const member = await staff('sanghezhen.jw', 'yidiantong-zhenjiwei-2026', 360);
    await member.goto(baseUrl + '/staff/zones/cross-checks');
    expect(await noSideScroll(member)).toBe(true);
    const item = member.locator('li', { hasText: '第一片区检查白杨乡' }).first();
    await item.locator('summary').click();
    await item.locator('textarea[name="body"]').fill('白杨村第三季度公开缺少工程款明细');
    await Promise.all([member.waitForEvent('load'), item.locator('button[type="submit"]').click()]);
    expect(await member.locator('[role="status"]').textContent()).toContain('检查发现已记录');
    await Promise.all([county.context().close(), member.context().close()]);
  });
});

describe('assessment per zone (考核到片)', () => {
  it('adds up: the totals row is the sum of the zones’ rows, on screen and in print', async () => {
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    const year = new Date().getFullYear();
    await county.goto(`${baseUrl}/staff/zones/assessment?period=${year}`);
    const targets = county.locator('section[aria-labelledby="h-targets"]');
    const inputs = targets.locator('input[name^="tasks-"]');
    for (let i = 0; i < (await inputs.count()); i++) await inputs.nth(i).fill(String(i + 2));
    await submit(county, 'section[aria-labelledby="h-targets"] form');
    expect(await county.locator('[role="status"]').textContent()).toContain('已保存');
    const read = () =>
      county.evaluate(() => {
        const numbers = (row: Element) => [...row.querySelectorAll('td.num')].map((cell) => Number(cell.textContent));
        return { rows: [...document.querySelectorAll('table.assessment tbody tr')].map(numbers), total: numbers(document.querySelector('table.assessment tfoot tr')!) };
      });
    const { rows, total } = await read();
    expect(rows.length).toBe(2);
    expect(rows.map((row) => row[0])).toEqual([2, 3]);
    total.forEach((value, column) => expect(value).toBeCloseTo(rows.reduce((sum, row) => sum + row[column]!, 0), 2));
    await county.emulateMedia({ media: 'print' });
    expect(await county.locator('section[aria-labelledby="h-targets"]').isVisible()).toBe(false);
    expect(await county.locator('table.assessment').isVisible()).toBe(true);
    const pdf = await county.pdf({ format: 'A4', landscape: true });
    expect(pdf.byteLength).toBeGreaterThan(1000);
    await county.setViewportSize({ width: 360, height: 800 });
    await county.emulateMedia({ media: 'screen' });
    expect(await noSideScroll(county)).toBe(true);
    await county.context().close();
  });
});
