/**
 * The suspect pages through the page, on the demo accounts of 桑河县: a payment of 桑河县民政局 to a
 * person recorded as deceased is a hit; the county commission sends it from the hits page (a short
 * instruction refused with what was typed kept); the department answers (missing evidence refused,
 * typed kept); the commission accepts with a day to correct by; the department reports the
 * correction; the commission closes it. The list shows what waits on whom; the staff home counts it;
 * the city reads without forms; an unknown suspect is a 404; the page also speaks English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { livelihoodHits } from '../../../../db/schema/livelihood-checks.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import { importBatch } from '../../../lib/server/livelihood/batches.ts';
import { checkCharacter } from '../../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../../lib/server/livelihood/items.ts';
import { importRegistry } from '../../../lib/server/livelihood/registries.ts';
import { addDays } from '../../../lib/server/accounts/supervision.ts';
import { todayInShanghai } from '../../../lib/server/time.ts';
import type { Actor } from '../../../lib/server/result.ts';
import Hits from './hits/index.astro';
import Suspects from './suspects/index.astro';
import NewSuspect from './suspects/new.astro';
import Suspect from './suspects/[id].astro';
import StaffHome from '../index.astro';

let pages: StaffPageTester;
let hitId = 0;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const first17 = '43112119470815062';
const DECEASED = { name: '曹秀梅', idNumber: first17 + checkCharacter(first17) };
const today = todayInShanghai();
const inDays = (days: number) => addDays(today, days);

async function actor(username: string): Promise<Actor> {
  const [row] = await pages.test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

beforeAll(async () => {
  pages = await createStaffPageTester();
  const commission = await actor('sanghe.jw');
  const department = await actor('sanghe.mzj');
  const registry = await importRegistry(pages.test.db, commission, { kind: 'deaths', sourceSha256: 'e'.repeat(64), rows: [{ 身份证号码: DECEASED.idNumber, 死亡日期: '2026-10-08' }] });
  if (!registry.ok) throw new Error(JSON.stringify(registry.errors));
  const item = await addItem(pages.test.db, department, { name: '最低生活保障金（疑点核查页面测试）', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const batch = await importBatch(pages.test.db, department, { itemId: item.value.id, villageCode: '990121002201', period: '2026-11', sourceSha256: 'f'.repeat(64), rows: [{ ...DECEASED, amount: '520', paidOn: '2026-11-10' }] });
  if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
  const [hit] = await pages.test.db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(eq(livelihoodHits.batchId, batch.value.id));
  hitId = hit!.id;
});
afterAll(async () => pages?.test.dispose());

describe('the suspect pages', () => {
  let suspectUrl = '';

  it('send a hit from the hits page: the commission gets the link, the department does not', async () => {
    const county = await pages.render(Hits, '/staff/livelihood/hits', { as: 'sanghe.jw' });
    expect(county.html).toContain(`href="/staff/livelihood/suspects/new?hit=${hitId}"`);
    const department = await pages.render(Hits, '/staff/livelihood/hits', { as: 'sanghe.mzj' });
    expect(department.html).toContain('曹*梅');
    expect(department.html).not.toContain('/staff/livelihood/suspects/new');
    expect((await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'sanghe.mzj' })).status).toBe(403);
    expect((await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'beiyuan.jw' })).status).toBe(403);
    expect((await pages.render(NewSuspect, '/staff/livelihood/suspects/new?hit=999999', { as: 'sanghe.jw' })).status).toBe(404);

    const blank = await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'sanghe.jw' });
    expect(blank.status).toBe(200);
    expect(blank.html).toContain(`value="${inDays(15)}"`);
    const refused = await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'sanghe.jw', body: form({ body: '请核实', dueOn: inDays(20) }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('至少10个字');
    expect(refused.html).toContain(`value="${inDays(20)}"`);
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const sent = await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'sanghe.jw', body: form({ body: '请核实曹秀梅是否已于2026年10月8日死亡，死亡后发放的低保金是否应停发追回。', dueOn: inDays(20) }) });
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(/^\/staff\/livelihood\/suspects\/[0-9a-f-]{36}\?done=sent$/);
    suspectUrl = sent.location!.split('?')[0]!;
    // Sent once: the send page now leads to the suspect, the hits page names its state.
    expect((await pages.render(NewSuspect, `/staff/livelihood/suspects/new?hit=${hitId}`, { as: 'sanghe.jw' })).location).toBe(suspectUrl);
    expect((await pages.render(Hits, '/staff/livelihood/hits', { as: 'sanghe.mzj' })).html).toContain(`<a href="${suspectUrl}">待部门核查</a>`);
  });

  it('lists what waits on whom and counts it on the staff home', async () => {
    const list = await pages.render(Suspects, '/staff/livelihood/suspects?show=department', { as: 'sanghe.mzj' });
    expect(list.html).toContain(`href="${suspectUrl}"`);
    expect(list.html).toContain('待部门核查');
    expect((await pages.render(Suspects, '/staff/livelihood/suspects?show=commission', { as: 'sanghe.jw' })).html).toContain('没有符合条件的疑点');
    expect((await pages.render(StaffHome, '/staff', { as: 'sanghe.mzj' })).html).toContain('补贴疑点核查待办 1 条');
    expect((await pages.render(StaffHome, '/staff', { as: 'sanghe.jw' })).html).not.toContain('补贴疑点核查待办');
    expect((await pages.render(StaffHome, '/staff', { as: 'sanghe.jw' })).html).toContain('href="/staff/livelihood/suspects"');
  });

  it('walk the answer, the review, the correction and the closing, each refusal keeping what was typed', async () => {
    const id = suspectUrl.split('/').at(-1)!;
    const at = (as: string, body?: URLSearchParams) => pages.render(Suspect, suspectUrl, { as, params: { id }, ...(body ? { body } : {}) });
    const department = await at('sanghe.mzj');
    expect(department.html).toContain('name="form" value="answer"');
    expect((await at('sanghe.jw')).html).not.toContain('name="form"');
    const answer = { form: 'answer', answer: 'confirmed', body: '经入户核查并调取户籍注销记录，曹秀梅已于2026年10月8日死亡，家属未申报，11月多发低保金520元。' };
    const missing = await at('sanghe.mzj', form({ ...answer, evidence: '' }));
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('请列明佐证材料');
    expect(missing.html).toContain(answer.body);
    expect(missing.html).toContain('<option value="confirmed" selected>');
    expect(summaryTargets(missing.html).missing).toEqual([]);
    expect((await at('sanghe.mzj', form({ ...answer, evidence: '死亡医学证明（编号X431121-2026-0921），户籍注销证明' }))).location).toBe(`${suspectUrl}?done=answered`);
    // The commission accepts the confirmation: a day to correct by is needed.
    const review = { form: 'review', decision: 'accept', body: '核查结论属实，请立即停发并追回死亡后发放的低保金。' };
    const noDay = await at('sanghe.jw', form({ ...review, dueOn: '' }));
    expect(noDay.status).toBe(400);
    expect(noDay.html).toContain('整改期限应为日期');
    expect(noDay.html).toContain(review.body);
    expect((await at('sanghe.jw', form({ ...review, dueOn: inDays(30) }))).location).toBe(`${suspectUrl}?done=reviewed`);
    const correction = { form: 'correct', paymentStopped: 'yes', toRecover: '520', recovered: '600', body: '已于12月停发，家属已将多发的520元退回县财政社保资金专户。' };
    const tooMuch = await at('sanghe.mzj', form(correction));
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.html).toContain('已追回金额不能大于应追回金额');
    expect(tooMuch.html).toContain('value="600"');
    expect((await at('sanghe.mzj', form({ ...correction, recovered: '520' }))).location).toBe(`${suspectUrl}?done=corrected`);
    expect((await at('sanghe.jw', form({ form: 'review', decision: 'accept', body: '已停发并全额追回，同意办结。' }))).location).toBe(`${suspectUrl}?done=reviewed`);
    const closed = await at('sanghe.jw');
    expect(closed.html).toContain('已办结');
    for (const step of ['交部门核查', '部门答复', '认可核查结论，要求整改', '部门报告整改', '办结']) expect(closed.html).toContain(step);
    expect(closed.html).not.toContain('name="form"');
    // A form sent after the state moved on is refused with the page as it is now.
    const late = await at('sanghe.mzj', form({ ...answer, evidence: '死亡医学证明' }));
    expect(late.status).toBe(409);
    expect(late.html).toContain('该疑点现在不需要答复');
  });

  it('shows the city without forms, hides it from others, and speaks English', async () => {
    const id = suspectUrl.split('/').at(-1)!;
    const city = await pages.render(Suspect, suspectUrl, { as: 'beiyuan.jw', params: { id } });
    expect(city.status).toBe(200);
    expect(city.html).not.toContain('name="form"');
    for (const who of ['sanghezhen.jw', 'sanghe.jgz']) expect((await pages.render(Suspect, suspectUrl, { as: who, params: { id } })).status, who).toBe(403);
    expect((await pages.render(Suspect, '/staff/livelihood/suspects/x', { as: 'sanghe.jw', params: { id: 'x' } })).status).toBe(404);
    const english = await pages.render(Suspect, suspectUrl, { as: 'sanghe.jw', params: { id }, language: 'en' });
    expect(english.html).toContain('Sent to the department');
    expect(english.html).toContain('Paid after the recipient’s recorded death');
    expect(english.html).not.toContain('部门答复');
  });
});
