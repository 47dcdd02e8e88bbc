import { LANG_COOKIE, parseLang } from '../i18n/index.ts';
import { preferenceSwitch } from '../lib/server/http.ts';

/** Switches the interface language. */
export const GET = preferenceSwitch(LANG_COOKIE, parseLang);
