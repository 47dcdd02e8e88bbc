/**
 * The county list editor through its pages, in Chinese and English: every refused form re-renders
 * with an error summary whose links land on fields that exist once on the page, in the officer's
 * words (never a validator's), naming the step; saving returns to the item saved; the preview is
 * the citizen's view; a back-dated publication asks first (issue 12 items 7 and 8).
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { countyListItems, countyLists } from '../../../../db/schema/county-lists.ts';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../../tests/support/test-db.ts';
import type { SessionUser } from '../../../lib/server/auth/sessions.ts';
import { startDraft } from '../../../lib/server/county-lists/drafts.ts';
import { translator, type Lang } from '../../../i18n/index.ts';
import { todayInShanghai } from '../../../lib/server/time.ts';
import NotFound from '../../404.astro';
import Forbidden from '../../403.astro';
import Draft from './[county]/draft/index.astro';
import DraftItem from './[county]/draft/items/[item].astro';
import DraftCustom from './[county]/draft/custom/[code].astro';
import DraftPreview from './[county]/draft/preview.astro';
import DraftPreviewItem from './[county]/draft/preview/[item].astro';
import DraftPublish from './[county]/draft/publish.astro';

const SANGHE = '990121000000';
const BASE = `/staff/lists/${SANGHE}/draft`;
let test: TestDatabase;
let container: AstroContainer;
let officer: SessionUser;

type Page = Parameters<AstroContainer['renderToResponse']>[0];

async function request(page: Page, path: string, params: Record<string, string>, lang: Lang, body?: Record<string, string>) {
  const url = `http://localhost${path}`;
  const init = body ? { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' }, body: new URLSearchParams(body).toString() } : {};
  const response = await container.renderToResponse(page, {
    request: new Request(url, init),
    params: { county: SANGHE, ...params },
    partial: false,
    locals: { lang, t: translator(lang), user: officer, sessionId: null },
  });
  return { status: response.status, location: response.headers.get('Location'), html: await response.text() };
}

/** The error summary's messages and the ids its links point to. */
function summary(html: string): { messages: string[]; targets: string[] } {
  const box = html.match(/<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/)?.[1] ?? '';
  return {
    messages: [...box.matchAll(/<li>(?:<a [^>]*>)?([^<]+)/g)].map((match) => match[1]!),
    targets: [...box.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]!),
  };
}

const idCount = (html: string, id: string) => html.split(`id="${id}"`).length - 1;

function expectLinksLand(html: string): void {
  const { targets } = summary(html);
  expect(targets.length).toBeGreaterThan(0);
  for (const id of targets) expect(idCount(html, id), id).toBe(1);
}

const RAW_VALIDATOR = /Too small|Too big|expected|Invalid|>=|<=/;
const HAN = /[\u4e00-\u9fa5]/;

beforeAll(async () => {
  [test, container] = await Promise.all([createTestDatabase(), AstroContainer.create()]);
  useDatabaseForTests(test);
  for (const [route, page] of [['/404', NotFound], ['/403', Forbidden]] as const) container.insertPageRoute(route, page);
  const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  officer = { ...row!, mustChangePassword: false };
  const started = await startDraft(test.db, officer, { countyCode: SANGHE });
  if (!started.ok) throw new Error(JSON.stringify(started.errors));
});
afterAll(async () => test?.dispose());

describe('shortening an item’s time limit (SP-01, 20 working days)', () => {
  const item = (lang: Lang, body?: Record<string, string>) => request(DraftItem, `${BASE}/items/SP-01`, { item: 'SP-01' }, lang, body);

  it('says working days and shows one field per step with the catalog’s limit', async () => {
    const { html } = await item('zh-CN');
    expect(html).toContain('办理时限（工作日）');
    expect(html).toContain('省级目录为20个工作日，本县只能缩短。');
    expect(html).toContain('第5个环节：乡镇农业农村办、自然资源所');
    expect(html).toContain('省级目录：10个工作日（计入总时限）');
    expect(html).toContain('省级目录：公示7天（不计入总时限）');
    expect(idCount(html, 'field-stepLimit-7')).toBe(1);
  });

  it('refuses a total the steps do not fit in, naming the step, in Chinese', async () => {
    const { status, html } = await item('zh-CN', { timeLimitDays: '12', contactPhone: '', responsibleUnit: '', localNote: '' });
    expect(status).toBe(400);
    const { messages, targets } = summary(html);
    expect(targets).toEqual(['field-timeLimitDays', 'field-stepLimit-5']);
    expect(messages[1]).toContain('第5个环节（乡镇农业农村办、自然资源所）为“10个工作日”');
    expectLinksLand(html);
    expect(html).toContain('value="12"');
  });

  it('says the same in English on the English page', async () => {
    const { html } = await item('en', { timeLimitDays: '12' });
    const { messages } = summary(html);
    expect(messages[0]).toMatch(/^The steps add up to 20 working days, more than the county’s total of 12 working days/);
    expect(messages[1]).toMatch(/^Step 5 \(乡镇农业农村办、自然资源所\) takes/);
    expect(html).toContain('Time limit (working days)');
    expectLinksLand(html);
  });

  it('shows the phone example of the hint in the error', async () => {
    const { html } = await item('zh-CN', { contactPhone: '62-10345' });
    const hint = html.match(/id="field-contactPhone-hint">([^<]+)</)?.[1] ?? '';
    expect(hint).toBe('例如 0399-6210345、13800000000 或 12345');
    expect(summary(html).messages[0]).toContain('0399-6210345、13800000000 或 12345');
    expectLinksLand(html);
  });

  it('saves steps that fit and a phone typed with spaces, and returns to the item saved', async () => {
    const saved = await item('zh-CN', { timeLimitDays: '12', 'stepLimit-3': '3个工作日', 'stepLimit-5': '6个工作日', 'stepLimit-6': '2个工作日', contactPhone: '0399 621 8810' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${BASE}?saved=SP-01#item-SP-01`);
    const { html } = await request(Draft, `${BASE}?saved=SP-01`, {}, 'zh-CN');
    expect(html).toContain('已保存：SP-01 农村宅基地审批');
    expect(idCount(html, 'item-SP-01')).toBe(1);
    const again = await item('zh-CN');
    expect(again.html).toContain('value="0399-6218810"');
    expect(again.html).toContain('value="6个工作日"');
  });
});

describe('a county’s own item', () => {
  const fields = {
    name: '村级光伏电站收益分配',
    nameEn: 'PV',
    categoryCode: 'management',
    level: 'village',
    summary: '村集体光伏电站发电收益按村民会议通过的方案分配，并在村务公开栏公示。',
    legalBasis: '《中华人民共和国村民委员会组织法》第二十四条',
    implementingBody: '村民委员会',
    materials: '收益分配方案',
    fee: '不收费',
    timeLimitUnit: 'workingDays',
    timeLimitDays: '15',
    steps: '村民委员会｜拟定分配方案并征求意见｜5个工作日\n村民会议｜讨论通过分配方案｜按会议程序\n乡镇经管站｜审核｜5个工作日',
    risks: '虚报发电收益，截留分配资金｜高｜收益进村集体账户，乡镇经管站按季核对',
    accountability: '截留、挪用光伏收益的，依纪依法追究责任',
    channel: '县纪委监委举报电话12388',
  };

  it.each(['zh-CN', 'en'] as const)('names the field and the step, in the page’s language (%s), never in a validator’s words', async (lang) => {
    const { status, html } = await request(DraftCustom, `${BASE}/custom/new`, { code: 'new' }, lang, fields);
    expect(status).toBe(400);
    const { messages, targets } = summary(html);
    expect(targets).toEqual(['field-nameEn', 'field-steps']);
    for (const message of messages) expect(message).not.toMatch(RAW_VALIDATOR);
    if (lang === 'zh-CN') expect(messages).toEqual(['英文名称至少4个字', '第3个环节的办理内容至少6个字']);
    else {
      expect(messages).toEqual(['Write at least 4 characters for English name', 'Write at least 6 characters for step 3 (what is done)']);
      for (const message of messages) expect(message).not.toMatch(HAN);
    }
    expectLinksLand(html);
  });

  it('saves a complete one and returns to it', async () => {
    const saved = await request(DraftCustom, `${BASE}/custom/new`, { code: 'new' }, 'zh-CN', { ...fields, nameEn: 'Village solar income', steps: fields.steps.replace('｜审核｜', '｜审核分配方案和收益台账｜') });
    expect(saved.status).toBe(303);
    expect(saved.location).toMatch(new RegExp(`^${BASE}\\?saved=DF-\\d\\d#custom-DF-\\d\\d$`));
  });
});

describe('the preview and what changed', () => {
  it('lists the draft as citizens will read it, each item opening as its public page', async () => {
    const { html } = await request(DraftPreview, `${BASE}/preview`, {}, 'zh-CN');
    expect(html).toContain(`href="${BASE}/preview/SP-01"`);
    expect(html).not.toContain(`href="${BASE}/items/`);
    const item = await request(DraftPreviewItem, `${BASE}/preview/SP-01`, { item: 'SP-01' }, 'zh-CN');
    expect(item.status).toBe(200);
    expect(item.html).toContain('12个工作日');
    expect(item.html).toContain('0399-6218810');
    expect(item.html).toContain('class="item-detail"');
  });

  it('shows what the draft changes against the version in force', async () => {
    const { html } = await request(Draft, BASE, {}, 'zh-CN');
    const section = html.match(/<section class="draft-changes"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(section).toContain('与现行第2版相比');
    expect(section).toMatch(/SP-01 农村宅基地审批<\/a>：[^<]*办理时限/);
    expect(section).toContain('新增事项');
  });
});

describe('a shorter limit carried from before the step-limit rule', () => {
  it('is listed on the draft page, and publishing is refused naming it, until its steps fit', async () => {
    const draft = (await test.db.select().from(countyLists).where(and(eq(countyLists.countyCode, SANGHE), eq(countyLists.status, 'draft'))))[0]!;
    const sp05 = and(eq(countyListItems.listId, draft.id), eq(countyListItems.itemCode, 'SP-05'));
    await test.db.update(countyListItems).set({ overrides: { timeLimitDays: 5 } }).where(sp05);
    const { html } = await request(Draft, BASE, {}, 'zh-CN');
    expect(html).toContain('以下事项沿用了旧版本缩短后的时限');
    expect(html).toContain(`href="${BASE}/items/SP-05"`);
    const refused = await request(DraftPublish, `${BASE}/publish`, {}, 'en', { effectiveOn: todayInShanghai(), note: '桑纪发〔2026〕12号' });
    expect(refused.status).toBe(400);
    expect(summary(refused.html).messages[0]).toMatch(/^These items have a shorter limit their steps do not fit in; adjust each before publishing: SP-05 /);
    await test.db.update(countyListItems).set({ overrides: {} }).where(sp05);
  });
});

describe('publishing with a date already past', () => {
  it('asks for a confirmation, which the error summary leads to, and publishes once given', async () => {
    const yesterday = new Date(Date.parse(`${todayInShanghai()}T12:00:00+08:00`) - 86_400_000).toISOString().slice(0, 10);
    const asked = await request(DraftPublish, `${BASE}/publish`, {}, 'zh-CN', { effectiveOn: yesterday, note: '桑纪发〔2026〕12号' });
    expect(asked.status).toBe(400);
    expect(summary(asked.html).messages[0]).toContain(`生效日期 ${yesterday} 早于今天`);
    expect(idCount(asked.html, 'field-confirmBackdate')).toBe(1);
    expectLinksLand(asked.html);
    const published = await request(DraftPublish, `${BASE}/publish`, {}, 'zh-CN', { effectiveOn: yesterday, note: '桑纪发〔2026〕12号', confirmBackdate: 'yes' });
    expect(published.status).toBe(303);
    expect(published.location).toBe(`/counties/${SANGHE}?v=3`);
  });
});
