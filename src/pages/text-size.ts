import { TEXT_SIZE_COOKIE, parseTextSize } from '../lib/server/text-size.ts';
import { preferenceSwitch } from '../lib/server/http.ts';

/** Switches the large-text mode (长辈版) on or off; public pages vary on it as on the language. */
export const GET = preferenceSwitch(TEXT_SIZE_COOKIE, parseTextSize);
