/**
 * The ledger workspace's forms through the page itself: every failed form re-renders with an error
 * summary whose links land on fields that exist, once, on that page (GOV.UK pattern, DESIGN.md §7).
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { disclosureEvents } from '../../../../../db/schema/accounts.ts';
import { users } from '../../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../../../tests/support/test-db.ts';
import type { SessionUser } from '../../../../lib/server/auth/sessions.ts';
import { translator, type Lang } from '../../../../i18n/index.ts';
import NotFound from '../../../404.astro';
import Forbidden from '../../../403.astro';
import LedgerWorkspace from './index.astro';
import { addFundEntry, getDisclosureByPeriod, getLines, openDraft, saveAsset, saveResource } from '../../../../lib/server/accounts/disclosures.ts';

const QIANYING = '990121001201'; // 前营村: demo ledgers, 2026-Q3 submitted
let test: TestDatabase;
let container: AstroContainer;
let draftId = 0;
let submittedId = 0;

/** The signed-in staff member as the middleware hands them to the page (password already changed). */
async function sessionUser(username: string): Promise<SessionUser> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { ...row!, mustChangePassword: false };
}

async function post(id: number, who: string, body: BodyInit, contentType?: string) {
  const headers: Record<string, string> = { Origin: 'http://localhost' };
  if (contentType) headers['Content-Type'] = contentType;
  const request = new Request(`http://localhost/staff/ledgers/${id}`, { method: 'POST', headers, body });
  const response = await container.renderToResponse(LedgerWorkspace, {
    request,
    params: { id: String(id) },
    partial: false,
    locals: { lang: 'zh-CN', t: translator('zh-CN'), user: await sessionUser(who), sessionId: null },
  });
  return { status: response.status, location: response.headers.get('Location'), html: await response.text() };
}

async function get(id: number, who: string, lang: Lang, query = '') {
  const request = new Request(`http://localhost/staff/ledgers/${id}${query}`);
  const response = await container.renderToResponse(LedgerWorkspace, {
    request,
    params: { id: String(id) },
    partial: false,
    locals: { lang, t: translator(lang), user: await sessionUser(who), sessionId: null },
  });
  const html = await response.text();
  return { status: response.status, html, text: html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

function summaryTargets(html: string): string[] {
  const summary = html.match(/<div class="error-summary"[^>]*data-focus[^>]*>([\s\S]*?)<\/div>/)?.[1] ?? '';
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]!);
}

const idCount = (html: string, id: string) => html.split(`id="${id}"`).length - 1;

beforeAll(async () => {
  [test, container] = await Promise.all([createTestDatabase(), AstroContainer.create()]);
  useDatabaseForTests(test);
  for (const [route, page] of [['/404', NotFound], ['/403', Forbidden]] as const) container.insertPageRoute(route, page);
  const opened = await openDraft(test.db, null, QIANYING, '2024-Q4');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  draftId = opened.value.id;
  submittedId = (await getDisclosureByPeriod(test.db, QIANYING, '2026-Q3'))!.id;
});
afterAll(async () => test?.dispose());

describe('the ledger workspace’s error summary', () => {
  it.each([
    ['add-entry', { entryDate: '2024-11-05', direction: 'income', amount: '', subject: '其他收入', summary: '', counterparty: '', method: 'transfer' }, ['field-amount', 'field-summary', 'field-counterparty']],
    ['add-asset', { name: '', assetType: '房屋及建筑物', quantity: '1', unit: '间', originalValue: '', location: '', useStatus: '自用', bookAmount: '', actualAmount: '' }, ['asset-field-name', 'asset-field-originalValue', 'asset-field-location', 'asset-field-bookAmount', 'asset-field-actualAmount']],
    ['add-resource', { name: '', landClass: '耕地', areaMu: '12', location: '', contractor: '', termStart: '2024-01-01', termEnd: '2023-12-31', annualFee: '', awardMethod: '公开招标', feeStatus: 'paid' }, ['resource-field-name', 'resource-field-location', 'resource-field-contractor', 'resource-field-annualFee']],
    ['add-debt', { kind: 'payable', counterparty: '', subject: '应收款', summary: '', amount: '', incurredOn: '2024-10-08' }, ['debt-field-counterparty', 'debt-field-summary', 'debt-field-amount']],
  ])('%s: every link points at one field of the page that failed', async (action, fields, expected) => {
    const { status, html } = await post(draftId, 'qianying.kj', form({ action, ...fields }), FORM);
    expect(status).toBe(400);
    const targets = summaryTargets(html);
    expect(targets).toEqual(expect.arrayContaining(expected));
    for (const target of targets) expect(idCount(html, target), `#${target}`).toBe(1);
  });

  it('gives the asset and resource forms their own ids, so no id appears twice on the page', async () => {
    const { html } = await post(draftId, 'qianying.kj', form({ action: 'add-asset' }), FORM);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('the import form: a missing file links to the file field', async () => {
    const body = new FormData();
    body.set('action', 'import');
    body.set('mode', 'replace');
    const { status, html } = await post(draftId, 'qianying.kj', body);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-file']);
    expect(idCount(html, 'field-file')).toBe(1);
  });

  it('a refused import lists its problems under the summary, which links to the file field', async () => {
    const body = new FormData();
    body.set('action', 'import');
    body.set('mode', 'replace');
    body.set('file', new File(['日期,金额\n2024-11-05,一百元\n'], '前营村2024年第四季度.csv', { type: 'text/csv' }));
    const { status, html } = await post(draftId, 'qianying.kj', body);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-file']);
    expect(html).toContain('文件中的问题（文件未导入，草稿未改动）');
    expect((await getLines(test.db, draftId)).funds).toHaveLength(0);
  });

  it('the return form: a missing reason links to the reason field', async () => {
    const { status, html } = await post(submittedId, 'qianying.jd', form({ action: 'return', reason: '' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-reason']);
    expect(idCount(html, 'field-reason')).toBe(1);
  });

  it('the countersign form: an unticked checklist links to the checklist', async () => {
    const { status, html } = await post(submittedId, 'qianying.jd', form({ action: 'countersign', check: 'vouchers' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-checklist']);
    expect(idCount(html, 'field-checklist')).toBe(1);
  });

  /** A draft of 前营村 with a cash payment above the threshold and no voucher number: two flags. */
  let flaggedId = 0;
  async function flaggedDraft(): Promise<number> {
    if (flaggedId) return flaggedId;
    const opened = await openDraft(test.db, null, QIANYING, '2024-Q3');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const added = await addFundEntry(test.db, null, { disclosureId: opened.value.id, entry: { entryDate: '2024-08-20', direction: 'expense', amountFen: 350_000, subject: '公益支出', summary: '夏季防汛物资', counterparty: '桑河镇五金店', method: 'cash' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    return (flaggedId = opened.value.id);
  }

  it('the flag answers: a too-short answer links to its own field and keeps what was typed', async () => {
    const id = await flaggedDraft();
    const page = await get(id, 'qianying.kj', 'zh-CN');
    const key = page.html.match(/name="flag-0" value="([^"]+)"/)?.[1];
    expect(key).toBeTruthy();
    const { status, html } = await post(id, 'qianying.kj', form({ action: 'answer-flags', 'flag-0': key!.replace(/&amp;/g, '&'), 'answer-0': '好' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-answer-0']);
    expect(idCount(html, 'field-answer-0')).toBe(1);
    expect(html).toMatch(/<textarea id="field-answer-0"[^>]*>好<\/textarea>/);
  });

  it('the submit: unanswered flags link to the flags section', async () => {
    const { status, html } = await post(await flaggedDraft(), 'qianying.kj', form({ action: 'submit' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-flags']);
    expect(idCount(html, 'field-flags')).toBe(1);
  });

  it('the supervision opinion: a commission’s empty opinion links to its field; the agency has no such form', async () => {
    const { status, html } = await post(submittedId, 'sanghe.jw', form({ action: 'raise-opinion', opinion: '', dueOn: '2099-01-01' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html).sort()).toEqual(['field-dueOn', 'field-opinion'].filter((id) => html.includes(`href="#${id}"`)).sort());
    expect(summaryTargets(html)).toContain('field-opinion');
    for (const target of summaryTargets(html)) expect(idCount(html, target)).toBe(1);
    expect((await get(submittedId, 'sanghe.jgz', 'zh-CN')).html).not.toContain('value="raise-opinion"');
    expect((await post(submittedId, 'sanghe.jgz', form({ action: 'raise-opinion', opinion: '任何意见都不应由三资中心提出，这是纪委的职责', dueOn: '2099-01-01' }), FORM)).status).toBe(403);
  });

  it('a valid form still redirects, and a refused one writes nothing', async () => {
    const added = await post(draftId, 'qianying.kj', form({ action: 'add-entry', entryDate: '2024-11-05', direction: 'income', amount: '500.00', subject: '其他收入', summary: '银行存款利息', counterparty: '桑河农商银行', method: 'transfer', voucherNo: '记-2024Q4-001' }), FORM);
    expect(added).toMatchObject({ status: 303, location: `/staff/ledgers/${draftId}?done=add-entry#add-entry` });
    const refused = await post(draftId, 'qianying.jd', form({ action: 'delete-entry', line: '1' }), FORM);
    expect(refused.status).toBe(403);
    expect((await getLines(test.db, draftId)).funds.map((f) => f.summary)).toEqual(['银行存款利息']);
  });
});

describe('editing register lines through the page', () => {
  let id = 0;
  beforeAll(async () => {
    const opened = await openDraft(test.db, null, QIANYING, '2024-Q2');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    id = opened.value.id;
    const asset = { name: '村部办公楼', assetType: '房屋建筑物', quantity: 1, unit: '栋', originalValueFen: 68_000_000, acquiredOn: '2012-06-30', location: '村委会院内', useStatus: '自用', bookAmountFen: 68_000_000, actualAmountFen: 68_000_000 };
    const resource = { name: '北洼鱼塘', landClass: '水域', areaMu: 18, location: '村北洼地', contractor: '周德明', termStart: '2021-01-01', termEnd: '2025-12-31', annualFeeFen: 900_000, awardMethod: '公开招标', feeStatus: 'paid', arrearsFen: 0 };
    if (!(await saveAsset(test.db, null, { disclosureId: id, asset })).ok || !(await saveResource(test.db, null, { disclosureId: id, resource })).ok) throw new Error('register lines not saved');
  });

  it('shows each line’s edit form filled with what is stored, with ids of its own', async () => {
    const { html } = await get(id, 'qianying.kj', 'zh-CN');
    expect(html).toContain('value="edit-asset"');
    expect(html).toContain('value="edit-resource"');
    expect(html).toMatch(/id="asset-1-field-location"[^>]*value="村委会院内"/);
    expect(html).toMatch(/id="resource-1-field-annualFee"[^>]*value="9000.00"/);
    // The add form's defaults agree: a payment, booked to a subject payments use.
    expect(html).toMatch(/<select id="field-subject"[\s\S]*?<option value="管理费用" selected/);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!);
    expect(ids.filter((one, index) => ids.indexOf(one) !== index)).toEqual([]);
  });

  it('a failed edit reopens that line’s form with the typed values, its summary linking to that form’s fields', async () => {
    const { status, html } = await post(id, 'qianying.kj', form({ action: 'edit-asset', line: '1', name: '村部办公楼', assetType: '房屋建筑物', quantity: '1', unit: '栋', originalValue: '680000', location: '村委会院内', useStatus: '自用', bookAmount: '680000', actualAmount: '650000', gapReason: '' }), FORM);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['asset-1-field-gapReason']);
    expect(idCount(html, 'asset-1-field-gapReason')).toBe(1);
    expect(html).toMatch(/id="asset-1-field-actualAmount"[^>]*value="650000"/);
    expect((await getLines(test.db, id)).assets[0]!.actualAmountFen).toBe(68_000_000);
  });

  it('a valid edit saves every field and redirects; another village’s cadre and the supervisor are refused', async () => {
    const fields = { action: 'edit-resource', line: '1', name: '北洼鱼塘', landClass: '水域', areaMu: '18.5', location: '村北洼地（东侧）', contractor: '周德明', termStart: '2021-01-01', termEnd: '2025-12-31', annualFee: '9500', awardMethod: '竞争性谈判', feeStatus: 'arrears', arrears: '2000' };
    expect((await post(id, 'qianying.jd', form(fields), FORM)).status).toBe(403);
    expect(await post(id, 'qianying.kj', form(fields), FORM)).toMatchObject({ status: 303, location: `/staff/ledgers/${id}?done=edit-resource` });
    expect((await getLines(test.db, id)).resources[0]).toMatchObject({ areaMu: 18.5, location: '村北洼地（东侧）', annualFeeFen: 950_000, awardMethod: '竞争性谈判', feeStatus: 'arrears', arrearsFen: 200_000 });
  });
});

describe('what the workspace says, in the page’s language and in Beijing time', () => {
  beforeAll(async () => {
    // Returned at 00:30 on New Year's Day in Beijing, which is still 31 December in UTC.
    await test.db.insert(disclosureEvents).values({ disclosureId: draftId, kind: 'returned', fromStatus: 'submitted', toStatus: 'draft', reason: '12月慰问支出缺少签收单', at: new Date('2024-12-31T16:30:00Z') });
    // A cash payment above the threshold without a voucher number: two red flags for the reviewer.
    const added = await addFundEntry(test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-12-20', direction: 'expense', amountFen: 350_000, subject: '公益支出', summary: '冬季慰问困难户', counterparty: '前营村困难户（7户）', method: 'cash' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
  });

  it('shows the history in Asia/Shanghai, not UTC', async () => {
    const { status, text } = await get(draftId, 'qianying.kj', 'zh-CN');
    expect(status).toBe(200);
    expect(text).toContain('2025-01-01 00:30 退回 12月慰问支出缺少签收单');
    expect(text).not.toContain('2024-12-31 16:30');
    expect(text).not.toContain('UTC');
  });

  it('Chinese: period, status, steps, payment methods and red flags as before', async () => {
    const { text } = await get(draftId, 'sanghe.jw', 'zh-CN');
    for (const said of ['前营村 · 2024年第4季度', '草稿', '建立', '现金', '第2行现金付款3,500.00元，超过2,000.00元', '第2行支出没有凭证号']) expect(text).toContain(said);
    const submitted = await get(submittedId, 'qianying.jd', 'zh-CN');
    for (const said of ['2026年第3季度', '待监委会签核', '报账员提交']) expect(submitted.text).toContain(said);
  });

  it('English: the same things in English', async () => {
    const { text } = await get(draftId, 'sanghe.jw', 'en');
    for (const said of ['前营村 · Q4 2024', 'Draft', 'Opened', 'Cash', 'Line 2: 3,500.00 yuan paid in cash, more than 2,000.00 yuan', 'Line 2: an expense without a voucher number']) expect(text).toContain(said);
    for (const chinese of ['季度', '草稿', '建立', '现金', '凭证号']) expect(text).not.toContain(chinese);
    const submitted = await get(submittedId, 'qianying.jd', 'en');
    for (const said of ['Q3 2026', 'Awaiting supervisors', 'Submitted by the cadre']) expect(submitted.text).toContain(said);
  });

  it('names a success from the address only when it is one, in the page’s language', async () => {
    expect((await get(draftId, 'qianying.kj', 'en', '?done=add-entry')).text).toContain(translator('en')('staff.ledgers.done.add-entry'));
    expect((await get(draftId, 'qianying.kj', 'zh-CN', '?done=submit')).text).toContain('已提交，等待村务监督委员会签核。');
    const unknown = await get(draftId, 'qianying.kj', 'zh-CN', '?done=approve');
    expect(unknown.status).toBe(200);
    expect(unknown.html).not.toContain('class="success"');
  });
});
