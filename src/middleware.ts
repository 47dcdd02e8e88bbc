import { defineMiddleware, sequence } from 'astro:middleware';
import { LANG_COOKIE, parseLang, translator } from './i18n/index.ts';
import { etagOf, isPublicResponse, jsonError } from './lib/server/http.ts';
import { addressProblem, bodyProblem, EDGE_MESSAGES } from './lib/server/edge.ts';
import { getDb } from './lib/server/db.ts';
import { validateSessionToken } from './lib/server/auth/sessions.ts';
import { clearSessionCookie, sessionCookieName, setSessionCookie } from './lib/server/auth/cookies.ts';
import { isCrossSiteWrite } from './lib/server/auth/origin.ts';
import { TEXT_SIZE_COOKIE, parseTextSize } from './lib/server/text-size.ts';

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

export function isStaffPath(pathname: string): boolean {
  return pathname === '/staff' || pathname.startsWith('/staff/') || pathname.startsWith('/partials/staff/');
}

/** Complaint filing and tracking: private like the staff area (no caching, no referrer). */
export function isComplaintPath(pathname: string): boolean {
  return pathname === '/report' || pathname.startsWith('/report/') || pathname === '/track' || pathname.startsWith('/api/v1/complaints');
}

/**
 * Refuses cross-site state changes whatever the body type (form, multipart, text, JSON): Astro's
 * own check covers form content types only.
 */
const sameOriginWrites = defineMiddleware((context, next) => {
  if (isCrossSiteWrite(context.request, context.url)) {
    return new Response('跨站请求已被拒绝 (cross-site request refused)', {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return next();
});

const language = defineMiddleware((context, next) => {
  const lang = parseLang(context.cookies.get(LANG_COOKIE)?.value);
  context.locals.lang = lang;
  context.locals.t = translator(lang);
  context.locals.textSize = parseTextSize(context.cookies.get(TEXT_SIZE_COOKIE)?.value);
  return next();
});

/** Staff pages only: the session cookie → locals.user. Public pages never look at it. */
const staffSession = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.sessionId = null;
  if (isComplaintPath(context.url.pathname)) {
    const response = await next();
    response.headers.set('Cache-Control', 'no-store');
    response.headers.set('Referrer-Policy', 'no-referrer');
    return response;
  }
  // The 500 page of a staff address is rendered through this middleware too: it must not look up
  // the session, when the database the lookup needs may be what failed (it would fail again, and
  // Astro would then render the page bare, without the middleware that makes an outage a 503).
  if (!isStaffPath(context.url.pathname) || context.routePattern === '/500') return next();
  const token = context.cookies.get(sessionCookieName())?.value;
  if (token) {
    const validated = await validateSessionToken(await getDb(), token);
    if (validated) {
      context.locals.user = validated.user;
      context.locals.sessionId = validated.session.id;
      if (validated.renewed) setSessionCookie(context.cookies, token, validated.session.expiresAt);
    } else {
      clearSessionCookie(context.cookies);
    }
  }
  const response = await next();
  // Nothing behind sign-in may be stored by a browser or proxy, or leak its URL onwards.
  response.headers.set('Cache-Control', 'no-store');
  response.headers.set('Referrer-Policy', 'no-referrer');
  return response;
});

/**
 * A database that is away (restarting, unreachable, its disk full) is answered by the 500 page with
 * Retry-After (src/lib/server/database-errors.ts); Astro forces status 500 on that route whatever
 * the page sets, so the answer gets the 503 it is here, on its way out. Only the 500 page sends a
 * 500 with Retry-After.
 */
const unavailableStatus = defineMiddleware(async (_context, next) => {
  const response = await next();
  if (response.status !== 500 || !response.headers.has('Retry-After')) return response;
  return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers: response.headers });
});

/** Every response class (pages, partials, JSON, errors) gets the same protective headers. */
const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  const headers = response.headers;
  // A route that set its own policy keeps it: downloads send `default-src 'none'; sandbox`, which
  // is stricter than the site's (issue 8 item 11).
  if (import.meta.env.PROD && !headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
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

/**
 * Validation at the edge (src/lib/server/edge.ts): a malformed address, or a page write whose body
 * is not a form, is answered here with a 4xx in the visitor's language, so that no page, query or
 * new route ever sees it. Pages get the 400 page; the API gets its JSON error.
 */
const edgeValidation = defineMiddleware(async (context, next) => {
  // The 500 page is rendered through the middleware for a request that already passed here, and
  // whose body the page has read: reading it again would throw, and Astro would then send the page
  // without any middleware (no security headers, and an outage as 500 instead of 503).
  if (context.routePattern === '/500') return next();
  const isApi = context.url.pathname.startsWith('/api/');
  const problem = addressProblem(context.url) ?? (isApi ? undefined : await bodyProblem(context.request));
  if (!problem) return next();
  if (isApi) return jsonError(problem.status, problem.reason, context.locals.t(EDGE_MESSAGES[problem.reason]));
  context.locals.edgeProblem = problem;
  return next('/400');
});

export const onRequest = sequence(unavailableStatus, securityHeaders, sameOriginWrites, language, edgeValidation, staffSession, conditionalGet);
