/**
 * In-memory limits for the public complaint routes, under rotating keyed hashes (no address is
 * ever kept): a few filings per client pass freely, then each must wait longer; wrong receipt codes
 * count against the client the same way, which makes guessing codes slow.
 */
import { Throttle } from '../auth/throttle.ts';

export const filingThrottle = new Throttle();
export const trackingThrottle = new Throttle();
