/**
 * The tracking page (/track, issue 11 item 14): a wrong code keeps what was typed and says a code
 * has 16 digits; a found case shows what the reporter waits for next and by which day; a merged
 * reporter reads the main case's progress (item 7).
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { complaints } from '../../db/schema/complaints.ts';
import { users } from '../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../tests/support/test-db.ts';
import { translator } from '../i18n/index.ts';
import { actOnComplaint, mergeComplaint } from '../lib/server/complaints/console.ts';
import { formatReceipt } from '../lib/server/complaints/crypto.ts';
import { fileComplaint } from '../lib/server/complaints/filing.ts';
import { trackingThrottle } from '../lib/server/complaints/throttles.ts';
import { decide } from '../../tests/support/complaint-steps.ts';
import Track from './track.astro';

let test: TestDatabase;
let container: AstroContainer;
beforeEach(() => trackingThrottle.reset('client', 'unknown'));
beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
});
afterAll(async () => test?.dispose());

async function post(body: Record<string, string>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const request = new Request('http://localhost/track', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
  const response = await container.renderToResponse(Track, { request, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: response.status, html: await response.text() };
}

const base = { category: 'assets' as const, areaCode: '990121001202', subjectLevel: 'village_cadre' as const, anonymous: true, content: '后营村的集体鱼塘今年重新承包，没有公开招标，承包费比去年少了一半，承包人是村主任的小舅子。' };

describe('a wrong code', () => {
  it('keeps what was typed and says how many digits were typed when a code is short', async () => {
    const { status, html } = await post({ receipt: '1234 5678 9012' });
    expect(status).toBe(404);
    expect(html).toContain('value="1234 5678 9012"');
    expect(html).toContain('查询码是16位数字，您输入了12位');
  });

  it('says the code was not found, keeping it, when it has 16 digits', async () => {
    const { html } = await post({ receipt: '1111 2222 3333 4444' });
    expect(html).toContain('value="1111 2222 3333 4444"');
    expect(html).toContain('没有找到这个查询码');
  });

  it('says in English that a code has 16 digits', async () => {
    expect((await post({ receipt: '12345' }, 'en')).html).toContain('A receipt code has 16 digits; you typed 5.');
  });
});

describe('a found case', () => {
  it('names the next step and its day', async () => {
    const filed = await fileComplaint(test.db, { ...base, title: '鱼塘承包不公开' }, { today: '2026-11-02' });
    if (!filed.ok) throw new Error('filing failed');
    const { status, html } = await post({ receipt: formatReceipt(filed.value.receipt) });
    expect(status).toBe(200);
    expect(html).toContain('下一步：告知是否受理，预计2026-11-23前');
  });

  it('shows a merged reporter the main case’s interim reply, but not the other reporter’s title', async () => {
    const main = await fileComplaint(test.db, { ...base, title: '后营村鱼塘低价承包' });
    const merged = await fileComplaint(test.db, { ...base, title: '鱼塘承包给村主任亲属' });
    if (!main.ok || !merged.ok) throw new Error('filing failed');
    const [sanghe] = await test.db.select({ id: users.id, username: users.username, role: users.role, scopeCode: users.scopeCode }).from(users).where(eq(users.username, 'sanghe.jw'));
    const actor = { ...sanghe!, scopeCode: sanghe!.scopeCode! };
    const id = async (title: string) => (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    const mainId = await id('后营村鱼塘低价承包');
    expect((await mergeComplaint(test.db, actor, { complaintId: await id('鱼塘承包给村主任亲属'), intoId: mainId })).ok).toBe(true);
    expect((await actOnComplaint(test.db, actor, { complaintId: mainId, action: 'interim', text: '已调取鱼塘承包合同和村民代表会议记录，正在核实。' })).ok).toBe(true);
    const { html } = await post({ receipt: merged.value.receipt });
    expect(html).toContain('合并办理的案件：已收到');
    expect(html).toContain('已调取鱼塘承包合同和村民代表会议记录，正在核实。');
    expect(html).not.toContain('后营村鱼塘低价承包');
  });
});

describe('an objection (异议) on /track', () => {
  it('is offered once the case is answered, keeps short reasons with the error, and then says by when it is answered', async () => {
    const filed = await fileComplaint(test.db, { ...base, title: '前营村鱼塘承包费去向' });
    if (!filed.ok) throw new Error('filing failed');
    const receipt = filed.value.receipt;
    expect((await post({ receipt })).html).not.toContain('对答复有异议');
    const [sanghe] = await test.db.select({ id: users.id, username: users.username, role: users.role, scopeCode: users.scopeCode }).from(users).where(eq(users.username, 'sanghe.jw'));
    const id = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '前营村鱼塘承包费去向')))[0]!.id;
    expect((await actOnComplaint(test.db, { ...sanghe!, scopeCode: sanghe!.scopeCode! }, { complaintId: id, action: 'accept' })).ok).toBe(true);
    await decide(test.db, id, 'conclude', '经核实，鱼塘承包费已全额入账，并在村务公开栏公布。');
    expect((await post({ receipt })).html).toContain('对答复有异议');

    const short = await post({ receipt, action: 'objection', objection: '不对' });
    expect(short.status).toBe(400);
    expect(short.html).toContain('请写明对答复有异议的理由（至少20个字）');
    expect(short.html).toMatch(/<textarea[^>]*name="objection"[^>]*>不对<\/textarea>/);

    const sent = await post({ receipt, action: 'objection', objection: '公开栏上写的承包费是八千元，合同上是一万六千元，差额去向不明，我有合同复印件。' });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain('异议已提交');
    expect(sent.html).toMatch(/您于\d{4}-\d{2}-\d{2}提出的异议正在办理，预计\d{4}-\d{2}-\d{2}前答复/);
    expect(sent.html).not.toContain('对答复有异议</summary>');
  });
});
