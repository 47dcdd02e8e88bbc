/**
 * The printed case file (issue 11 item 13): the registration sheet and the disposal approval sheet
 * of one case — what they carry, the reporter named only on an approved and audited request, A4
 * print styles with a print button that needs JavaScript, and refusal for everyone who may not
 * handle the case.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { decide, releaseIdentity } from '../../../../tests/support/complaint-steps.ts';
import { actOnComplaint } from '../../../lib/server/complaints/console.ts';
import { fileComplaint } from '../../../lib/server/complaints/filing.ts';
import Sheet from './[id]/print/[sheet].astro';

let pages: StaffPageTester;
let realName = '';
let anonymous = '';
const content = '村里修水渠向每户集资两百元，说好开收据，到现在也没有开，钱花在哪里也没有公布。';

async function file(title: string, extra: Record<string, unknown>) {
  const filed = await fileComplaint(pages.test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', subjectName: '王某某', title, content, anonymous: true, occurredOn: '2026-09-15', ...extra }, { today: '2026-10-12' });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  return (await pages.test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
}

beforeAll(async () => {
  pages = await createStaffPageTester();
  realName = await file('前营村水渠集资不开收据', { anonymous: false, name: '陈玉兰', phone: '13544445555' });
  anonymous = await file('前营村水渠集资去向不明', {});
  const [approver] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  const actor = { id: approver!.id, username: approver!.username, role: approver!.role, scopeCode: approver!.scopeCode };
  expect((await actOnComplaint(pages.test.db, actor, { complaintId: anonymous, action: 'accept' })).ok).toBe(true);
  await decide(pages.test.db, anonymous, 'dispose', 'preliminary_check');
});
afterAll(async () => pages?.test.dispose());

const Registration = 'registration';
const Approval = 'approval';
const sheet = (name: string, id: string, as = 'sanghe.jw', options: { body?: BodyInit; language?: 'zh-CN' | 'en' } = {}) =>
  pages.render(Sheet, `/staff/complaints/${id}/print/${name}`, { as, params: { id, sheet: name }, ...options });

describe('the registration sheet (登记表)', () => {
  it('carries number, received date, channel, who and what, place, the matter, the receiving officer and the proposal', async () => {
    const { status, html } = await sheet(Registration, anonymous);
    expect(status).toBe(200);
    expect(html).toContain('检举控告登记表');
    expect(html).toContain('桑河县纪委监委');
    expect(html).toMatch(/案件编号：桑纪举〔2026〕\d+号/);
    expect(html).toContain('2026-10-12');
    expect(html).toContain('网络举报（一点通平台）');
    expect(html).toContain('村（社区）干部');
    expect(html).toContain('王某某');
    expect(html).toContain('村级三资');
    expect(html).toContain('桑河县 桑河镇 前营村');
    expect(html).toContain('2026-09-15');
    expect(html).toContain(content);
    expect(html).toMatch(/受理人<\/th><td>桑河县纪委监委（演示）（\d{4}-\d{2}-\d{2}）/);
    expect(html).toContain('初步核实');
    expect(html).toContain('已同意');
    expect(html).toMatch(/<td colspan="3">匿名<\/td>/);
  });

  it('names a direct reporting point as the channel of a case filed there', async () => {
    await pages.test.db.update(complaints).set({ channel: 'direct_point' }).where(eq(complaints.id, anonymous));
    try {
      const { html } = await sheet(Registration, anonymous);
      expect(html).toContain('村级直报点代为登记（一点通平台）');
      expect(html).not.toContain('网络举报（一点通平台）');
    } finally {
      await pages.test.db.update(complaints).set({ channel: 'online' }).where(eq(complaints.id, anonymous));
    }
  });

  it('shows a case not yet taken up as such', async () => {
    const { html } = await sheet(Registration, realName);
    expect(html).toMatch(/受理人<\/th><td>尚未办理/);
    expect(html).toMatch(/<td colspan="3">实名（已保护）<\/td>/);
    expect(html).not.toMatch(/陈玉兰|13544445555/);
    // Only the officer holding an approved release is offered the request.
    expect(html).not.toContain('name="action" value="reveal"');
  });

  it('is an A4 sheet with a print button that needs JavaScript', async () => {
    const { html } = await sheet(Registration, anonymous);
    expect(html).toMatch(/<button type="button" class="print-button" data-print hidden>/);
    expect(html).toMatch(/<script src="\/scripts\/print-sheet\.js[^"]*" defer><\/script>/);
    expect(html).toContain('class="print-sheet case-file"');
    expect(readFileSync('public/styles/site.css', 'utf8')).toMatch(/@page \{ size: A4;/);
  });

  it('speaks English on an English page', async () => {
    const { html } = await sheet(Registration, anonymous, 'sanghe.jw', { language: 'en' });
    expect(html).toContain('Complaint registration sheet');
    expect(html).toMatch(/桑 CDI complaint 2026 No\. \d+/);
    expect(html).toContain('Anonymous');
  });
});

describe('the disposal approval sheet (处置审批表)', () => {
  it('carries the proposal, handler, approver, dates, the decision and boxes for written opinions', async () => {
    const { status, html } = await sheet(Approval, anonymous);
    expect(status).toBe(200);
    expect(html).toContain('问题线索处置审批表');
    expect(html).toContain('初步核实');
    expect(html).toMatch(/承办人：桑河县纪委监委承办人（演示）　提请日期：\d{4}-\d{2}-\d{2}/);
    expect(html).toMatch(/审批人：桑河县纪委监委（演示）　审批日期：\d{4}-\d{2}-\d{2}/);
    expect(html).toContain('已同意');
    for (const box of ['承办部门意见', '审批意见', '主要负责人意见']) expect(html).toContain(box);
    expect(html).toContain('签字：');
  });

  it('leaves the boxes blank for a case with no proposal yet', async () => {
    const { html } = await sheet(Approval, realName);
    expect(html).toContain('尚未办理');
    expect(html).toContain('审批人：＿＿＿＿　审批日期：＿＿＿＿年＿＿月＿＿日');
  });
});

describe('the reporter on a sheet', () => {
  it('is named only for the handler whose release was approved, on request, and each time audited', async () => {
    const { handler } = await releaseIdentity(pages.test.db, realName, '需要电话联系反映人补充集资名单');
    const before = await pages.test.db.$count(auditEvents, eq(auditEvents.action, 'complaint.identityRevealed'));
    const shown = await sheet(Registration, realName, handler.username);
    expect(shown.html).toContain('name="action" value="reveal"');
    expect(shown.html).not.toMatch(/陈玉兰|13544445555/);
    const revealed = await sheet(Registration, realName, handler.username, { body: new URLSearchParams({ action: 'reveal' }) });
    expect(revealed.status).toBe(200);
    expect(revealed.html).toContain('陈玉兰 · 13544445555');
    expect(await pages.test.db.$count(auditEvents, eq(auditEvents.action, 'complaint.identityRevealed'))).toBe(before + 1);
    const approvalSheet = await sheet(Approval, realName, handler.username, { body: new URLSearchParams({ action: 'reveal' }) });
    expect(approvalSheet.html).toContain('陈玉兰 · 13544445555');
    // The approver did not ask for the release: refused, nothing shown, nothing audited.
    const refused = await sheet(Registration, realName, 'sanghe.jw', { body: new URLSearchParams({ action: 'reveal' }) });
    expect(refused.status).toBe(403);
    expect(refused.html).not.toMatch(/陈玉兰|13544445555/);
    expect(refused.html).toMatch(/<td colspan="3">实名（已保护）<\/td>/);
    expect(await pages.test.db.$count(auditEvents, eq(auditEvents.action, 'complaint.identityRevealed'))).toBe(before + 2);
  });
});

describe('who may print', () => {
  it('refuses everyone who may not handle the case, the same for an unknown case', async () => {
    for (const page of [Registration, Approval]) {
      for (const who of ['sanghezhen.jw', 'qianying.kj', 'demo.admin', 'sanghe.jgz']) {
        const { status, html } = await sheet(page, realName, who);
        expect(status, who).toBe(403);
        expect(html).not.toContain('前营村水渠集资不开收据');
      }
      expect((await sheet(page, '00000000-0000-4000-8000-000000000000')).status).toBe(403);
    }
    expect((await sheet('envelope', realName)).status).toBe(404);
  });
});
