/**
 * What every request must satisfy before a page or endpoint sees it (issue 8 item 12), checked once
 * in the middleware so that a new page gets it by default:
 * - the address (path and query) decodes cleanly and holds no control characters: NUL reaches the
 *   database as a query parameter, which refuses it (a 500), and none of them can be typed;
 * - a write to a page (not /api/, whose endpoints read JSON themselves) carries a form body that
 *   parses: anything else would throw inside the page's `formData()`.
 * Text typed into forms is handled where it is read (readForm and the zod text helpers), so the
 * person gets the form back with their words, not an error page.
 */
import type { MessageKey } from '../../i18n/index.ts';

export type EdgeProblem =
  | { status: 400; reason: 'controlChars'; cleanUrl: string }
  | { status: 400; reason: 'badEncoding' }
  | { status: 415; reason: 'notForm' }
  | { status: 400; reason: 'badForm' };

export const EDGE_MESSAGES: Record<EdgeProblem['reason'], MessageKey> = {
  controlChars: 'error.400.controlChars',
  badEncoding: 'error.400.badEncoding',
  notForm: 'error.400.notForm',
  badForm: 'error.400.badForm',
};

/** Any control character at all (TAB, CR and LF too: none belongs in an address). */
const ADDRESS_CONTROL = /[\u0000-\u001f\u007f]/;

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The address's problem, if any. `url.pathname` and `url.search` are still percent-encoded here. */
export function addressProblem(url: URL): EdgeProblem | undefined {
  const segments = url.pathname.split('/').map((segment) => decode(segment));
  const pairs = url.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map((part) => decode(part)));
  if (segments.some((segment) => segment === undefined) || pairs.some((pair) => pair.some((part) => part === undefined))) {
    return { status: 400, reason: 'badEncoding' };
  }
  const decoded = [...(segments as string[]), ...(pairs.flat() as string[])];
  if (!decoded.some((part) => ADDRESS_CONTROL.test(part))) return undefined;
  // The same address without the control characters, for the page's "open it without them" link.
  const path = (segments as string[]).map((segment) => encodeURIComponent(segment.replace(/[\u0000-\u001f\u007f]/g, ''))).join('/');
  const query = new URLSearchParams();
  for (const [key, value] of url.searchParams) query.append(key.replace(/[\u0000-\u001f\u007f]/g, ''), value.replace(/[\u0000-\u001f\u007f]/g, ''));
  const search = query.toString();
  return { status: 400, reason: 'controlChars', cleanUrl: `${path.startsWith('/') ? path : `/${path}`}${search ? `?${search}` : ''}` };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * A page write's body problem, if any. The body is parsed on a clone, so the page still reads it;
 * that costs a second parse of each form post, which is small next to what a page then does.
 */
export async function bodyProblem(request: Request): Promise<EdgeProblem | undefined> {
  if (!BODY_METHODS.has(request.method)) return undefined;
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!FORM_TYPES.has(type)) return { status: 415, reason: 'notForm' };
  try {
    await request.clone().formData();
  } catch {
    return { status: 400, reason: 'badForm' };
  }
  return undefined;
}
