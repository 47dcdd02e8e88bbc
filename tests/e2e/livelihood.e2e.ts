/**
 * Livelihood funds as the browser sees them (issue 14, second stage): 桑河县民政局 adds a subsidy
 * item, imports a recipient list for 河湾村 from a CSV file with a plain form, publishes the batch;
 * the village page lists it with masked names and no ID number; the recipient finds the payment
 * by ID number and name, and a wrong name finds nothing (the same answer an unknown number gets).
 * The upload page is usable at 360 px.
 *
 * Then the suspect loop (issue 14 "done when"): the department imports a batch paying a person the
 * demo death registry records as deceased; the village page lists it masked; she is found by ID and
 * name, a wrong name finds nothing; the cross-check has raised the hit; the county commission sends
 * it to the department, the department answers that it is true, the commission requires a correction,
 * the department reports it and the commission closes it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, staffPage } from './browser.ts';
import { DEMO_DECEASED, DEMO_DECEASED_BATCH, demoDeceasedBatchCsv } from '../../db/seed/demo-livelihood.ts';

const baseUrl = inject('baseUrl');
const VILLAGE = '990121001203';
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/** An invented ID number under address code 431121 with its GB 11643 check character. */
function idNumber(birth: string, sequence: number): string {
  const first17 = `431121${birth}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return first17 + '10X98765432'[sum % 11];
}
const suffix = String(Date.now() % 100_000);
const ITEM = `高龄津贴${suffix}`;
const ZHOU = { name: '周长海', idNumber: idNumber('19400210', 31) };
const WU = { name: '吴凤英', idNumber: idNumber('19420818', 22) };

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

describe('a livelihood payment from the department to the person', () => {
  it('is imported and published by the department, listed masked on the village page, and found by the person', async () => {
    const department = await staffPage(browser, baseUrl, 'sanghe.mzj', 'yidiantong-minzheng-2026');
    await department.goto(`${baseUrl}/staff/livelihood`);
    await department.fill('#field-name', ITEM);
    await department.fill('#field-standardText', '80至89周岁每人每月50元，90周岁以上每人每月100元');
    await department.fill('#field-standardYuan', '100');
    await department.fill('#field-legalBasis', '《桑河县高龄津贴发放管理办法》（桑政办发〔2024〕12号）');
    await submit(department, 'main form:has(#field-legalBasis) button[type="submit"]');
    expect(await department.textContent('body')).toContain('已添加补贴项目');

    // A file with a wrong check digit first: nothing imported, the row named, the ID number not repeated.
    await department.goto(`${baseUrl}/staff/livelihood/batches`);
    const bad = `${ZHOU.idNumber.slice(0, 17)}${ZHOU.idNumber[17] === '1' ? '2' : '1'}`;
    await department.selectOption('#field-itemId', { label: ITEM });
    await department.selectOption('#field-villageCode', VILLAGE);
    await department.fill('#field-period', '2026-11');
    await department.setInputFiles('#field-file', { name: '河湾村高龄津贴.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF姓名,身份证号码,金额（元）,发放日期\n${ZHOU.name},${bad},100,2026-11-10\n`, 'utf8') });
    await submit(department, 'form[enctype="multipart/form-data"] button[type="submit"]');
    const refused = (await department.textContent('body'))!;
    expect(refused).toContain('第2行“身份证号码”：身份证号码第18位校验码不对');
    expect(refused).not.toContain(bad);
    expect(await department.inputValue('#field-period')).toBe('2026-11');

    await department.setInputFiles('#field-file', { name: '河湾村高龄津贴.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF户主姓名,公民身份号码,发放金额,发放日期\n${ZHOU.name},${ZHOU.idNumber},100,2026-11-10\n${WU.name},${WU.idNumber},100,2026-11-10\n`, 'utf8') });
    await submit(department, 'form[enctype="multipart/form-data"] button[type="submit"]');
    expect(department.url()).toMatch(/\/staff\/livelihood\/batches\/[0-9a-f-]{36}\?done=imported$/);
    expect(await department.textContent('body')).toContain('已导入 2 人');
    await submit(department, 'form:has(input[name="action"][value="publish"]) button[type="submit"]');
    expect(await department.textContent('body')).toContain('已公示');
    await department.context().close();

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${baseUrl}/villages/${VILLAGE}`);
    const list = (await visitor.textContent('.livelihood-public'))!;
    expect(list).toContain(`${ITEM} · 2026-11`);
    expect(list).toContain('周*海');
    expect(list).toContain('吴*英');
    const html = await visitor.content();
    for (const secret of [ZHOU.name, WU.name, ZHOU.idNumber, WU.idNumber, ZHOU.idNumber.slice(-4)]) expect(html).not.toContain(secret);

    await visitor.goto(`${baseUrl}/livelihood/lookup`);
    await visitor.fill('#field-idNumber', ZHOU.idNumber);
    await visitor.fill('#field-name', ZHOU.name);
    await submit(visitor, 'form[action="/livelihood/lookup"] button[type="submit"]');
    expect(visitor.url()).toBe(`${baseUrl}/livelihood/lookup`);
    const found = (await visitor.textContent('#lookup-found'))!;
    expect(found).toContain('查到 1 笔发放');
    expect(found).toContain(`${ITEM} · 2026-11`);
    expect(found).toContain('河湾村');

    await visitor.fill('#field-name', '周长河');
    await submit(visitor, 'form[action="/livelihood/lookup"] button[type="submit"]');
    expect(await visitor.locator('#lookup-found').count()).toBe(0);
    expect(await visitor.textContent('#lookup-none')).toContain('没有查到与该身份证号码和姓名相符的已公示发放记录');
    const wrongName = (await visitor.textContent('main'))!.replace(/\s+/g, ' ');
    await visitor.fill('#field-idNumber', idNumber('19700101', 15));
    await submit(visitor, 'form[action="/livelihood/lookup"] button[type="submit"]');
    expect((await visitor.textContent('main'))!.replace(/\s+/g, ' ')).toBe(wrongName);
    await visitor.context().close();
  });

  it('walks a planted deceased recipient from the import to a closed suspect with a correction', async () => {
    const item = `${DEMO_DECEASED_BATCH.itemName}${suffix}`;
    const department = await staffPage(browser, baseUrl, 'sanghe.mzj', 'yidiantong-minzheng-2026');
    await department.goto(`${baseUrl}/staff/livelihood`);
    await department.fill('#field-name', item);
    await department.fill('#field-standardText', DEMO_DECEASED_BATCH.standardText);
    await department.fill('#field-standardYuan', '520');
    await department.fill('#field-legalBasis', DEMO_DECEASED_BATCH.legalBasis);
    await submit(department, 'main form:has(#field-legalBasis) button[type="submit"]');
    await department.goto(`${baseUrl}/staff/livelihood/batches`);
    await department.selectOption('#field-itemId', { label: item });
    await department.selectOption('#field-villageCode', DEMO_DECEASED_BATCH.villageCode);
    await department.fill('#field-period', DEMO_DECEASED_BATCH.period);
    await department.setInputFiles('#field-file', { name: '东岭村低保金.csv', mimeType: 'text/csv', buffer: Buffer.from(demoDeceasedBatchCsv(), 'utf8') });
    await submit(department, 'form[enctype="multipart/form-data"] button[type="submit"]');
    expect(await department.textContent('body')).toContain('已导入 3 人');
    await submit(department, 'form:has(input[name="action"][value="publish"]) button[type="submit"]');

    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${baseUrl}/villages/${DEMO_DECEASED_BATCH.villageCode}`);
    expect(await visitor.textContent('.livelihood-public')).toContain('曹*梅');
    expect(await visitor.content()).not.toContain(DEMO_DECEASED.idNumber);
    await visitor.goto(`${baseUrl}/livelihood/lookup`);
    await visitor.fill('#field-idNumber', DEMO_DECEASED.idNumber);
    await visitor.fill('#field-name', DEMO_DECEASED.name);
    await submit(visitor, 'form[action="/livelihood/lookup"] button[type="submit"]');
    expect(await visitor.textContent('#lookup-found')).toContain(`${item} · ${DEMO_DECEASED_BATCH.period}`);
    await visitor.fill('#field-name', '曹秀英');
    await submit(visitor, 'form[action="/livelihood/lookup"] button[type="submit"]');
    expect(await visitor.locator('#lookup-found').count()).toBe(0);
    await visitor.context().close();

    // The cross-check ran with the import: the commission finds the hit and sends it.
    const commission = await staffPage(browser, baseUrl, 'sanghe.jw', 'yidiantong-jiwei-2026');
    await commission.goto(`${baseUrl}/staff/livelihood/hits?rule=deceased`);
    const row = commission.locator('tr', { hasText: item });
    expect(await row.textContent()).toContain('曹*梅');
    await Promise.all([commission.waitForEvent('load'), row.getByRole('link', { name: '交部门核查' }).click()]);
    await commission.fill('#field-body', '请核实曹秀梅是否已于2026年10月8日死亡，死亡后发放的低保金是否应停发并追回。');
    await submit(commission, 'main form[method="post"] button[type="submit"]');
    expect(commission.url()).toMatch(/\/staff\/livelihood\/suspects\/[0-9a-f-]{36}\?done=sent$/);
    const suspectUrl = commission.url().split('?')[0]!;

    await department.goto(`${baseUrl}/staff/livelihood/suspects?show=department`);
    await Promise.all([department.waitForEvent('load'), department.locator(`a[href="${new URL(suspectUrl).pathname}"]`).click()]);
    await department.selectOption('#field-answer', 'confirmed');
    await department.fill('#field-body', '经入户核查并调取户籍注销记录，曹秀梅已于2026年10月8日死亡，家属未申报，11月多发低保金520元。');
    await department.fill('#field-evidence', '死亡医学证明（编号X431121-2026-0921），户籍注销证明，入户核查记录');
    await submit(department, 'form:has(input[name="form"][value="answer"]) button[type="submit"]');
    expect(await department.textContent('[role="status"]')).toContain('已提交答复');

    await commission.goto(suspectUrl);
    await commission.selectOption('#field-decision', 'accept');
    await commission.fill('#field-body', '核查结论属实，请立即停发并追回死亡后发放的低保金。');
    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await commission.fill('#field-dueOn', due);
    await submit(commission, 'form:has(input[name="form"][value="review"]) button[type="submit"]');
    expect(await commission.textContent('main')).toContain('属实，整改中');

    await department.goto(suspectUrl);
    await department.selectOption('#field-paymentStopped', 'yes');
    await department.fill('#field-toRecover', '520');
    await department.fill('#field-recovered', '520');
    await department.fill('#field-body', '已停发，家属已将多发的520元退回县财政社保资金专户。');
    await submit(department, 'form:has(input[name="form"][value="correct"]) button[type="submit"]');
    expect(await department.textContent('main')).toContain('已报整改，待审核');

    await commission.goto(suspectUrl);
    await commission.selectOption('#field-decision', 'accept');
    await commission.fill('#field-body', '已停发并全额追回，同意办结。');
    await submit(commission, 'form:has(input[name="form"][value="review"]) button[type="submit"]');
    const closed = (await commission.textContent('main'))!;
    expect(closed).toContain('已办结');
    expect(closed).toContain('已追回（元） 520.00');
    await commission.context().close();
    await department.context().close();
  });

  it('has an upload page that fits 360 px', async () => {
    const department = await staffPage(browser, baseUrl, 'sanghe.mzj', 'yidiantong-minzheng-2026');
    await department.setViewportSize({ width: 360, height: 740 });
    await department.goto(`${baseUrl}/staff/livelihood/batches`);
    expect(await department.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await department.context().close();
  });
});
