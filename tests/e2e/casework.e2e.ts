/**
 * Complaint casework as commissions do it (issue 11): routing by who the complaint is about, the
 * county handing a case down to the township commission and reviewing its report, and a merged
 * reporter reading the main case's reply on /track.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { launchBrowser, staffPage } from './browser.ts';
import type { CaughtMail } from '../support/mail.ts';

const baseUrl = inject('baseUrl');

/** The first message the test SMTP server got for `address`, waiting up to 20 s for the digest round. */
async function mailTo(address: string): Promise<CaughtMail> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const log = existsSync(inject('mailLog')) ? readFileSync(inject('mailLog'), 'utf8') : '';
    const found = log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as CaughtMail).find((mail) => mail.to.includes(address));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no message to ${address}`);
}
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const staff = (username: string, password: string): Promise<Page> => staffPage(browser, baseUrl, username, password);

/** Files a complaint through the public form as a villager would; returns the receipt code. */
async function file(complaint: { village: string; subjectLevel: string; category: string; title: string; content: string }): Promise<string> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${baseUrl}/report?village=${complaint.village}`);
  await page.selectOption('#field-category', complaint.category);
  await page.selectOption('#field-subjectLevel', complaint.subjectLevel);
  await page.fill('#field-title', complaint.title);
  await page.fill('#field-content', complaint.content);
  await page.waitForFunction(() => (document.querySelector('input[name="pow"]') as HTMLInputElement | null)?.value !== '', undefined, { timeout: 20_000 });
  await Promise.all([page.waitForEvent('load'), page.click('form.report-form button[type="submit"]')]);
  const receipt = (await page.locator('.receipt-code strong').textContent())!.trim();
  await page.context().close();
  return receipt;
}

async function openCase(page: Page, title: string): Promise<string> {
  await page.goto(baseUrl + '/staff/complaints');
  await Promise.all([page.waitForEvent('load'), page.click(`a:has-text("${title}")`)]);
  return page.url();
}

async function post(page: Page, action: string, button = 'button[type="submit"]'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(`form:has(input[name="action"][value="${action}"]) ${button}`)]);
}

describe('where a complaint goes', () => {
  it('one about a county department’s employee lands at the county; one about a county leader at the city', async () => {
    await file({ village: '990121001202', subjectLevel: 'county_staff', category: 'conduct', title: '县农业农村局工作人员索要好处费', content: '县农业农村局派来核查耕地地力补贴的工作人员，要求每户交两百元“核查费”才给上报，没有收据。' });
    await file({ village: '990121001202', subjectLevel: 'county_leader', category: 'other', title: '副县长亲属承包村道工程', content: '后营村村道硬化工程由一位副县长的亲属承包，没有公开招标，工程质量很差，刚修半年就开裂。' });
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    await county.goto(baseUrl + '/staff/complaints');
    const queue = await county.locator('main').textContent();
    expect(queue).toContain('县农业农村局工作人员索要好处费');
    expect(queue).not.toContain('副县长亲属承包村道工程');
    const city = await staff('beiyuan.jw', 'yidiantong-shijiwei-2026');
    await city.goto(baseUrl + '/staff/complaints');
    expect(await city.locator('main').textContent()).toContain('副县长亲属承包村道工程');
    await Promise.all([county.context().close(), city.context().close()]);
  });
});

describe('a case handed down to the township commission', () => {
  it('is worked there, reported back, sent back once and then accepted by the county; the township hears of it by e-mail, without the complaint’s text', async () => {
    const title = '前营村保洁员工资被克扣';
    const content = '前营村公益岗保洁员每月工资一千二，村里实际只发八百，差额说是“管理费”，保洁员不敢吭声。';
    await file({ village: '990121001201', subjectLevel: 'village_cadre', category: 'conduct', title, content });
    // The township commission's officer gives an address for the digest.
    const township = await staff('sanghezhen.jw', 'yidiantong-zhenjiwei-2026');
    await township.goto(baseUrl + '/staff/inbox');
    await township.fill('#field-contact', 'jiwei@sanghezhen.example.gov.cn');
    await post(township, 'contact');
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    const caseUrl = await openCase(county, title);
    await post(county, 'accept');
    await county.click('summary:has-text("交乡镇纪委办理")');
    await county.selectOption('#field-townshipCode', { label: '桑河镇' });
    await post(county, 'handDown');
    expect(await county.locator('.history-list').textContent()).toContain('桑河镇');

    const number = (await county.locator('main').textContent())!.match(/桑纪举〔\d{4}〕\d+号/)![0];
    const mail = await mailTo('jiwei@sanghezhen.example.gov.cn');
    expect(mail.body).toContain(number);
    expect(mail.body).toMatch(/https?:\/\/\S+\/staff\//); // a link back into the staff area
    for (const secret of [title, content.slice(0, 12), '保洁员']) expect(mail.raw + mail.body).not.toContain(secret);

    // The township commission finally has a case: only this one, handed down to it.
    expect(await openCase(township, title)).toBe(caseUrl);
    await township.fill('#field-text-report', '经核查，村里按每月八百元发放，未经村民代表会议决定扣留四百元，已责令补发。');
    await post(township, 'report');
    await county.goto(caseUrl);
    await county.fill('#field-text-review', '报告未说明扣留的钱款去向和对责任人的处理，请补充后再报。');
    await post(county, 'review', 'button[name="decision"][value="return"]');

    await township.goto(caseUrl);
    await township.fill('#field-text-report', '补充：扣留的四百元每月存入村集体账户，共计四千八百元，已全额补发给保洁员；对村会计进行了批评教育。');
    await post(township, 'report');
    await county.goto(caseUrl);
    await post(county, 'review', 'button[name="decision"][value="accept"]');
    const history = await county.locator('.history-list').textContent();
    expect(history).toContain('退回重办');
    expect(history).toContain('审核通过');
    await Promise.all([county.context().close(), township.context().close()]);
  });
});

describe('a merged reporter', () => {
  it('reads the main case’s reply on /track', async () => {
    const content = '河湾村渡口摆渡每人收费五元，村里说是集体收入，但从来没有在公开栏里看到这笔钱，请查一查收费去向。';
    await file({ village: '990121001203', subjectLevel: 'village_cadre', category: 'assets', title: '河湾村渡口收费去向不明', content });
    const second = await file({ village: '990121001203', subjectLevel: 'village_cadre', category: 'assets', title: '河湾渡口收费没有公开', content: content.replace('请查一查收费去向', '希望纪委查一查') });
    const county = await staff('sanghe.jw', 'yidiantong-jiwei-2026');
    // Merge the second letter into the first.
    await openCase(county, '河湾渡口收费没有公开');
    await Promise.all([county.waitForEvent('load'), county.click('form:has(input[name="action"][value="merge"]) button')]);
    const mainUrl = await openCase(county, '河湾村渡口收费去向不明');
    await post(county, 'accept');
    await county.selectOption('#field-handler', { label: '桑河县纪委监委承办人（演示）' });
    await post(county, 'handler');
    const handler = await staff('sanghe.cb', 'yidiantong-chengban-2026');
    const approve = async () => {
      await county.goto(mainUrl);
      await Promise.all([county.waitForEvent('load'), county.click('button[name="action"][value="approve"]')]);
    };
    await handler.goto(mainUrl);
    await handler.selectOption('select[name="text"]', 'preliminary_check');
    await post(handler, 'dispose');
    await approve();
    await handler.goto(mainUrl);
    await handler.selectOption('#field-finding', 'substantiated');
    await handler.check('input[name="measure_criticism"]');
    await post(handler, 'conclude');
    await approve();
    await county.fill('#field-text-answer', '经核实，渡口收费自2025年起按村民代表会议决议收取，收入已补充在村务公开栏公布，今后按月公开。');
    await post(county, 'answer');

    const reporter = await browser.newPage();
    await reporter.goto(baseUrl + '/track');
    await reporter.fill('#field-receipt', second);
    await Promise.all([reporter.waitForEvent('load'), reporter.click('form[action="/track"] button')]);
    expect(await reporter.locator('main').textContent()).toContain('合并办理');
    expect(await reporter.locator('.reply').textContent()).toContain('按村民代表会议决议收取');
    await reporter.close();
    await Promise.all([county.context().close(), handler.context().close()]);
  });
});
