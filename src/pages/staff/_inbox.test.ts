/**
 * The notification and history pages as their users see them: the inbox lists a hand-down's
 * notice with its case number and a link, marks it read, and keeps a refused contact as typed with
 * its error linked to the field; the today page counts in its headings and shows empty states; the
 * case page's history shows minutes and officers while /track shows neither; the trace shows where
 * a forwarded case went without its title.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/auth.ts';
import { complaintReferrals } from '../../../db/schema/complaint-casework.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../tests/support/test-db.ts';
import { summaryTargets } from '../../../tests/support/error-summary.ts';
import { translator, type Lang } from '../../i18n/index.ts';
import type { SessionUser } from '../../lib/server/auth/sessions.ts';
import { forwardComplaint, handDown } from '../../lib/server/complaints/casework.ts';
import { actOnComplaint } from '../../lib/server/complaints/console.ts';
import NotFound from '../404.astro';
import Forbidden from '../403.astro';
import Track from '../track.astro';
import Inbox from './inbox.astro';
import ComplaintCase from './complaints/[id]/index.astro';
import Today from './complaints/today.astro';
import SentTrace from './complaints/sent/[id].astro';
import UserDetail from './users/[id].astro';
import { fileCase, WATER_CHANNEL_CONTENT } from '../../../tests/support/complaint-cases.ts';

let test: TestDatabase;
let container: AstroContainer;
let county: SessionUser;
let township: SessionUser;
const content = WATER_CHANNEL_CONTENT;
let handedId = '';
let handedReceipt = '';
let forwardedReferral = '';

async function sessionUser(username: string): Promise<SessionUser> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, displayName: row!.displayName, role: row!.role, scopeCode: row!.scopeCode, mustChangePassword: false };
}

async function render(page: Parameters<AstroContainer['renderToResponse']>[0], path: string, user: SessionUser | null, body?: Record<string, string>, params: Record<string, string> = {}, lang: Lang = 'zh-CN') {
  const url = `http://localhost${path}`;
  const request = body
    ? new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' }, body: new URLSearchParams(body) })
    : new Request(url);
  const response = await container.renderToResponse(page, { request, params, partial: false, locals: { lang, t: translator(lang), user, sessionId: null } });
  return { status: response.status, location: response.headers.get('Location'), html: await response.text() };
}

const file = (title: string) => fileCase(test.db, title);

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  container.insertPageRoute('/403', Forbidden);
  county = await sessionUser('sanghe.jw');
  township = await sessionUser('sanghezhen.jw');
  const handed = await file('页面：交办桑河镇的水渠案');
  handedId = handed.id;
  handedReceipt = handed.receipt;
  await actOnComplaint(test.db, county, { complaintId: handedId, action: 'accept' });
  if (!(await handDown(test.db, county, { complaintId: handedId, townshipCode: '990121001000' })).ok) throw new Error('hand down');
  const forwarded = await file('页面：转送柳岗县的案件');
  if (!(await forwardComplaint(test.db, county, { complaintId: forwarded.id, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' })).ok) throw new Error('forward');
  forwardedReferral = (await test.db.select({ id: complaintReferrals.id }).from(complaintReferrals).where(eq(complaintReferrals.complaintId, forwarded.id)))[0]!.id;
});
afterAll(async () => test?.dispose());

describe('the inbox page', () => {
  it('lists the hand-down with its number and link, and marks it read', async () => {
    const page = await render(Inbox, '/staff/inbox', township);
    expect(page.status).toBe(200);
    expect(page.html).toContain('1条未读');
    expect(page.html).toMatch(/桑纪举〔\d{4}〕\d+号/);
    expect(page.html).toContain(`href="/staff/complaints/${handedId}"`);
    expect(page.html).toContain('交办给本级，待承办');
    const notice = page.html.match(/name="notice" value="([0-9a-f-]{36})"/)![1]!;
    const marked = await render(Inbox, '/staff/inbox', township, { action: 'read', notice });
    expect(marked).toMatchObject({ status: 303, location: '/staff/inbox' });
    expect((await render(Inbox, '/staff/inbox', township)).html).toContain('0条未读');
    // Someone else's notice is not theirs to mark.
    expect((await render(Inbox, '/staff/inbox', county, { action: 'read', notice })).status).toBe(404);
  });

  it('keeps a refused contact as typed, its error linked to the field, and saves a good one', async () => {
    const refused = await render(Inbox, '/staff/inbox', township, { action: 'contact', contact: '1380013' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请填写电子邮箱地址');
    expect(refused.html).toMatch(/<input[^>]*id="field-contact"[^>]*value="1380013"/);
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const saved = await render(Inbox, '/staff/inbox', township, { action: 'contact', contact: '13800138000' });
    expect(saved).toMatchObject({ status: 303, location: '/staff/inbox?saved=1' });
    expect((await render(Inbox, '/staff/inbox?saved=1', township)).html).toMatch(/value="13800138000"/);
  });

  it('is every staff user’s, in English too', async () => {
    const cadre = await sessionUser('qianying.kj');
    const page = await render(Inbox, '/staff/inbox', cadre, undefined, {}, 'en');
    expect(page.status).toBe(200);
    expect(page.html).toContain('No notices.');
    // Every staff page links to the inbox; only those who handle complaints get the today view.
    expect(page.html).toContain('href="/staff/inbox"');
    expect(page.html).not.toContain('href="/staff/complaints/today"');
    expect((await render(Inbox, '/staff/inbox', township)).html).toContain('href="/staff/complaints/today"');
  });
});

describe('an account’s contact on its page', () => {
  it('is shown to and set by an administrator, refused to a commission that manages the account', async () => {
    const admin = await sessionUser('demo.admin');
    const cadre = await sessionUser('qianying.kj');
    const page = await render(UserDetail, `/staff/users/${cadre.id}`, admin, undefined, { id: cadre.id });
    expect(page.html).toContain('id="field-contact"');
    const refused = await render(UserDetail, `/staff/users/${cadre.id}`, admin, { action: 'contact', contact: 'qianying@' }, { id: cadre.id });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/<input[^>]*id="field-contact"[^>]*value="qianying@"/);
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const saved = await render(UserDetail, `/staff/users/${cadre.id}`, admin, { action: 'contact', contact: 'qianying@sanghe.example.gov.cn' }, { id: cadre.id });
    expect(saved).toMatchObject({ status: 303, location: `/staff/users/${cadre.id}?done=contact` });
    expect((await test.db.select({ contact: users.contact }).from(users).where(eq(users.id, cadre.id)))[0]!.contact).toBe('qianying@sanghe.example.gov.cn');
    // The county commission manages the cadre's account but not its contact, and is not shown it.
    const countyPage = await render(UserDetail, `/staff/users/${cadre.id}`, county, undefined, { id: cadre.id });
    expect(countyPage.html).not.toContain('qianying@sanghe.example.gov.cn');
    expect((await render(UserDetail, `/staff/users/${cadre.id}`, county, { action: 'contact', contact: 'x@sanghe.example.gov.cn' }, { id: cadre.id })).status).toBe(403);
  });
});

describe('the today page', () => {
  it('counts each section in its heading and shows empty states', async () => {
    const page = await render(Today, '/staff/complaints/today', township);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/交办给本级的案件 <span class="tag">1<\/span>/);
    expect(page.html).toContain(`href="/staff/complaints/${handedId}"`);
    expect(page.html).toContain('没有超期的案件。');
    const countyPage = await render(Today, '/staff/complaints/today', county);
    expect(countyPage.html).toMatch(/待我审批 <span class="tag">\d+<\/span>/);
    expect(countyPage.html).not.toContain('交办给本级的案件');
    expect(countyPage.html).toContain('href="/staff/complaints/sent"');
    expect(page.html).not.toContain('href="/staff/complaints/sent"'); // a township sends nothing on
  });
});

describe('history and trace', () => {
  it('shows minutes and officers on the case page, neither on /track', async () => {
    const page = await render(ComplaintCase, `/staff/complaints/${handedId}`, county, undefined, { id: handedId });
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+08:00">\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/time> <span>受理<\/span> <span class="muted">桑河县纪委监委（演示）<\/span>/);
    const track = await render(Track, '/track', null, { receipt: handedReceipt, action: 'lookup' });
    expect(track.html).toContain('受理');
    expect(track.html).not.toContain('桑河县纪委监委（演示）');
    expect(track.html).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });

  it('shows the sender where a forwarded case went, without its title', async () => {
    const page = await render(SentTrace, `/staff/complaints/sent/${forwardedReferral}`, county, undefined, { id: forwardedReferral });
    expect(page.status).toBe(200);
    expect(page.html).toContain('柳岗县');
    expect(page.html).toContain('被反映人系柳岗县管理的干部，按管理权限转送');
    expect(page.html).toContain('只读记录');
    expect(page.html).not.toContain('页面：转送柳岗县的案件');
    expect(page.html).not.toContain(content);
  });
});
