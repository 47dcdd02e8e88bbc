/**
 * Answers requests that Node's HTTP parser refuses before any of our code runs (issue 17 item 3).
 * Node's default is a bare "400 Bad Request" with an empty body. The common case is an address with
 * raw, unencoded Chinese, e.g. `GET /search?q=低保 HTTP/1.1` from a tool, or copied from paper:
 * llhttp rejects the request line (HPE_INVALID_URL). For GET/HEAD we percent-encode the target and
 * redirect to it (308), with a short page in Chinese and English that links there for tools that do
 * not follow redirects; anything else gets a readable 4xx page instead of an empty body.
 *
 * The parser is not made lenient (`insecureHTTPParser` would also relax header parsing, which is
 * what request smuggling needs): the request is refused as before, only answered usefully.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { translator } from '../i18n/index.ts';

interface ClientError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

/** Bytes that may stand as they are in a request target (RFC 3986 unreserved, reserved and `%`). */
const PLAIN_TARGET_BYTE = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;

/**
 * The request line's target, percent-encoded, when it is a plain same-origin path whose only
 * fault is raw UTF-8: otherwise undefined (control bytes, other encodings, `//host`, backslashes).
 */
export function encodedTarget(rawPacket: Buffer | undefined): { method: string; target: string } | undefined {
  if (!rawPacket) return undefined;
  const lineEnd = rawPacket.indexOf('\r\n');
  const line = rawPacket.subarray(0, lineEnd < 0 ? rawPacket.length : lineEnd);
  const match = /^([A-Z]{3,7}) (\S+) HTTP\/1\.[01]$/.exec(line.toString('latin1'));
  if (!match) return undefined;
  const [, method, latin1Target] = match as unknown as [string, string, string];
  const bytes = Buffer.from(latin1Target, 'latin1');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  let target = '';
  for (const byte of bytes) {
    if (byte <= 0x20 || byte === 0x7f || byte === 0x5c) return undefined;
    const char = String.fromCharCode(byte);
    target += byte < 0x80 && PLAIN_TARGET_BYTE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  return { method, target };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, paragraphs: string[], link?: string): string {
  const zh = translator('zh-CN');
  const en = translator('en');
  const linkHtml = link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : `<p><a href="/">${zh('error.tryHome')} · ${en('error.tryHome')}</a></p>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body><main>
${paragraphs.map((text, index) => `<p${index % 2 === 1 ? ' lang="en"' : ''}>${escapeHtml(text)}</p>`).join('\n')}
${linkHtml}
</main></body></html>
`;
}

const STATUS_TEXT: Record<number, string> = { 308: 'Permanent Redirect', 400: 'Bad Request', 408: 'Request Timeout', 413: 'Content Too Large', 431: 'Request Header Fields Too Large' };

function write(socket: Duplex, status: number, html: string, extraHeaders: Record<string, string> = {}, withBody = true): void {
  const body = Buffer.from(html, 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.byteLength),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'",
    Connection: 'close',
    ...extraHeaders,
  };
  const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
  socket.end(withBody ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'));
}

/** The `clientError` listener: the same cases as Node's default, each with a readable answer. */
export function answerClientError(error: ClientError, socket: Duplex): void {
  // Only answer when no response of this connection has started (Node's own rule), else just close.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const zh = translator('zh-CN');
  const en = translator('en');
  if (error.code === 'HPE_INVALID_URL') {
    const encoded = encodedTarget(error.rawPacket);
    if (encoded && (encoded.method === 'GET' || encoded.method === 'HEAD')) {
      const html = page(zh('error.rawUrl.title'), [zh('error.rawUrl.body'), en('error.rawUrl.body')], encoded.target);
      write(socket, 308, html, { Location: encoded.target }, encoded.method === 'GET');
      return;
    }
    write(socket, 400, page(zh('error.rawUrl.title'), [zh('error.rawUrl.refused'), en('error.rawUrl.refused')]));
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  write(socket, status, page(zh('error.badRequest.title'), [zh('error.badRequest.body'), en('error.badRequest.body')]));
}

export function installClientErrorPages(server: Server): void {
  server.on('clientError', answerClientError);
}
