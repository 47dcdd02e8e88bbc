/**
 * Hostile input for the property tests under tests/hostile/ (issue 16 item 3): fast-check
 * arbitraries for what an attacker or a broken client sends, a harness that sends it through the
 * real middleware (edge validation, origin check, sessions, headers) into a page or endpoint of a
 * private test database, and the checks every answer must pass.
 *
 * Reproducing a failure: fast-check prints `seed` and `path`; run the file again with
 * `FC_SEED=<seed> FC_PATH=<path>` (read by `runs` below) to replay exactly that input.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import { users } from '../../db/schema/auth.ts';
import { queryRows } from '../../src/lib/server/db.ts';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/sessions.ts';
import { sessionCookieName } from '../../src/lib/server/auth/cookies.ts';
import { clientKeyOf } from '../../src/lib/server/client-address.ts';
import { filingThrottle, trackingThrottle, directPointThrottle } from '../../src/lib/server/complaints/throttles.ts';
import { lookupClientThrottle } from '../../src/lib/server/livelihood/lookup.ts';
import { onRequest } from '../../src/middleware.ts';
import NotFound from '../../src/pages/404.astro';
import Forbidden from '../../src/pages/403.astro';
import BadRequest from '../../src/pages/400.astro';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from './test-db.ts';

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** Every script-like payload carries this token, so a page that runs one is found by it. */
export const XSS_TOKEN = 'ydtxss7';

export const RTL = ['\u202e', '\u202b', '\u200f', '\u2067', 'مرحبا بالعالم', 'שלום עולם', '\u202eفساد\u202c'];
export const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e', '\u00ad'];
export const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\t', '\r', '\n', '\r\n', '\u2028'];
export const LONE_SURROGATES = ['\ud800', '\udfff', '\udc00x', 'a\ud83d', '\ud83d\ud83d'];
export const EMOJI = ['😀', '👨‍👩‍👧‍👦', '🇨🇳', '\u{1F004}', '🏳️‍🌈', '\u{10FFFF}', '\uFFFE'];
export const SQL_INJECTION = [
  `'; drop table complaints; --`,
  `' or 1=1 --`,
  `" or ""="`,
  `1; select pg_sleep(5)`,
  `\\'; delete from users; --`,
  `%' and 1=0 union select null, version() --`,
  `'||(select current_user)||'`,
  `$1`,
  `E'\\x00'`,
  `%_%`,
  `\\`,
];
export const HTML_INJECTION = [
  `<script>alert("${XSS_TOKEN}")</script>`,
  `"><img src=x onerror=alert('${XSS_TOKEN}')>`,
  `'><svg onload=alert('${XSS_TOKEN}')>`,
  `javascript:alert('${XSS_TOKEN}')`,
  ` JaVaScRiPt:alert('${XSS_TOKEN}')`,
  `</textarea><script>${XSS_TOKEN}</script>`,
  `</title><script>${XSS_TOKEN}</script>`,
  `<a href="javascript:${XSS_TOKEN}">点我</a>`,
  `<iframe srcdoc="<script>${XSS_TOKEN}</script>"></iframe>`,
  `<style>@import 'http://evil.invalid/${XSS_TOKEN}';</style>`,
  `{{${XSS_TOKEN}}}\${${XSS_TOKEN}}`,
  `<!--${XSS_TOKEN}--><![CDATA[${XSS_TOKEN}]]>`,
  `data:text/html,<script>${XSS_TOKEN}</script>`,
];
export const TRAVERSAL = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%252e%252e%252fetc%252fpasswd',
  '..\\..\\windows\\win.ini',
  '....//....//etc/passwd',
  '/etc/passwd',
  'file:///etc/passwd',
  '..',
  '.',
  '990121000000/../990122000000',
  '990121000000%2f..%2f990122000000',
  '\u2025/\u2025/etc',
  '%c0%ae%c0%ae/',
];
export const NUMBERS = [
  '1e308', '-1', '0', '-0', '1.5', '2147483648', '9223372036854775807', '9223372036854775808', '-9223372036854775809',
  '99999999999999999999', 'NaN', 'Infinity', '-Infinity', '0x10', '1_000', ' 1', '+1', '١٢٣', '１２３', '1e-400', '00000000001', '',
];
export const DATES = [
  '0001-01-01', '9999-12-31', '2026-02-30', '2026-13-01', '2026-00-10', '0000-01-01', '+275760-09-13', '-000001-01-01', '2026-1-1',
  '2026/01/01', '20260101', '1900-01-01', '1948-12-31', '2024-02-29', '2026-02-29', '2026-12-31T23:59:59Z', '2026-06-15 12:00',
  'yesterday', '2026-Q5', '2026-Q0', '2026-00', '2026-13', '0000-Q1', '9999-Q4', '2026-W01', '2026-Q3-01',
];
/** Codes (areas, items, periods) in the shapes the routes take, near misses and forgeries. */
export const CODES = [
  '990121000000', '990121001201', '990121001000', '9901210012011', '99012100120', '000000000000', '99012100120１', 'SP-01', 'sp-01', 'ZF-99',
  'DF-01', 'FW-01\u0000', '2026-Q3', '2026-09', '12345678-1234-1234-1234-123456789012', '00000000-0000-0000-0000-000000000000',
];

/** One fixed string from every family above. */
export const FIXED = [...RTL, ...ZERO_WIDTH, ...CONTROLS, ...LONE_SURROGATES, ...EMOJI, ...SQL_INJECTION, ...HTML_INJECTION, ...TRAVERSAL, ...NUMBERS, ...DATES, ...CODES];

const plausible = fc.constantFrom('村北机动地发包没有公开', '王某某', '桑河县', '前营村', '低保', 'SP-01', '2026-07-15', '120.50', '1', 'yes');

/** Markup inside otherwise sensible text: the kind of input that is accepted, stored and shown again. */
export const markupInText: fc.Arbitrary<string> = fc.tuple(plausible, fc.constantFrom(...HTML_INJECTION), plausible).map((parts) => parts.join(''));

/** A mix of hostile fragments, random code points (lone surrogates included) and plausible words. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIXED) },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...FIXED), plausible, fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 })), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join('')),
  },
  { weight: 3, arbitrary: markupInText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  // Just over a typical field limit, so the length checks are reached.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('长', 'a', '😀', '\u200b'), fc.integer({ min: 200, max: 6000 })).map(([unit, n]) => unit.repeat(n)) },
);

export const MEGABYTE = 1024 * 1024;
/** 1 MB strings (a handful of runs only: every layer copies them). */
export const hugeString: fc.Arbitrary<string> = fc
  .constantFrom('村', 'a', `<script>${XSS_TOKEN}</script>`, '\u200b', '😀', "' or 1=1 --", '%00')
  .map((unit) => unit.repeat(Math.ceil(MEGABYTE / unit.length)).slice(0, MEGABYTE));

/** A value for a field of the given kind: mostly that kind's own traps, often any hostile string. */
export function hostileFor(kind: FieldKind): fc.Arbitrary<string> {
  const own = { date: DATES, number: NUMBERS, code: [...CODES, ...TRAVERSAL], period: DATES, choice: [...CODES, ...SQL_INJECTION, ...HTML_INJECTION] }[kind as string];
  return own ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...own) }, { weight: 2, arbitrary: hostileString }) : hostileString;
}

export type FieldKind = 'text' | 'date' | 'number' | 'code' | 'period' | 'choice' | 'file' | 'flag';

/** How a field's value is attacked: replaced, left out, sent twice (either order), or joined by a stranger. */
export type Mutation =
  | { op: 'replace' | 'duplicate' | 'duplicateFirst'; index: number; value: string }
  | { op: 'drop'; index: number }
  | { op: 'extra'; name: string; value: string };

export function mutations(kindOf: (index: number) => FieldKind, count: number): fc.Arbitrary<Mutation[]> {
  if (count === 0) return fc.array(fc.record({ op: fc.constant('extra' as const), name: hostileString, value: hostileString }), { minLength: 1, maxLength: 2 });
  const one = fc.nat({ max: count - 1 }).chain((index): fc.Arbitrary<Mutation> =>
    fc.oneof(
      { weight: 6, arbitrary: hostileFor(kindOf(index)).map((value) => ({ op: 'replace' as const, index, value })) },
      { weight: 1, arbitrary: fc.constant({ op: 'drop' as const, index }) },
      { weight: 1, arbitrary: hostileFor(kindOf(index)).map((value) => ({ op: 'duplicate' as const, index, value })) },
      { weight: 1, arbitrary: hostileFor(kindOf(index)).map((value) => ({ op: 'duplicateFirst' as const, index, value })) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('extra' as const), name: hostileString, value: hostileString }) },
    ),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

export function applyMutations(fields: ReadonlyArray<readonly [string, string]>, list: readonly Mutation[]): Array<[string, string]> {
  let result: Array<[string, string] | undefined> = fields.map(([name, value]) => [name, value]);
  const extra: Array<[string, string]> = [];
  for (const mutation of list) {
    if (mutation.op === 'extra') {
      extra.push([mutation.name, mutation.value]);
      continue;
    }
    const current = result[mutation.index];
    if (!current) continue;
    if (mutation.op === 'replace') result[mutation.index] = [current[0], mutation.value];
    else if (mutation.op === 'drop') result[mutation.index] = undefined;
    else if (mutation.op === 'duplicate') result.splice(mutation.index + 1, 0, [current[0], mutation.value]);
    else result.splice(mutation.index, 0, [current[0], mutation.value]);
    result = [...result];
  }
  return [...(result.filter(Boolean) as Array<[string, string]>), ...extra];
}

/** Body types a client may send to a form. Most runs send a real form so that validation is reached. */
export type BodyKind = 'urlencoded' | 'multipart' | 'json' | 'text' | 'empty' | 'badUtf8' | 'wrongType' | 'noType' | 'badMultipart';
export const bodyKind: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('urlencoded' as const) },
  { weight: 4, arbitrary: fc.constant('multipart' as const) },
  { weight: 2, arbitrary: fc.constantFrom<BodyKind>('json', 'text', 'empty', 'badUtf8', 'wrongType', 'noType', 'badMultipart') },
);

export interface UploadPart {
  name: string;
  filename: string;
  type: string;
  bytes: Uint8Array;
}

/** Files a hostile client attaches: wrong magic bytes for the name, empty, script as image, random. */
export const hostileFile = (field: string): fc.Arbitrary<UploadPart> =>
  fc.oneof(
    fc.record({ filename: fc.constantFrom('照片.jpg', 'scan.png', '../../etc/passwd', 'a.pdf', 'x.mp4', 'evil.svg', 'book.xlsx', 'list.csv', '\u202egnp.exe'), bytes: fc.uint8Array({ maxLength: 2048 }) }),
    fc.constant({ filename: 'evil.jpg', bytes: new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('${XSS_TOKEN}')"/>`) }),
    fc.constant({ filename: 'page.png', bytes: new TextEncoder().encode(`<html><script>${XSS_TOKEN}</script></html>`) }),
    fc.constant({ filename: 'empty.jpg', bytes: new Uint8Array() }),
    fc.constant({ filename: 'fake.pdf', bytes: new TextEncoder().encode('%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF') }),
    fc.constant({ filename: 'zip.xlsx', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }),
    fc.constant({ filename: '=cmd.csv', bytes: new TextEncoder().encode('=cmd|\' /C calc\'!A0,+1,-1+1,@SUM(A1)\r\n') }),
  ).map(({ filename, bytes }) => ({ name: field, filename, type: 'application/octet-stream', bytes }));

export interface EncodedBody {
  body?: BodyInit;
  headers: Record<string, string>;
}

function urlencode(pairs: ReadonlyArray<readonly [string, string]>): string {
  // URLSearchParams writes a lone surrogate as U+FFFD, as a browser does; encodeURIComponent would throw.
  return new URLSearchParams(pairs.map(([name, value]) => [name, value])).toString();
}

/** The fields (and files) as a request body of the given kind. */
export function encodeBody(pairs: ReadonlyArray<readonly [string, string]>, kind: BodyKind, files: readonly UploadPart[] = []): EncodedBody {
  switch (kind) {
    case 'urlencoded':
      return { body: urlencode(pairs), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    case 'multipart': {
      const form = new FormData();
      for (const [name, value] of pairs) form.append(name, value);
      for (const file of files) form.append(file.name, new File([new Uint8Array(file.bytes)], file.filename, { type: file.type }));
      return { body: form, headers: {} };
    }
    case 'json':
      return { body: JSON.stringify(Object.fromEntries(pairs.map(([name, value], index) => [name, index % 3 === 0 ? [value, { value }] : value]))), headers: { 'Content-Type': 'application/json' } };
    case 'text':
      return { body: pairs.map(([name, value]) => `${name}=${value}`).join('\n'), headers: { 'Content-Type': 'text/plain;charset=UTF-8' } };
    case 'empty':
      return { body: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    case 'badUtf8': {
      // Valid form syntax whose values are not UTF-8: raw bytes and percent-encoded ones.
      const text = urlencode(pairs);
      const raw = new Uint8Array([...new TextEncoder().encode(text), ...new TextEncoder().encode('&x=%FF%FE%C3%28&'), 0xc3, 0x28, 0xff, 0x3d, 0xed, 0xa0, 0x80]);
      return { body: raw, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    }
    case 'wrongType':
      return { body: urlencode(pairs), headers: { 'Content-Type': 'application/xml' } };
    case 'noType':
      return { body: new TextEncoder().encode(urlencode(pairs)), headers: {} };
    case 'badMultipart':
      return { body: `--b\r\nContent-Disposition: form-data; name="${pairs[0]?.[0] ?? 'x'}"\r\n\r\n${pairs[0]?.[1] ?? ''}`, headers: { 'Content-Type': 'multipart/form-data; boundary=b' } };
  }
}

/** A query string with every pair written as given: hostile names, values, repeats, raw percent signs. */
export function queryOf(pairs: ReadonlyArray<readonly [string, string]>, raw = false): string {
  if (pairs.length === 0) return '';
  if (raw) return '?' + pairs.map(([name, value]) => `${name}=${value}`).join('&').replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponentSafe(c)).replace(/#/g, '%23');
  return '?' + urlencode(pairs);
}

function encodeURIComponentSafe(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%EF%BF%BD';
  }
}

/** A path segment as a browser would send it (lone surrogates become U+FFFD). */
export function segment(value: string): string {
  return new URLSearchParams({ s: value }).toString().slice(2).replace(/\+/g, '%20');
}

/** What Astro hands a page as a path parameter for that segment: decoded, as the router does. */
export function decodedSegment(value: string): string {
  try {
    return decodeURIComponent(segment(value));
  } catch {
    return value;
  }
}

/** A property of many requests outlasts vitest's default 30 s on a loaded machine. */
export const FUZZ_TIMEOUT_MS = 10 * 60_000;

/** Runs per property: modest by default, FC_RUNS multiplies them (FC_RUNS=10 for a long local hunt). */
export function runs(n: number): fc.Parameters<unknown> {
  const factor = Number(process.env.FC_RUNS ?? 1) || 1;
  return {
    numRuns: Math.max(1, Math.round(n * factor)),
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
    // A megabyte counterexample would bury the report: long values are cut in the message.
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const message = fc.defaultReportMessage(details) ?? 'property failed';
      throw new Error(message.replace(/(.)\1{40,}/gsu, (run, unit: string) => `${unit.repeat(8)}…(${run.length}×)`).replace(/[^\n]{3000,}/g, (line) => `${line.slice(0, 3000)}…`), { cause: details.errorInstance });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

type Page = Parameters<AstroContainer['renderToResponse']>[0];

export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  /** The body's bytes, when asked for with `binary`. */
  bytes?: Uint8Array;
}

export interface SendOptions {
  method?: string;
  url: string;
  params?: Record<string, string>;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** A staff account signed in with a real session cookie. */
  as?: string;
  endpoint?: boolean;
  /** Keep the body's bytes (an XLSX) besides its text. */
  binary?: boolean;
}

export interface Harness {
  test: TestDatabase;
  send(page: Page, options: SendOptions): Promise<Sent>;
  rowCounts(): Promise<Record<string, number>>;
  /** Signs the account in (a session row) ahead of a request whose writes are counted. */
  signIn(username: string): Promise<void>;
  /** Inputs sent so far (reported in the closing note). */
  sent: number;
}

/**
 * Tables whose row counts may change on a refused request, each for its own reason; every other
 * table of the public schema must keep its count.
 * - sign_in_failures: a refused sign-in is counted on purpose (the per-account brute-force limit,
 *   under keyed hashes: auth/sign-in-failures.ts).
 * - livelihood_lookup_misses: see below — added only if the lookup keeps its count in the database.
 */
export const COUNTED_ON_REFUSAL = new Set(['sign_in_failures']);

/**
 * A private database behind getDb() and an Astro container running the site's middleware, so
 * every request meets the edge checks, the origin check, the session cookie and the headers the
 * real server sends. Production headers (the CSP) are on: `import.meta.env.PROD` is stubbed.
 */
export async function createHarness(): Promise<Harness> {
  const test = await createTestDatabase();
  useDatabaseForTests(test);
  vi.stubEnv('PROD', true);
  const container = await AstroContainer.create({ manifest: { middleware: async () => ({ onRequest }) } as never });
  container.insertPageRoute('/404', NotFound);
  container.insertPageRoute('/403', Forbidden);
  container.insertPageRoute('/400', BadRequest);
  // Demo accounts start with a password to change; the forms behind it are what is tested here.
  await test.db.update(users).set({ mustChangePassword: false });
  const cookies = new Map<string, string>();
  const cookieFor = async (username: string) => {
    let token = cookies.get(username);
    if (!token) {
      const [row] = await test.db.select({ id: users.id }).from(users).where(eq(users.username, username));
      if (!row) throw new Error(`no staff account ${username}`);
      token = generateSessionToken();
      await createSession(test.db, token, row.id);
      cookies.set(username, token);
    }
    return `${sessionCookieName()}=${token}`;
  };
  const tables = (
    await queryRows<{ name: string }>(
      test.db,
      sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    )
  ).map((row) => row.name);
  const countQuery = sql.raw(tables.map((name) => `select '${name}' as name, count(*)::int as n from "${name}"`).join(' union all '));
  const harness: Harness = {
    test,
    sent: 0,
    async send(page, options) {
      harness.sent += 1;
      let headers: Headers;
      try {
        headers = new Headers(options.headers);
      } catch (error) {
        // A header value no HTTP client can send (CR, LF, NUL): Node refuses it before Astro runs.
        return { status: 0, headers: new Headers(), text: `unsendable: ${(error as Error).message}` };
      }
      const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
      if (method !== 'GET' && !headers.has('Origin')) headers.set('Origin', 'http://localhost');
      if (options.as) headers.set('Cookie', [headers.get('Cookie'), await cookieFor(options.as)].filter(Boolean).join('; '));
      let request: Request;
      try {
        request = new Request(`http://localhost${options.url}`, { method, headers, body: options.body });
      } catch (error) {
        // The client itself cannot send this (an invalid header value): nothing to test.
        return { status: 0, headers: new Headers(), text: `unsendable: ${(error as Error).message}` };
      }
      resetThrottles(request);
      try {
        const response = await container.renderToResponse(page, { request, params: options.params ?? {}, partial: false, routeType: options.endpoint ? 'endpoint' : 'page' });
        // A changed password ends the account's sessions: sign in afresh next time.
        if (options.as && /^\/staff\/sign-in/.test(response.headers.get('Location') ?? '')) cookies.delete(options.as);
        if (options.binary) {
          const bytes = new Uint8Array(await response.arrayBuffer());
          return { status: response.status, headers: response.headers, text: new TextDecoder().decode(bytes), bytes };
        }
        return { status: response.status, headers: response.headers, text: await response.text() };
      } catch (error) {
        // What the server would answer: an error thrown out of a page is a 500.
        return { status: 500, headers: new Headers(), text: `thrown: ${(error as Error).stack}` };
      }
    },
    async signIn(username) {
      await cookieFor(username);
    },
    async rowCounts() {
      const rows = await queryRows<{ name: string; n: number }>(test.db, countQuery);
      return Object.fromEntries(rows.filter((row) => !COUNTED_ON_REFUSAL.has(row.name)).map((row) => [row.name, row.n]));
    },
  };
  return harness;
}

/**
 * The in-memory citizen limits would turn every later run into a 429 after thirty misses from the
 * one test client; each run starts with a fresh allowance so that validation, not the limit, is
 * what is reached. (The limits themselves are tested in their own files.)
 */
function resetThrottles(request: Request): void {
  const client = clientKeyOf({ request });
  for (const throttle of [filingThrottle, trackingThrottle, lookupClientThrottle]) throttle.reset('client', client);
  void directPointThrottle;
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const CJK = /[\u4e00-\u9fff]/;

/** A tag of the page with its attributes, read the way a browser tokenises a start tag. */
export interface Tag {
  name: string;
  attributes: Array<[string, string]>;
  source: string;
}

const TAG = /<([a-zA-Z][\w:-]*)((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?|\s*\/)*)\s*>/g;
const ATTRIBUTE = /([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

export function tagsOf(html: string): Tag[] {
  return [...html.matchAll(TAG)].map((match) => ({
    name: match[1]!.toLowerCase(),
    source: match[0],
    attributes: [...match[2]!.matchAll(ATTRIBUTE)].map((a) => [a[1]!.toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? '')] as [string, string]),
  }));
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower]!;
  });
}

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster', 'srcset', 'xlink:href', 'background']);

const ACTIVE_ELEMENTS = new Set(['script', 'iframe', 'object', 'embed', 'svg', 'img', 'style', 'link', 'meta', 'base']);
/** Attributes a browser only ever shows or reads aloud: input inside them runs nothing. */
const TEXT_ATTRIBUTES = new Set(['value', 'alt', 'title', 'aria-label', 'placeholder']);

/**
 * Whether the page's own element merely carries the input as text: every occurrence of the token
 * is inside a text attribute's value (or a named <meta>'s content, e.g. the page description),
 * none in the tag's name, in an attribute name or in any attribute a browser acts on. An element
 * the input created (`<iframe srcdoc=…>`, `<meta http-equiv=refresh …>`) fails this.
 */
function onlyInTextAttributes(tag: Tag, token: string): boolean {
  const namedMeta = tag.name === 'meta' && tag.attributes.some(([name]) => name === 'name') && !tag.attributes.some(([name]) => name === 'http-equiv');
  const isText = (name: string) => TEXT_ATTRIBUTES.has(name) || (namedMeta && name === 'content');
  if (tag.attributes.some(([name, value]) => value.includes(token) && !isText(name))) return false;
  // Nor in the raw tag once the text attributes' quoted values are taken out (an unquoted or
  // malformed attribute the tokeniser above did not split would still show it).
  const rest = tag.source.replace(/\s([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')/g, (whole, name: string) => (isText(name.toLowerCase()) ? ' ' : whole));
  return !rest.includes(token);
}

/**
 * Where the page would run something an attacker typed: a script element, an event handler or a
 * javascript:/data: URL carrying the token, or a raw `<script`/`<img`… from the input anywhere.
 */
export function scriptProblems(html: string, token = XSS_TOKEN): string[] {
  const problems: string[] = [];
  for (const tag of tagsOf(html)) {
    if (!tag.source.includes(token) && !tag.attributes.some(([, value]) => value.includes(token))) continue;
    if (ACTIVE_ELEMENTS.has(tag.name) && !onlyInTextAttributes(tag, token)) {
      problems.push(`element <${tag.name}> made from input: ${tag.source.slice(0, 200)}`);
    }
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on') && (value.includes(token) || name.includes(token))) problems.push(`event handler from input: ${tag.source.slice(0, 200)}`);
      if (URL_ATTRIBUTES.has(name) && /^\s*(javascript|data|vbscript):/i.test(value) && value.includes(token)) problems.push(`script URL from input: ${tag.source.slice(0, 200)}`);
      if (!/^[\w:.-]+$/.test(name) && name.includes(token)) problems.push(`attribute name from input: ${tag.source.slice(0, 200)}`);
    }
  }
  // Raw markup of a payload outside any start tag (inside a script or style block the tokeniser
  // above would not see it). Inside a quoted attribute value `<` is plain text to a browser.
  const spans = [...html.matchAll(TAG)].map((match) => [match.index, match.index + match[0].length] as const);
  const insideTag = (index: number) => spans.some(([start, end]) => index > start && index < end);
  for (const raw of [`<script>alert("${token}")`, `<script>${token}`, `onerror=alert('${token}')`, `<svg onload=alert('${token}')`, `<style>@import 'http://evil.invalid/${token}`]) {
    for (let index = html.indexOf(raw); index >= 0; index = html.indexOf(raw, index + 1)) {
      if (!insideTag(index)) problems.push(`raw payload in the page: ${html.slice(Math.max(0, index - 80), index + raw.length)}`);
    }
  }
  return problems;
}

/** The site's policy, as the middleware sets it in production: no inline script, nothing from elsewhere. */
export function expectStrictCsp(headers: Headers, label: string): void {
  const policy = headers.get('Content-Security-Policy') ?? '';
  expect(policy, `${label}: CSP`).toMatch(/(^|;\s*)(script-src 'self'|default-src 'none')/);
  expect(policy, `${label}: CSP`).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(headers.get('X-Content-Type-Options'), `${label}: nosniff`).toBe('nosniff');
}

export interface Expectation {
  label: string;
  /** Row counts before the request, for the "nothing written on refusal" rule. */
  before?: Record<string, number>;
  harness: Harness;
  /** A response that is the same form re-rendered must say what is wrong in Chinese. */
  formPage?: boolean;
}

/**
 * The rule for every answer: no 5xx; a 4xx says what is wrong in the visitor's language (Chinese
 * here) and leaves every table as it was; an HTML page runs nothing from the input and carries the
 * strict policy. Returns whether the request was refused.
 */
export async function expectSafeAnswer(answer: Sent, { label, before, harness, formPage }: Expectation): Promise<boolean> {
  if (answer.status === 0) return true;
  expect(answer.status, `${label}: ${answer.text.slice(0, 600)}`).toBeLessThan(500);
  const location = answer.headers.get('Location');
  if (location) {
    // Redirects stay on this site: a plain path, no control characters, no `//host` or `/\host`.
    expect(location, `${label}: redirect`).toMatch(/^\/(?![/\\])/);
    expect(location, `${label}: redirect`).not.toMatch(/[\u0000-\u001f\u007f\\\s]/);
  }
  const type = answer.headers.get('Content-Type') ?? '';
  const refused = answer.status >= 400 || (formPage === true && answer.text.includes('class="error-summary"'));
  if (type.includes('text/html')) {
    expect(scriptProblems(answer.text).join('\n'), `${label}: would run input`).toBe('');
    expectStrictCsp(answer.headers, label);
    if (answer.status >= 400) expect(answer.text, `${label}: a message people can read`).toMatch(CJK);
    const summary = answer.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0];
    if (summary) expect(summary.replace(/<[^>]*>/g, ''), `${label}: error summary in Chinese`).toMatch(CJK);
  } else if (type.includes('application/json') && answer.status >= 400) {
    const body = JSON.parse(answer.text) as { error?: { code?: string; message?: string } };
    expect(body.error?.code, `${label}: JSON error code`).toBeTruthy();
    expect(body.error?.message ?? '', `${label}: JSON error message`).toMatch(CJK);
  }
  if (refused && before) expect(changedTables(before, await harness.rowCounts()), `${label}: refused, yet rows changed`).toEqual({});
  return refused;
}

/** The tables whose counts differ, with before → after (`except` left out). */
export function changedTables(before: Record<string, number>, after: Record<string, number>, except: ReadonlySet<string> = new Set()): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) if (before[name] !== after[name] && !except.has(name)) changed[name] = `${before[name]} → ${after[name]}`;
  return changed;
}

/**
 * Tables an accepted GET may add to, once a day and whatever the query says:
 * - chain_heads: the first look at the day's head hash (/ledgers/head) records it (append-only);
 * - ledger_log, ledger_checkpoints: the first look at the day's checkpoint (/ledgers/checkpoint)
 *   appends the periods published since and signs it (ledger-log/published.ts checkpointAnswer),
 *   as the daily job would.
 */
const WRITTEN_BY_A_LOOK = new Set(['chain_heads', 'ledger_log', 'ledger_checkpoints']);

// ---------------------------------------------------------------------------------------------
// Forms as the page offers them
// ---------------------------------------------------------------------------------------------

export interface FormField {
  name: string;
  value: string;
  kind: FieldKind;
  /** A submit button's name/value: one is sent, as a browser sends the one pressed. */
  button?: boolean;
  /** A select's option values. */
  options?: string[];
}

export interface PageForm {
  action: string | null;
  multipart: boolean;
  fields: FormField[];
  files: string[];
}

const TODAY = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

function kindOf(name: string, type: string): FieldKind {
  if (type === 'date' || /(^|[a-z])(On|Date)$|^(due|date)$|Date[A-Z]|^(term|lease)(Start|End)$/.test(name)) return 'date';
  if (type === 'number' || /(amount|Amount|Fen|Yuan|Days|Limit-?\d*|Balance|Value|Rent|Fee|Mu|quantity|arrears)$|^(page|line|lineNo|share-.*|tasks-.*|cases-.*)$/.test(name)) return 'number';
  if (/^(period|quarter|month)$/.test(name)) return 'period';
  if (/(Code|Id|^id|^county|^village|^township|^zone|^into|^proposal|^hit|^batch|^voucher|^designation|^handler|^inspector)$|^(code|item|scope)$/.test(name)) return 'code';
  if (type === 'checkbox' || type === 'radio' || type === 'hidden') return 'choice';
  return 'text';
}

/** A value the form would plausibly take for an empty field, so that other fields' refusals do not hide this one's. */
function plausibleValue(name: string, type: string, kind: FieldKind): string {
  if (kind === 'date') return TODAY;
  // A county may only shorten a step's limit: an empty one keeps the catalog's.
  if (/^stepLimit/.test(name)) return '';
  if (kind === 'number') return /amount|yuan|balance|value|rent|fee|arrears/i.test(name) ? '120.50' : '1';
  if (kind === 'period') return `${TODAY.slice(0, 4)}-Q1`;
  // An optional reference (an entry it corrects, a case number) is left as the page left it.
  if (kind === 'code') return '';
  if (type === 'password') return 'hostile-input-password-2026';
  if (/phone|contact/i.test(name)) return '13800138000';
  if (/mail/i.test(name)) return 'jw@example.gov.cn';
  if (/username/i.test(name)) return 'hostile.test';
  return '经核实，村委会已按程序张贴公告并召开村民代表会议';
}

/** Every POST form of a page with its fields, defaults as the page sets them and plausible values where empty. */
export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = Object.fromEntries(tagsOf(`<form${match[1]}>`)[0]?.attributes ?? []);
    if ((attrs.method ?? 'get').toLowerCase() !== 'post') continue;
    const inner = match[2]!;
    const fields: FormField[] = [];
    const files: string[] = [];
    const radios = new Set<string>();
    for (const element of inner.matchAll(/<(select|textarea)\b([^>]*)>([\s\S]*?)<\/\1>|<(input|button)\b([^>]*)>/g)) {
      const tag = element[1] ?? element[4]!;
      const a = Object.fromEntries(tagsOf(`<${tag}${element[2] ?? element[5]}>`)[0]?.attributes ?? []);
      const name = a.name;
      if (!name || 'disabled' in a) continue;
      const type = (a.type ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'file') {
        files.push(name);
        continue;
      }
      if (tag === 'button' || type === 'submit') {
        fields.push({ name, value: a.value ?? '', kind: 'choice', button: true });
        continue;
      }
      // A person ticks the boxes a form asks for (the checklist before signing, the townships of a
      // zone) and picks one radio of each group; unticked boxes are sent by the attacks instead.
      if (type === 'radio') {
        if (radios.has(name)) continue;
        radios.add(name);
        const checked = [...inner.matchAll(/<input\b[^>]*>/g)].map((m) => Object.fromEntries(tagsOf(m[0])[0]?.attributes ?? [])).find((x) => x.name === name && 'checked' in x);
        fields.push({ name, value: (checked ?? a).value ?? 'on', kind: 'choice' });
        continue;
      }
      if (type === 'checkbox') {
        fields.push({ name, value: a.value ?? 'on', kind: 'choice' });
        continue;
      }
      let value = a.value ?? '';
      if (tag === 'select') {
        const options = [...(element[3] ?? '').matchAll(/<option\b([^>]*)>([^<]*)/g)].map((o) => ({ attrs: Object.fromEntries(tagsOf(`<option${o[1]}>`)[0]?.attributes ?? []), text: o[2]! }));
        const valueOf = (o: (typeof options)[number]) => o.attrs.value ?? decodeEntities(o.text);
        // A placeholder ("请选择") is selected on an empty form: a person picks a real option.
        const chosen = options.find((o) => 'selected' in o.attrs && valueOf(o) !== '') ?? options.find((o) => valueOf(o) !== '');
        value = chosen ? valueOf(chosen) : '';
      } else if (tag === 'textarea') {
        value = decodeEntities(element[3] ?? '');
      }
      const kind = tag === 'select' ? 'choice' : kindOf(name, type);
      if (value === '' && type !== 'hidden' && !/^(website|pow)$/.test(name)) value = plausibleValue(name, type, kind);
      fields.push({ name, value, kind, ...(tag === 'select' ? { options: [...(element[3] ?? '').matchAll(/<option\b([^>]*)>([^<]*)/g)].map((o) => Object.fromEntries(tagsOf(`<option${o[1]}>`)[0]?.attributes ?? []).value ?? decodeEntities(o[2]!)).filter(Boolean) } : {}) });
    }
    forms.push({ action: attrs.action ?? null, multipart: (attrs.enctype ?? '').includes('multipart'), fields, files });
  }
  return forms;
}

/** The pairs a browser sends for a form when `button` (one of its buttons) is pressed. */
export function pairsOf(form: PageForm, buttonIndex = 0): Array<[string, string]> {
  const buttons = form.fields.filter((field) => field.button);
  const pressed = buttons.length > 0 ? buttons[buttonIndex % buttons.length] : undefined;
  return form.fields.filter((field) => !field.button || field === pressed).map((field) => [field.name, field.value]);
}

export function isCjk(text: string): boolean {
  return CJK.test(text);
}

// ---------------------------------------------------------------------------------------------
// GET routes: path parameters and query strings
// ---------------------------------------------------------------------------------------------

export interface GetRoute {
  name: string;
  page: () => Promise<Page>;
  /** The path parameters with valid values (evaluated when the test runs); each is attacked too. */
  params: () => Record<string, string>;
  /** The address for these parameters (each already written as a path segment). */
  path: (segments: Record<string, string>) => string;
  /** Query parameters the route reads (`name`, or `name:kind` where the name does not say it). */
  query: string[];
  /** A staff account signed in for the request. */
  as?: string;
  endpoint?: boolean;
}

/** A query parameter's kind: from its name, or said after a colon (`from:number`). */
function queryKind(name: string): FieldKind {
  const said = name.split(':')[1];
  if (said) return said as FieldKind;
  if (/^(page|limit|hit|v|line)$/.test(name)) return 'number';
  if (/^(from|to|through|date)$/.test(name)) return 'date';
  if (/^(period|month|quarter)$/.test(name)) return 'period';
  if (/^(county|village|township|area|scope|code|zone|item|entry|handler|kind|format|rule|show|status|category|subject|next|to|view|original)$/.test(name)) return 'code';
  return 'text';
}

/**
 * The property for a GET route: random path parameters (codes, traversal, huge numbers, control
 * characters…) and query strings (the route's own parameters with hostile values, repeated,
 * unknown ones, raw percent signs) get no 5xx, a Chinese message with any 4xx, a page that runs
 * nothing from the address under the strict policy, and no row written anywhere.
 */
export function fuzzGetRoute(route: GetRoute, harness: () => Harness, numRuns: number): void {
  it(`GET ${route.name}${route.as ? ` as ${route.as}` : ''}: hostile addresses get no 5xx, nothing runs, nothing is written`, async () => {
    const page = await route.page();
    const valid = route.params();
    const names = Object.keys(valid);
    // Path segments stay under 2,000 characters: Astro's test container turns the address into a
    // regular expression, which a longer one overflows, while the real server's router does not
    // (and Node refuses addresses over 16 KB before Astro runs: src/server/client-errors.ts).
    const pathValue = hostileFor('code').map((value) => value.slice(0, 2000));
    const pathAttack = names.length === 0 ? fc.constant([] as Array<[string, string]>) : fc.array(fc.tuple(fc.constantFrom(...names), pathValue), { maxLength: 2 });
    const queryName = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(route.query.length > 0 ? route.query : ['q'])) }, { weight: 1, arbitrary: hostileString });
    const queryPair = queryName.chain((name) => hostileFor(queryKind(name)).map((value) => [name.split(':')[0]!, value] as [string, string]));
    await fc.assert(
      fc.asyncProperty(pathAttack, fc.array(queryPair, { maxLength: 4 }), fc.boolean(), fc.context(), async (attacks, pairs, raw, log) => {
        const params = { ...valid };
        for (const [name, value] of attacks) params[name] = value;
        const segments = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, name in Object.fromEntries(attacks) ? segment(value) : value]));
        const url = route.path(segments) + queryOf(pairs, raw);
        const decoded = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, name in Object.fromEntries(attacks) ? decodedSegment(value) : value]));
        log.log(url.slice(0, 600));
        if (route.as) await harness().signIn(route.as);
        const before = await harness().rowCounts();
        const answer = await harness().send(page, { url, params: decoded, as: route.as, endpoint: route.endpoint });
        await expectSafeAnswer(answer, { label: `GET ${url.slice(0, 300)}`, harness: harness() });
        expect(changedTables(before, await harness().rowCounts(), WRITTEN_BY_A_LOOK), `GET ${url.slice(0, 300)} wrote rows`).toEqual({});
      }),
      runs(numRuns),
    );
    // A 1 MB value in the route's own query parameter (two runs).
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(route.query.length > 0 ? route.query : ['q']).map((name) => name.split(':')[0]!)), hugeString, async (name, huge) => {
        const url = route.path(valid) + queryOf([[name, huge]]);
        if (route.as) await harness().signIn(route.as);
        const before = await harness().rowCounts();
        const answer = await harness().send(page, { url, params: valid, as: route.as, endpoint: route.endpoint });
        await expectSafeAnswer(answer, { label: `GET ${route.name}?${name}=<1 MB>`, harness: harness() });
        expect(changedTables(before, await harness().rowCounts(), WRITTEN_BY_A_LOOK)).toEqual({});
      }),
      runs(2),
    );
  }, FUZZ_TIMEOUT_MS);
}

export interface Shown {
  page: () => Promise<Page>;
  url: string;
  params?: Record<string, string>;
  as?: string;
  endpoint?: boolean;
}

/**
 * The pages where accepted hostile input is shown again (to staff, or to the public once
 * published): each answers below 500, runs nothing from it and keeps the strict policy.
 */
export async function expectShownEscaped(harness: Harness, pages: readonly Shown[]): Promise<void> {
  for (const shown of pages) {
    const answer = await harness.send(await shown.page(), { url: shown.url, params: shown.params, as: shown.as, endpoint: shown.endpoint });
    await expectSafeAnswer(answer, { label: `GET ${shown.url}${shown.as ? ` as ${shown.as}` : ''}`, harness });
  }
}
