/**
 * The public complaint routes: the form without JavaScript, the one-time receipt, tracking, the
 * JSON API — and that nothing about the sender (address, browser) reaches the database or the logs.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filingThrottle, trackingThrottle } from '../../lib/server/complaints/throttles.ts';
import { sql } from 'drizzle-orm';
import { queryRows, useDatabaseForTests } from '../../lib/server/db.ts';
import { createTestDatabase, type TestDatabase } from '../../lib/server/testing/test-db.ts';
import { translator } from '../../i18n/index.ts';
import Report from './index.astro';
import Track from '../track.astro';
import * as complaintsApi from '../api/v1/complaints/index.ts';
import * as complaintApi from '../api/v1/complaints/[receipt].ts';
import { solveChallenge } from 'altcha-lib';
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

async function render(page: Parameters<AstroContainer['renderToResponse']>[0], url: string, body?: Record<string, string>) {
  const request = body
    ? new Request(`http://localhost${url}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': MARKER_UA, 'X-Forwarded-For': MARKER_IP },
        body: new URLSearchParams(body),
      })
    : new Request(`http://localhost${url}`);
  const response = await container.renderToResponse(page, { request, partial: false, locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const form = {
  formKey: 'route-test-key-000000000001',
  category: 'assets',
  areaCode: '990121001202',
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
