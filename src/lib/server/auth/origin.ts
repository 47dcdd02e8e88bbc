/**
 * Cross-site write detection, for every state-changing request (anything but GET, HEAD, OPTIONS)
 * whatever its body type: form, multipart, text or JSON.
 *
 * Staff and complaint pages send `Referrer-Policy: no-referrer`, and under that policy browsers
 * send `Origin: null` on their own same-origin form posts (Fetch standard, "serializing a request
 * origin"). So `Origin` decides when it names a real origin; otherwise `Sec-Fetch-Site` must say
 * `same-origin`. A write with neither is refused when it carries cookies (a browser that could be
 * riding a session) and allowed otherwise (a script without credentials has nothing to forge).
 * The open-data and filing APIs under /api/ never read cookies and are exempt.
 * Astro's built-in `security.checkOrigin` is off because it cannot tell `Origin: null` from a
 * forgery and would refuse every staff form; this check replaces it and covers more.
 */
import { getConfig } from '../config.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteWrite(request: Request, url: URL, publicOrigin = getConfig().publicOrigin): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  if (url.pathname.startsWith('/api/')) return false;
  const allowed = new Set([url.origin]);
  if (publicOrigin) allowed.add(publicOrigin);
  const origin = request.headers.get('Origin');
  if (origin && origin !== 'null') return !allowed.has(origin);
  const fetchSite = request.headers.get('Sec-Fetch-Site');
  if (fetchSite) return fetchSite !== 'same-origin';
  if (origin === 'null') return true;
  return request.headers.has('Cookie');
}
