/**
 * The built server's edge, byte for byte (issue 17 item 3, issue 8 item 12): requests written on a
 * raw socket, as a tool or a hand-typed address sends them, not encoded by a client library.
 */
import net from 'node:net';
import { describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');
const { hostname, port } = new URL(baseUrl);

function raw(requestLine: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(Buffer.from(`${requestLine}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`, 'utf8')));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

describe('the real server at its edge', () => {
  it('redirects an address with raw Chinese to the encoded one, which serves the search', async () => {
    const answer = await raw('GET /search?q=低保 HTTP/1.1');
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe('/search?q=%E4%BD%8E%E4%BF%9D');
    expect(answer.body).toContain('网址');
    const page = await fetch(baseUrl + answer.headers.location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('低保');
  });

  it('answers NUL in the address with the 400 page in Chinese, with the site headers', async () => {
    const response = await fetch(`${baseUrl}/search?q=%E4%BD%8E%00%E4%BF%9D`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('控制字符');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
  });

  it('never redirects off-site from the language switch', async () => {
    const response = await fetch(`${baseUrl}/lang?to=en&next=/%09/evil.invalid`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('Location')).toBeNull();
  });
});
