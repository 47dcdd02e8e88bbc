/**
 * The queue page as a caseload: search and filters as words (selects with Chinese labels, a place
 * picker instead of typed codes), the chosen values kept in the form, pages that keep the filters,
 * and hostile input answered with a page, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { fileComplaint } from '../../../lib/server/complaints/filing.ts';
import ComplaintQueue from './index.astro';

let pages: StaffPageTester;
const content = '村里的集体鱼塘承包给了村支书的亲戚，承包费比市场价低一半，也没有开会讨论。';

beforeAll(async () => {
  pages = await createStaffPageTester();
  for (const [title, areaCode] of [['前营村鱼塘承包', '990121001201'], ['东岭村鱼塘承包', '990121002201'], ['河湾村修桥款', '990121001203']] as const) {
    const filed = await fileComplaint(pages.test.db, { category: 'assets', areaCode, subjectLevel: 'village_cadre', title, content: title === '河湾村修桥款' ? '修桥的钱公示了八十万，实际上桥只换了护栏，桥面还是坑坑洼洼的。' : content, anonymous: true }, { today: '2026-11-02' });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  }
});
afterAll(async () => pages?.test.dispose());

const queue = (query: string, language: 'zh-CN' | 'en' = 'zh-CN') => pages.render(ComplaintQueue, `/staff/complaints${query}`, { as: 'sanghe.jw', language });

describe('the queue page', () => {
  it('offers filters as words: selects with labels, a place picker of the county’s townships and villages, no code to type', async () => {
    const { status, html } = await queue('');
    expect(status).toBe(200);
    expect(html).toMatch(/<input type="search" name="q"/);
    expect(html).toMatch(/<option value="village_cadre">村[^<]+干部<\/option>/);
    expect(html).toMatch(/<select name="area">[\s\S]*<option value="990121001000">桑河镇<\/option>[\s\S]*<option value="990121001201">　前营村<\/option>/);
    expect(html).toMatch(/<select name="handler">[\s\S]*<option value="none">尚未指定承办人<\/option>/);
    expect(html).not.toMatch(/name="area"[^>]*inputmode/);
    expect(html).toContain('桑纪举〔2026〕');
    expect(html).toContain('共3件');
  });

  it('searches, keeps every chosen value in the form, and carries the filters to the exports', async () => {
    const { html } = await queue('?q=鱼塘&area=990121001000&status=received&subject=village_cadre&handler=none&overdue=1');
    expect(html).toMatch(/<input type="search" name="q" value="鱼塘"/);
    expect(html).toMatch(/<option value="990121001000" selected>桑河镇<\/option>/);
    expect(html).toMatch(/<option value="received" selected>/);
    expect(html).toMatch(/<option value="village_cadre" selected>/);
    expect(html).toMatch(/<option value="none" selected>/);
    expect(html).toMatch(/name="overdue" value="1" checked/);
    expect(html).toContain('清除筛选');
    const search = '?q=%E9%B1%BC%E5%A1%98&amp;status=received&amp;subject=village_cadre&amp;handler=none&amp;area=990121001000&amp;overdue=1';
    expect(html).toContain(`href="/staff/complaints/export${search}"`);
    expect(html).toContain(`href="/staff/complaints/export.xlsx${search}"`);
  });

  it('lists what the search finds, within the county only', async () => {
    const { html } = await queue('?q=鱼塘&area=990121001000');
    expect(html).toContain('前营村鱼塘承包');
    expect(html).not.toContain('东岭村鱼塘承包');
    expect(html).not.toContain('河湾村修桥款');
    expect((await queue('?q=不存在的词')).html).toContain('没有符合条件的案件。');
  });

  it('answers hostile input with a page', async () => {
    for (const query of ['?q=%25', "?q=%27%20or%201%3D1--", '?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '?page=-1', '?page=1e9', '?area=%00', `?q=${'长'.repeat(300)}`, '?handler=%27']) {
      const { status, html } = await queue(query);
      expect(status, query).toBe(200);
      // Only ever inside the quoted value attribute, where it is text.
      expect(html).not.toMatch(/[^"]<script>alert\(1\)<\/script>/);
    }
  });

  it('speaks English on an English page, the case number included', async () => {
    const { html } = await queue('', 'en');
    expect(html).toContain('Keywords');
    expect(html).toMatch(/桑 CDI complaint 2026 No\. \d+/);
  });

  it('pages fifty at a time, keeping the filters on the page links', async () => {
    for (let n = 1; n <= 51; n++) {
      const filed = await fileComplaint(pages.test.db, { category: 'item', areaCode: '990121003000', subjectLevel: 'township_cadre', title: `白杨乡窗口办事推诿第${n}件`, content: '乡便民服务中心办理低保申请一拖再拖，要求群众跑了五六趟。', anonymous: true }, { today: '2026-10-10' });
      if (!filed.ok) throw new Error('filing');
    }
    const first = await queue('?q=推诿');
    expect(first.html).toContain('第1页，共2页');
    expect(first.html).toContain('href="/staff/complaints?q=%E6%8E%A8%E8%AF%BF&amp;page=2"');
    const second = await queue('?q=推诿&page=2');
    expect(second.html).toContain('第2页，共2页');
    expect(second.html).toContain('href="/staff/complaints?q=%E6%8E%A8%E8%AF%BF"');
    expect((second.html.match(/白杨乡窗口办事推诿第/g) ?? []).length).toBe(1);
    expect(await pages.test.db.$count(complaints, eq(complaints.category, 'item'))).toBe(51);
  });
});
