/**
 * Each defect the hostile-input properties found (issue 16 item 3), pinned with the input that
 * found it, so that it stays fixed whatever seed the properties draw next time. The list, with
 * how each was fixed, is in the README ("Hostile input").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, encodeBody, expectSafeAnswer, type Harness } from '../support/hostile.ts';
import { createStaffFixtures, type StaffFixtures } from '../support/hostile-staff.ts';
import { parseRowNumber, PG_INTEGER_MAX, rowNumber } from '../../src/lib/server/validation.ts';
import { readForm } from '../../src/lib/server/forms.ts';
import { actFiltersFrom } from '../../src/lib/server/daily-supervision/acts.ts';
import { addDays } from '../../src/lib/server/accounts/supervision.ts';
import { todayInShanghai } from '../../src/lib/server/time.ts';
import { parsePeriod } from '../../src/lib/server/accounts/periods.ts';

let harness: Harness;
let fixtures: StaffFixtures;
beforeAll(async () => {
  harness = await createHarness();
  fixtures = await createStaffFixtures(harness.test.db);
});
afterAll(async () => {
  console.info(`hostile defects: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
const Workspace = page(() => import('../../src/pages/staff/ledgers/[id]/index.astro'));
const Entry = page(() => import('../../src/pages/staff/ledgers/[id]/entries/[line].astro'));
const EntryPartial = page(() => import('../../src/pages/partials/staff/ledgers/[id]/entries/[line].astro'));
const Batches = page(() => import('../../src/pages/staff/livelihood/batches/index.astro'));
const Talks = page(() => import('../../src/pages/staff/talks/index.astro'));

describe('1. a number beyond PostgreSQL integer as a disclosure id, line or opinion: a 500', () => {
  it('parseRowNumber and rowNumber take 1 … 2,147,483,647 and nothing else', () => {
    for (const text of ['1', '34', String(PG_INTEGER_MAX)]) expect(parseRowNumber(text)).toBe(Number(text));
    for (const text of ['0', '-1', '2147483648', '990121000000', '99999999999999999999', '1e3', '12abc', ' 1', '01', '', null, undefined]) expect(parseRowNumber(text), String(text)).toBeUndefined();
    expect(rowNumber().safeParse(PG_INTEGER_MAX).success).toBe(true);
    expect(rowNumber().safeParse(PG_INTEGER_MAX + 1).success).toBe(false);
  });

  it.each([
    ['the workspace', Workspace, (id: string) => `/staff/ledgers/${id}`, (id: string) => ({ id })],
    ['an entry', Entry, (id: string) => `/staff/ledgers/${id}/entries/1`, (id: string) => ({ id, line: '1' })],
    ['the htmx entry editor', EntryPartial, (id: string) => `/partials/staff/ledgers/${id}/entries/1`, (id: string) => ({ id, line: '1' })],
  ])('GET %s with the id 990121000000 (a county code where an id goes) is refused, not a 500', async (_what, view, url, params) => {
    const answer = await harness.send(await view(), { url: url('990121000000'), params: params('990121000000'), as: 'qianying.kj' });
    expect([403, 404]).toContain(answer.status);
    await expectSafeAnswer(answer, { label: url('990121000000'), harness });
  });

  it('GET a voucher scan under the id 990121000000 is a 403, not a 500', async () => {
    const voucher = await import('../../src/pages/staff/ledgers/[id]/vouchers/[attachment].ts');
    const answer = await harness.send(voucher as never, { url: `/staff/ledgers/990121000000/vouchers/${fixtures.voucherId}`, params: { id: '990121000000', attachment: fixtures.voucherId }, as: 'qianying.kj', endpoint: true });
    expect(answer.status).toBe(403);
  });

  it.each([
    ['a supervision opinion on line 2147483648', 'sanghe.jw', () => fixtures.submittedId, { action: 'raise-opinion', opinion: '第1条支出未见村民代表会议决议，请核实并补充说明。', lineNo: '2147483648', dueOn: addDays(todayInShanghai(), 10) }],
    ['deleting line 2147483648', 'qianying.kj', () => fixtures.draftId, { action: 'delete-entry', line: '2147483648' }],
    ['reporting line 99999999999 as a major matter', 'qianying.kj', () => fixtures.draftId, { action: 'report-major', line: '99999999999' }],
  ])('POST %s is a 400 with a message and writes nothing', async (_what, as, id, fields) => {
    const body = encodeBody(Object.entries(fields), 'urlencoded');
    await harness.signIn(as);
    const before = await harness.rowCounts();
    const answer = await harness.send(await Workspace(), { url: `/staff/ledgers/${id()}`, params: { id: String(id()) }, as, body: body.body, headers: body.headers });
    expect(answer.status).toBe(400);
    expect(await expectSafeAnswer(answer, { label: 'workspace POST', before, harness, formPage: true })).toBe(true);
  });
});

describe('2. an impossible date in the reminders-and-talks filters: a 500', () => {
  it('actFiltersFrom leaves out 0000-01-01, 2026-00-10 and 2026-02-30', () => {
    expect(actFiltersFrom(new URLSearchParams('from=2026-00-10&through=0000-01-01'))).toEqual({ category: undefined, areaCode: undefined, from: undefined, through: undefined });
    expect(actFiltersFrom(new URLSearchParams('from=2026-02-30&through=2026-03-01')).through).toBe('2026-03-01');
  });

  it('GET /staff/talks?through=0000-01-01 and the export ?from=2026-00-10 answer 200', async () => {
    expect((await harness.send(await Talks(), { url: '/staff/talks?through=0000-01-01', as: 'sanghe.jw' })).status).toBe(200);
    const exportCsv = await import('../../src/pages/staff/talks/export.ts');
    expect((await harness.send(exportCsv as never, { url: '/staff/talks/export?from=2026-00-10', as: 'sanghe.jw', endpoint: true })).status).toBe(200);
  });
});

describe('3. a refusal after the form was read (403, not found): RewriteWithBodyUsed, a 500', () => {
  it('readForm leaves the request body unread', async () => {
    const request = new Request('http://localhost/x', { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    expect((await readForm(request)).fields).toEqual({ a: '1' });
    expect(request.bodyUsed).toBe(false);
  });

  it('POST /staff/livelihood/batches with an item that is not the department’s is the 403 page', async () => {
    const form = new FormData();
    for (const [name, value] of [['itemId', '\ud800'], ['villageCode', '990121001201'], ['period', '2026-10']] as const) form.append(name, value);
    form.append('file', new File(['\uFEFF姓名,身份证号码,金额（元）,发放日期\r\n张建国,431121195603120249,520,2026-11-10\r\n'], '发放名单.csv', { type: 'text/csv' }));
    await harness.signIn('sanghe.mzj');
    const before = await harness.rowCounts();
    const answer = await harness.send(await Batches(), { url: '/staff/livelihood/batches', as: 'sanghe.mzj', body: form });
    expect(answer.status).toBe(403);
    await expectSafeAnswer(answer, { label: 'batch upload', before, harness });
  });
});

describe('4. a period of year 0000 for the import template: a 500 (RangeError: Invalid time value)', () => {
  it('parsePeriod refuses years before 1949, and the template falls back to the current quarter', async () => {
    for (const code of ['0000-Q1', '0000-01', '0999-Q4', '1948-12']) expect(parsePeriod(code), code).toBeNull();
    expect(parsePeriod('1949-Q1')?.start).toBe('1949-01-01');
    const template = await import('../../src/pages/staff/ledgers/template.ts');
    for (const period of ['0000-Q1', '0001-01']) {
      const answer = await harness.send(template as never, { url: `/staff/ledgers/template?period=${period}&format=csv`, as: 'qianying.kj', endpoint: true });
      expect(answer.status, period).toBe(200);
    }
  });
});
