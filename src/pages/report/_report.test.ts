/**
 * The public complaint routes: the form without JavaScript, the one-time receipt, tracking, the
 * JSON API — and that nothing about the sender (address, browser) reaches the database or the logs.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filingThrottle, trackingThrottle } from '../../lib/server/complaints/throttles.ts';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../lib/server/db.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../tests/support/test-db.ts';
import { summaryTargets } from '../../../tests/support/error-summary.ts';
import { translator } from '../../i18n/index.ts';
import Report from './index.astro';
import Track from '../track.astro';
import * as complaintsApi from '../api/v1/complaints/index.ts';
import * as complaintApi from '../api/v1/complaints/[receipt].ts';
import { solveChallenge } from 'altcha-lib';
import sharp from 'sharp';
import { newPowChallenge } from '../../lib/server/complaints/pow.ts';

async function solvedPow(): Promise<string> {
  const challenge = await newPowChallenge();
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  return Buffer.from(JSON.stringify({ ...challenge, number: solution!.number })).toString('base64');
}

let test: TestDatabase;
let container: AstroContainer;
// Every request here comes from the same (unknown) client: start each test with a clean slate.
beforeEach(() => {
  filingThrottle.reset('client', 'unknown');
  trackingThrottle.reset('client', 'unknown');
});
beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
});
afterAll(async () => test?.dispose());

const MARKER_UA = 'UA-MARKER-7f3a9c';
const MARKER_IP = '203.0.113.77';

async function render(page: Parameters<AstroContainer['renderToResponse']>[0], url: string, body?: Record<string, string>, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const request = body
    ? new Request(`http://localhost${url}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': MARKER_UA, 'X-Forwarded-For': MARKER_IP },
        body: new URLSearchParams(body),
      })
    : new Request(`http://localhost${url}`);
  const response = await container.renderToResponse(page, { request, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const form = {
  formKey: 'route-test-key-000000000001',
  category: 'assets',
  areaCode: '990121001202',
  subjectLevel: 'village_cadre',
  subjectRole: '',
  title: '后营村门面房出租不透明',
  content: '村委会东侧门面房去年换了租户，没有公开竞价，租金也没在村务公开栏里公布，群众意见很大。',
  anonymous: 'yes',
};

describe('the complaint form', () => {
  it('asks for the county first, then shows the places of that county', async () => {
    const start = await render(Report, '/report');
    expect(start.status).toBe(200);
    expect(start.html).toContain('name="county"');
    const step2 = await render(Report, '/report?county=990121000000');
    expect(step2.html).toContain('value="990121001202"');
    expect(step2.html).toContain('name="formKey"');
    const prefilled = await render(Report, '/report?village=990121001203');
    expect(prefilled.html).toMatch(/<option value="990121001203" selected/);
  });

  it('keeps what the citizen typed and explains each problem when input is bad', async () => {
    const { status, html } = await render(Report, '/report', { ...form, title: '短', anonymous: 'no', name: '', phone: '' });
    expect(status).toBe(400);
    expect(html).toContain('标题至少4个字');
    expect(html).toContain('实名反映请填写您的姓名');
    expect(html).toContain(form.content);
    expect(html).not.toContain('receipt-code');
  });

  it('asks who the complaint is about, offering 不清楚, and keeps what was typed when it is not answered', async () => {
    const { status, html } = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000030', county: '990121000000', subjectLevel: '' });
    expect(status).toBe(400);
    expect(html).toContain('请选择被反映人属于哪一类');
    expect(html).toContain('<option value="county_leader">县领导</option>');
    expect(html).toContain('<option value="unknown">不清楚</option>');
    expect(html).toContain('value="后营村门面房出租不透明"');
    expect(summaryTargets(html).missing).toEqual([]);
  });

  it('shows the receipt once the complaint is stored, and the same receipt for a resubmitted form', async () => {
    const first = await render(Report, '/report', form);
    expect(first.status).toBe(200);
    const receipt = first.html.match(/<strong>(\d{4} \d{4} \d{4} \d{4})<\/strong>/)?.[1];
    expect(receipt).toBeDefined();
    expect(first.headers.get('Location')).toBeNull();
    const again = await render(Report, '/report', form);
    expect(again.html).toContain(receipt!);
    expect(again.html).toContain('没有重复登记');
    const [count] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${form.title}`);
    expect(count!.n).toBe(1);

    const tracked = await render(Track, '/track', { receipt: receipt! });
    expect(tracked.status).toBe(200);
    expect(tracked.html).toContain(form.title);
    expect(tracked.html).toContain('已收到');
  });

  it('refuses a forged proof of work, keeping what was typed', async () => {
    const forged = Buffer.from(JSON.stringify({ algorithm: 'SHA-256', challenge: 'ab', number: 1, salt: 'x', signature: 'cd' })).toString('base64');
    const { status, html } = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000004', title: '伪造校验测试', pow: forged });
    expect(status).toBe(400);
    expect(html).toContain('安全校验没有通过');
    expect(html).toContain(form.content);
  });

  it('refuses the honeypot without storing anything', async () => {
    const { status } = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000002', title: '机器人提交的内容', website: 'http://spam.example' });
    expect(status).toBe(400);
    const [count] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = '机器人提交的内容'`);
    expect(count!.n).toBe(0);
  });

  it('says categories and steps in the page’s language, on the form and when tracking', async () => {
    const english = await render(Report, '/report?county=990121000000', undefined, 'en');
    expect(english.html).toContain('<option value="assets">Village funds, assets and resources</option>');
    expect(english.html).not.toContain('村级三资');
    const first = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000031', title: '语言测试：河湾村账目' });
    const receipt = first.html.match(/<strong>(\d{4} \d{4} \d{4} \d{4})<\/strong>/)![1]!;
    const tracked = await render(Track, '/track', { receipt }, 'en');
    expect(tracked.html).toContain('<span>Village funds, assets and resources</span>');
    expect(tracked.html).toContain('<span>Report received</span>');
    expect(tracked.html).not.toMatch(/村级三资|收到反映/);
  });

  it('answers a wrong receipt with 404 and no case', async () => {
    const { status, html } = await render(Track, '/track', { receipt: '1111 2222 3333 4444' });
    expect(status).toBe(404);
    expect(html).toContain('没有找到这个查询码');
  });

  it('stores and logs nothing of the sender’s address or browser', async () => {
    const written: string[] = [];
    const originalStdout = process.stdout.write.bind(process.stdout);
    const originalStderr = process.stderr.write.bind(process.stderr);
    const capture = (original: typeof process.stdout.write) =>
      function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
        written.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      } as typeof process.stdout.write;
    process.stdout.write = capture(originalStdout);
    process.stderr.write = capture(originalStderr);
    try {
      await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000003', title: '标记测试：村干部违规报销' });
    } finally {
      process.stdout.write = originalStdout;
      process.stderr.write = originalStderr;
    }
    expect(written.join('')).not.toContain(MARKER_UA);
    expect(written.join('')).not.toContain(MARKER_IP);
    const tables = await queryRows<{ table_name: string }>(test.db, sql`select table_name from information_schema.tables where table_schema = 'public'`);
    for (const { table_name } of tables) {
      const rows = await queryRows<Record<string, unknown>>(test.db, sql.raw(`select * from "${table_name}"`));
      const dump = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? '' : v));
      expect(dump, table_name).not.toContain(MARKER_UA);
      expect(dump, table_name).not.toContain(MARKER_IP);
    }
  });
});

describe('a form sent back with problems', () => {
  const HOUYING_COUNTY = '990121000000';

  it('stays on the place step with everything typed when the place is left empty', async () => {
    const { status, html } = await render(Report, '/report', {
      ...form,
      formKey: 'route-test-key-000000000021',
      county: HOUYING_COUNTY,
      areaCode: '',
      subjectName: '刘会计',
      occurredOn: '2026-05-12',
    });
    expect(status).toBe(400);
    expect(html).not.toMatch(/<select[^>]*name="county"/); // not sent back to the county picker
    expect(html).toContain('name="areaCode"');
    expect(html).toContain('请选择问题发生的地方');
    expect(html).toContain(`value="${form.title}"`);
    expect(html).toContain(form.content);
    expect(html).toMatch(/<option value="assets" selected/);
    expect(html).toContain('value="刘会计"');
    expect(html).toContain('value="2026-05-12"');
    const { links, missing } = summaryTargets(html);
    expect(links).toContain('field-areaCode');
    expect(missing).toEqual([]);
  });

  it('explains every missing field of an empty form, each link landing on its field', async () => {
    const { status, html } = await render(Report, '/report', { formKey: 'route-test-key-000000000022', county: HOUYING_COUNTY, anonymous: 'yes' });
    expect(status).toBe(400);
    expect(html).toContain('name="areaCode"');
    const { links, missing } = summaryTargets(html);
    expect(links).toEqual(expect.arrayContaining(['field-category', 'field-areaCode', 'field-title', 'field-content']));
    expect(missing).toEqual([]);
  });

  it('still finds the county from the chosen place when the county field is missing', async () => {
    const { html } = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000023', title: '短' });
    expect(html).toMatch(/<option value="990121001202" selected/);
    expect(summaryTargets(html).missing).toEqual([]);
  });

  it('asks for the county, with a working link, when nothing says which county', async () => {
    const { status, html } = await render(Report, '/report', { formKey: 'route-test-key-000000000024', title: '没有地区的反映' });
    expect(status).toBe(400);
    expect(html).toMatch(/<select[^>]*name="county"/);
    const { links, missing } = summaryTargets(html);
    expect(links).toEqual(['field-county']);
    expect(missing).toEqual([]);
  });

  it('says in the summary that a chosen photo must be chosen again', async () => {
    const body = new FormData();
    for (const [key, value] of Object.entries({ ...form, formKey: 'route-test-key-000000000025', county: HOUYING_COUNTY, areaCode: '' })) body.set(key, value);
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a08060' } }).jpeg().toBuffer();
    body.append('attachments', new File([new Uint8Array(photo)], 'IMG_2041.jpg', { type: 'image/jpeg' }));
    const response = await container.renderToResponse(Report, {
      request: new Request('http://localhost/report', { method: 'POST', body }),
      partial: false,
      locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null },
    });
    const html = await response.text();
    expect(response.status).toBe(400);
    const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? '';
    expect(summary).toContain('重新选择');
    expect(summary).toContain('href="#field-attachments"');
    expect(summaryTargets(html).missing).toEqual([]);
    const [count] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${form.title}`);
    expect(count!.n).toBeLessThanOrEqual(1); // the earlier receipt test filed this title once; nothing more
  });
});

describe('a complaint about one published ledger line', () => {
  it('names the line as the citizen saw it (period, row, voucher), keeping the internal id hidden', async () => {
    const [entry] = await queryRows<{ id: number; line_no: number; voucher_no: string; period: string }>(
      test.db,
      sql`select e.id, e.line_no, e.voucher_no, d.period from fund_entries e join disclosures d on d.id = e.disclosure_id
           where d.village_code = '990121001202' and d.status = 'published' and e.voucher_no is not null and e.line_no > 1
           order by d.period desc, e.line_no limit 1`,
    );
    const { html } = await render(Report, `/report?village=990121001202&entry=${entry!.id}`);
    const [year, quarter] = entry!.period.split('-Q');
    expect(html).toContain(`${year}年第${quarter}季度`);
    expect(html).toContain(`第${entry!.line_no}行`);
    expect(html).toContain(`凭证号 ${entry!.voucher_no}`);
    expect(html).not.toContain(`第${entry!.id}号分录`);
    expect(html).toContain(`name="fundEntryId" value="${entry!.id}"`);
  });

  it('sends the citizen to the line notice when the line is not in the chosen place', async () => {
    const [entry] = await queryRows<{ id: number }>(test.db, sql`select e.id from fund_entries e join disclosures d on d.id = e.disclosure_id where d.village_code = '990121001202' and d.status = 'published' limit 1`);
    const { status, html } = await render(Report, '/report', { ...form, formKey: 'route-test-key-000000000026', county: '990121000000', areaCode: '990121001201', fundEntryId: String(entry!.id) });
    expect(status).toBe(400);
    expect(html).toContain('不在该地区');
    const { links, missing } = summaryTargets(html);
    expect(links).toEqual(['field-fundEntryId']);
    expect(missing).toEqual([]);
  });

  it('says nothing of a line that is not published', async () => {
    const [draft] = await queryRows<{ id: number; line_no: number; village_code: string }>(
      test.db,
      sql`select e.id, e.line_no, d.village_code from fund_entries e join disclosures d on d.id = e.disclosure_id where d.status <> 'published' limit 1`,
    );
    const { html } = await render(Report, `/report?village=${draft!.village_code}&entry=${draft!.id}`);
    expect(html).not.toContain('name="fundEntryId"');
    expect(html).not.toContain('公开账目');
  });
});

describe('when the database fails mid-submission', () => {
  it('shows no receipt, keeps the citizen’s text, and stores nothing; the retry then files once', async () => {
    const brokenDb = new Proxy(test.db, {
      get(target, property, receiver) {
        if (property === 'transaction') {
          // The connection drops inside the transaction, after the first insert.
          return async (work: (tx: unknown) => Promise<unknown>) =>
            target.transaction(async (tx) => {
              let calls = 0;
              await work(new Proxy(tx, {
                get(inner, key, innerReceiver) {
                  if (key === 'insert') {
                    return (table: unknown) => {
                      calls += 1;
                      if (calls > 1) throw new Error('connection terminated unexpectedly');
                      return (inner as { insert: (t: unknown) => unknown }).insert(table);
                    };
                  }
                  return Reflect.get(inner, key, innerReceiver);
                },
              }));
            });
        }
        return Reflect.get(target, property, receiver);
      },
    });
    useDatabaseForTests({ ...test, db: brokenDb });
    const failing = { ...form, formKey: 'route-test-key-000000000009', title: '断线测试：集体土地补偿款', anonymous: 'no', name: '孙立军', phone: '13811112222' };
    const failed = await render(Report, '/report', failing);
    useDatabaseForTests(test);
    expect(failed.status).toBe(503);
    expect(failed.html).not.toContain('receipt-code');
    expect(failed.html).toContain(failing.content);
    expect(failed.html).toContain('没有提交成功');
    const [count] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${failing.title}`);
    expect(count!.n).toBe(0);

    const retried = await render(Report, '/report', failing);
    expect(retried.html).toMatch(/<strong>\d{4} \d{4} \d{4} \d{4}<\/strong>/);
    const [after] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${failing.title}`);
    expect(after!.n).toBe(1);
  });
});

describe('the complaint API', () => {
  const call = async (route: { POST?: (c: never) => Response | Promise<Response>; GET?: (c: never) => Response | Promise<Response> }, method: 'POST' | 'GET', url: string, init: { body?: string; headers?: Record<string, string>; params?: Record<string, string> } = {}) =>
    (method === 'POST' ? route.POST! : route.GET!)({
      request: new Request(`http://localhost${url}`, { method, headers: init.headers, body: init.body }),
      params: init.params ?? {},
      url: new URL(`http://localhost${url}`),
    } as never);

  it('files with 201 and a receipt, returns the same receipt for a retried request, and 400 with field errors', async () => {
    const filing = { category: 'item', areaCode: '990122001000', itemCode: 'SP-01', title: '宅基地审批拖了半年', content: '去年十月交的宅基地申请，镇上一直说在审，半年了没有结果，也没有告诉缺什么材料。', anonymous: true };
    const unproven = await call(complaintsApi, 'POST', '/api/v1/complaints', { body: JSON.stringify(filing), headers: { 'Content-Type': 'application/json' } });
    expect(unproven.status).toBe(400);
    expect((await unproven.json()).error.code).toBe('pow_required');
    const body = JSON.stringify({ ...filing, pow: await solvedPow() });
    const created = await call(complaintsApi, 'POST', '/api/v1/complaints', { body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'api-test-key-0000000001' } });
    expect(created.status).toBe(201);
    const { receipt } = await created.json();
    expect(receipt).toMatch(/^\d{16}$/);
    const retried = await call(complaintsApi, 'POST', '/api/v1/complaints', { body: JSON.stringify({ ...filing, pow: await solvedPow() }), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'api-test-key-0000000001' } });
    expect(retried.status).toBe(200);
    expect((await retried.json()).receipt).toBe(receipt);
    const status = await call(complaintApi, 'GET', `/api/v1/complaints/${receipt}`, { params: { receipt } });
    expect(await status.json()).toMatchObject({ status: 'received', category: 'item', title: '宅基地审批拖了半年' });

    const bad = await call(complaintsApi, 'POST', '/api/v1/complaints', { body: JSON.stringify({ category: 'item', anonymous: false, pow: await solvedPow() }), headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    const errors = (await bad.json()).error.fields;
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['areaCode', 'content', 'title']));
    expect((await call(complaintsApi, 'POST', '/api/v1/complaints', { body: 'not json' })).status).toBe(400);
    expect((await call(complaintApi, 'GET', '/api/v1/complaints/123', { params: { receipt: '123' } })).status).toBe(404);
  });
});
