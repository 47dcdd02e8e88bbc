/**
 * The complaint form sent back with problems, in a real browser with JavaScript off and on: the
 * citizen stays on the form with everything typed, is told to choose the photo again, and every
 * link of the error summary lands on a field of the page.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { browserForThisFile } from './browser.ts';

const baseUrl = inject('baseUrl');
const HOUYING = '990121001202';
const browser = browserForThisFile();

const typed = {
  title: '村集体鱼塘承包费去向不明',
  content: '后营村南边的集体鱼塘去年重新发包，承包费每年六千元，但村务公开栏里一直没有这笔收入，请核实钱去了哪里。',
  subjectName: '周会计',
};

async function photo(): Promise<Buffer> {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: '#7d9a6b' } }).jpeg().toBuffer();
}

/** Fills everything except the place, with a photo, and sends the form. */
async function sendWithoutPlace(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/report?village=${HOUYING}`);
  await page.selectOption('#field-category', 'assets');
  await page.selectOption('#field-subjectLevel', 'village_cadre');
  await page.selectOption('#field-areaCode', '');
  await page.fill('#field-subjectName', typed.subjectName);
  await page.fill('#field-title', typed.title);
  await page.fill('#field-content', typed.content);
  await page.setInputFiles('#field-attachments', { name: 'IMG_5120.jpg', mimeType: 'image/jpeg', buffer: await photo() });
  await Promise.all([page.waitForEvent('load'), page.click('form.report-form button[type="submit"]')]);
}

/** What the re-rendered page must show whatever the browser: the form, the input, a working summary. */
async function expectKeptWithWorkingSummary(page: Page): Promise<void> {
  expect(await page.locator('select[name="county"]').count()).toBe(0); // not back at the county picker
  expect(await page.locator('#field-category').inputValue()).toBe('assets');
  expect(await page.locator('#field-subjectName').inputValue()).toBe(typed.subjectName);
  expect(await page.locator('#field-title').inputValue()).toBe(typed.title);
  expect(await page.locator('#field-content').inputValue()).toBe(typed.content);
  const summary = page.locator('.error-summary');
  expect(await summary.textContent()).toContain('请选择问题发生的地方');
  expect(await summary.textContent()).toContain('重新选择');
  const targets = await summary.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).hash.slice(1)));
  expect(targets).toEqual(expect.arrayContaining(['field-areaCode', 'field-attachments']));
  for (const id of targets) expect(await page.locator(`[id="${id}"]`).count(), id).toBe(1);
}

describe('a complaint sent without the place', () => {
  it('without JavaScript: comes back with everything typed and a summary whose links reach the fields', async () => {
    const page = await (await browser().newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } })).newPage();
    await sendWithoutPlace(page);
    expect(new URL(page.url()).pathname).toBe('/report');
    await expectKeptWithWorkingSummary(page);
    await page.click('.error-summary a[href="#field-areaCode"]');
    expect(new URL(page.url()).hash).toBe('#field-areaCode');
    expect(await page.locator('#field-areaCode').isVisible()).toBe(true);
    const box = await page.locator('#field-areaCode').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(800); // scrolled into view
    await page.context().close();
  });

  it('with JavaScript: focuses the summary, each link puts the cursor in its field, and the corrected form files', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await sendWithoutPlace(page);
    await expectKeptWithWorkingSummary(page);
    await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    await page.click('.error-summary a[href="#field-areaCode"]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-areaCode');
    await page.click('.error-summary a[href="#field-attachments"]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-attachments');

    await page.selectOption('#field-areaCode', HOUYING);
    await page.setInputFiles('#field-attachments', { name: 'IMG_5120.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await page.waitForFunction(() => (document.querySelector('input[name="pow"]') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 20_000 });
    await Promise.all([page.waitForEvent('load'), page.click('form.report-form button[type="submit"]')]);
    expect((await page.locator('.receipt-code strong').textContent())!.trim()).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    await page.context().close();
  });
});

describe('"query this line" on a public ledger', () => {
  it('names the period, row and voucher number the citizen saw', async () => {
    const page = await (await browser().newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${baseUrl}/villages/${HOUYING}`);
    const period = (await page.locator('.period-tabs [aria-current]').textContent())!.trim();
    const row = page.locator('section[aria-labelledby="h-funds"] tbody tr').nth(1);
    const lineNo = (await row.locator('td').nth(0).textContent())!.trim();
    const voucher = (await row.locator('td').nth(8).textContent())!.trim();
    await Promise.all([page.waitForEvent('load'), row.locator('a[href^="/report"]').click()]);
    const notice = (await page.locator('#field-fundEntryId').textContent())!;
    expect(notice).toContain(period);
    expect(notice).toContain(`第${lineNo}行`);
    expect(notice).toContain(voucher);
    expect(notice).not.toMatch(/号分录/);
    await page.context().close();
  });
});

describe('the keyboard focus', () => {
  it('shows the keyboard focus on selects and text areas, as on inputs and buttons', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await page.goto(`${baseUrl}/report?village=${HOUYING}`);
    const outlineOf = (selector: string) => page.locator(selector).evaluate((element) => getComputedStyle(element).outlineStyle + ' ' + getComputedStyle(element).outlineWidth);
    for (const selector of ['#field-category', '#field-content', '#field-title']) {
      // Reach each field by keyboard: focus the one before it, then Tab.
      await page.locator(selector).evaluate((element) => {
        const fields = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')].filter((each) => !each.hasAttribute('disabled') && each.offsetParent !== null);
        fields[fields.indexOf(element as HTMLElement) - 1]!.focus();
      });
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(selector.slice(1));
      expect(await outlineOf(selector), selector).toBe('solid 3px');
    }
    await page.context().close();
  });
});
