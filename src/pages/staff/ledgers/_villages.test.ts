/** The village overview page: narrowing a county to a township, the problems and the next step of each village. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import Overview from './villages.astro';

let pages: StaffPageTester;

beforeAll(async () => {
  pages = await createStaffPageTester();
});
afterAll(async () => pages?.test.dispose());

const rowOf = (html: string, code: string) => html.slice(html.indexOf(`<tr id="village-${code}"`), html.indexOf('</tr>', html.indexOf(`<tr id="village-${code}"`)));

describe('the village overview page', () => {
  it('lets the county commission narrow to a township, keeping the choice, and marks villages without accounts', async () => {
    const { status, html } = await pages.render(Overview, '/staff/ledgers/villages?township=990121001000', { as: 'sanghe.jw' });
    expect(status).toBe(200);
    expect(html).toMatch(/<option value="990121001000" selected>桑河镇<\/option>/);
    expect(html).not.toContain('id="village-990121002201"'); // 东岭村 is in 东岭乡
    const hewan = rowOf(html, '990121001203');
    expect(hewan).toContain('没有报账员账号');
    expect(hewan).toContain('没有村务监督委员会账号');
    expect(html).toContain('报账员提交后无人签核');
    // 前营村 has both accounts and an opened period: the commission's next step is to look and raise an opinion.
    const qianying = rowOf(html, '990121001201');
    expect(qianying).not.toContain('没有村务监督委员会账号');
    expect(qianying).toMatch(/<a href="\/staff\/ledgers\/\d+#h-opinions">查看并提出监督意见<\/a>/);
    expect(qianying).toContain('data-label="需要处理的问题"'); // a block of labelled values on a phone
  });

  it('has no township filter for a township’s agency, and refuses the village roles', async () => {
    const agency = await pages.render(Overview, '/staff/ledgers/villages', { as: 'sanghe.jgz' });
    expect(agency.status).toBe(200);
    expect(agency.html).not.toContain('id="field-township"');
    expect((await pages.render(Overview, '/staff/ledgers/villages', { as: 'qianying.jd' })).status).toBe(403);
  });
});
