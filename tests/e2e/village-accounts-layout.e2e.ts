/**
 * Village accounts as citizens read them: on a 360 px phone (every amount on screen, no sideways
 * scrolling), on a desktop (the wide tables, reachable by keyboard) and on the A4 notice-board
 * sheet (every column, the registers, rows never split).
 */
import { describe, expect, inject, it } from 'vitest';
import { PDFDocument } from '@cantoo/pdf-lib';
import { browserForThisFile } from './browser.ts';

const baseUrl = inject('baseUrl');
const QIANYING = '990121001201';
const browser = browserForThisFile();

/** A4 (210 mm) less the sheet's 14 mm side margins (site.css @page), in CSS px at 96 dpi. */
const A4_CONTENT_PX = Math.floor(((210 - 2 * 14) / 25.4) * 96);

const LEDGER_HEADERS = ['序号', '日期', '会计科目', '摘要', '对方单位或个人', '收入', '支出', '结算方式', '凭证号', '决议文号'];

describe('village accounts on a 360 px phone', () => {
  it('shows every entry as a labelled block with each amount inside the screen', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 780 } })).newPage();
    await page.goto(`${baseUrl}/villages/${QIANYING}`);
    for (const section of ['h-funds', 'h-assets', 'h-resources', 'h-debts']) {
      expect(await page.locator(`section[aria-labelledby="${section}"] tbody tr`).count(), section).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const amounts = await page.locator('main td.num').evaluateAll((cells) =>
      cells
        .filter((cell) => cell.textContent!.trim() !== '')
        .map((cell) => {
          const box = cell.getBoundingClientRect();
          return { text: cell.textContent!.trim(), left: box.left, right: box.right, label: getComputedStyle(cell, '::before').content };
        }),
    );
    expect(amounts.length).toBeGreaterThan(10);
    for (const amount of amounts) {
      expect(amount.left, amount.text).toBeGreaterThanOrEqual(0);
      expect(amount.right, amount.text).toBeLessThanOrEqual(360);
      expect(amount.label, amount.text).toMatch(/收入|支出|原值|账面|实有|年承包费|面积|金额/); // each value says what it is
    }
    // The date, subject and summary of a line read as labelled lines of the same block.
    const first = page.locator('section[aria-labelledby="h-funds"] tbody tr').first();
    const labels = await first.locator('td').evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell, '::before').content));
    expect(labels).toEqual(expect.arrayContaining(['"日期"', '"会计科目"', '"摘要"']));
    // Still a table for screen readers: the browser's accessibility tree keeps the table, its
    // column headers and its cells although CSS shows the rows as blocks.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value?: string }; name?: { value?: string } }> };
    const roles = nodes.map((node) => node.role?.value);
    expect(roles.filter((role) => role === 'table').length).toBeGreaterThanOrEqual(3);
    expect(nodes.some((node) => node.role?.value === 'columnheader' && node.name?.value === '凭证号')).toBe(true);
    expect(roles.filter((role) => role === 'cell').length).toBeGreaterThan(50);
    await page.context().close();
  });
});

describe('village accounts on a desktop', () => {
  it('keeps the wide tables, each in a labelled region the keyboard can reach and scroll', async () => {
    const page = await (await browser().newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    await page.goto(`${baseUrl}/villages/${QIANYING}`);
    const region = page.locator('section[aria-labelledby="h-assets"] .table-scroll');
    expect(await region.getAttribute('role')).toBe('region');
    expect(await page.locator('section[aria-labelledby="h-assets"] thead').isVisible()).toBe(true);
    expect(await page.locator('section[aria-labelledby="h-funds"] table').evaluate((table) => getComputedStyle(table).display)).toBe('table');
    // Tab from the heading before the registers until the assets region has the focus.
    await page.locator('#h-assets').evaluate((heading) => {
      heading.setAttribute('tabindex', '-1');
      (heading as HTMLElement).focus();
    });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('section[aria-labelledby="h-assets"] .table-scroll'))).toBe(true);
    // Named as the table, not as the section around it (two landmarks with one name confuse a screen reader's list).
    expect(await region.getAttribute('aria-label')).toBe('资产台账（表格）');
    const scrollable = await region.evaluate((el) => el.scrollWidth > el.clientWidth);
    if (scrollable) {
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      // Keyboard scrolling is animated: wait for it rather than read the position at once.
      await expect.poll(() => region.evaluate((el) => el.scrollLeft), { timeout: 5_000 }).toBeGreaterThan(0);
    }
    await page.context().close();
  });
});

describe('the A4 notice-board sheet', () => {
  it('prints every ledger column, the asset register and the contracts, within the page width', async () => {
    const page = await (await browser().newContext({ viewport: { width: A4_CONTENT_PX, height: 1000 } })).newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${baseUrl}/villages/${QIANYING}/print`);
    const headers = await page.locator('section[aria-labelledby="h-funds"] thead th').evaluateAll((cells) =>
      cells.filter((cell) => getComputedStyle(cell).display !== 'none').map((cell) => cell.textContent!.trim()),
    );
    expect(headers).toEqual(LEDGER_HEADERS);
    for (const section of ['h-assets', 'h-resources', 'h-debts']) {
      expect(await page.locator(`section[aria-labelledby="${section}"] tbody tr`).count(), section).toBeGreaterThan(0);
    }
    const tables = await page.locator('.print-sheet table').evaluateAll((all) =>
      all.map((table) => ({ scroll: table.scrollWidth, container: table.parentElement!.clientWidth, right: table.getBoundingClientRect().right })),
    );
    expect(tables.length).toBe(5); // the period's breakdown, the funds, assets, contracts and debts
    for (const table of tables) {
      expect(table.scroll).toBeLessThanOrEqual(table.container);
      expect(table.right).toBeLessThanOrEqual(A4_CONTENT_PX);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(A4_CONTENT_PX);
    // Every voucher and decision cell is printed whole, not cut at the margin.
    const cut = await page.locator('section[aria-labelledby="h-funds"] tbody td').evaluateAll((cells) =>
      cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent),
    );
    expect(cut).toEqual([]);
    // Rows are never split by a page break, the header repeats, and no page is spent on the footer.
    const layout = await page.evaluate(() => ({
      rowBreak: getComputedStyle(document.querySelector('.print-sheet tbody tr')!).breakInside,
      thead: getComputedStyle(document.querySelector('.print-sheet thead')!).display,
      footer: getComputedStyle(document.querySelector('.site-footer')!).display,
      askLinks: [...document.querySelectorAll('.print-sheet a[href^="/report"]')].filter((a) => a.checkVisibility()).length,
    }));
    expect(layout).toEqual({ rowBreak: 'avoid', thead: 'table-header-group', footer: 'none', askLinks: 0 });

    const pdf = await PDFDocument.load(await page.pdf({ format: 'A4', preferCSSPageSize: true }));
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    for (const sheet of pdf.getPages()) {
      expect(Math.round(sheet.getWidth())).toBe(595); // A4 portrait, in points
      expect(Math.round(sheet.getHeight())).toBe(842);
    }
    await page.context().close();
  });
});
