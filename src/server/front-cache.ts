/**
 * The front cache of DESIGN.md §4: public pages answered from memory, ahead of Astro's pipeline
 * (which tops out around a thousand pages a second here, while a bare node:http server does tens of
 * thousands). People arrive by scanning the same QR codes; most requests are for a handful of pages.
 *
 * What may be cached is decided by the page, not here: only a 200 whose Cache-Control is `public`
 * (http.ts markPublic) and that sets no cookie is stored. A public page depends only on its address
 * language (the `lang` cookie) and text size (the `textsize` cookie of the 长辈版), so that is the key. Never looked at: anything but GET/HEAD,
 * any request carrying a staff session cookie, and the staff, complaint and partial paths, which
 * are never public anyway (skipping them saves the lookup).
 *
 * Entries live for the pages' own max-age and are dropped at once when something is published
 * (`clear()`, called on the database's `ydt_public_changed` notification, which also reaches the
 * other instances). Bodies are compressed once, when stored, in brotli and gzip.
 *
 * A page is stored only once it has been asked for `minUses` times within its max-age (nginx's
 * proxy_cache_min_uses): at province scale most village pages are asked for once, and copying and
 * compressing each of those cost more than the cache saved (measured: a random village answered 48
 * req/s with the cache on against 100 with it off). A QR-code page is stored on its second request.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { sendStored, type StoredBody } from './stored-body.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Entry extends StoredBody {
  status: number;
  headers: OutgoingHttpHeaders;
  storedAt: number;
  bytes: number;
}

export interface FrontCacheOptions {
  /** How long an entry is served (the pages' max-age, so a browser and this agree). */
  ttlMs: number;
  /** Upper bound of the bodies kept, all encodings counted; the least recently used go first. */
  maxBytes: number;
  /** Bodies larger than this are never kept (a whole-year CSV download). */
  maxEntryBytes: number;
  /** Requests a page needs within the max-age before it is stored; 1 stores every miss. */
  minUses?: number;
  now?: () => number;
}

/**
 * Compressions running at once. Each brotli stream holds its window and tables in native memory
 * (several MB at the default window), so a burst of misses on distinct pages — random villages at
 * province scale — would hold dozens at once; a miss beyond this is answered but not kept.
 */
const MAX_CONCURRENT_STORES = 4;

/** Keys remembered as asked for once (about 100 bytes each); the oldest are forgotten first. */
const MAX_SEEN_KEYS = 50_000;

const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-)?ydt_session=/;
const LANG_COOKIE = /(?:^|;\s*)lang=en(?:;|$)/;
const LARGE_TEXT_COOKIE = /(?:^|;\s*)textsize=large(?:;|$)/;
const NEVER_PUBLIC = /^\/(?:staff|partials\/staff|report|track|api\/v1\/complaints|healthz)(?:[/?]|$)/;
/** Headers that belong to one response on the wire, not to the stored page. */
const PER_RESPONSE = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'content-encoding']);

export class FrontCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private generation = 0;
  private readonly storing = new Set<Promise<void>>();
  /** Keys asked for but not stored yet, with when each was first asked for and how often since. */
  private readonly seen = new Map<string, { since: number; uses: number }>();
  readonly stats = { hits: 0, misses: 0, bypasses: 0, stored: 0 };

  private readonly options: FrontCacheOptions;

  constructor(options: FrontCacheOptions) {
    this.options = options;
  }

  /** Forgets everything: something public changed. Responses being rendered now are not stored. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.generation += 1;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytesUsed(): number {
    return this.bytes;
  }

  /** Resolves when every response finished so far is stored (compression runs in the background). */
  async idle(): Promise<void> {
    await Promise.all([...this.storing]);
  }

  /** Wraps the app's handler: hits are answered here, misses go to the app and may be stored. */
  handler(app: NodeHandler): NodeHandler {
    return (req, res) => {
      const key = this.keyOf(req);
      if (key === undefined) {
        this.stats.bypasses += 1;
        res.setHeader('X-Front-Cache', 'bypass');
        return app(req, res);
      }
      const entry = this.fresh(key);
      if (entry) {
        this.stats.hits += 1;
        this.answer(req, res, entry);
        return;
      }
      this.stats.misses += 1;
      res.setHeader('X-Front-Cache', 'miss');
      if (this.used(key)) this.capture(key, res);
      return app(req, res);
    };
  }

  /** Counts a miss on this key; true once it reached `minUses` within the max-age. */
  private used(key: string): boolean {
    const minUses = this.options.minUses ?? 1;
    if (minUses <= 1) return true;
    const now = this.now();
    const previous = this.seen.get(key);
    this.seen.delete(key);
    const record = previous && now - previous.since < this.options.ttlMs ? { since: previous.since, uses: previous.uses + 1 } : { since: now, uses: 1 };
    if (record.uses >= minUses) return true;
    this.seen.set(key, record);
    if (this.seen.size > MAX_SEEN_KEYS) this.seen.delete(this.seen.keys().next().value!);
    return false;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private keyOf(req: IncomingMessage): string | undefined {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const url = req.url ?? '/';
    if (NEVER_PUBLIC.test(url)) return undefined;
    const cookie = req.headers.cookie ?? '';
    if (SESSION_COOKIE.test(cookie)) return undefined;
    return `${LANG_COOKIE.test(cookie) ? 'en' : 'zh-CN'}${LARGE_TEXT_COOKIE.test(cookie) ? ' large' : ''} ${url}`;
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt >= this.options.ttlMs) {
      this.drop(key, entry);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  private answer(req: IncomingMessage, res: ServerResponse, entry: Entry): void {
    sendStored(req, res, entry.status, { ...entry.headers, 'x-front-cache': 'hit' }, entry);
  }

  /** Tees what the app writes, and stores it if the finished response turns out to be public. */
  private capture(key: string, res: ServerResponse): void {
    const generation = this.generation;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    let status = 200;
    let written: OutgoingHttpHeaders = {};
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || tooBig) return;
      const buffer = Buffer.isBuffer(chunk)
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buffer.length;
      if (size > this.options.maxEntryBytes) tooBig = true;
      else chunks.push(Buffer.from(buffer)); // a copy: the app may reuse its buffer
    };
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((code: number, ...rest: unknown[]) => {
      status = code;
      const headers = rest.find((arg) => typeof arg === 'object' && arg !== null);
      if (headers && !Array.isArray(headers)) written = headers as OutgoingHttpHeaders;
      return writeHead(code, ...rest);
    }) as ServerResponse['writeHead'];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      const result = end(chunk, ...rest);
      const headers = { ...lowerCased(written), ...res.getHeaders() };
      if (!tooBig && generation === this.generation && this.storing.size < MAX_CONCURRENT_STORES && isStorable(res.req?.method, status, headers)) {
        const storing = this.store(key, status, headers, Buffer.concat(chunks), generation).finally(() => this.storing.delete(storing));
        this.storing.add(storing);
      }
      return result;
    }) as ServerResponse['end'];
  }

  private async store(key: string, status: number, headers: OutgoingHttpHeaders, identity: Buffer, generation: number): Promise<void> {
    const kept: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!PER_RESPONSE.has(name) && name !== 'x-front-cache' && value !== undefined) kept[name] = value;
    }
    kept.vary = 'Accept-Encoding, Cookie';
    const [br, gz] = await Promise.all([
      brotli(identity, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length, [zlib.BROTLI_PARAM_LGWIN]: brotliWindowBits(identity.length) },
      }),
      gzipAsync(identity, { level: 6 }),
    ]);
    // Published while compressing: this body may already be stale.
    if (generation !== this.generation) return;
    const entry: Entry = {
      status,
      headers: kept,
      etag: typeof headers.etag === 'string' ? headers.etag : undefined,
      identity,
      br: br.length < identity.length ? br : undefined,
      gzip: gz.length < identity.length ? gz : undefined,
      storedAt: this.now(),
      bytes: identity.length + br.length + gz.length,
    };
    const previous = this.entries.get(key);
    if (previous) this.drop(key, previous);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.stats.stored += 1;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(oldKey, old);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** A window just large enough for the body: the same output, a fraction of the default 4 MB window's memory. */
export function brotliWindowBits(bytes: number): number {
  return Math.min(zlib.BROTLI_MAX_WINDOW_BITS, Math.max(16, Math.ceil(Math.log2(bytes + 1))));
}

function isStorable(method: string | undefined, status: number, headers: OutgoingHttpHeaders): boolean {
  if (method !== 'GET' || status !== 200) return false;
  if (headers['set-cookie'] !== undefined) return false;
  if (headers['content-encoding'] !== undefined) return false;
  return String(headers['cache-control'] ?? '').startsWith('public');
}

function lowerCased(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
