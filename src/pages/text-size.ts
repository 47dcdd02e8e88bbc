import type { APIRoute } from 'astro';
import { TEXT_SIZE_COOKIE, parseTextSize } from '../lib/server/text-size.ts';
import { safeNextPath } from '../lib/server/http.ts';

/**
 * Switches the large-text mode (长辈版) on or off: a plain link, like the language switch, so it works
 * without JavaScript. The choice is a cookie the layouts read; public pages vary on it as on the language.
 */
export const GET: APIRoute = ({ url, cookies, redirect }) => {
  const size = parseTextSize(url.searchParams.get('to'));
  cookies.set(TEXT_SIZE_COOKIE, size, {
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    sameSite: 'lax',
    httpOnly: true,
    secure: url.protocol === 'https:',
  });
  return redirect(safeNextPath(url.searchParams.get('next')), 303);
};
