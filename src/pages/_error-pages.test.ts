import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { translator, type Lang } from '../i18n/index.ts';
import { logger } from '../lib/server/logger.ts';
import { onRequest } from '../middleware.ts';
import ServerError from './500.astro';

/** The error page as Astro renders it for a page or endpoint that threw `error`. */
let container: AstroContainer;
const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
beforeAll(async () => {
  container = await AstroContainer.create();
});
afterAll(() => {
  warn.mockRestore();
  error.mockRestore();
});

async function renderError(error: unknown, url = '/villages/990121001201', lang: Lang = 'zh-CN') {
  const response = await container.renderToResponse(ServerError, {
    request: new Request(`http://localhost${url}`),
    props: { error },
    partial: false,
    // Cast: the locals the middleware sets grow (text size, …); these are the ones this page reads.
    locals: { lang, t: translator(lang), user: null, sessionId: null } as App.Locals,
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** What drizzle throws when the driver cannot reach the database: its own wrapper, the driver's error as cause. */
function failedQuery(code: string): Error {
  return Object.assign(new Error('Failed query: select 1\nparams: '), { cause: Object.assign(new Error('connect failed'), { code }) });
}

describe('the 500 page', () => {
  it('answers a database that is away with 503, Retry-After and a page saying nothing was saved, in both languages', async () => {
    const zh = await renderError(failedQuery('ECONNREFUSED'));
    expect(zh.status).toBe(503);
    expect(zh.headers.get('retry-after')).toBe('10');
    expect(zh.body).toContain(translator('zh-CN')('error.503.title'));
    expect(zh.body).toContain('没有保存任何内容');
    expect(zh.body).not.toContain(translator('zh-CN')('error.500.title'));
    // A warning, not the error of a bug: an outage is not a defect to chase in the logs.
    expect(warn).toHaveBeenLastCalledWith(expect.objectContaining({ err: expect.objectContaining({ code: 'ECONNREFUSED' }) }), 'database unavailable');
    const en = await renderError(failedQuery('57P01'), '/catalog', 'en');
    expect(en.status).toBe(503);
    expect(en.body).toContain('nothing was saved');
  });

  it('says a full disk is why a write was not saved, and that what is published can still be read', async () => {
    const full = await renderError(failedQuery('53100'), '/staff/lists/990121000000');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('300');
    expect(full.body).toContain('存储空间已满');
    expect(full.body).toContain('已经公开的账目、清单和其他内容不受影响');
  });

  it('answers the open-data API in JSON, as its other errors', async () => {
    const api = await renderError(failedQuery('CONNECTION_CLOSED'), '/api/v1/counties');
    expect(api.status).toBe(503);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
    expect(api.headers.get('retry-after')).toBe('10');
    const parsed = JSON.parse(api.body) as { error: { code: string; message: string; retryAfterSeconds: number } };
    expect(parsed.error).toMatchObject({ code: 'unavailable', retryAfterSeconds: 10 });
    expect(parsed.error.message).toContain('没有保存任何内容');
  });

  it('keeps a fault of the page itself a 500 without Retry-After', async () => {
    const bug = await renderError(new TypeError("Cannot read properties of undefined (reading 'code')"));
    expect(bug.status).toBe(500);
    expect(bug.headers.get('retry-after')).toBeNull();
    expect(bug.body).toContain(translator('zh-CN')('error.500.title'));
    expect(error).toHaveBeenLastCalledWith(expect.objectContaining({ err: expect.objectContaining({ name: 'TypeError' }) }), 'unhandled error');
    const constraint = await renderError(failedQuery('23505'), '/api/v1/counties');
    expect(constraint.status).toBe(500);
  });
});

describe('the 500 page behind the middleware, as the server renders it', () => {
  it('goes out as 503 although Astro forces 500 on the /500 route', async () => {
    const edge = await AstroContainer.create({ manifest: { middleware: async () => ({ onRequest }) } as never });
    const render = (error: unknown) =>
      edge.renderToResponse(ServerError, { request: new Request('http://localhost/500'), props: { error }, partial: false, routeType: 'page' });
    const away = await render(failedQuery('ECONNREFUSED'));
    expect(away.status).toBe(503);
    expect(away.headers.get('retry-after')).toBe('10');
    expect(away.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await away.text()).toContain(translator('zh-CN')('error.503.title'));
    const bug = await render(new TypeError('x is undefined'));
    expect(bug.status).toBe(500);
  });

  it('for a form post whose body the failed page has read, too (the middleware must not read it again)', async () => {
    const edge = await AstroContainer.create({ manifest: { middleware: async () => ({ onRequest }) } as never });
    const request = new Request('http://localhost/500', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
      body: 'effectiveOn=2026-12-02&note=%E5%8F%91%E5%B8%83',
    });
    await request.formData(); // as the staff page that then failed did
    const response = await edge.renderToResponse(ServerError, { request, props: { error: failedQuery('53100') }, partial: false, routeType: 'page' });
    expect(response.status).toBe(503);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain(translator('zh-CN')('error.503.storageTitle'));
  });
});
