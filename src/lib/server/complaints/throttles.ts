/**
 * In-memory limits for the public complaint routes, under rotating keyed hashes (no address is
 * ever kept). A whole village may share one Wi-Fi or one mobile carrier address, and a village
 * meeting can send thirty people to the form in an hour, so the limits are sliding hourly windows
 * with a generous burst rather than growing blocks: a burst is answered with the exact minutes until
 * the oldest event leaves the hour. The proof of work, not this limit, is what makes mass filing
 * expensive. Receipt codes have about 53 bits, so thirty wrong codes an hour per client leave
 * guessing hopeless while a villager who mistypes a few times is never held up.
 */
import { formatWait, retryAfterSeconds, WindowThrottle } from '../auth/throttle.ts';
import { translator } from '../../../i18n/index.ts';
import { jsonError } from '../http.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Filings per client per hour (a filing without proof of work, i.e. without JavaScript, counts twice). */
export const FILINGS_PER_HOUR = 30;
/** Wrong receipt codes per client per hour. */
export const TRACKING_MISSES_PER_HOUR = 30;

export const filingThrottle = new WindowThrottle({ limit: FILINGS_PER_HOUR, windowMs: HOUR_MS });
/**
 * Filings per direct reporting point (a liaison's account, 直报点) per day: a liaison types what
 * villagers bring, a handful a day; more than this is a misused or stolen account.
 */
export const DIRECT_POINT_FILINGS_PER_DAY = 20;
export const directPointThrottle = new WindowThrottle({ limit: DIRECT_POINT_FILINGS_PER_DAY, windowMs: 24 * HOUR_MS });
export const trackingThrottle = new WindowThrottle({ limit: TRACKING_MISSES_PER_HOUR, windowMs: HOUR_MS });

/**
 * The JSON API's 429: how long to wait in the message (Chinese, like the API's other messages), in
 * `retryAfterSeconds`, and in the standard Retry-After header for clients that honour it.
 */
export function rateLimited(wait: number, what: string): Response {
  const seconds = retryAfterSeconds(wait);
  const message = `${what}，请在${formatWait(translator('zh-CN'), wait)}后再试`;
  return jsonError(429, 'rate_limited', message, { retryAfterSeconds: Number(seconds) }, { 'Retry-After': seconds });
}
