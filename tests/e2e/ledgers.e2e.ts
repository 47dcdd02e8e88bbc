import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { browserForThisFile, staffPage } from './browser.ts';

const baseUrl = inject('baseUrl');
const QIANYING = '990121001201';
const browser = browserForThisFile();

const as = (username: string, password: string): Promise<Page> => staffPage(browser(), baseUrl, username, password);

async function submitForm(page: Page, action: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`form:has(input[name="action"][value="${action}"]) button[type="submit"]`)]);
}

/** Fills every flag-answer field on the page with `text` and saves them. */
async function answerFlags(page: Page, text: string): Promise<void> {
  const fields = page.locator('textarea[name^="answer-"]');
  for (let i = 0; i < (await fields.count()); i++) await fields.nth(i).fill(text);
  if ((await fields.count()) > 0) await submitForm(page, 'answer-flags');
}

/** The supervision committee's checklist, every item ticked. */
async function tickChecklist(page: Page): Promise<void> {
  const boxes = page.locator('input[name="check"]');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
}

async function workspaceUrl(page: Page, periodLabel: string): Promise<string> {
  await page.goto(baseUrl + '/staff/ledgers');
  const href = await page.locator('table a', { hasText: periodLabel }).first().getAttribute('href');
  return baseUrl + href;
}

describe('village accounts, from the cadre to the public page', () => {
  it('a supervisor returns a period with a reason, the cadre sees it back in draft, and it is then published', async () => {
    const supervisor = await as('qianying.jd', 'yidiantong-jiandu-2026');
    const q3 = await workspaceUrl(supervisor, '2026年第3季度');
    await supervisor.goto(q3);
    await supervisor.fill('#field-reason', '第5行缺少维修验收单，请补充凭证号后重新提交');
    await submitForm(supervisor, 'return');
    expect(await supervisor.locator('.success').textContent()).toContain('已退回');

    const cadre = await as('qianying.kj', 'yidiantong-baozhang-2026');
    await cadre.goto(q3);
    expect(await cadre.locator('.list-meta .tag').textContent()).toBe('草稿');
    expect(await cadre.locator('.notice').first().textContent()).toContain('第5行缺少维修验收单');
    // The draft's table, actions column included, fits a 1280 px screen without cutting a column,
    // and on a 360 px phone each entry is a block with nothing off the screen.
    await cadre.setViewportSize({ width: 1280, height: 900 });
    const fit = await cadre.locator('section[aria-labelledby="h-funds"] .table-scroll').evaluate((box) => ({ scroll: box.scrollWidth, client: box.clientWidth, columns: box.querySelectorAll('thead th').length }));
    expect(fit.columns).toBe(11);
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    await cadre.setViewportSize({ width: 360, height: 780 });
    expect(await cadre.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await cadre.locator('#line-1').evaluate((row) => getComputedStyle(row).display)).toBe('block');
    expect(await cadre.locator('#line-1 td[data-label="日期"]').evaluate((cell) => getComputedStyle(cell, '::before').content)).toBe('"日期"');
    await cadre.setViewportSize({ width: 1280, height: 900 });
    // Line 7 (2,700 yuan of casual labour) was in fact paid in cash: over the cash threshold, a flag.
    await cadre.goto(`${q3}/entries/7`);
    await cadre.selectOption('#field-method', 'cash');
    await Promise.all([cadre.waitForEvent('load'), cadre.click('main form button[type="submit"]')]);
    await cadre.goto(q3);
    await submitForm(cadre, 'submit');
    expect(await cadre.locator('.error-summary').textContent()).toContain('条提示没有说明');
    await answerFlags(cadre, '临时用工人员均无银行卡，按村民代表会议决定现场发放现金并逐人签字');
    await submitForm(cadre, 'submit');
    expect(await cadre.locator('.list-meta .tag').textContent()).toBe('待监委会签核');

    await supervisor.goto(q3);
    // Countersigning needs the committee's own answers and the whole checklist.
    await tickChecklist(supervisor);
    await submitForm(supervisor, 'countersign');
    expect(await supervisor.locator('.error-summary').textContent()).toContain('条提示没有说明');
    await answerFlags(supervisor, '监委会已核对凭证和会议记录，同意报账员说明');
    await tickChecklist(supervisor);
    await submitForm(supervisor, 'countersign');
    expect(await supervisor.locator('.list-meta .tag').textContent()).toBe('待三资代理服务中心审核');

    // The commission supervises: it sees the flags and both answers, and has no approve button.
    const commission = await as('sanghe.jw', 'yidiantong-jiwei-2026');
    await commission.goto(q3);
    expect(await commission.locator('#h-flags').isVisible()).toBe(true);
    expect(await commission.locator('.flag-answers').first().textContent()).toContain('监委会已核对凭证');
    expect(await commission.locator('input[name="action"][value="approve"]').count()).toBe(0);

    const agency = await as('sanghe.jgz', 'yidiantong-jingguan-2026');
    await agency.goto(q3);
    await submitForm(agency, 'approve');
    expect(new URL(agency.url()).pathname).toBe(`/villages/${QIANYING}`);
    expect(await agency.locator('.period-tabs [aria-current]').textContent()).toBe('2026年第3季度');

    // A supervision opinion on the published period, answered by the agency: both in the public history.
    await commission.goto(q3);
    await commission.fill('#field-opinion', '第5行维修费用未见验收单，请三资代理服务中心核实验收情况');
    await submitForm(commission, 'raise-opinion');
    expect(await commission.locator('.success').textContent()).toContain('监督意见已提出');
    await agency.goto(q3);
    await agency.locator('textarea[name="answer"]').first().fill('已核实：验收单已补齐，附在5号凭证后，验收人为村务监督委员会主任');
    await submitForm(agency, 'answer-opinion');
    const citizen = await browser().newPage();
    await citizen.goto(`${baseUrl}/villages/${QIANYING}?period=2026-Q3`);
    const history = await citizen.locator('section[aria-labelledby="h-public-history"]').textContent();
    expect(history).toContain('第5行维修费用未见验收单');
    expect(history).toContain('验收单已补齐');
    await citizen.close();
    await Promise.all([supervisor.context().close(), cadre.context().close(), commission.context().close(), agency.context().close()]);
  });

  it('a monthly village’s cadre imports a spreadsheet and answers its flag; after countersignature and approval citizens see the period, with matching totals', async () => {
    // The township agency switches 前营村 to monthly disclosure, so the last finished month can be opened and submitted.
    const agency = await as('sanghe.jgz', 'yidiantong-jingguan-2026');
    await agency.goto(baseUrl + '/staff/ledgers/villages');
    await agency.selectOption(`form:has(input[name="village"][value="${QIANYING}"]) select[name="cadence"]`, 'monthly');
    await Promise.all([agency.waitForEvent('load'), agency.click(`form:has(input[name="village"][value="${QIANYING}"]) button[type="submit"]`)]);
    expect(await agency.locator('.success').textContent()).toContain('公开频次已更新');

    const cadre = await as('qianying.kj', 'yidiantong-baozhang-2026');
    await cadre.goto(baseUrl + '/staff/ledgers');
    const period = await cadre.locator('select[name="period"] option').first().getAttribute('value');
    expect(period).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
    await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(select[name="period"]) button[type="submit"]')]);
    const workspace = cadre.url();

    const year = period!.slice(0, 4);
    const month = period!.slice(5, 7);
    const csv = [
      '日期,收支,金额（元）,会计科目,摘要,对方单位或个人,凭证号,结算方式,决议文号',
      `${year}-${month}-08,收入,"18,600.00",经营收入,收取村北机动地承包费,王建军（承包户）,记-E2E-001,转账,`,
      `${year}-${month}-12,支出,2350.5,管理费用,村委会办公用品及打印耗材,桑河镇文化用品店,记-E2E-002,现金,`,
      `${year}-${month}-20,支出,800,公益支出,重阳节慰问五保户,五保户张玉兰等4户,记-E2E-003,现金,`,
    ].join('\n');
    await cadre.locator('details:has(input[name="action"][value="import"]) summary').click();
    await cadre.setInputFiles('#field-file', { name: '资金明细.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv, 'utf8') });
    await cadre.check('input[name="mode"][value="add"]');
    await submitForm(cadre, 'import');
    // The preview first (nothing written yet), then the confirmation.
    expect(await cadre.locator('#import-preview').textContent()).toContain('将导入3笔收支');
    await submitForm(cadre, 'import-confirm');
    expect(await cadre.locator('.success').textContent()).toContain('已导入3笔');

    // Inline edit with htmx: the row turns into a form in place, and saving updates row and totals.
    const before = cadre.url();
    await cadre.click('#line-3 a:has-text("修改")');
    await cadre.locator('#line-3 form').waitFor();
    expect(cadre.url()).toBe(before);
    await cadre.fill('#line3-field-amount', '900');
    // The inline editor takes a voucher scan with the entry (htmx sends the form as multipart).
    const receipt = await sharp({ create: { width: 90, height: 60, channels: 3, background: '#fdfaf2' } }).jpeg().toBuffer();
    await cadre.setInputFiles('#line3-field-voucher', { name: '慰问品收据.jpg', mimeType: 'image/jpeg', buffer: receipt });
    await cadre.click('#line-3 form button[type="submit"]');
    await cadre.locator('#line-3 td[data-label="支出"]').waitFor();
    expect(await cadre.locator('#line-3 td[data-label="支出"]').textContent()).toBe('900.00');
    expect(await cadre.locator('#line-3 a.voucher-link').count()).toBe(1);
    expect(await cadre.locator('#ledger-totals').textContent()).toContain('3,250.50');
    expect(cadre.url()).toBe(before);

    // A voucher photo taken with a phone: stored without its GPS data, and listed on the entry.
    await cadre.goto(workspace.replace(/\/?$/, '') + '/entries/1');
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#f5f0e6' } })
      .jpeg()
      .withExif({ IFD0: { Model: 'E2E-Phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
      .toBuffer();
    await cadre.setInputFiles('#field-voucher-file', { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await Promise.all([cadre.waitForEvent('load'), cadre.click('form:has(input[value="add-voucher"]) button[type="submit"]')]);
    expect(await cadre.locator('#h-vouchers + *, section[aria-labelledby="h-vouchers"]').first().textContent()).toContain('已去除照片信息');
    // The 2,350.50 yuan cash payment is flagged: the cadre answers it before submitting.
    await cadre.goto(workspace);
    expect(await cadre.locator('#h-flags').textContent()).toContain('1');
    await answerFlags(cadre, '文化用品店不支持转账，已由两名村干部现场付款并签字');
    await submitForm(cadre, 'submit');
    expect(await cadre.locator('.list-meta .tag').textContent()).toBe('待监委会签核');

    // The committee reads the cadre's answer, sees the voucher photo in the page, answers, ticks and countersigns.
    const supervisor = await as('qianying.jd', 'yidiantong-jiandu-2026');
    await supervisor.goto(workspace);
    expect(await supervisor.locator('.flag-answers').first().textContent()).toContain('文化用品店不支持转账');
    const preview = supervisor.locator('section[aria-labelledby="h-voucher-previews"] img').first();
    await preview.waitFor();
    expect(await preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await answerFlags(supervisor, '监委会核对了付款签字单，属实');
    await tickChecklist(supervisor);
    await submitForm(supervisor, 'countersign');
    const commission = await as('sanghe.jw', 'yidiantong-jiwei-2026');
    await commission.goto(workspace);
    expect(await commission.locator('input[name="action"][value="approve"]').count()).toBe(0);
    await agency.goto(workspace);
    await submitForm(agency, 'approve');

    const citizen = await browser().newPage();
    await citizen.goto(`${baseUrl}/villages/${QIANYING}?period=${period}`);
    const facts = await citizen.locator('.balance').textContent();
    expect(facts).toContain('18,600.00');
    expect(facts).toContain('3,250.50');
    expect(await citizen.locator('section[aria-labelledby="h-funds"] table.ledger tbody tr').count()).toBe(3);
    await citizen.goto(`${baseUrl}/villages/${QIANYING}/verify`);
    expect(await citizen.locator('.success').textContent()).toContain('一致');
    await citizen.close();
    await Promise.all([cadre.context().close(), supervisor.context().close(), commission.context().close(), agency.context().close()]);
  });
});
