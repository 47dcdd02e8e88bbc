/**
 * Livelihood funds as the browser sees them (issue 14, second stage): 桑河县民政局 adds a subsidy
 * item, imports a recipient list for 河湾村 from a CSV file with a plain form, publishes the batch;
 * the village page lists it with masked names and no ID number; the recipient finds the payment
 * by ID number and name, and a wrong name finds nothing (the same answer an unknown number gets).
 * The upload page is usable at 360 px.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, staffPage } from './browser.ts';

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

  it('has an upload page that fits 360 px', async () => {
    const department = await staffPage(browser, baseUrl, 'sanghe.mzj', 'yidiantong-minzheng-2026');
    await department.setViewportSize({ width: 360, height: 740 });
    await department.goto(`${baseUrl}/staff/livelihood/batches`);
    expect(await department.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await department.context().close();
  });
});
