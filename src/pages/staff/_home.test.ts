/** The staff home says what waits for the person signed in, each item linking to where it is done. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffPageTester, type StaffPageTester } from '../../../tests/support/pages.ts';
import StaffHome from './index.astro';

let pages: StaffPageTester;

beforeAll(async () => {
  pages = await createStaffPageTester();
});
afterAll(async () => pages?.test.dispose());

const waitingList = (html: string) => html.slice(html.indexOf('id="h-waiting"'), html.indexOf('class="doors"'));

describe('the staff home', () => {
  it('tells the committee what waits for it, with a link', async () => {
    const { status, html } = await pages.render(StaffHome, '/staff', { as: 'qianying.jd' });
    expect(status).toBe(200);
    expect(waitingList(html)).toContain('<a href="/staff/ledgers">1个期间等待监委会签核</a>');
  });

  it('tells the township agency about villages nobody can countersign, in English too', async () => {
    expect(waitingList((await pages.render(StaffHome, '/staff', { as: 'sanghe.jgz' })).html)).toContain('3个村没有村务监督委员会账号');
    expect(waitingList((await pages.render(StaffHome, '/staff', { as: 'sanghe.jgz', language: 'en' })).html)).toContain('3 village(s) without a supervision committee account');
  });

  it('says so when nothing waits', async () => {
    const { html } = await pages.render(StaffHome, '/staff', { as: 'demo.admin' });
    expect(waitingList(html)).toContain('目前没有等您处理的事项');
  });
});
