/**
 * Answering from a body kept in memory in up to three encodings — the front cache's pages and the
 * static files: 304 for a matching ETag, brotli or gzip when the client takes it, no body for HEAD.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface StoredBody {
  etag: string | undefined;
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

export function sendStored(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: StoredBody): void {
  const ifNoneMatch = req.headers['if-none-match'];
  if (body.etag && ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === body.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const accepted = String(req.headers['accept-encoding'] ?? '');
  const [bytes, encoding] =
    body.br && /\bbr\b/.test(accepted) ? [body.br, 'br'] : body.gzip && /\bgzip\b/.test(accepted) ? [body.gzip, 'gzip'] : [body.identity, undefined];
  const sent: OutgoingHttpHeaders = { ...headers, 'content-length': bytes.length };
  if (encoding) sent['content-encoding'] = encoding;
  res.writeHead(status, sent);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
