/**
 * Escalated supervision in the browser (issue 13 §1–2): the county designates 杏园村 and names the
 * township commission as its 包联 leader; a complaint about 杏园村 is accepted and cannot be handed
 * down (no form, the case marked 提级监督); the leader records a visit on the village's integrity
 * picture; the county writes the quarterly judgement and prints it with the figures it was based on.
 * 杏园村 is used by no other browser test, so the hand-downs of 前营村 elsewhere are unaffected.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, staffPage } from './browser.ts';

const baseUrl = inject('baseUrl');
const XINGYUAN = '990121001204';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const staff = (username: string, password: string): Promise<Page> => staffPage(browser, baseUrl, username, password);

async function submit(page: Page, form: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`form:has(input[name="form"][value="${form}"]) button[type="submit"]`)]);
}

/** Files a complaint through the public form as a villager would. */
async function file(title: string, content: string): Promise<void> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseUrl}/report?village=${XINGYUAN}`);
  await page.selectOption('#field-category', 'assets');
  await page.selectOption('#field-subjectLevel', 'village_cadre');
  await page.fill('#field-title', title);
  await page.fill('#field-content', content);
  await page.waitForFunction(() => (document.querySelector('input[name="pow"]') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 20_000 });
  await Promise.all([page.waitForEvent('load'), page.click('form.report-form button[type="submit"]')]);
  await page.context().close();
}

describe('a village under escalated supervision', () => {
  it('is designated, keeps its complaints at the county, is visited by its leader and judged in print', async () => {
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    await county.goto(baseUrl + '/staff/escalated');
    // A refused form comes back in Chinese with what was typed.
    await county.selectOption('#field-villageCode', XINGYUAN);
    await county.fill('#field-reason', '城郊');
    await county.fill('#field-startsOn', '2026-10-01');
    await county.fill('#field-reviewOn', '2027-03-31');
    await submit(county, 'designate');
    expect(await county.locator('.error-summary').textContent()).toContain('请写明提级监督的理由');
    expect(await county.inputValue('#field-reviewOn')).toBe('2027-03-31');
    await county.fill('#field-reason', '城郊村，征地补偿款数额大，群众反映集中');
    await submit(county, 'designate');
    expect(await county.locator('[role="status"]').textContent()).toContain('已列入提级监督');
    await county.selectOption('select[name="leaderId"]', { label: '桑河镇纪委（演示）' });
    await submit(county, 'leader');
    expect(await county.locator('main').textContent()).toContain('包联领导：桑河镇纪委（演示）');

    // 问题线索提级处置: the case stays with the county.
    const title = '杏园村征地补偿款迟迟不发';
    await file(title, '杏园村去年征地的补偿款，村里说已经到账，但至今没有发到农户手里，也没有公布去向。');
    await county.goto(baseUrl + '/staff/complaints');
    const row = county.locator('tr', { hasText: title });
    expect(await row.textContent()).toContain('提级监督');
    await Promise.all([county.waitForEvent('load'), row.locator('a', { hasText: title }).click()]);
    await Promise.all([county.waitForEvent('load'), county.click('form:has(input[name="action"][value="accept"]) button[type="submit"]')]);
    expect(await county.locator('main').textContent()).toContain('该村已列入提级监督，本案由县级以上纪委监委直接处置');
    expect(await county.locator('input[name="action"][value="handDown"]').count()).toBe(0);

    // 书记提级包联: the leader records a visit.
    const leader = await staff('sanghezhen.jw', 'yidiantong-zhenjiwei-2026');
    await leader.goto(baseUrl + '/staff/escalated');
    await Promise.all([leader.waitForEvent('load'), leader.click(`a[href="/staff/integrity/${XINGYUAN}"]`)]);
    await leader.selectOption('#field-kind', 'visit');
    await leader.fill('#field-occurredOn', '2026-11-05');
    await leader.fill('#field-visit-body', '到村查阅征地补偿款发放台账，与村监委会主任和三户农户谈话。');
    await submit(leader, 'visit');
    expect(await leader.locator('.timeline').textContent()).toContain('到村查阅征地补偿款发放台账');
    expect(await leader.locator('input[name="form"][value="judgement"]').count()).toBe(0);

    // 政治生态提级研判: the county judges the quarter and prints it with its figures.
    await county.goto(`${baseUrl}/staff/integrity/${XINGYUAN}`);
    expect(await county.locator('main').textContent()).toContain('信访举报的件数本身不计分');
    const score = (await county.locator('#h-score').textContent())!.match(/\d+/)![0];
    const judgement = '本季度该村征地补偿款发放不及时、去向未公开，群众反映集中；下一步重点核查补偿款发放并督促按期公开。';
    await county.fill('#field-judgement-body', judgement);
    await submit(county, 'judgement');
    expect(await county.locator('[role="status"]').textContent()).toContain('已保存研判意见');
    await Promise.all([county.waitForEvent('load'), county.click('a:has-text("打印")')]);
    const sheet = await county.locator('.print-sheet').textContent();
    expect(sheet).toContain('杏园村政治生态提级研判意见');
    expect(sheet).toContain(judgement);
    expect(sheet).toContain('研判所依据的数据');
    expect(sheet).toContain(`得分：${score}`);
    await county.emulateMedia({ media: 'print' });
    expect(await county.locator('.case-file-actions').isVisible()).toBe(false);
    const width = await county.evaluate(() => document.querySelector('.print-sheet')!.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(0);
    await Promise.all([county.context().close(), leader.context().close()]);
  });
});
