/**
 * /staff/direct-report through the page: the liaison of 前营村 files for a villager with the plain
 * form, gets the receipt once on a printable slip with the /track QR code, and then has no path to
 * the case — 403 on its page, its print sheet and every complaint list — while the villager's
 * receipt tracks it at /track. A refused form comes back in Chinese with what was typed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import { translator } from '../../../i18n/index.ts';
import { directPointThrottle, trackingThrottle } from '../../../lib/server/complaints/throttles.ts';
import DirectReport from './index.astro';
import StaffHome from '../index.astro';
import ComplaintCase from '../complaints/[id]/index.astro';
import ComplaintSheet from '../complaints/[id]/print/[sheet].astro';
import ComplaintQueue from '../complaints/index.astro';
import ComplaintToday from '../complaints/today.astro';
import ComplaintsSent from '../complaints/sent/index.astro';
import Track from '../../track.astro';

let pages: StaffPageTester;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const REPORT = {
  formKey: 'page-direct-point-0123456789',
  category: 'assets',
  areaCode: '990121001201',
  subjectLevel: 'village_cadre',
  subjectRole: '',
  title: '村里低保名单有村干部亲属',
  content: '今年村里新评的低保户里有两户是村主任的亲戚，家里有小汽车还开着超市，真正困难的李大爷却没评上。',
  anonymous: 'yes',
};

beforeAll(async () => {
  pages = await createStaffPageTester();
});
afterAll(async () => pages?.test.dispose());
beforeEach(async () => {
  const [liaison] = await pages.test.db.select().from(users).where(eq(users.username, 'qianying.jjwy'));
  directPointThrottle.reset('client', liaison!.id);
  trackingThrottle.reset('client', 'unknown');
});

async function track(receipt: string) {
  const container = await AstroContainer.create();
  const request = new Request('http://localhost/track', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ receipt }) });
  const response = await container.renderToResponse(Track, { request, partial: false, locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null } });
  return { status: response.status, html: await response.text() };
}

describe('the direct reporting point page', () => {
  it('offers the liaison the form for its county, and the staff home links it (not the ledgers or complaints)', async () => {
    const { status, html } = await pages.render(DirectReport, '/staff/direct-report', { as: 'qianying.jjwy' });
    expect(status).toBe(200);
    expect(html).toContain('直报点：代群众反映问题');
    expect(html).toContain('桑河镇 · 前营村');
    expect(html).not.toContain('柳岗村');
    expect(html).toContain('群众姓名');
    const home = await pages.render(StaffHome, '/staff', { as: 'qianying.jjwy' });
    expect(home.html).toContain('href="/staff/direct-report"');
    expect(home.html).toContain('href="/staff/reminders"');
    expect(home.html).not.toContain('href="/staff/ledgers"');
    expect(home.html).not.toContain('href="/staff/complaints"');
  });

  it('keeps what was typed and says in Chinese what is missing', async () => {
    const { status, html } = await pages.render(DirectReport, '/staff/direct-report', { as: 'qianying.jjwy', body: form({ ...REPORT, formKey: 'page-direct-point-refused-01', content: '太短了', anonymous: 'no', name: '', phone: '' }) });
    expect(status).toBe(400);
    expect(html).toContain('请把事情经过写清楚，至少20个字');
    expect(html).toContain('实名反映请填写您的姓名');
    expect(html).toContain('value="村里低保名单有村干部亲属"');
    expect(summaryTargets(html).missing).toEqual([]);
  });

  it('files for the villager, shows the receipt once on a printable slip, then gives the liaison no path to the case while the receipt tracks it', async () => {
    const filed = await pages.render(DirectReport, '/staff/direct-report', { as: 'qianying.jjwy', body: form(REPORT) });
    expect(filed.status).toBe(200);
    expect(filed.html).toContain('信访举报回执（直报点）');
    expect(filed.html).toContain('http://localhost/track');
    expect(filed.html).toContain('<svg');
    expect(filed.html).toContain('data-print');
    const code = filed.html.match(/<p class="slip-code"[^>]*><strong[^>]*>([\d ]{19})<\/strong>/)?.[1];
    expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    const digits = code!.replace(/ /g, '');
    expect(filed.html.split(code!).length - 1).toBe(1);
    const [row] = await pages.test.db.select().from(complaints).where(eq(complaints.title, REPORT.title));
    expect(row!.channel).toBe('direct_point');
    expect(row!.routedScopeCode).toBe('990121000000');

    // The same form sent again (a second click, or the browser resubmitting it later): no code.
    const resent = await pages.render(DirectReport, '/staff/direct-report', { as: 'qianying.jjwy', body: form(REPORT) });
    expect(resent.status).toBe(409);
    expect(resent.html).toContain('查询码只在第一次提交时显示');
    expect(resent.html).not.toContain(code!);
    expect(resent.html).not.toContain(digits);
    expect((await pages.test.db.select().from(complaints).where(eq(complaints.title, REPORT.title))).length).toBe(1);

    // The form page again: a fresh form, no receipt, nothing of the case.
    const again = await pages.render(DirectReport, '/staff/direct-report', { as: 'qianying.jjwy' });
    expect(again.html).not.toContain(code!);
    expect(again.html).not.toContain(REPORT.title);

    // No path to the case: its page, its print sheet, every list.
    for (const [page, url, params] of [
      [ComplaintCase, `/staff/complaints/${row!.id}`, { id: row!.id }],
      [ComplaintSheet, `/staff/complaints/${row!.id}/print/registration`, { id: row!.id, sheet: 'registration' }],
      [ComplaintQueue, '/staff/complaints', {}],
      [ComplaintToday, '/staff/complaints/today', {}],
      [ComplaintsSent, '/staff/complaints/sent', {}],
    ] as const) {
      const seen = await pages.render(page, url, { as: 'qianying.jjwy', params });
      expect(seen.status, url).toBe(403);
      expect(seen.html, url).not.toContain(REPORT.title);
      expect(seen.html, url).not.toContain(digits);
    }

    // The county commission has it; the villager tracks it with the receipt like anyone.
    const county = await pages.render(ComplaintCase, `/staff/complaints/${row!.id}`, { as: 'sanghe.jw', params: { id: row!.id } });
    expect(county.status).toBe(200);
    expect(county.html).toContain(REPORT.title);
    const tracked = await track(digits);
    expect(tracked.status).toBe(200);
    expect(tracked.html).toContain(REPORT.title);
  });

  it('is refused to a village cadre and to the county commission', async () => {
    for (const as of ['qianying.kj', 'sanghe.jw']) {
      const { status, html } = await pages.render(DirectReport, '/staff/direct-report', { as, body: form({ ...REPORT, formKey: `page-direct-point-${as}-0001` }) });
      expect(status, as).toBe(403);
      expect(html).not.toContain('信访举报回执');
    }
  });
});
