/**
 * The site's own files (dist/client: the stylesheet, a few scripts, htmx, the favicon, the chain
 * verifier) served from memory. There are a handful, about 100 KB, and they change only with a
 * deployment, so they are read and compressed once at start-up: a request costs a map lookup,
 * where a file server would stat the disk for every page request just to learn it is not a file.
 *
 * Caching: pages link them as `/styles/site.css?v=<hash>` (assetUrl in src/lib/server/assets.ts,
 * which computes the same hash), and a request carrying the current hash is immutable for a year;
 * without it (an old page, a hand-typed address) it must be revalidated, which the ETag makes cheap.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { contentHash } from '../lib/server/assets.ts';
import { sendStored, type StoredBody } from './stored-body.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.css', '.js', '.svg', '.txt', '.json', '.py']);

interface StaticFile extends StoredBody {
  type: string;
  hash: string;
  etag: string;
}

export class StaticFiles {
  readonly #files = new Map<string, StaticFile>();

  constructor(root: string) {
    for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const extension = path.extname(entry.name).toLowerCase();
      const identity = readFileSync(file);
      const hash = contentHash(identity);
      const compressible = COMPRESSIBLE.has(extension) && identity.length > 512;
      const br = compressible ? brotliCompressSync(identity) : undefined;
      const gzip = compressible ? gzipSync(identity, { level: 9 }) : undefined;
      this.#files.set(`/${path.relative(root, file).split(path.sep).join('/')}`, {
        type: TYPES[extension] ?? 'application/octet-stream',
        hash,
        etag: `"${hash}"`,
        identity,
        br,
        gzip,
      });
    }
  }

  get size(): number {
    return this.#files.size;
  }

  /** Answers the request when it names one of the files; false when it is for the app. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    const file = this.#files.get(pathname);
    if (!file) return false;
    const version = query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get('v');
    const headers: Record<string, string> = {
      'Content-Type': file.type,
      ETag: file.etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': version === file.hash ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
    };
    // A script to run, not to execute in the browser: the verifier downloads as a file.
    if (pathname.endsWith('.py')) headers['Content-Disposition'] = `attachment; filename="${path.posix.basename(pathname)}"`;
    sendStored(req, res, 200, headers, file);
    return true;
  }
}
