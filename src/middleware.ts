import { defineMiddleware, sequence } from 'astro:middleware';
import { LANG_COOKIE, parseLang, translator } from './i18n/index.ts';
import { etagOf, isPublicResponse } from './lib/server/http.ts';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const language = defineMiddleware((context, next) => {
  const lang = parseLang(context.cookies.get(LANG_COOKIE)?.value);
  context.locals.lang = lang;
  context.locals.t = translator(lang);
  return next();
});

/** Every response class (pages, partials, JSON, errors) gets the same protective headers. */
const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  const headers = response.headers;
  if (import.meta.env.PROD) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  if (headers.get('Content-Type') === 'text/html') headers.set('Content-Type', 'text/html; charset=utf-8');
  return response;
});

/**
 * Public GET responses get a strong ETag over their body, and a matching If-None-Match gets a
 * 304: a citizen on a slow connection re-downloads nothing that has not changed.
 */
const conditionalGet = defineMiddleware(async (context, next) => {
  const response = await next();
  if (context.request.method !== 'GET' || response.status !== 200 || !isPublicResponse(response)) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const etag = etagOf(body);
  const headers = new Headers(response.headers);
  headers.set('ETag', etag);
  const ifNoneMatch = context.request.headers.get('If-None-Match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) {
    headers.delete('Content-Length');
    return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status: 200, headers });
});

export const onRequest = sequence(language, securityHeaders, conditionalGet);
