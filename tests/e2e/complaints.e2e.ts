import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { launchBrowser, staffPage } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const staff = (username: string, password: string): Promise<Page> => staffPage(browser, baseUrl, username, password);

describe('a villager reports a problem anonymously and follows it', () => {
  it('files with a GPS-tagged photo, gets a receipt once, and later reads the commission’s reply', async () => {
    const citizen = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await citizen.goto(baseUrl + '/villages/990121001202');
    await Promise.all([citizen.waitForEvent('load'), citizen.click('a[href="/report?village=990121001202"]')]);
    expect(await citizen.locator('#field-areaCode').inputValue()).toBe('990121001202');
    await citizen.selectOption('#field-category', 'assets');
    await citizen.selectOption('#field-subjectLevel', 'village_cadre');
    await citizen.fill('#field-title', '门面房租金去向不明');
    await citizen.fill('#field-content', '村委会东侧门面房每年租金一万八，但公开栏里只写了九千，另外一半去了哪里没人说得清，请查一查。');
    const photo = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#c8b89a' } })
      .jpeg()
      .withExif({ IFD0: { Model: 'Villager-Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
      .toBuffer();
    await citizen.setInputFiles('#field-attachments', { name: 'IMG_3301.jpg', mimeType: 'image/jpeg', buffer: photo });
    // The page solves its proof-of-work challenge in the background.
    await citizen.waitForFunction(() => (document.querySelector('input[name="pow"]') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 20_000 });
    await Promise.all([citizen.waitForEvent('load'), citizen.click('form.report-form button[type="submit"]')]);
    const receipt = (await citizen.locator('.receipt-code strong').textContent())!.trim();
    expect(receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(citizen.url()).toBe(baseUrl + '/report'); // the code is not in the URL

    const commission = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    await commission.goto(baseUrl + '/staff/complaints');
    await Promise.all([commission.waitForEvent('load'), commission.click('a:has-text("门面房租金去向不明")')]);
    const caseUrl = commission.url();
    // The stored photo has no metadata left.
    const download = await commission.request.get(await commission.locator('#h-files + ul a').first().evaluate((a) => (a as HTMLAnchorElement).href));
    const stored = await download.body();
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes(Buffer.from('Villager-Phone'))).toBe(false);

    await Promise.all([commission.waitForEvent('load'), commission.click('form:has(input[value="accept"]) button')]);
    await commission.selectOption('select[name="zone"]', { label: '第一片区' });
    await Promise.all([commission.waitForEvent('load'), commission.click('form:has(input[value="zone"]) button')]);
    // The handler proposes, sanghe.jw (who may approve) decides: the two-person rule.
    await commission.selectOption('#field-handler', { label: '桑河县纪委监委承办人（演示）' });
    await Promise.all([commission.waitForEvent('load'), commission.click('form:has(input[value="handler"]) button')]);
    const handler = await staff('sanghe.cb', 'yidiantong-chengban-2026');
    const approve = async () => {
      await commission.goto(caseUrl);
      await Promise.all([commission.waitForEvent('load'), commission.click('button[name="action"][value="approve"]')]);
    };
    await handler.goto(caseUrl);
    await handler.selectOption('select[name="text"]', 'preliminary_check');
    await Promise.all([handler.waitForEvent('load'), handler.click('form:has(input[value="dispose"]) button')]);
    expect(await handler.locator('button[name="action"][value="approve"]').count()).toBe(0); // never one's own
    await approve();
    expect(await commission.locator('.list-meta').textContent()).toContain('初步核实');
    expect(await commission.locator('.history-list').textContent()).toContain('分派至第一片区');
    await handler.goto(caseUrl);
    // The conclusion records the finding and measures (internal); the reply is its own step after it.
    await handler.selectOption('#field-finding', 'partly');
    await handler.check('input[name="measure_criticism"]');
    await handler.fill('#field-text-conclude', '对村委会主任批评教育，责令在下期公开中补充说明租金用途。');
    await Promise.all([handler.waitForEvent('load'), handler.click('form:has(input[value="conclude"]) button')]);
    expect(handler.url()).toContain(caseUrl.replace(baseUrl, ''));
    await approve();
    expect(await commission.locator('main').textContent()).toContain('核实结论：部分属实');
    await commission.fill('#field-text-answer', '经核实，该门面房2026年租金为一万八千元，其中九千元已按村民代表会议决议用于村道维修，村委会将在下期公开中补充说明。');
    await Promise.all([commission.waitForEvent('load'), commission.click('form:has(input[value="answer"]) button')]);
    await handler.context().close();

    const later = await browser.newPage();
    await later.goto(baseUrl + '/track');
    await later.fill('#field-receipt', receipt);
    await Promise.all([later.waitForEvent('load'), later.click('form[action="/track"] button')]);
    expect(await later.locator('.list-meta .tag').textContent()).toBe('已办结');
    expect(await later.locator('.reply').textContent()).toContain('村道维修');
    expect(await later.locator('main').textContent()).not.toContain('第一片区'); // internal steps stay internal
    expect(await later.locator('main').textContent()).not.toContain('批评教育'); // so do the finding and measures
    await later.check('input[name="rating"][value="4"]');
    await Promise.all([later.waitForEvent('load'), later.click('form:has(input[value="rate"]) button')]);
    expect(await later.locator('.success').textContent()).toContain('感谢您的评价');
    expect(await later.locator('p.muted').filter({ hasText: '您的评价' }).textContent()).toContain('满意');

    // An objection (异议) instead of a review: recorded on /track, answered by the county commission.
    await later.click('summary:has-text("对答复有异议")');
    await later.fill('#field-objection', '另外九千元用于村道维修的村民代表会议决议没有在公开栏公布过，请说明决议的日期。');
    await Promise.all([later.waitForEvent('load'), later.click('form:has(input[value="objection"]) button')]);
    expect(await later.locator('.success').textContent()).toContain('异议已提交');
    expect(await later.locator('main').textContent()).toContain('您于');
    await commission.goto(caseUrl);
    expect(await commission.locator('#h-objections + ul').textContent()).toContain('村民代表会议决议没有在公开栏公布过');
    await commission.fill('#field-text-objection', '该决议为2026年3月12日村民代表会议作出，已补充在村务公开栏公布，并附会议记录复印件。');
    await Promise.all([commission.waitForEvent('load'), commission.click('form:has(input[value="objection"]) button[value="explain"]')]);
    await later.goto(baseUrl + '/track');
    await later.fill('#field-receipt', receipt);
    await Promise.all([later.waitForEvent('load'), later.click('form[action="/track"] button')]);
    expect(await later.locator('.history-list').textContent()).toContain('对异议作出解释说明');
    expect(await later.locator('.history-list').textContent()).toContain('2026年3月12日村民代表会议');
    expect(await later.locator('summary:has-text("对答复有异议")').count()).toBe(0); // once per reply
    await later.close();
    await citizen.context().close();
    await commission.context().close();
  });

  it('writes nothing of the sender to the server log', async () => {
    const form = new FormData();
    for (const [key, value] of Object.entries({
      formKey: 'e2e-log-check-000000000001',
      category: 'other',
      areaCode: '990121001203',
      subjectLevel: 'village_cadre',
      title: '日志检查：河湾村渡口收费',
      content: '河湾村渡口摆渡每人收费五元，没有任何收费依据和票据，村民意见很大。',
      anonymous: 'yes',
    })) form.set(key, value);
    const response = await fetch(baseUrl + '/report', {
      method: 'POST',
      body: form,
      headers: { Origin: baseUrl, 'User-Agent': 'UA-E2E-MARKER-51c2', 'X-Forwarded-For': '198.51.100.201', 'X-Real-IP': '198.51.100.202' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('receipt-code');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = readFileSync(inject('serverLog'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const marker of ['UA-E2E-MARKER-51c2', '198.51.100.201', '198.51.100.202']) expect(log).not.toContain(marker);
  });

  it('never lets a cadre reach the complaints', async () => {
    const cadre = await staff('qianying.kj', 'yidiantong-baozhang-2026');
    const response = await cadre.goto(baseUrl + '/staff/complaints');
    expect(response?.status()).toBe(403);
    expect(await cadre.locator('nav.site-nav').textContent()).not.toContain('信访举报');
    await cadre.context().close();
  });
});
