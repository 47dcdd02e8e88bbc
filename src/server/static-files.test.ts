/**
 * The in-memory static files: served with their type and ETag, immutable only when asked for by
 * the current content hash (the address pages link), compressed for clients that accept it, and
 * anything else left to the app.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../lib/server/assets.ts';
import { StaticFiles } from './static-files.ts';

let dir: string;
let server: Server;
let base = '';
const CSS = `body { font-family: "WenQuanYi Zen Hei", sans-serif; }\n`.repeat(40);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-static-'));
  mkdirSync(path.join(dir, 'styles'));
  writeFileSync(path.join(dir, 'styles/site.css'), CSS);
  writeFileSync(path.join(dir, 'verify-chain.py'), 'print("ok")\n');
  const files = new StaticFiles(dir);
  server = createServer((req, res) => {
    if (!files.serve(req, res)) res.writeHead(299).end('app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('static files from memory', () => {
  it('is immutable for a year only at the current hash, and revalidated otherwise', async () => {
    const hash = contentHash(Buffer.from(CSS));
    const current = await fetch(`${base}/styles/site.css?v=${hash}`);
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(current.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await current.text()).toBe(CSS);
    for (const address of ['/styles/site.css', '/styles/site.css?v=old']) {
      expect((await fetch(`${base}${address}`)).headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    }
  });

  it('answers a matching ETag with 304 and compresses for clients that accept brotli', async () => {
    const first = await fetch(`${base}/styles/site.css`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(`${base}/styles/site.css`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // fetch would decompress; read the bytes as they travel.
    const raw = await new Promise<Buffer>((resolve) => {
      get(`${base}/styles/site.css`, { headers: { 'Accept-Encoding': 'br' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('br');
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
    });
    expect(brotliDecompressSync(raw).toString()).toBe(CSS);
    expect(raw.length).toBeLessThan(CSS.length / 4);
  });

  it('offers the chain verifier as a download, and leaves every other address to the app', async () => {
    const script = await fetch(`${base}/verify-chain.py`);
    expect(script.headers.get('content-disposition')).toBe('attachment; filename="verify-chain.py"');
    for (const address of ['/', '/styles', '/styles/site.css/x', '/villages/990121001201', '/../etc/passwd']) {
      expect((await fetch(`${base}${address}`)).status, address).toBe(299);
    }
    expect((await fetch(`${base}/styles/site.css`, { method: 'POST' })).status).toBe(299);
  });
});
