/**
 * A direct reporting point (直报点, issue 13 §3) as a village liaison uses it: 前营村's discipline
 * member files what a villager reported, prints the receipt slip, and then has no path to the case
 * (403 on its page) while the villager's receipt tracks it at /track like anyone's.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, staffPage } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const TITLE = '村里修桥的集资款没有公布';

describe('a liaison files for a villager', () => {
  it('files, prints the slip, gets 403 on the case, and the receipt tracks it', async () => {
    const liaison = await staffPage(browser, baseUrl, 'qianying.jjwy', 'yidiantong-zhibao-2026');
    await liaison.goto(`${baseUrl}/staff/direct-report`);
    await liaison.selectOption('#field-category', 'assets');
    await liaison.selectOption('#field-areaCode', '990121001201');
    await liaison.selectOption('#field-subjectLevel', 'village_cadre');
    await liaison.fill('#field-title', TITLE);
    await liaison.fill('#field-content', '去年村里修桥每户集资三百元，桥修好后村委会一直没有公布收了多少钱、花了多少钱，村民多次问都说还在算。');
    await liaison.check('input[name="anonymous"][value="no"]');
    await liaison.fill('#field-name', '王秀英');
    await liaison.fill('#field-phone', '13912345678');
    await Promise.all([liaison.waitForEvent('load'), liaison.click('form.report-form button[type="submit"]')]);

    // The slip: the code once, the /track address and its QR code; it prints on A4.
    await expect.poll(() => liaison.locator('.receipt-slip').count()).toBe(1);
    const receipt = (await liaison.locator('.slip-code strong').textContent())!.trim();
    expect(receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(await liaison.locator('.receipt-slip svg').count()).toBe(1);
    expect(await liaison.locator('.receipt-slip').textContent()).toContain('/track');
    await liaison.emulateMedia({ media: 'print' });
    expect(await liaison.locator('.print-button').isVisible()).toBe(false);
    const pdf = await liaison.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await liaison.emulateMedia({ media: 'screen' });

    // The county commission has the case; the liaison gets 403 on it and finds it in no list.
    const county = await staffPage(browser, baseUrl, 'sanghe.jw', 'yidiantong-jiwei-2026');
    await county.goto(`${baseUrl}/staff/complaints`);
    await Promise.all([county.waitForEvent('load'), county.click(`a:has-text("${TITLE}")`)]);
    const caseUrl = county.url();
    expect(caseUrl).toMatch(/\/staff\/complaints\/[0-9a-f-]{36}$/);
    const refused = await liaison.goto(caseUrl);
    expect(refused!.status()).toBe(403);
    expect(await liaison.content()).not.toContain(TITLE);
    const queue = await liaison.goto(`${baseUrl}/staff/complaints`);
    expect(queue!.status()).toBe(403);
    await liaison.goto(`${baseUrl}/staff/direct-report`);
    expect(await liaison.content()).not.toContain(receipt);

    // The villager tracks it with the slip's code.
    const villager = await (await browser.newContext()).newPage();
    await villager.goto(`${baseUrl}/track`);
    await villager.fill('#field-receipt', receipt);
    await Promise.all([villager.waitForEvent('load'), villager.click('form[action="/track"] button')]);
    expect(await villager.content()).toContain(TITLE);

    await Promise.all([liaison.context().close(), county.context().close(), villager.context().close()]);
  });
});
