/**
 * /staff/talks and /staff/reminders through the pages: a refused record comes back in Chinese with
 * what was typed; a recorded one is listed and counted; the county publishes a reminder that the
 * village liaison then reads (and cannot retire).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import Talks from './index.astro';
import Reminders from '../reminders/index.astro';

let pages: StaffPageTester;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const TALK = { heldOn: '2026-11-25', areaCode: '990121001201', category: '1', kind: 'reminder', conductedBy: '桑河镇纪委书记', note: '便民服务中心办理低保申请超过时限，提醒主任按承诺时限办结。' };

beforeAll(async () => {
  pages = await createStaffPageTester();
});
afterAll(async () => pages?.test.dispose());

describe('the reminders and talks page', () => {
  it('keeps what was typed and says in Chinese what is wrong', async () => {
    const { status, html } = await pages.render(Talks, '/staff/talks', { as: 'sanghezhen.jw', body: form({ ...TALK, note: '短', category: '' }) });
    expect(status).toBe(400);
    expect(html).toContain('请选择对象类别');
    expect(html).toContain('简要情况至少4个字');
    expect(html).toContain('value="桑河镇纪委书记"');
    expect(summaryTargets(html).missing).toEqual([]);
  });

  it('records, then lists and counts the act, filtered by category', async () => {
    const saved = await pages.render(Talks, '/staff/talks', { as: 'sanghezhen.jw', body: form(TALK) });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/staff/talks?done=recorded');
    const { html } = await pages.render(Talks, '/staff/talks?category=1', { as: 'sanghezhen.jw' });
    expect(html).toContain('便民服务中心办理低保申请超过时限');
    expect(html).toMatch(/综合服务中心主任<\/a><\/th><td class="num">1<\/td>/);
    expect((await pages.render(Talks, '/staff/talks?category=2', { as: 'sanghezhen.jw' })).html).not.toContain('便民服务中心办理低保申请超过时限');
    expect((await pages.render(Talks, '/staff/talks', { as: 'sanghe.jw' })).html).toContain('便民服务中心办理低保申请超过时限');
  });

  it('names the ten categories in English on the English page', async () => {
    const { html } = await pages.render(Talks, '/staff/talks?category=1', { as: 'sanghezhen.jw', language: 'en' });
    expect(html).toContain('Township law-enforcement team leader');
    expect(html).not.toContain('乡镇行政综合执法队长');
  });
});

describe('the reminders page', () => {
  it('lets the county publish a reminder that its liaison reads but cannot retire', async () => {
    const bad = await pages.render(Reminders, '/staff/reminders', { as: 'sanghe.jw', body: form({ action: 'add', title: '惠民资金', body: '短' }) });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('value="惠民资金"');
    const added = await pages.render(Reminders, '/staff/reminders', { as: 'sanghe.jw', body: form({ action: 'add', title: '惠民资金发放公示', body: '各村惠民惠农补贴发放名单须在村务公开栏公示，请提醒群众核对本人信息。' }) });
    expect(added.status).toBe(303);
    const read = await pages.render(Reminders, '/staff/reminders', { as: 'qianying.jjwy' });
    expect(read.status).toBe(200);
    expect(read.html).toContain('惠民资金发放公示');
    expect(read.html).not.toContain('name="action" value="retire"');
    const retire = await pages.render(Reminders, '/staff/reminders', { as: 'qianying.jjwy', body: form({ action: 'retire', id: '00000000-0000-4000-8000-000000000000' }) });
    expect(retire.status).toBe(403);
  });
});
