/**
 * Keyboard only (issue 16 item 1; WCAG 2.1.1, 2.4.7, 2.4.11, 3.3.8): a citizen files a complaint and
 * looks a village up, and the township agency signs in and approves a disclosure, with Tab, Shift+Tab,
 * Enter, Space, arrow keys and typing — no click. At every Tab stop on the way the focus is visible
 * (an outline or a ring) and not hidden behind other content (the sticky bar of the list editor
 * included). The sign-in form asks for nothing but the username and password: no puzzle, and
 * pasting and password managers work (3.3.8). What the report form keeps after a refused send
 * (3.3.7, no re-entry) is tested in report-form.e2e.ts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { browserForThisFile, staffPage } from './browser.ts';
import { villageTeam } from './village-team.ts';

const baseUrl = inject('baseUrl');
const browser = browserForThisFile();

const HOUYING = '990121001202';
const HEWAN = '990121001203';
/** 马家庄村 has no seeded ledgers: this file's own bookkeeper and committee prepare a period there. */
const MAJIAZHUANG = '990121002203';
const DONGLING_AGENCY = { username: 'dongling.jgz', password: 'yidiantong-jingguan-2026' };

interface Stop {
  element: string;
  visibleFocus: boolean;
  obscured: boolean;
}

/** What the focused element looks like: a described selector, whether its focus shows, whether something covers it. */
function describeFocus(page: Page): Promise<Stop> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { element: 'body', visibleFocus: true, obscured: false };
    const style = getComputedStyle(element);
    const visibleFocus = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
    // Not entirely hidden (2.4.11): some point of its box, inside the viewport, shows the element itself.
    const box = element.getBoundingClientRect();
    const points = [
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + 3, box.top + 3],
      [box.right - 3, box.top + 3],
      [box.left + 3, box.bottom - 3],
      [box.right - 3, box.bottom - 3],
    ];
    const shows = points.some(([x, y]) => {
      if (x! < 0 || y! < 0 || x! >= innerWidth || y! >= innerHeight) return false;
      const hit = document.elementFromPoint(x!, y!);
      return !!hit && (hit === element || element.contains(hit) || hit.contains(element) || (element.id !== '' && hit.closest('label')?.htmlFor === element.id));
    });
    const name = element.id ? `#${element.id}` : `${element.tagName.toLowerCase()}${element.getAttribute('href') ? `[href="${element.getAttribute('href')}"]` : ''}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}`;
    return { element: name, visibleFocus, obscured: !shows };
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on `selector`, checking every stop on the way. */
async function tabTo(page: Page, selector: string, stops: Stop[], options: { max?: number; back?: boolean } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 120); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    stops.push(await describeFocus(page));
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
  }
  throw new Error(`${selector} was not reached with the keyboard on ${page.url()}`);
}

/** Changes a closed <select> with the arrow keys until it shows `value`. */
async function chooseWithArrows(page: Page, value: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)) === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`option ${value} not reached with the arrow keys`);
}

async function pressAndLoad(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
}

function expectGoodStops(stops: Stop[]): void {
  expect(stops.length).toBeGreaterThan(0);
  expect(stops.filter((stop) => !stop.visibleFocus).map((stop) => stop.element), 'focus not visible').toEqual([]);
  expect(stops.filter((stop) => stop.obscured).map((stop) => stop.element), 'focus hidden behind other content').toEqual([]);
}

describe('a citizen with the keyboard only', () => {
  it('files a complaint from the village page and gets the receipt', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 740 } })).newPage();
    const stops: Stop[] = [];
    await page.goto(`${baseUrl}/villages/${HOUYING}`);
    await tabTo(page, `main a[href="/report?village=${HOUYING}"]`, stops);
    await pressAndLoad(page, 'Enter');
    expect(await page.locator('#field-areaCode').inputValue()).toBe(HOUYING);
    await tabTo(page, '#field-category', stops);
    await chooseWithArrows(page, 'assets');
    await tabTo(page, '#field-subjectLevel', stops);
    await chooseWithArrows(page, 'village_cadre');
    await tabTo(page, '#field-title', stops);
    await page.keyboard.type('村里的集体机动地被人低价租走');
    await tabTo(page, '#field-content', stops);
    await page.keyboard.type('后营村西头三十亩机动地去年被村会计的亲戚租走，每亩只交一百元，村民都不知道有这回事。');
    // Anonymous is chosen already; Space on the other radio and back shows the radios answer the keyboard.
    await tabTo(page, '#field-anonymous', stops);
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('input[name="anonymous"][value="no"]').isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#field-anonymous').isChecked()).toBe(true);
    await page.waitForFunction(() => (document.querySelector('input[name="pow"]') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 20_000 });
    await tabTo(page, 'form.report-form button[type="submit"]', stops);
    await pressAndLoad(page, 'Enter');
    expect((await page.locator('.receipt-code strong').textContent())!.trim()).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expectGoodStops(stops);
    await page.context().close();
  });

  it('looks up a village, opens an earlier period, and scrolls a wide table with the arrow keys', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 740 } })).newPage();
    const stops: Stop[] = [];
    await page.goto(baseUrl + '/');
    await tabTo(page, '.site-nav a[href="/villages"]', stops);
    await pressAndLoad(page, 'Enter');
    await tabTo(page, '#vq', stops);
    await page.keyboard.type('河湾');
    await pressAndLoad(page, 'Enter');
    await tabTo(page, `main a[href="/villages/${HEWAN}"]`, stops);
    await pressAndLoad(page, 'Enter');
    await tabTo(page, `.period-tabs a[href="/villages/${HEWAN}?period=2026-Q1"]`, stops);
    await pressAndLoad(page, 'Enter');
    expect(await page.locator('.period-tabs [aria-current]').textContent()).toBe('2026年第1季度');
    expect(await page.locator('section[aria-labelledby="h-funds"] table.ledger tbody tr').count()).toBeGreaterThan(0);
    // On a phone the English statistics tables are wider than the screen: their region takes the focus and scrolls.
    await page.context().addCookies([{ name: 'lang', value: 'en', url: baseUrl }]);
    await page.goto(`${baseUrl}/statistics/990121000000`);
    const wide = await page.locator('.table-scroll').evaluateAll((all) => all.find((box) => box.scrollWidth > box.clientWidth)?.getAttribute('aria-label'));
    expect(wide).toBeTruthy();
    const region = `.table-scroll[aria-label="${wide}"]`;
    await tabTo(page, region, stops);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((selector) => document.querySelector(selector)!.scrollLeft > 0, region);
    expectGoodStops(stops);
    await page.context().close();
  });
});

describe('the township agency with the keyboard only', () => {
  it('signs in with nothing but a username and password, and approves a countersigned period', async () => {
    // Prepared with the mouse: 马家庄村's bookkeeper submits 2026-Q3 and its committee countersigns.
    const team = await villageTeam(browser(), baseUrl, MAJIAZHUANG, 'majiazhuang.kb', '马家庄村');
    const cadre = await staffPage(browser(), baseUrl, team.cadre.username, team.cadre.password);
    await cadre.goto(baseUrl + '/staff/ledgers');
    await cadre.selectOption('select[name="period"]', '2026-Q3');
    await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(select[name="period"]) button[type="submit"]')]);
    const workspace = new URL(cadre.url()).pathname;
    if (await cadre.locator('input[name="action"][value="set-opening"]').count()) {
      await cadre.fill('#field-openingBalance', '12000');
      await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(input[name="action"][value="set-opening"]) button')]);
    }
    await cadre.fill('#field-entryDate', '2026-08-20');
    await cadre.fill('#field-amount', '860');
    await cadre.fill('#field-summary', '村部饮水机滤芯更换');
    await cadre.fill('#field-counterparty', '东岭乡净水器经销部');
    await cadre.fill('#field-voucherNo', '记-08-011');
    await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(input[name="action"][value="add-entry"]) button[type="submit"]')]);
    await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(input[name="action"][value="submit"]) button[type="submit"]')]);
    const supervisor = await staffPage(browser(), baseUrl, team.supervisor.username, team.supervisor.password);
    await supervisor.goto(baseUrl + workspace);
    for (const box of await supervisor.locator('input[name="check"]').all()) await box.check();
    await Promise.all([supervisor.waitForEvent('load'), supervisor.click('form:has(input[name="action"][value="countersign"]) button[type="submit"]')]);
    expect(await supervisor.locator('.list-meta .tag').textContent()).toBe('待三资代理服务中心审核');

    const context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => dialog.accept()); // the browser's own confirm, answered as Enter would
    const stops: Stop[] = [];
    await page.goto(baseUrl + '/staff/sign-in');
    // 3.3.8: no puzzle, no image, no third field; the password field lets a manager fill it and allows pasting.
    const form = page.locator('form[action="/staff/sign-in"]');
    expect(await form.locator('input:not([type="hidden"]), select, textarea, img, iframe, canvas').evaluateAll((all) => all.map((each) => `${each.tagName.toLowerCase()}#${each.id}`))).toEqual(['input#field-username', 'input#field-password']);
    expect(await page.locator('#field-username').getAttribute('autocomplete')).toBe('username');
    expect(await page.locator('#field-password').getAttribute('autocomplete')).toBe('current-password');
    expect(await page.locator('#field-password').evaluate((input) => input.dispatchEvent(new Event('paste', { cancelable: true })))).toBe(true);
    await tabTo(page, '#field-username', stops);
    await page.keyboard.type(DONGLING_AGENCY.username);
    await tabTo(page, '#field-password', stops);
    await page.keyboard.type(DONGLING_AGENCY.password);
    await pressAndLoad(page, 'Enter');
    expect(new URL(page.url()).pathname).toBe('/staff');
    await tabTo(page, '.site-nav a[href="/staff/ledgers"]', stops);
    await pressAndLoad(page, 'Enter');
    await tabTo(page, `main a[href="${workspace}"]`, stops);
    await pressAndLoad(page, 'Enter');
    await tabTo(page, 'form:has(input[name="action"][value="approve"]) button[type="submit"]', stops);
    await pressAndLoad(page, 'Space');
    expect(new URL(page.url()).pathname).toBe(`/villages/${MAJIAZHUANG}`);
    expect(await page.locator('.period-tabs [aria-current]').textContent()).toBe('2026年第3季度');
    expectGoodStops(stops);
    await Promise.all([context.close(), cadre.context().close(), supervisor.context().close()]);
  });
});

describe('focus not hidden behind the list editor’s sticky bar', () => {
  it('keeps every checkbox reached with Tab clear of the bar at the bottom of a phone screen', async () => {
    const page = await staffPage(browser(), baseUrl, 'demo.admin', 'yidiantong-guanli-2026');
    // 青禾县's draft: started here if no other test started it.
    await page.goto(baseUrl + '/staff/lists/990123000000');
    if (await page.locator('main form button[type="submit"]').count()) await Promise.all([page.waitForEvent('load'), page.click('main form button[type="submit"]')]);
    await page.setViewportSize({ width: 360, height: 640 });
    await page.goto(baseUrl + '/staff/lists/990123000000/draft');
    expect(await page.locator('.sticky-actions').count()).toBe(1);
    const stops: Stop[] = [];
    await tabTo(page, 'input[name="adopt"]', stops);
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      stops.push(await describeFocus(page));
    }
    expectGoodStops(stops);
    await page.context().close();
  });
});
