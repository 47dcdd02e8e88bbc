/**
 * Cross-site write detection. A state-changing request (anything but GET, HEAD, OPTIONS) must come
 * from our own origin: browsers send `Origin` on every such request, and `Sec-Fetch-Site` where
 * they support it. Requests that carry cookies but neither header are refused too. The open-data
 * and filing APIs under /api/ are exempt: they never read cookies, so there is nothing to forge.
 */
import { getConfig } from '../config.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteWrite(request: Request, url: URL, publicOrigin = getConfig().publicOrigin): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  if (url.pathname.startsWith('/api/')) return false;
  const allowed = new Set([url.origin]);
  if (publicOrigin) allowed.add(publicOrigin);
  const origin = request.headers.get('Origin');
  if (origin) return !allowed.has(origin);
  const fetchSite = request.headers.get('Sec-Fetch-Site');
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  return request.headers.has('Cookie');
}
