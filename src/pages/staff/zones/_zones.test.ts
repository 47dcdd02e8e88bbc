/**
 * The zone pages through the page: the demo zones of 桑河县 with their members as accounts, a zone
 * edited with its history; a cross-check refused for the zone's own township (回避) with what was
 * typed kept, then scheduled elsewhere and its finding recorded by a member; a task assigned and its
 * result recorded by a member of that zone only; the assessment table with its totals row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { zones } from '../../../../db/schema/complaints.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import Zones from './index.astro';
import Tasks from './tasks.astro';
import CrossChecks from './cross-checks.astro';
import Assessment from './assessment.astro';
import StaffHome from '../index.astro';

let pages: StaffPageTester;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const SANGHE = '990121000000';
const DONGLING = '990121002000';
const BAIYANG = '990121003000';
let first = '';
let second = '';
const idOf = async (username: string) => (await pages.test.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;

beforeAll(async () => {
  pages = await createStaffPageTester();
  const rows = await pages.test.db.select().from(zones).where(eq(zones.countyCode, SANGHE));
  first = rows.find((z) => z.name === '第一片区')!.id;
  second = rows.find((z) => z.name === '第二片区')!.id;
});
afterAll(async () => pages?.test.dispose());

describe('zones page', () => {
  it('lists the demo zones with their members as accounts, and edits one with history', async () => {
    const { status, html } = await pages.render(Zones, '/staff/zones', { as: 'sanghe.jw' });
    expect(status).toBe(200);
    expect(html).toContain('片区长桑河县纪委监委（演示）');
    expect(html).toContain('联络员东岭乡纪委（演示）');
    const refused = await pages.render(Zones, `/staff/zones?county=${SANGHE}&zone=${first}`, {
      as: 'sanghe.jw',
      body: form({ name: '第一片区（调整）', townships: '990121001000', head: await idOf('sanghe.cb'), deputy1: await idOf('sanghezhen.jw'), liaison: await idOf('dongling.xjw') }),
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('片区长应为本县纪委监委有审批权限的领导账号');
    expect(refused.html).toContain('value="第一片区（调整）"');
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const saved = await pages.render(Zones, `/staff/zones?county=${SANGHE}&zone=${first}`, {
      as: 'sanghe.jw',
      body: form({ name: '第一片区', townships: '990121001000', head: await idOf('sanghe.jw'), deputy1: await idOf('sanghezhen.jw'), liaison: await idOf('sanghe.cb') }),
    });
    expect(saved).toMatchObject({ status: 303, location: `/staff/zones?county=${SANGHE}&done=1` });
    const edit = await pages.render(Zones, `/staff/zones?county=${SANGHE}&zone=${first}`, { as: 'sanghe.jw' });
    expect(edit.html).toContain('调整记录');
    expect(edit.html.indexOf('演示数据')).toBeLessThan(edit.html.indexOf('桑河县纪委监委（演示）</span>'));
    expect(edit.html).toMatch(/<strong>设立<\/strong>[\s\S]*<strong>调整<\/strong>/);
    // Put 东岭乡 back, with its liaison, for the cross-check below.
    await pages.render(Zones, `/staff/zones?county=${SANGHE}&zone=${first}`, {
      as: 'sanghe.jw',
      body: new URLSearchParams([['name', '第一片区'], ['townships', '990121001000'], ['townships', DONGLING], ['head', await idOf('sanghe.jw')], ['deputy1', await idOf('sanghezhen.jw')], ['liaison', await idOf('dongling.xjw')]]),
    });
  });
});

describe('cross-checks page', () => {
  it('refuses a cross-check of the zone’s own township, keeping what was typed; schedules another; a member records a finding', async () => {
    const subject = '交叉检查东岭乡各村2026年第三季度三资公开';
    const refused = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghe.jw', body: form({ action: 'schedule', inspector: `zone:${first}`, inspectedTownshipCode: DONGLING, subject, dueOn: '2099-12-31' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('回避：检查方不能检查本片区的乡镇');
    expect(refused.html).toContain(subject);
    expect(refused.html).toContain(`<option value="zone:${first}" selected>`);
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const scheduled = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghe.jw', body: form({ action: 'schedule', inspector: `zone:${first}`, inspectedTownshipCode: BAIYANG, subject: '交叉检查白杨乡各村三资公开', dueOn: '2099-12-31' }) });
    expect(scheduled).toMatchObject({ status: 303, location: `/staff/zones/cross-checks?county=${SANGHE}&done=scheduled` });
    const member = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw' });
    expect(member.html).toContain('第一片区检查白杨乡');
    const checkId = /name="check" value="([^"]+)"/.exec(member.html)![1]!;
    const inspected = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'baiyang.xjw', body: form({ action: 'finding', check: checkId, body: '自己记录自己' }) });
    expect(inspected.status).toBe(403);
    const recorded = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw', body: form({ action: 'finding', check: checkId, body: '西沟村第三季度公开缺少工程款明细', caseNote: '已报县纪委监委' }) });
    expect(recorded.status).toBe(303);
    expect((await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghe.jw' })).html).toContain('西沟村第三季度公开缺少工程款明细；已报县纪委监委');
  });

  it('opens a case with a finding: a refused case keeps what was typed; the county links the case, the township member sees only that one was opened', async () => {
    const member = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw' });
    const checkId = /name="check" value="([^"]+)"/.exec(member.html)![1]!;
    // A township commission of the zone may not raise an opinion in another township: the form says so.
    expect(member.html).toContain('本账号不能对被检查乡镇提出监督意见');
    expect(member.html).toContain('<option value="990121003201">');
    const body = '白杨村2026年第三季度以现金支付工程款三笔，无村民代表会议决议';
    const caseFields = { caseAreaCode: '990121003201', caseCategory: 'assets', caseSubjectLevel: 'village_cadre' };
    const refused = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw', body: form({ action: 'finding', check: checkId, body, ...caseFields, caseTitle: '现金' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain(body);
    expect(refused.html).toContain('<option value="990121003201" selected>');
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const opened = await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw', body: form({ action: 'finding', check: checkId, body, ...caseFields, caseTitle: '白杨村工程款现金支付无决议' }) });
    expect(opened.status).toBe(303);
    const county = (await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghe.jw' })).html;
    expect(county).toMatch(/<a href="\/staff\/complaints\/[^"]+">已立案：[^<]*〔2026〕\d+号<\/a>/);
    const township = (await pages.render(CrossChecks, '/staff/zones/cross-checks', { as: 'sanghezhen.jw' })).html;
    expect(township).toContain(`${body}；已立案`);
    expect(township).not.toContain('已立案：');
  });
});

describe('tasks page', () => {
  it('is a door on the staff home of commission accounts, not of an agency', async () => {
    expect((await pages.render(StaffHome, '/staff', { as: 'sanghezhen.jw' })).html).toContain('href="/staff/zones/tasks"');
    expect((await pages.render(StaffHome, '/staff', { as: 'sanghe.jgz' })).html).not.toContain('href="/staff/zones/tasks"');
    expect((await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghezhen.jw' })).html).toContain('href="/staff/zones/cross-checks"');
  });

  it('assigns a task to a zone; a member of that zone records the result, a member of another does not see it', async () => {
    const assigned = await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghe.jw', body: form({ action: 'assign', zoneId: second, kind: 'clue', subject: '白杨乡白杨村低保评议问题线索', due: '10' }) });
    expect(assigned).toMatchObject({ status: 303, location: `/staff/zones/tasks?county=${SANGHE}&done=assigned` });
    const bad = await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghe.jw', body: form({ action: 'assign', zoneId: second, kind: 'clue', subject: '白杨乡另一条线索', due: '明天' }) });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('办理期限应为今天以后一年内的日期，或1至250个工作日');
    expect(bad.html).toContain('value="明天"');
    expect((await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghezhen.jw' })).html).not.toContain('白杨乡白杨村低保评议问题线索');
    const member = await pages.render(Tasks, '/staff/zones/tasks', { as: 'baiyang.xjw' });
    expect(member.html).toContain('白杨乡白杨村低保评议问题线索');
    const taskId = /name="task" value="([^"]+)"/.exec(member.html)![1]!;
    expect((await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghezhen.jw', body: form({ action: 'result', task: taskId, result: '已核实，线索不属实' }) })).status).toBe(403);
    const done = await pages.render(Tasks, '/staff/zones/tasks', { as: 'baiyang.xjw', body: form({ action: 'result', task: taskId, result: '经核实，评议程序合规，线索了结' }) });
    expect(done).toMatchObject({ status: 303, location: '/staff/zones/tasks?done=result' });
    expect((await pages.render(Tasks, '/staff/zones/tasks', { as: 'sanghe.jw' })).html).toContain('经核实，评议程序合规，线索了结');
  });
});

describe('assessment page', () => {
  it('sets the base targets and prints a table whose totals row adds up', async () => {
    const year = new Date().getFullYear();
    const bad = await pages.render(Assessment, `/staff/zones/assessment?period=${year}`, { as: 'sanghe.jw', body: form({ [`tasks-${first}`]: '两个', [`cases-${first}`]: '1', [`tasks-${second}`]: '2', [`cases-${second}`]: '0' }) });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('请填写0至999的整数');
    expect(bad.html).toContain('value="两个"');
    expect(summaryTargets(bad.html).missing).toEqual([]);
    const saved = await pages.render(Assessment, `/staff/zones/assessment?period=${year}`, { as: 'sanghe.jw', body: form({ [`tasks-${first}`]: '3', [`cases-${first}`]: '1', [`tasks-${second}`]: '2', [`cases-${second}`]: '0' }) });
    expect(saved.status).toBe(303);
    const html = (await pages.render(Assessment, `/staff/zones/assessment?period=${year}`, { as: 'sanghe.jw' })).html.replace(/ data-astro-cid-\w+/g, '');
    expect(html).toContain(`桑河县片区考核（${year}年）`);
    const cells = (row: string) => [...row.matchAll(/<td class="num">([\d.]+)<\/td>/g)].map((m) => Number(m[1]));
    const body = [...html.matchAll(/<tr>\s*<th scope="row">第.片区<\/th>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]!));
    const total = cells(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(html)![1]!);
    expect(body.length).toBe(2);
    expect(body[0]!.slice(0, 1)).toEqual([3]);
    expect(total).toEqual(total.map((_, i) => body.reduce((sum, row) => sum + row[i]!, 0)));
    expect(total[0]).toBe(5);
    expect((await pages.render(Assessment, '/staff/zones/assessment?period=2026Q7', { as: 'sanghe.jw' })).status).toBe(404);
  });
});

describe('contribution shares on the assessment page', () => {
  it('refuses shares that do not sum to 100% keeping what was typed, and an unknown case number; saves valid ones', async () => {
    const year = new Date().getFullYear();
    const url = `/staff/zones/assessment?period=${year}`;
    const unknown = await pages.render(Assessment, url, { as: 'sanghe.jw', body: form({ action: 'shares', caseNumber: '桑纪举〔1999〕1号', [`share-${first}`]: '100' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('没有找到本县纪委监委办理的这个案件编号');
    // A case of 桑河县 assigned to 第一片区 (filed, numbered, zone set directly).
    const { fileComplaint } = await import('../../../lib/server/complaints/filing.ts');
    const { complaints } = await import('../../../../db/schema/complaints.ts');
    const filed = await fileComplaint(pages.test.db, { category: 'assets', areaCode: '990121001201', title: '贡献率测试：前营村鱼塘', content: '前营村集体鱼塘低价承包给村干部亲属，合同没有经过村民代表会议，承包费也没有公示。', anonymous: true });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    const [row] = await pages.test.db.select().from(complaints).where(eq(complaints.title, '贡献率测试：前营村鱼塘'));
    await pages.test.db.update(complaints).set({ zoneId: first }).where(eq(complaints.id, row!.id));
    const number = `${row!.casePrefix}纪举〔${row!.caseYear}〕${row!.caseSeq}号`;
    const wrong = await pages.render(Assessment, url, { as: 'sanghe.jw', body: form({ action: 'shares', caseNumber: number, [`share-${first}`]: '60', [`share-${second}`]: '30' }) });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('各片区贡献率合计应为100%，现为90%');
    expect(wrong.html).toContain('value="60"');
    expect(summaryTargets(wrong.html).missing).toEqual([]);
    const saved = await pages.render(Assessment, url, { as: 'sanghe.jw', body: form({ action: 'shares', caseNumber: number, [`share-${first}`]: '60', [`share-${second}`]: '40' }) });
    expect(saved).toMatchObject({ status: 303, location: `/staff/zones/assessment?county=${SANGHE}&period=${year}&done=shares` });
  });
});
