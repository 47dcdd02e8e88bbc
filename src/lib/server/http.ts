/**
 * Response helpers shared by pages, partials and endpoints: caching rules, JSON, redirects.
 * A public page's HTML depends only on its URL and language (the `lang` cookie), so it may be
 * cached by the front cache and by browsers; anything else is `no-store`.
 */
import { createHash } from 'node:crypto';
import type { APIRoute } from 'astro';

export const PUBLIC_MAX_AGE_SECONDS = 60;

/** Marks a response as a public page: shared caches may keep it briefly, keyed by URL and language. */
export function markPublic(headers: Headers): void {
  headers.set('Cache-Control', `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
  headers.set('Vary', 'Cookie');
  // For nginx's micro-cache (deploy/nginx.conf) only: one second, so a publication is stale there
  // for at most that long (the app's own front cache is emptied at once). nginx does not pass it on.
  headers.set('X-Accel-Expires', '1');
}

export function isPublicResponse(response: Response): boolean {
  return (response.headers.get('Cache-Control') ?? '').startsWith('public');
}

export function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** JSON for the open-data API: public, cacheable, CORS-readable (it is public data). */
export function publicJson(data: unknown, init: { status?: number } = {}): Response {
  const headers = new Headers({
    'Content-Type': 'application/json; charset=utf-8',
    'Access-Control-Allow-Origin': '*',
  });
  markPublic(headers);
  return new Response(JSON.stringify(data), { status: init.status ?? 200, headers });
}

/** A CSV download for the open-data API: public, cacheable, CORS-readable, saved under `filename`. */
export function publicCsv(body: string, filename: string): Response {
  const headers = new Headers({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Access-Control-Allow-Origin': '*' });
  markPublic(headers);
  return new Response(body, { headers });
}

/** Plain text for machines (the ledger log's checkpoint and key): public, cacheable, CORS-readable. */
export function publicText(body: string): Response {
  const headers = new Headers({ 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
  markPublic(headers);
  return new Response(body, { headers });
}

/** JSON about one request (a filing, a receipt's status, an error): never kept by any cache. */
export function noStoreJson(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...init.headers },
  });
}

/** The API's error body, `{ error: { code, message, …extra } }`. */
export function jsonError(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Response {
  return noStoreJson({ error: { code, message, ...extra } }, { status, headers });
}

const SAME_SITE = 'http://same-site.invalid';

/**
 * A same-site path to return to after an action, or `/`: never an open redirect, never a header
 * that cannot be sent. Browsers drop TAB, CR and LF from a URL, so `/\t/evil.example` would become
 * `//evil.example`: any control character or backslash refuses the target outright. What is left
 * is resolved against this site and must stay on it; the result is percent-encoded (a target with
 * Chinese in it is a valid Location header).
 */
export function safeNextPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, SAME_SITE);
  } catch {
    return '/';
  }
  if (url.origin !== SAME_SITE) return '/';
  return url.pathname + url.search + url.hash;
}

/**
 * A reader's preference switch (language, large text): a plain link `?to=…&next=…`, so it works
 * without JavaScript. Keeps the parsed choice a year in a cookie the layouts read, then goes back.
 */
export function preferenceSwitch(cookieName: string, parse: (value: string | null) => string): APIRoute {
  return ({ url, cookies, redirect }) => {
    cookies.set(cookieName, parse(url.searchParams.get('to')), {
      path: '/',
      maxAge: 60 * 60 * 24 * 365,
      sameSite: 'lax',
      httpOnly: true,
      secure: url.protocol === 'https:',
    });
    return redirect(safeNextPath(url.searchParams.get('next')), 303);
  };
}
