/**
 * The large-text mode (长辈版) for older villagers: a cookie, read by the layouts, which then mark the
 * page so site.css enlarges text, spacing and targets. Public pages depend on it as on the language,
 * so the front cache (src/server/front-cache.ts) and nginx's micro-cache key on it too.
 */
export type TextSize = 'standard' | 'large';
export const TEXT_SIZE_COOKIE = 'textsize';

export function parseTextSize(value: string | undefined | null): TextSize {
  return value === 'large' ? 'large' : 'standard';
}
