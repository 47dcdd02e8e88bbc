/**
 * Text size and targets (issue 16 item 1, WCAG 1.4.4, 1.4.10, 2.5.8):
 * - text enlarged to 200 % at 1280 px (the root font size doubled, as a reader's browser setting
 *   does: the site sizes everything in rem from the reader's default) leaves no page wider than the
 *   screen and no text cut off by a box too small for it;
 * - the large-text mode (长辈版) in the site header: a link that works without JavaScript, makes text
 *   and targets larger, persists across pages (also ones the front cache holds in standard size), in
 *   both languages, and is switched off the same way;
 * - on a 360 px phone every control outside running text is at least 24 × 24 CSS px, or has 24 px of
 *   room around it (2.5.8's spacing exception).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { browserForThisFile, staffPage } from './browser.ts';

const baseUrl = inject('baseUrl');
const browser = browserForThisFile();

const SANGHE = '990121000000';
const HOUYING = '990121001202';

const PUBLIC_PAGES = [
  '/',
  '/counties',
  `/counties/${SANGHE}`,
  `/counties/${SANGHE}/items/FW-01`,
  '/catalog',
  '/search?q=' + encodeURIComponent('低保'),
  `/villages?county=${SANGHE}`,
  `/villages/${HOUYING}`,
  `/villages/${HOUYING}/print`,
  `/villages/${HOUYING}/verify`,
  '/ledgers/head',
  `/statistics/${SANGHE}`,
  `/statistics/${SANGHE}/livelihood`,
  '/livelihood/lookup',
  `/report?village=${HOUYING}`,
  '/track',
  '/staff/sign-in',
];
const STAFF_PAGES = ['/staff', '/staff/ledgers', '/staff/ledgers/villages', '/staff/complaints', '/staff/users', '/staff/audit', '/staff/livelihood/hits', '/staff/zones'];

/** Elements whose text does not fit their box and is cut off (overflow hidden or clip), except what is meant so. */
function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('body *')) {
      if (element.closest('.visually-hidden, .honeypot, svg, [hidden]')) continue;
      const style = getComputedStyle(element);
      // A clamped search snippet is cut on purpose: it is a preview of the item page.
      if (style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '') continue;
      const clipsX = style.overflowX === 'hidden' || style.overflowX === 'clip';
      const clipsY = style.overflowY === 'hidden' || style.overflowY === 'clip';
      if (!clipsX && !clipsY) continue;
      if (!element.textContent?.trim()) continue;
      if ((clipsX && element.scrollWidth > element.clientWidth + 1) || (clipsY && element.scrollHeight > element.clientHeight + 1)) {
        found.push(`${element.tagName.toLowerCase()}.${String(element.className).split(' ')[0]} «${element.textContent.trim().slice(0, 30)}»`);
      }
    }
    return found;
  });
}

async function overflowAt(page: Page, path: string): Promise<string[]> {
  await page.goto(baseUrl + path);
  // The reader's default text size doubled: 212.5 % is twice the site's own 106.25 %.
  await page.addStyleTag({ content: 'html { font-size: 212.5% !important; }' });
  const problems: string[] = [];
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  if (width.scroll > width.inner + 1) problems.push(`${path}: ${width.scroll} px wide in a ${width.inner} px window`);
  for (const clipped of await clippedText(page)) problems.push(`${path}: cut off ${clipped}`);
  return problems;
}

describe('text at 200 %', () => {
  it('reflows every main page type at 1280 px without sideways scrolling or cut-off text', async () => {
    // bypassCSP: the doubled size is injected as a style element, which the site's policy refuses.
    const page = await (await browser().newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    const problems: string[] = [];
    for (const path of PUBLIC_PAGES) problems.push(...(await overflowAt(page, path)));
    await page.context().close();
    const staff = await staffPage(browser(), baseUrl, 'sanghe.jw', 'yidiantong-jiwei-2026');
    const staffContext = await browser().newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, storageState: await staff.context().storageState() });
    const signedIn = await staffContext.newPage();
    for (const path of STAFF_PAGES) problems.push(...(await overflowAt(signedIn, path)));
    expect(problems).toEqual([]);
    await Promise.all([staffContext.close(), staff.context().close()]);
  }, 180_000);
});

const rootFontSize = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

describe('the large-text mode (长辈版)', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`is switched on and off from the header ${javaScriptEnabled ? 'with' : 'without'} JavaScript, and holds across pages`, async () => {
      const context = await browser().newContext({ javaScriptEnabled, viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      // Two pages in standard size first, so the front cache holds them that way.
      await page.goto(`${baseUrl}/counties/${SANGHE}`);
      await page.goto(`${baseUrl}/report?village=${HOUYING}`);
      const standardButton = (await page.locator('form.report-form button[type="submit"]').boundingBox())!.height;
      await page.goto(`${baseUrl}/villages/${HOUYING}`);
      expect(await rootFontSize(page)).toBe(17);
      const toggle = page.locator('.site-header .text-size-switch');
      expect((await toggle.textContent())!.trim()).toBe('长辈版');
      await Promise.all([page.waitForEvent('load'), toggle.click()]);
      expect(new URL(page.url()).pathname).toBe(`/villages/${HOUYING}`);
      expect(await page.locator('html').getAttribute('class')).toBe('large-text');
      expect(await rootFontSize(page)).toBe(21);
      expect((await toggle.textContent())!.trim()).toBe('标准版');
      // Another page, one the front cache has in standard size: large too, and nothing off the phone's screen.
      await page.goto(`${baseUrl}/counties/${SANGHE}`);
      expect(await rootFontSize(page)).toBe(21);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.goto(`${baseUrl}/report?village=${HOUYING}`);
      expect(await rootFontSize(page)).toBe(21);
      const largeButton = (await page.locator('form.report-form button[type="submit"]').boundingBox())!.height;
      expect(largeButton).toBeGreaterThanOrEqual(56);
      expect(largeButton).toBeGreaterThan(standardButton);
      // In English it says so in English; the staff area has it too.
      await context.addCookies([{ name: 'lang', value: 'en', url: baseUrl }]);
      await page.goto(`${baseUrl}/catalog`);
      expect((await toggle.textContent())!.trim()).toBe('Standard text');
      await page.goto(`${baseUrl}/staff/sign-in`);
      expect(await rootFontSize(page)).toBe(21);
      await Promise.all([page.waitForEvent('load'), page.locator('.site-header .text-size-switch').click()]);
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
      expect(await rootFontSize(page)).toBe(17);
      expect((await page.locator('.site-header .text-size-switch').textContent())!.trim()).toBe('Large text');
      await page.goto(`${baseUrl}/villages/${HOUYING}`);
      expect(await rootFontSize(page)).toBe(17);
      expect(await page.locator('html').getAttribute('class')).toBeNull();
      await context.close();
    });
  }
});

interface SmallTarget {
  page: string;
  element: string;
  width: number;
  height: number;
}

/** Controls under 24 × 24 px that are neither inline in running text nor spaced 24 px from other targets. */
function smallTargets(page: Page, name: string): Promise<SmallTarget[]> {
  return page.evaluate((pageName) => {
    const candidates = [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]')].filter((element) => {
      if (element.closest('.visually-hidden, .honeypot, [hidden], .skip-link')) return false;
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    });
    // A control inside its label is hit through the label too: the label is the target.
    const targetBox = (element: HTMLElement) => (element.closest('label') ?? element).getBoundingClientRect();
    const boxes = candidates.map(targetBox);
    /** A link in a sentence: inline, with text of its own block around it (2.5.8's inline exception). */
    const inRunningText = (element: HTMLElement) => {
      if (element.tagName !== 'A' || getComputedStyle(element).display !== 'inline') return false;
      let block = element.parentElement;
      while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
      return !!block && (block.textContent ?? '').trim().length > (element.textContent ?? '').trim().length;
    };
    const found: SmallTarget[] = [];
    candidates.forEach((element, index) => {
      const box = boxes[index]!;
      if (box.width >= 24 && box.height >= 24) return;
      if (inRunningText(element)) return;
      // Spacing exception: a 24 px circle on the target's centre touches no other target.
      const cx = box.left + box.width / 2;
      const cy = box.top + box.height / 2;
      const crowded = boxes.some((other, j) => {
        if (j === index || candidates[j]!.contains(element) || element.contains(candidates[j]!)) return false;
        const nx = Math.max(other.left, Math.min(cx, other.right));
        const ny = Math.max(other.top, Math.min(cy, other.bottom));
        return Math.hypot(nx - cx, ny - cy) < 12;
      });
      if (!crowded) return;
      found.push({ page: pageName, element: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${String(element.className).split(' ')[0]} «${(element.textContent ?? '').trim().slice(0, 20)}»`, width: Math.round(box.width), height: Math.round(box.height) });
    });
    return found;
  }, name);
}

describe('target size at 360 px (WCAG 2.5.8)', () => {
  it('has no control smaller than 24 × 24 px outside running text, in Chinese and English', async () => {
    const found: SmallTarget[] = [];
    const citizen = await (await browser().newContext({ viewport: { width: 360, height: 740 } })).newPage();
    const staff = await staffPage(browser(), baseUrl, 'sanghe.jw', 'yidiantong-jiwei-2026');
    await staff.setViewportSize({ width: 360, height: 740 });
    for (const lang of ['zh-CN', 'en']) {
      await citizen.context().addCookies([{ name: 'lang', value: lang, url: baseUrl }]);
      await staff.context().addCookies([{ name: 'lang', value: lang, url: baseUrl }]);
      for (const path of PUBLIC_PAGES) {
        await citizen.goto(baseUrl + path);
        found.push(...(await smallTargets(citizen, `${lang} ${path}`)));
      }
      for (const path of STAFF_PAGES) {
        await staff.goto(baseUrl + path);
        found.push(...(await smallTargets(staff, `${lang} ${path}`)));
      }
    }
    expect(found.map((target) => `${target.page}: ${target.element} ${target.width}×${target.height}`)).toEqual([]);
    await Promise.all([citizen.context().close(), staff.context().close()]);
  }, 180_000);
});
