import type { APIRoute } from 'astro';
import { LANG_COOKIE, parseLang } from '../i18n/index.ts';
import { safeNextPath } from '../lib/server/http.ts';

/** Switches the interface language (a plain link, so it works without JavaScript). */
export const GET: APIRoute = ({ url, cookies, redirect }) => {
  const lang = parseLang(url.searchParams.get('to'));
  cookies.set(LANG_COOKIE, lang, {
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    sameSite: 'lax',
    httpOnly: true,
    secure: url.protocol === 'https:',
  });
  return redirect(safeNextPath(url.searchParams.get('next')), 303);
};
