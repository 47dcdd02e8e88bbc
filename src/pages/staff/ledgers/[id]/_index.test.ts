/**
 * The ledger workspace's forms through the page itself: every failed form re-renders with an error
 * summary whose links land on fields that exist, once, on that page (GOV.UK pattern, DESIGN.md §7).
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../../../tests/support/test-db.ts';
import type { SessionUser } from '../../../../lib/server/auth/sessions.ts';
import { translator } from '../../../../i18n/index.ts';
import NotFound from '../../../404.astro';
import Forbidden from '../../../403.astro';
import LedgerWorkspace from './index.astro';
import { getDisclosureByPeriod, getLines, openDraft } from '../../../../lib/server/accounts/disclosures.ts';

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
    body.set('replace', 'yes');
    const { status, html } = await post(draftId, 'qianying.kj', body);
    expect(status).toBe(400);
    expect(summaryTargets(html)).toEqual(['field-file']);
    expect(idCount(html, 'field-file')).toBe(1);
  });

  it('a refused import lists its problems under the summary, which links to the file field', async () => {
    const body = new FormData();
    body.set('action', 'import');
    body.set('replace', 'yes');
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

  it('a valid form still redirects, and a refused one writes nothing', async () => {
    const added = await post(draftId, 'qianying.kj', form({ action: 'add-entry', entryDate: '2024-11-05', direction: 'income', amount: '500.00', subject: '其他收入', summary: '银行存款利息', counterparty: '桑河农商银行', method: 'transfer', voucherNo: '记-2024Q4-001' }), FORM);
    expect(added).toMatchObject({ status: 303, location: `/staff/ledgers/${draftId}?done=add-entry` });
    const refused = await post(draftId, 'qianying.jd', form({ action: 'delete-entry', line: '1' }), FORM);
    expect(refused.status).toBe(403);
    expect((await getLines(test.db, draftId)).funds.map((f) => f.summary)).toEqual(['银行存款利息']);
  });
});
