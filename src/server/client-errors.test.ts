/**
 * Requests Node's own HTTP parser refuses (issue 17 item 3), sent byte for byte over a raw socket
 * to a real node:http server on an ephemeral port with the same `clientError` listener start.ts
 * installs on the portal's server.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodedTarget, installClientErrorPages } from './client-errors.ts';

let server: http.Server;
let plainServer: http.Server;
let port = 0;
let plainPort = 0;

/** What the portal would answer for a well-formed request: the decoded query, to prove it arrives. */
function echo(request: http.IncomingMessage, response: http.ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(`q=${url.searchParams.get('q') ?? ''}`);
}

async function listen(instance: http.Server): Promise<number> {
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  return (instance.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = http.createServer(echo);
  installClientErrorPages(server);
  port = await listen(server);
  plainServer = http.createServer(echo);
  plainPort = await listen(plainServer);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => plainServer.close(resolve));
});

/** Writes `head` as given (no encoding by a client library) and reads the whole answer. */
function raw(head: Buffer | string, to = port): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(to, '127.0.0.1', () => socket.write(typeof head === 'string' ? Buffer.from(head, 'utf8') : head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

describe('raw (unencoded) Chinese in the address', () => {
  it("is refused by Node's parser itself, with an empty body, when nothing answers it", async () => {
    const answer = await raw('GET /search?q=低保 HTTP/1.1\r\nHost: localhost\r\n\r\n', plainPort);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe('');
  });

  it('is redirected to the encoded address, with a page in Chinese that links there', async () => {
    const answer = await raw('GET /search?q=低保 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe('/search?q=%E4%BD%8E%E4%BF%9D');
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('网址');
    expect(answer.body).toContain('href="/search?q=%E4%BD%8E%E4%BF%9D"');
    // Following the redirect serves the page with the query decoded as typed.
    const followed = await fetch(`http://127.0.0.1:${port}${answer.headers.location}`);
    expect(await followed.text()).toBe('q=低保');
  });

  it('works for raw Chinese in the path and for HEAD', async () => {
    const answer = await raw('HEAD /villages?q=河湾村 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe('/villages?q=%E6%B2%B3%E6%B9%BE%E6%9D%91');
    expect(answer.body).toBe('');
  });

  it('a form post with a raw address gets a readable 400, not a redirect that would drop its body', async () => {
    const answer = await raw('POST /track?x=低保 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toMatch(/[\u4e00-\u9fff]/);
  });

  it('never redirects off-site or to something that is not valid UTF-8', async () => {
    for (const target of [Buffer.from('//evil.example/低保', 'utf8'), Buffer.from('/\\evil.example/低保', 'utf8'), Buffer.from([0x2f, 0x3f, 0x71, 0x3d, 0xb5, 0xcd, 0xb1, 0xa3])]) {
      const head = Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: localhost\r\n\r\n')]);
      const answer = await raw(head);
      expect(answer.status, target.toString('latin1')).toBe(400);
      expect(answer.headers.location).toBeUndefined();
      expect(answer.body).toContain('网址');
    }
  });

  it('other malformed requests get a readable page too, not an empty 400', async () => {
    const badHeader = await raw('GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n');
    expect(badHeader.status).toBe(400);
    expect(badHeader.body).toMatch(/[\u4e00-\u9fff]/);
    const huge = await raw(`GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(huge.body).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('encodedTarget', () => {
  it('encodes only what must be encoded and keeps what was already encoded', () => {
    const packet = (line: string) => Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'utf8');
    expect(encodedTarget(packet('GET /search?q=低保&page=2 HTTP/1.1'))).toEqual({ method: 'GET', target: '/search?q=%E4%BD%8E%E4%BF%9D&page=2' });
    expect(encodedTarget(packet('GET /search?q=%E4%BD%8E保 HTTP/1.1'))?.target).toBe('/search?q=%E4%BD%8E%E4%BF%9D');
    expect(encodedTarget(packet('GET http://evil.example/低 HTTP/1.1'))).toBeUndefined();
    expect(encodedTarget(undefined)).toBeUndefined();
  });
});
