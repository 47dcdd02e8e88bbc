/**
 * The portal with JavaScript switched off (issue 16 item 2; DESIGN.md §3 "pages work without
 * JavaScript"): a citizen browses a county list, opens an item, looks up a village's funds for a
 * period, files a complaint and tracks it with the receipt; staff sign in, the village supervision
 * committee countersigns a period and the township agency approves it, and the county commission
 * handles a case from acceptance to the reply. Buttons that only work with JavaScript (打印本页)
 * are not shown without it, and are shown with it.
 *
 * The period belongs to 石槽村, which has no seeded ledgers: this file makes its bookkeeper and
 * committee (village-team.ts) and so touches no period another browser test walks through.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { browserForThisFile, signIn } from './browser.ts';
import { villageTeam } from './village-team.ts';

const baseUrl = inject('baseUrl');
const browser = browserForThisFile();

const SANGHE = '990121000000';
const HOUYING = '990121001202';
const SHICAO = '990121002202';
const DONGLING_AGENCY = { username: 'dongling.jgz', password: 'yidiantong-jingguan-2026' };
const COMMISSION = { username: 'sanghe.jw', password: 'yidiantong-jiwei-2026' };
const HANDLER = { username: 'sanghe.cb', password: 'yidiantong-chengban-2026' };

async function noScript(width = 360): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser().newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
  return { context, page: await context.newPage() };
}

/** Follows a link or sends a form, and waits for the next page. */
async function go(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

async function sendAction(page: Page, action: string, button = 'button[type="submit"]'): Promise<void> {
  await go(page, `form:has(input[name="action"][value="${action}"]) ${button}`);
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');

describe('a citizen without JavaScript', () => {
  let receipt = '';
  const title = '后营村集体林地转包价格过低';

  it('browses a county list and opens an item with its flowchart', async () => {
    const { context, page } = await noScript();
    await page.goto(baseUrl + '/');
    await go(page, `main a[href="/counties/${SANGHE}"]`);
    expect(await text(page, 'h1')).toContain('桑河县小微权力清单');
    expect(await page.locator('.item-list li').count()).toBeGreaterThan(50);
    await go(page, `a[href="/counties/${SANGHE}/items/FW-01"]`);
    expect(new URL(page.url()).pathname).toBe(`/counties/${SANGHE}/items/FW-01`);
    expect(await page.locator('.flowchart .flow-step').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.flowchart').isVisible()).toBe(true);
    await context.close();
  });

  it('finds a village and reads its funds for an earlier period', async () => {
    const { context, page } = await noScript();
    await page.goto(baseUrl + '/villages');
    await page.fill('#vq', '后营');
    await go(page, 'form[action="/villages"] button[type="submit"]');
    await go(page, `main a[href="/villages/${HOUYING}"]`);
    const current = await text(page, '.period-tabs [aria-current]');
    await go(page, `.period-tabs a[href="/villages/${HOUYING}?period=2026-Q1"]`);
    expect(await text(page, '.period-tabs [aria-current]')).toBe('2026年第1季度');
    expect(current).not.toBe('2026年第1季度');
    expect(await page.locator('section[aria-labelledby="h-funds"] table.ledger tbody tr').count()).toBeGreaterThan(0);
    expect(await text(page, '.balance')).toMatch(/\d{1,3}(,\d{3})*\.\d{2}/);
    // The disclosure sheet: its print button needs JavaScript, so it is not there without it.
    await page.goto(`${baseUrl}/villages/${HOUYING}/print?period=2026-Q1`);
    expect(await page.locator('[data-print]').count()).toBe(1);
    expect(await page.locator('[data-print]').isVisible()).toBe(false);
    await context.close();
  });

  it('sees the print button where JavaScript runs', async () => {
    const page = await (await browser().newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await page.goto(`${baseUrl}/villages/${HOUYING}/print?period=2026-Q1`);
    await page.locator('[data-print]').waitFor({ state: 'visible' });
    await page.context().close();
  });

  it('files a complaint in two steps (county, then the form) and gets a receipt', async () => {
    const { context, page } = await noScript();
    await page.goto(baseUrl + '/report');
    await page.selectOption('#field-county', SANGHE);
    await go(page, 'form[action="/report"][method="get"] button[type="submit"]');
    expect(await page.locator('form.report-form').count()).toBe(1);
    await page.selectOption('#field-category', 'assets');
    await page.selectOption('#field-areaCode', HOUYING);
    await page.selectOption('#field-subjectLevel', 'village_cadre');
    await page.fill('#field-title', title);
    await page.fill('#field-content', '后营村北山两百亩集体林地转包给村主任的亲戚，每亩每年只收十元，远低于周边村的价格，也没有经过村民代表会议。');
    await go(page, 'form.report-form button[type="submit"]');
    receipt = (await text(page, '.receipt-code strong')).trim();
    expect(receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(page.url()).toBe(baseUrl + '/report'); // the code is not in the address
    await context.close();
  });

  it('tracks the complaint with the receipt, and a wrong code finds nothing', async () => {
    const { context, page } = await noScript();
    await page.goto(baseUrl + '/track');
    await page.fill('#field-receipt', '0000 0000 0000 0000');
    await go(page, 'form[action="/track"] button[type="submit"]');
    expect(await page.locator('.error-summary, .error-message').count()).toBeGreaterThan(0);
    await page.fill('#field-receipt', receipt);
    await go(page, 'form[action="/track"] button[type="submit"]');
    expect(await text(page, '.list-meta .tag')).toBe('已收到');
    expect(await text(page, 'main')).toContain(title);
    await context.close();
  });

  describe('staff without JavaScript', () => {
    it('sign in; the cadre submits a period, the committee countersigns it and the agency approves it', async () => {
      const team = await villageTeam(browser(), baseUrl, SHICAO, 'shicao.nojs', '石槽村');
      const cadre = await noScript(1280);
      await signIn(cadre.page, baseUrl, team.cadre.username, team.cadre.password);
      expect(new URL(cadre.page.url()).pathname).toBe('/staff');
      await cadre.page.goto(baseUrl + '/staff/ledgers');
      await cadre.page.selectOption('select[name="period"]', '2026-Q3');
      await go(cadre.page, 'form:has(select[name="period"]) button[type="submit"]');
      const workspace = cadre.page.url().split('?')[0]!;
      expect(workspace).toMatch(/\/staff\/ledgers\/\d+$/);
      if (await cadre.page.locator('input[name="action"][value="set-opening"]').count()) {
        await cadre.page.fill('#field-openingBalance', '35000');
        await sendAction(cadre.page, 'set-opening');
      }
      await cadre.page.fill('#field-entryDate', '2026-09-08');
      await cadre.page.selectOption('#field-direction', 'income');
      await cadre.page.fill('#field-amount', '6000');
      await cadre.page.selectOption('#field-subject', '经营收入');
      await cadre.page.fill('#field-summary', '收取村东集体鱼塘承包费');
      await cadre.page.fill('#field-counterparty', '刘长青（承包户）');
      await cadre.page.fill('#field-voucherNo', '记-09-001');
      await sendAction(cadre.page, 'add-entry');
      expect(await cadre.page.locator('section[aria-labelledby="h-funds"] tbody tr').count()).toBe(1);
      await sendAction(cadre.page, 'submit');
      expect(await text(cadre.page, '.list-meta .tag')).toBe('待监委会签核');

      const supervisor = await noScript(1280);
      await signIn(supervisor.page, baseUrl, team.supervisor.username, team.supervisor.password);
      await supervisor.page.goto(workspace);
      const boxes = supervisor.page.locator('input[name="check"]');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
      await sendAction(supervisor.page, 'countersign');
      expect(await text(supervisor.page, '.list-meta .tag')).toBe('待三资代理服务中心审核');

      const agency = await noScript(1280);
      await signIn(agency.page, baseUrl, DONGLING_AGENCY.username, DONGLING_AGENCY.password);
      await agency.page.goto(baseUrl + '/staff/ledgers');
      await go(agency.page, `main a[href="${new URL(workspace).pathname}"]`);
      await sendAction(agency.page, 'approve');
      expect(new URL(agency.page.url()).pathname).toBe(`/villages/${SHICAO}`);
      expect(await text(agency.page, '.period-tabs [aria-current]')).toBe('2026年第3季度');
      expect(await text(agency.page, 'section[aria-labelledby="h-funds"]')).toContain('收取村东集体鱼塘承包费');
      await Promise.all([cadre.context.close(), supervisor.context.close(), agency.context.close()]);
    });

    it('the commission handles the case: accepts it, names a handler, who proposes; the approver approves; the reply reaches /track', async () => {
      const commission = await noScript(1280);
      await signIn(commission.page, baseUrl, COMMISSION.username, COMMISSION.password);
      await commission.page.goto(baseUrl + '/staff/complaints');
      await go(commission.page, `main a:has-text("${title}")`);
      const caseUrl = commission.page.url().split('?')[0]!;
      await sendAction(commission.page, 'accept');
      await commission.page.selectOption('#field-handler', { label: '桑河县纪委监委承办人（演示）' });
      await sendAction(commission.page, 'handler');

      const handler = await noScript(1280);
      await signIn(handler.page, baseUrl, HANDLER.username, HANDLER.password);
      await handler.page.goto(caseUrl);
      await handler.page.selectOption('select[name="text"]', 'preliminary_check');
      await sendAction(handler.page, 'dispose');
      await commission.page.goto(caseUrl);
      await go(commission.page, 'button[name="action"][value="approve"]');
      expect(await text(commission.page, '.list-meta')).toContain('初步核实');

      await handler.page.goto(caseUrl);
      await handler.page.selectOption('#field-finding', 'substantiated');
      await handler.page.fill('#field-text-conclude', '经核实，该林地转包未经村民代表会议，价格明显偏低，责令村委会终止合同并重新公开发包。');
      await sendAction(handler.page, 'conclude');
      await commission.page.goto(caseUrl);
      await go(commission.page, 'button[name="action"][value="approve"]');
      await commission.page.fill('#field-text-answer', '经核实，反映的林地转包问题属实，村委会已终止原合同，将经村民代表会议后重新公开发包。');
      await sendAction(commission.page, 'answer');
      // The case file prints with the browser's own print: no button that needs JavaScript.
      await commission.page.goto(caseUrl + '/print/registration');
      expect(await commission.page.locator('[data-print]').isVisible()).toBe(false);

      const citizen = await noScript();
      await citizen.page.goto(baseUrl + '/track');
      await citizen.page.fill('#field-receipt', receipt);
      await go(citizen.page, 'form[action="/track"] button[type="submit"]');
      expect(await text(citizen.page, '.list-meta .tag')).toBe('已办结');
      expect(await text(citizen.page, '.reply')).toContain('重新公开发包');
      await Promise.all([commission.context.close(), handler.context.close(), citizen.context.close()]);
    });
  });
});
