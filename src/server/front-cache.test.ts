/**
 * The front cache against a real node:http server and a stand-in for Astro's handler that answers
 * the way Astro does (writeHead with a header object, then write/end): what is stored, what never
 * is, language, sessions, ETags, compression, expiry, publication and memory bounds.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { brotliWindowBits, FrontCache, type NodeHandler } from './front-cache.ts';

let clock = 0;
let rendered = 0;
let cache: FrontCache;
let server: Server;
let base = '';

/** Pages like the site's: public ones say so; the rest are no-store, one sets a cookie. */
const app: NodeHandler = (req, res) => {
  rendered += 1;
  const url = new URL(req.url ?? '/', 'http://x');
  const lang = /lang=en/.test(req.headers.cookie ?? '') ? 'en' : 'zh-CN';
  const size = /textsize=large/.test(req.headers.cookie ?? '') ? ' large' : '';
  const body = `<p>${lang}${size} ${url.pathname}${url.search} #${rendered}</p>`.repeat(url.searchParams.has('big') ? 400 : 20);
  if (url.pathname === '/private') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  } else if (url.pathname === '/cookie') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=60', 'Set-Cookie': 'lang=en; Path=/' });
  } else if (url.pathname === '/missing') {
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=60' });
  } else {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=60', ETag: `"v${rendered}"` });
  }
  res.write(body.slice(0, 10));
  res.end(body.slice(10));
};

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Storing compresses in the background: wait until it is done. */
async function settled(): Promise<void> {
  await cache.idle();
}

beforeAll(async () => {
  server = createServer((req, res) => void cache.handler(app)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  clock = 0;
  cache = new FrontCache({ ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 200_000, now: () => clock });
});

describe('the front cache', () => {
  it('renders a public page once and answers the next requests itself, byte for byte', async () => {
    const first = await get('/villages/990121001201?period=2026-Q2');
    expect(first.headers['x-front-cache']).toBe('miss');
    await settled();
    const before = rendered;
    const second = await get('/villages/990121001201?period=2026-Q2');
    expect(second.headers['x-front-cache']).toBe('hit');
    expect(rendered).toBe(before);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(second.headers['cache-control']).toBe('public, max-age=60');
    expect(second.headers.vary).toBe('Accept-Encoding, Cookie');
  });

  it('keys on the language and the query', async () => {
    await get('/counties/990121000000');
    await settled();
    const english = await get('/counties/990121000000', { Cookie: 'lang=en' });
    expect(english.headers['x-front-cache']).toBe('miss');
    expect(english.body.toString()).toContain('<p>en /counties');
    const other = await get('/counties/990121000000?page=2');
    expect(other.headers['x-front-cache']).toBe('miss');
  });

  it('keys on the large-text mode (长辈版), in either language', async () => {
    await get('/villages/990121001201');
    await get('/villages/990121001201', { Cookie: 'lang=en' });
    await settled();
    const large = await get('/villages/990121001201', { Cookie: 'textsize=large' });
    expect(large.headers['x-front-cache']).toBe('miss');
    expect(large.body.toString()).toContain('<p>zh-CN large /villages');
    const englishLarge = await get('/villages/990121001201', { Cookie: 'lang=en; textsize=large' });
    expect(englishLarge.headers['x-front-cache']).toBe('miss');
    expect(englishLarge.body.toString()).toContain('<p>en large /villages');
    await settled();
    expect((await get('/villages/990121001201', { Cookie: 'textsize=large; lang=en' })).body.toString()).toContain('<p>en large /villages');
    expect((await get('/villages/990121001201', { Cookie: 'textsize=standard' })).body.toString()).toContain('<p>zh-CN /villages');
  });

  it('never stores a no-store page, one that sets a cookie, or an error page', async () => {
    for (const path of ['/private', '/cookie', '/missing']) {
      await get(path);
      await settled();
      expect((await get(path)).headers['x-front-cache'], path).toBe('miss');
    }
    expect(cache.size).toBe(0);
  });

  it('lets staff sessions, writes and private paths through untouched', async () => {
    await get('/');
    await settled();
    expect((await get('/', { Cookie: 'lang=zh-CN; __Host-ydt_session=abc' })).headers['x-front-cache']).toBe('bypass');
    expect((await get('/', {}, 'POST')).headers['x-front-cache']).toBe('bypass');
    for (const path of ['/staff', '/staff/ledgers', '/report', '/track?receipt=1', '/api/v1/complaints', '/partials/staff/x', '/healthz']) {
      expect((await get(path)).headers['x-front-cache'], path).toBe('bypass');
    }
    // …but a public page whose name merely starts like one is cached.
    await get('/reports-archive');
    await settled();
    expect((await get('/reports-archive')).headers['x-front-cache']).toBe('hit');
  });

  it('answers If-None-Match with 304 and HEAD without a body', async () => {
    const first = await get('/catalog');
    await settled();
    const etag = first.headers.etag!;
    const revalidated = await get('/catalog', { 'If-None-Match': `"other", ${etag}` });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    const head = await get('/catalog', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['x-front-cache']).toBe('hit');
    expect(head.body.length).toBe(0);
  });

  it('serves brotli or gzip to clients that accept them', async () => {
    const plain = await get('/search?q=低保');
    await settled();
    const br = await get('/search?q=低保', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length);
    const gz = await get('/search?q=低保', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('expires entries after the max-age, and forgets everything on publication', async () => {
    await get('/statistics/990121000000');
    await settled();
    clock += 59_000;
    expect((await get('/statistics/990121000000')).headers['x-front-cache']).toBe('hit');
    clock += 1_000;
    expect((await get('/statistics/990121000000')).headers['x-front-cache']).toBe('miss');
    await settled();
    cache.clear();
    expect((await get('/statistics/990121000000')).headers['x-front-cache']).toBe('miss');
  });

  it('with minUses 2, stores a page on its second request within the max-age, not on a one-off', async () => {
    cache = new FrontCache({ ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 200_000, minUses: 2, now: () => clock });
    const path = '/villages/130102001001?period=2026-Q1';
    expect((await get(path)).headers['x-front-cache']).toBe('miss');
    await settled();
    expect(cache.size).toBe(0);
    // Asked for again after the max-age: still a first use, so nothing is kept.
    clock += 60_000;
    expect((await get(path)).headers['x-front-cache']).toBe('miss');
    await settled();
    expect(cache.size).toBe(0);
    clock += 30_000;
    expect((await get(path)).headers['x-front-cache']).toBe('miss');
    await settled();
    expect(cache.size).toBe(1);
    const before = rendered;
    expect((await get(path)).headers['x-front-cache']).toBe('hit');
    expect(rendered).toBe(before);
    // Another language is another page, with its own count.
    expect((await get(path, { cookie: 'lang=en' })).headers['x-front-cache']).toBe('miss');
    await settled();
    expect(cache.size).toBe(1);
  });

  it('does not store a page rendered across a publication (it may show the old state)', async () => {
    const slowCache = new FrontCache({ ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 200_000 });
    const slow: NodeHandler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'public, max-age=60' });
      res.write('<p>before');
      slowCache.clear(); // a list is published while this page is being written
      res.end(' publication</p>');
    };
    const local = createServer((req, res) => void slowCache.handler(slow)(req, res));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const port = (local.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${port}/counties`);
    await slowCache.idle();
    expect(slowCache.size).toBe(0);
    local.closeAllConnections();
    await new Promise((resolve) => local.close(resolve));
  });

  it('keeps within its memory bound, dropping the least recently used, and skips oversized bodies', async () => {
    await get('/probe');
    await settled();
    const entrySize = cache.bytesUsed; // every small page here is about this size
    cache = new FrontCache({ ttlMs: 60_000, maxBytes: Math.floor(entrySize * 2.5), maxEntryBytes: 5_000, now: () => clock });
    await get('/a');
    await settled();
    await get('/b');
    await settled();
    await get('/a'); // a is now the most recently used
    await get('/c');
    await settled();
    expect((await get('/a')).headers['x-front-cache']).toBe('hit');
    expect((await get('/b')).headers['x-front-cache']).toBe('miss');
    expect(cache.size).toBe(2);
    await get('/huge?big=1');
    await settled();
    expect((await get('/huge?big=1')).headers['x-front-cache']).toBe('miss');
  });

  it('compresses at most four misses at once: a burst of distinct pages is answered, only four are kept', async () => {
    // Hold every request until all twelve have arrived, then end them in one go: the compressions
    // run on the thread pool, so none can finish before the last response has ended.
    const burst = Array.from({ length: 12 }, (_, n) => `/villages/9901210012${String(n).padStart(2, '0')}?period=2026-Q2`);
    let arrived = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    const held: NodeHandler = async (req, res) => {
      arrived += 1;
      if (arrived === burst.length) releaseAll();
      await allArrived;
      await app(req, res);
    };
    const burstServer = createServer((req, res) => void cache.handler(held)(req, res));
    await new Promise<void>((resolve) => burstServer.listen(0, '127.0.0.1', resolve));
    const burstBase = `http://127.0.0.1:${(burstServer.address() as AddressInfo).port}`;
    try {
      const answers = await Promise.all(burst.map((path) => fetch(`${burstBase}${path}`)));
      expect(answers.map((answer) => answer.status)).toEqual(burst.map(() => 200));
      await settled();
      expect(cache.size).toBe(4);
      expect(cache.stats.stored).toBe(4);
      expect(cache.stats.misses).toBe(12);
    } finally {
      burstServer.closeAllConnections();
      await new Promise((resolve) => burstServer.close(resolve));
    }
  });

  it('sizes the brotli window to the body, within brotli\'s bounds', () => {
    expect(brotliWindowBits(0)).toBe(16);
    expect(brotliWindowBits(30_000)).toBe(16);
    expect(brotliWindowBits(200_000)).toBe(18);
    expect(brotliWindowBits(2 * 1024 * 1024)).toBe(22);
    expect(brotliWindowBits(64 * 1024 * 1024)).toBe(24);
  });
});
