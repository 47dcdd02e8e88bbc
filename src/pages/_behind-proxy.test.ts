/**
 * The throttled routes as they run behind the documented TLS proxy, where every connection comes
 * from the proxy's address: staff sign-in, tracking (form and API) and filing (form and API). One
 * client's failures must not lock anyone else out, and X-Forwarded-For must be believed only from
 * a trusted proxy. (The leading underscore keeps this file out of Astro's routes.)
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../tests/support/test-db.ts';
import { translator, type Lang } from '../i18n/index.ts';
import { filingThrottle } from '../lib/server/complaints/throttles.ts';
import SignIn from './staff/sign-in.astro';
import Track from './track.astro';
import Report from './report/index.astro';
import * as complaintsApi from './api/v1/complaints/index.ts';
import * as complaintApi from './api/v1/complaints/[receipt].ts';

// TRUSTED_PROXIES as the deployment would set it; each test chooses.
const proxies = vi.hoisted(() => ({ trusted: [] as string[] }));
vi.mock('../lib/server/config.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../lib/server/config.ts')>();
  return { ...actual, getConfig: () => ({ ...actual.getConfig(), trustedProxies: proxies.trusted }) };
});

const PROXY = '10.0.0.5';
/** The Node adapter puts the socket's address on the request; the container does not, so we do. */
function request(url: string, from: { socket: string; forwardedFor?: string }, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (from.forwardedFor) headers.set('X-Forwarded-For', from.forwardedFor);
  const result = new Request(`http://localhost${url}`, { ...init, headers });
  Reflect.set(result, Symbol.for('astro.clientAddress'), from.socket);
  return result;
}
const viaProxy = (client: string) => ({ socket: PROXY, forwardedFor: `${client}` });
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

let test: TestDatabase;
let container: AstroContainer;
beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
});
afterAll(async () => test?.dispose());
beforeEach(() => {
  proxies.trusted = [PROXY];
});

async function page(component: Parameters<AstroContainer['renderToResponse']>[0], req: Request, lang: Lang = 'zh-CN') {
  const response = await container.renderToResponse(component, { request: req, partial: false, locals: { lang, t: translator(lang), user: null, sessionId: null } });
  return { status: response.status, html: await response.text(), headers: response.headers };
}
async function endpoint(module: unknown, req: Request, params?: Record<string, string>) {
  const response = await container.renderToResponse(module as never, { request: req, routeType: 'endpoint', params });
  return { status: response.status, body: (await response.json()) as { error?: { message: string; retryAfterSeconds?: number } }, headers: response.headers };
}
const signIn = (from: { socket: string; forwardedFor?: string }, username: string, password: string) =>
  page(SignIn, request('/staff/sign-in', from, form({ username, password, next: '/staff' })));
const missTrackingApi = (from: { socket: string; forwardedFor?: string }) => endpoint(complaintApi, request('/api/v1/complaints/0000000000000000', from), { receipt: '0000000000000000' });

describe('staff sign-in behind a trusted proxy', () => {
  it("does not make another client's correct password wait for one client's failures", async () => {
    const guesser = viaProxy('198.51.100.10');
    for (let i = 0; i < 4; i++) {
      const wrong = await signIn(guesser, 'qianying.kj', `cai-cai-kan-${i}`);
      expect(wrong.status).toBe(401);
      expect(wrong.html).toContain('用户名或密码不正确');
    }
    // The guesser itself now waits, and is told for how long …
    const held = await signIn(guesser, 'qianying.kj', 'yidiantong-baozhang-2026');
    expect(held.status).toBe(429);
    expect(held.html).toMatch(/尝试次数过多，请在\d+秒后再试/);
    expect(Number(held.headers.get('Retry-After'))).toBeGreaterThan(0);
    // … while the account's owner, at another desk behind the same proxy, signs straight in.
    const owner = await signIn(viaProxy('198.51.100.20'), 'qianying.kj', 'yidiantong-baozhang-2026');
    expect(owner.status).toBe(303);
  });

  it("never refuses a correct password over a client's failures on other accounts", async () => {
    const sprayer = viaProxy('198.51.100.11');
    let last = await signIn(sprayer, 'no.such.user', 'wrong-password-0');
    for (let i = 1; i < 14; i++) last = await signIn(sprayer, `zhang${i}.kj`, `wrong-password-${i}`);
    expect(last.status).toBe(429);
    expect(last.html).toMatch(/请在\d+秒后再试/);
    // Even from that very client (think of one office behind one NAT), a right password works.
    expect((await signIn(sprayer, 'sanghe.jw', 'yidiantong-jiwei-2026')).status).toBe(303);
    expect((await signIn(viaProxy('198.51.100.21'), 'demo.admin', 'yidiantong-guanli-2026')).status).toBe(303);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: a client cannot escape its limit by inventing addresses', async () => {
    proxies.trusted = [];
    for (let i = 0; i < 4; i++) {
      await signIn({ socket: '203.0.113.50', forwardedFor: `192.0.2.${i + 1}` }, 'qianying.jd', `cai-cai-kan-${i}`);
    }
    const spoofed = await signIn({ socket: '203.0.113.50', forwardedFor: '192.0.2.99' }, 'qianying.jd', 'yidiantong-jiandu-2026');
    expect(spoofed.status).toBe(429);
    // The header from an address that is not a trusted proxy is no better.
    proxies.trusted = [PROXY];
    const untrusted = await signIn({ socket: '203.0.113.50', forwardedFor: '192.0.2.100' }, 'qianying.jd', 'yidiantong-jiandu-2026');
    expect(untrusted.status).toBe(429);
  });
});

describe('citizen routes behind a trusted proxy', () => {
  it('lets one client mistype receipt codes many times without locking out the village next door', async () => {
    const busy = viaProxy('198.51.100.30');
    for (let i = 0; i < 30; i++) expect((await missTrackingApi(busy)).status).toBe(404);
    const limited = await missTrackingApi(busy);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toMatch(/^(3599|3600)$/);
    expect(limited.body.error?.message).toBe('查询失败次数过多，请在60分钟后再试');
    expect(limited.body.error?.retryAfterSeconds).toBeGreaterThan(3500);
    // Someone else behind the same proxy is unaffected.
    expect((await missTrackingApi(viaProxy('198.51.100.31'))).status).toBe(404);
    // The tracking form tells the blocked client how long to wait, in its language.
    const zh = await page(Track, request('/track', busy, form({ receipt: '1111 2222 3333 4444' })));
    expect(zh.status).toBe(429);
    expect(zh.html).toContain('查询失败次数过多，请在60分钟后再试。');
    expect(zh.headers.get('Retry-After')).toMatch(/^(3599|3600)$/);
    const en = await page(Track, request('/track', busy, form({ receipt: '1111 2222 3333 4444' })), 'en');
    expect(en.html).toContain('Too many failed attempts; please try again in 60 min.');
    expect((await page(Track, request('/track', viaProxy('198.51.100.31'), form({ receipt: '1111 2222 3333 4444' })))).status).toBe(404);
  });

  it('ignores a forged X-Forwarded-For on the citizen routes when no proxy is trusted', async () => {
    proxies.trusted = [];
    for (let i = 0; i < 30; i++) await missTrackingApi({ socket: '203.0.113.60', forwardedFor: `192.0.2.${i + 1}` });
    expect((await missTrackingApi({ socket: '203.0.113.60', forwardedFor: '192.0.2.200' })).status).toBe(429);
  });

  it('answers a village that filed its hourly burst with Retry-After and the minutes to wait, on the API and the form', async () => {
    const village = '198.51.100.40';
    filingThrottle.record('client', village, 30);
    const api = await endpoint(complaintsApi, request('/api/v1/complaints', viaProxy(village), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
    expect(api.status).toBe(429);
    expect(api.headers.get('Retry-After')).toMatch(/^(3599|3600)$/);
    expect(api.body.error?.message).toBe('这个网络近一小时提交的反映太多，请在60分钟后再试');
    // Another client behind the proxy goes on to the normal checks (here: the missing proof of work).
    const other = await endpoint(complaintsApi, request('/api/v1/complaints', viaProxy('198.51.100.41'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
    expect(other.status).toBe(400);

    const title = '前营村水塘承包费去向不明';
    const report = await page(Report, request('/report', viaProxy(village), form({ county: '990121000000', areaCode: '990121001201', category: 'funds', title, content: '水塘承包费三年没有公布去向，村民多次询问无果。', anonymous: 'yes', formKey: 'proxy-test-form-key-0000001' })));
    expect(report.status).toBe(429);
    expect(report.html).toContain('请在60分钟后再试');
    expect(report.html).toContain(title);
    expect(report.headers.get('Retry-After')).toMatch(/^(3599|3600)$/);
  });
});
