/**
 * The commission's pages over cases, rendered as the signed-in county commission: the case page's
 * forms (one domain call each, errors linked to fields that exist), its language, and the queue's
 * export, which writes what the queue shows under the same filters.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../../tests/support/test-db.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import { translator, type Lang } from '../../../i18n/index.ts';
import type { SessionUser } from '../../../lib/server/auth/sessions.ts';
import { actOnComplaint } from '../../../lib/server/complaints/console.ts';
import { assignHandler } from '../../../lib/server/complaints/casework.ts';
import { complaintProposals } from '../../../../db/schema/complaint-casework.ts';
import { decide } from '../../../../tests/support/complaint-steps.ts';
import { fileComplaint } from '../../../lib/server/complaints/filing.ts';
import NotFound from '../../404.astro';
import Forbidden from '../../403.astro';
import ComplaintCase from './[id]/index.astro';
import * as ComplaintExport from './export.ts';

let test: TestDatabase;
let container: AstroContainer;
let sanghe: SessionUser;
/** The demo handler of 桑河县's cases: proposes; sanghe.jw, who may approve, decides. */
let handler: SessionUser;
const ids = new Map<string, string>();
const content = '村里修水渠向每户集资两百元，说好开收据，到现在也没有开，钱花在哪里也没有公布。';

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  container.insertPageRoute('/403', Forbidden);
  const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  sanghe = { id: row!.id, username: row!.username, displayName: row!.displayName, role: row!.role, scopeCode: row!.scopeCode, mustChangePassword: false };
  const [cb] = await test.db.select().from(users).where(eq(users.username, 'sanghe.cb'));
  handler = { id: cb!.id, username: cb!.username, displayName: cb!.displayName, role: cb!.role, scopeCode: cb!.scopeCode, mustChangePassword: false };
  for (const [title, category, extra] of [
    ['前营村水渠集资不开收据', 'assets', { anonymous: false, name: '陈玉兰', phone: '13544445555' }],
    ['后营村干部酒后驾驶公车', 'conduct', {}],
  ] as const) {
    const filed = await fileComplaint(test.db, { category, areaCode: '990121001201', title, content, anonymous: true, ...extra });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    ids.set(title, (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id);
    if (!(await assignHandler(test.db, sanghe, { complaintId: ids.get(title)!, handlerId: handler.id })).ok) throw new Error('handler');
  }
});
afterAll(async () => test?.dispose());

async function casePage(title: string, body?: Record<string, string>, lang: Lang = 'zh-CN', user: SessionUser = sanghe) {
  const id = ids.get(title)!;
  const url = `http://localhost/staff/complaints/${id}`;
  const request = body
    ? new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' }, body: new URLSearchParams(body) })
    : new Request(url);
  const response = await container.renderToResponse(ComplaintCase, { request, params: { id }, partial: false, locals: { lang, t: translator(lang), user, sessionId: null } });
  return { status: response.status, location: response.headers.get('Location'), html: await response.text() };
}

describe('the case page', () => {
  it('runs a form and redirects back to the case', async () => {
    const { status, location } = await casePage('前营村水渠集资不开收据', { action: 'note', text: '已调取村集体账户流水' });
    expect(status).toBe(303);
    expect(location).toBe(`/staff/complaints/${ids.get('前营村水渠集资不开收据')}?done=note`);
  });

  it('sends a refused form back with what was typed, its error linked to that form’s own field', async () => {
    const { status, html } = await casePage('前营村水渠集资不开收据', { action: 'decline', text: '不受理' }, 'zh-CN', handler);
    expect(status).toBe(400);
    expect(html).toContain('请写明不予受理的理由');
    expect(html).toMatch(/<textarea id="field-text-decline"[^>]*>不受理<\/textarea>/);
    expect(html).toMatch(/<textarea id="field-text-note"[^>]*><\/textarea>/); // other forms stay empty
    const { links, missing } = summaryTargets(html);
    expect(links).toEqual(['field-text-decline']);
    expect(missing).toEqual([]);
  });

  it('links a refused zone or disposal to its own select', async () => {
    const zone = await casePage('前营村水渠集资不开收据', { action: 'zone', zone: 'no-such-zone' });
    expect(zone.status).toBe(400);
    expect(summaryTargets(zone.html)).toEqual({ links: ['field-zone'], missing: [] });
    await actOnComplaint(test.db, sanghe, { complaintId: ids.get('后营村干部酒后驾驶公车')!, action: 'accept' });
    const dispose = await casePage('后营村干部酒后驾驶公车', { action: 'dispose', text: 'whatever' }, 'zh-CN', handler);
    expect(dispose.status).toBe(400);
    expect(summaryTargets(dispose.html)).toEqual({ links: ['field-text-dispose'], missing: [] });
  });

  it('answers an unknown form with a message and 400, writing nothing', async () => {
    const before = (await test.db.select().from(auditEvents)).length;
    const { status, html } = await casePage('前营村水渠集资不开收据', { action: 'delete', text: '删除' });
    expect(status).toBe(400);
    expect(html).toContain(translator('zh-CN')('staff.unknownAction'));
    expect((await test.db.select().from(auditEvents)).length).toBe(before);
  });

  it('releases an identity on the handler’s proposal and another’s approval, shows it in that response only, and audits the look', async () => {
    const title = '前营村水渠集资不开收据';
    const reason = '需要电话联系反映人补充集资收据的照片';
    // The approver may not ask for it himself: proposing is the handler's.
    expect((await casePage(title, { action: 'reveal', reason })).status).toBe(403);
    const proposed = await casePage(title, { action: 'reveal', reason }, 'zh-CN', handler);
    expect(proposed.status).toBe(303);
    const [proposal] = await test.db.select().from(complaintProposals).where(eq(complaintProposals.complaintId, ids.get(title)!));
    // The approver reads the reason before deciding; the handler is offered no approval form.
    expect((await casePage(title)).html).toContain(reason);
    expect((await casePage(title)).html).toContain('<button type="submit" name="action" value="approve">');
    expect((await casePage(title, undefined, 'zh-CN', handler)).html).not.toContain('value="approve"');
    const before = (await test.db.select().from(auditEvents)).length;
    const own = await casePage(title, { action: 'approve', proposal: proposal!.id }, 'zh-CN', handler);
    expect(own.status).toBe(403);
    expect((await test.db.select().from(auditEvents)).length).toBe(before);
    expect((await casePage(title, { action: 'approve', proposal: proposal!.id })).status).toBe(303);
    const { status, html } = await casePage(title, { action: 'identity' }, 'zh-CN', handler);
    expect(status).toBe(200);
    expect(html).toContain('陈玉兰 · 13544445555');
    expect(html).not.toContain('value="identity"'); // no second form to open it again
    expect((await casePage(title, undefined, 'zh-CN', handler)).html).not.toContain('陈玉兰');
    expect((await casePage(title, { action: 'identity' })).status).toBe(403); // released to the handler, not the approver
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'complaint.identityRevealed'));
    expect(audit.map((row) => [row.actorId, row.reason])).toEqual([[handler.id, reason]]);
  });

  it('rejects a proposal with the approver’s note when the reject button is pressed, and the handler may propose again', async () => {
    const title = '后营村干部酒后驾驶公车';
    const note = '已对相关村干部进行批评教育并责令写出书面检查。';
    const noFinding = await casePage(title, { action: 'conclude', text: note, measure_criticism: '1' }, 'zh-CN', handler);
    expect(noFinding.status).toBe(400);
    expect(summaryTargets(noFinding.html)).toEqual({ links: ['field-finding'], missing: [] });
    expect(noFinding.html).toMatch(/name="measure_criticism" value="1" checked/); // what was ticked stays ticked
    expect((await casePage(title, { action: 'conclude', finding: 'substantiated', measure_criticism: '1', text: note }, 'zh-CN', handler)).status).toBe(303);
    const [proposal] = await test.db.select().from(complaintProposals).where(eq(complaintProposals.kind, 'conclude'));
    // A browser sends the hidden proposal id, the note and the pressed button's action.
    const missingNote = await casePage(title, { proposal: proposal!.id, note: '', action: 'reject' });
    expect(missingNote.status).toBe(400);
    expect(missingNote.html).toContain('请写明不同意的理由');
    expect(summaryTargets(missingNote.html)).toEqual({ links: [`field-note-${proposal!.id}`], missing: [] });
    expect((await casePage(title, { proposal: proposal!.id, note: '答复没有写明查实的经过，请补充', action: 'reject' })).status).toBe(303);
    const [after] = await test.db.select().from(complaintProposals).where(eq(complaintProposals.id, proposal!.id));
    expect(after).toMatchObject({ state: 'rejected', decidedBy: sanghe.id, decisionNote: '答复没有写明查实的经过，请补充' });
    expect((await test.db.select({ status: complaints.status }).from(complaints).where(eq(complaints.id, ids.get(title)!)))[0]!.status).not.toBe('concluded');
    expect((await casePage(title, undefined, 'zh-CN', handler)).html).toContain('id="field-finding"');
  });

  it('says categories, disposals and history steps in the page’s language', async () => {
    await decide(test.db, ids.get('后营村干部酒后驾驶公车')!, 'dispose', 'talk_inquiry');
    const en = (await casePage('后营村干部酒后驾驶公车', undefined, 'en', handler)).html;
    expect(en).toContain('Conduct of officials');
    expect(en).toContain('<span class="tag">Talk or written inquiry</span>');
    expect(en).toContain('<option value="preliminary_check">Preliminary verification</option>');
    expect(en).toContain('Disposal decided');
    // The history entry's text is the case record, kept in Chinese; the labels around it are not.
    expect(en.replace(/<ol class="history-list">[\s\S]*?<\/ol>/, '')).not.toMatch(/干部作风|谈话函询|初步核实/);
    const zh = (await casePage('后营村干部酒后驾驶公车')).html;
    expect(zh).toContain('干部作风');
    expect(zh).toContain('<span class="tag">谈话函询</span>');
  });
});

describe('the queue export', () => {
  const exported = async (query: string) => {
    const url = `http://localhost/staff/complaints/export${query}`;
    const response = await ComplaintExport.GET({
      locals: { user: sanghe, sessionId: null, lang: 'en', t: translator('en') },
      url: new URL(url),
      request: new Request(url),
      redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
      rewrite: async () => new Response('forbidden', { status: 403 }),
    } as never);
    const rows: Record<string, string>[] = parse((await response.text()).replace(/^\uFEFF/, ''), { columns: true });
    return rows.map((row) => [row['标题'], row['类别']]);
  };

  it('writes what the queue shows under the same filters, in Chinese', async () => {
    expect(await exported('?category=conduct')).toEqual([['后营村干部酒后驾驶公车', '干部作风']]);
    expect(await exported('?status=received&category=assets')).toEqual([['前营村水渠集资不开收据', '村级三资']]);
    expect(await exported('?area=990121002000')).toEqual([]);
    expect(await exported('?overdue=1')).toEqual([]);
    expect((await exported('')).length).toBe(2);
  });
});
