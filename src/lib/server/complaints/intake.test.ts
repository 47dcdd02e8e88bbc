/**
 * The one intake both doors use (the form and the JSON API): its order of checks, the proof of
 * work the API always needs and the form without JavaScript may go without (counting double),
 * and how each refusal is put to the form and to the API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { solveChallenge } from 'altcha-lib';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { translator } from '../../../i18n/index.ts';
import net from 'node:net';
import { openDatabase, queryRows } from '../db.ts';
import { formRefusal, intakeComplaint, intakeJson, type IntakeRequest } from './intake.ts';
import { newPowChallenge } from './pow.ts';
import { FILINGS_PER_HOUR, filingThrottle } from './throttles.ts';

const CLIENT = 'intake-test-client';
const filing = {
  category: 'assets',
  areaCode: '990121001203',
  title: '河湾村清淤工钱发放不透明',
  content: '河湾村去年冬天清淤，工钱由村会计用现金发放，没有签字表，也没有在公开栏公布人数和金额。',
  anonymous: true,
};

async function solvedPow(): Promise<string> {
  const challenge = await newPowChallenge();
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  return Buffer.from(JSON.stringify({ ...challenge, number: solution!.number })).toString('base64');
}

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());
beforeEach(() => filingThrottle.reset('client', CLIENT));

let reads = 0;
const request = (overrides: Partial<IntakeRequest> & { title?: string; pow?: string } = {}): IntakeRequest => ({
  channel: 'form',
  client: CLIENT,
  read: async () => {
    reads += 1;
    return { input: { ...filing, title: overrides.title ?? filing.title }, pow: overrides.pow };
  },
  ...overrides,
});
const filed = async (title: string) => (await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${title}`))[0]!.n;

describe('the intake of a filing', () => {
  it('refuses the honeypot first, before the limit, reading nothing', async () => {
    filingThrottle.record('client', CLIENT, FILINGS_PER_HOUR);
    reads = 0;
    expect(await intakeComplaint(test.db, request({ honeypot: 'http://spam.example', title: '机器人：蜜罐' }))).toEqual({ ok: false, errors: { code: 'refused' }, status: 400 });
    expect(reads).toBe(0);
  });

  it('holds a client over the hourly limit before reading the body', async () => {
    filingThrottle.record('client', CLIENT, FILINGS_PER_HOUR);
    reads = 0;
    const held = await intakeComplaint(test.db, request({ title: '限流：超过每小时上限' }));
    expect(held).toMatchObject({ ok: false, errors: { code: 'rate_limited' }, status: 429 });
    expect(held.ok === false && held.retryAfterMs).toBeGreaterThan(59 * 60 * 1000);
    expect(reads).toBe(0);
    expect(await filed('限流：超过每小时上限')).toBe(0);
  });

  it('refuses a body that is not a filing', async () => {
    const unreadable = await intakeComplaint(test.db, request({ channel: 'api', read: async () => JSON.parse('{"title":') }));
    expect(unreadable).toEqual({ ok: false, errors: { code: 'invalid_json' }, status: 400 });
    expect(intakeJson(unreadable).status).toBe(400);
  });

  it('needs a proof of work from the API, and takes the form without one at double the count', async () => {
    expect(await intakeComplaint(test.db, request({ channel: 'api', title: '工作量：接口没有求解' }))).toEqual({ ok: false, errors: { code: 'pow_required' }, status: 400 });
    expect(await intakeComplaint(test.db, request({ channel: 'form', pow: 'bm90LWEtc29sdXRpb24=', title: '工作量：表单伪造' }))).toEqual({ ok: false, errors: { code: 'pow_required' }, status: 400 });
    expect(await filed('工作量：接口没有求解')).toBe(0);

    const noScript = await intakeComplaint(test.db, request({ channel: 'form', title: '工作量：表单没有脚本' }));
    expect(noScript).toMatchObject({ ok: true, value: { repeated: false } });
    filingThrottle.record('client', CLIENT, FILINGS_PER_HOUR - 3);
    expect(filingThrottle.retryAfter('client', CLIENT)).toBe(0); // 2 + 27 = 29 of 30
    const proven = await intakeComplaint(test.db, request({ channel: 'api', pow: await solvedPow(), title: '工作量：接口已求解' }));
    expect(proven.ok).toBe(true);
    expect(filingThrottle.retryAfter('client', CLIENT)).toBeGreaterThan(0); // + 1 = 30
    expect(intakeJson(proven).status).toBe(201);
  });

  it('answers a retried form with the same receipt, not counting it again', async () => {
    const once = await intakeComplaint(test.db, request({ idempotencyKey: 'intake-test-key-0000000001', title: '重复：同一表单' }));
    filingThrottle.record('client', CLIENT, FILINGS_PER_HOUR - 3); // 2 (no proof of work) + 27 = 29 of 30
    const again = await intakeComplaint(test.db, request({ idempotencyKey: 'intake-test-key-0000000001', title: '重复：同一表单' }));
    expect(once.ok && again.ok && again.value).toEqual({ receipt: once.ok ? once.value.receipt : '', repeated: true, complaintId: once.ok ? once.value.complaintId : '' });
    expect(filingThrottle.retryAfter('client', CLIENT)).toBe(0);
    expect(await filed('重复：同一表单')).toBe(1);
  });

  it('puts every refusal to the form in Chinese, keeping field errors as the domain wrote them', async () => {
    const t = translator('zh-CN');
    const invalid = await intakeComplaint(test.db, request({ read: async () => ({ input: { ...filing, title: '短' }, pow: undefined }) }));
    expect(invalid.ok).toBe(false);
    if (invalid.ok) return;
    expect(formRefusal(invalid.errors, t, true)).toEqual({ errors: { title: expect.stringMatching(/标题/) }, reattach: true });
    expect(formRefusal({ code: 'rate_limited', waitMs: 30 * 60 * 1000 }, t, true)).toEqual({ errors: { form: t('report.tooMany', { wait: '30分钟' }) }, reattach: false });
    expect(formRefusal({ code: 'unavailable' }, t, false)).toEqual({ errors: { form: t('report.failed') }, reattach: false });
    const json = await intakeJson(invalid).json();
    expect(json).toEqual({ error: { code: 'invalid', message: '提交的内容有误', fields: { title: expect.stringMatching(/标题/) } } });
  });

  it('tells the client when to try again when the database is away, and files nothing', async () => {
    // A PostgreSQL that is not there: a port bound, then released.
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: bound } = server.address() as net.AddressInfo;
        server.close(() => resolve(bound));
      });
    });
    const away = await openDatabase({ driver: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/none`, max: 1 });
    try {
      const result = await intakeComplaint(away.db, request({ channel: 'api', title: '数据库不在：不应保存', pow: await solvedPow() }));
      expect(result).toMatchObject({ ok: false, errors: { code: 'unavailable' }, status: 503, retryAfterMs: 10_000 });
      const response = intakeJson(result);
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe('10');
      expect(await filed('数据库不在：不应保存')).toBe(0);
    } finally {
      await away.close();
    }
  });
});
