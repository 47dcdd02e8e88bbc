/**
 * Throttling without storing anyone's address or username: counters are keyed by an HMAC of the
 * value under a key that rotates every few hours; the raw values are never kept or logged.
 *
 * Two shapes:
 * - backoff (sign-in): a few failures pass, then each attempt waits longer (1 s, 2 s, 4 s … capped at
 *   15 minutes), forgotten after an hour without failures. In production the counts live in
 *   PostgreSQL (sign-in-failures.ts), so several instances hold one limit: guessing through N
 *   instances must not buy N times the tries. BackoffThrottle is the same rule in memory (tests).
 * - WindowThrottle (citizen routes): at most N events per client in any sliding hour, in each
 *   process's memory. A village sharing one Wi-Fi gets a generous burst, and the wait ends as soon
 *   as the oldest event leaves the hour. These stay in memory on purpose: a row per filing, with its
 *   time, next to the complaints would date an anonymous filing finer than the day (README).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Translate } from '../../../i18n/index.ts';

const ROTATE_MS = 6 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Counters under rotating keyed hashes; entries under the previous key are honoured until they age out. */
class KeyedCounters<T extends { last: number }> {
  #key = randomBytes(32);
  #previousKey: Buffer | undefined;
  #rotatedAt: number;
  #counters = new Map<string, T>();
  readonly now: () => number;
  readonly #forgetAfterMs: number;

  // No parameter properties: the CLIs run this file under Node's type stripping.
  constructor(now: () => number, forgetAfterMs: number) {
    this.now = now;
    this.#forgetAfterMs = forgetAfterMs;
    this.#rotatedAt = now();
  }

  #rotate(): void {
    const now = this.now();
    if (now - this.#rotatedAt < ROTATE_MS) return;
    this.#previousKey = this.#key;
    this.#key = randomBytes(32);
    this.#rotatedAt = now;
    for (const [key, counter] of this.#counters) {
      if (now - counter.last > this.#forgetAfterMs) this.#counters.delete(key);
    }
  }

  #hashes(kind: string, value: string): string[] {
    const keys = [this.#key, this.#previousKey].filter((key): key is Buffer => key !== undefined);
    return keys.map((key) => createHmac('sha256', key).update(`${kind}:${value}`).digest('base64url'));
  }

  /** The counters held for this value, under the current and the previous key. */
  find(kind: string, value: string): T[] {
    this.#rotate();
    return this.#hashes(kind, value).flatMap((key) => this.#counters.get(key) ?? []);
  }

  /** The counter under the current key, created when missing. */
  current(kind: string, value: string, fresh: () => T): T {
    this.#rotate();
    const key = this.#hashes(kind, value)[0]!;
    let counter = this.#counters.get(key);
    if (!counter) this.#counters.set(key, (counter = fresh()));
    return counter;
  }

  delete(kind: string, value: string): void {
    for (const key of this.#hashes(kind, value)) this.#counters.delete(key);
  }

  values(): IterableIterator<T> {
    return this.#counters.values();
  }

  /** The keys counters are held under, to show no raw username or address is kept. */
  heldKeys(): string[] {
    return [...this.#counters.keys()];
  }
}

interface Failures {
  failures: number;
  blockedUntil: number;
  last: number;
}

/** Where backoff counts are kept: in memory (BackoffThrottle) or in the database (DatabaseBackoff). */
export interface FailureCounts {
  /** Milliseconds the caller must still wait before another attempt (0 = go ahead). */
  retryAfter(kind: string, value: string): number | Promise<number>;
  recordFailure(kind: string, value: string): void | Promise<void>;
  reset(kind: string, value: string): void | Promise<void>;
}

/** The backoff rule shared by both stores: the wait after `failures` failures. */
export function backoffDelayMs(failures: number, freeFailures: number): number {
  const over = failures - freeFailures;
  return over > 0 ? Math.min(1000 * 2 ** (over - 1), BACKOFF_MAX_DELAY_MS) : 0;
}

export const BACKOFF_MAX_DELAY_MS = 15 * 60 * 1000;
/** Failures older than this are forgotten. */
export const BACKOFF_FORGET_MS = HOUR_MS;

export class BackoffThrottle implements FailureCounts {
  #counters: KeyedCounters<Failures>;
  readonly #freeFailures: number;

  constructor(options: { freeFailures: number }, now: () => number = Date.now) {
    this.#freeFailures = options.freeFailures;
    this.#counters = new KeyedCounters(now, HOUR_MS);
  }

  /** Milliseconds the caller must still wait before another attempt (0 = go ahead). */
  retryAfter(kind: string, value: string): number {
    const now = this.#counters.now();
    return Math.max(0, ...this.#counters.find(kind, value).map((counter) => counter.blockedUntil - now));
  }

  recordFailure(kind: string, value: string): void {
    const now = this.#counters.now();
    const counter = this.#counters.current(kind, value, () => ({ failures: 0, blockedUntil: 0, last: now }));
    if (now - counter.last > BACKOFF_FORGET_MS) counter.failures = 0;
    counter.failures += 1;
    counter.last = now;
    const delay = backoffDelayMs(counter.failures, this.#freeFailures);
    counter.blockedUntil = delay > 0 ? now + delay : 0;
  }

  reset(kind: string, value: string): void {
    this.#counters.delete(kind, value);
  }

  heldKeys(): string[] {
    return this.#counters.heldKeys();
  }
}

interface Events {
  /** Times of the events in the window, oldest first, at most `limit` of them. */
  times: number[];
  last: number;
}

export class WindowThrottle {
  #counters: KeyedCounters<Events>;
  readonly limit: number;
  readonly windowMs: number;

  constructor(options: { limit: number; windowMs: number }, now: () => number = Date.now) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.#counters = new KeyedCounters(now, options.windowMs);
  }

  /** Milliseconds until one more event fits in the window (0 = go ahead). */
  retryAfter(kind: string, value: string): number {
    const now = this.#counters.now();
    const times = this.#counters
      .find(kind, value)
      .flatMap((counter) => counter.times)
      .filter((time) => now - time < this.windowMs)
      .sort((a, b) => a - b);
    if (times.length < this.limit) return 0;
    // The event that must leave the window before there is room for one more.
    return times[times.length - this.limit]! + this.windowMs - now;
  }

  record(kind: string, value: string, weight = 1): void {
    const now = this.#counters.now();
    const counter = this.#counters.current(kind, value, () => ({ times: [], last: now }));
    for (let i = 0; i < weight; i++) counter.times.push(now);
    counter.times = counter.times.filter((time) => now - time < this.windowMs).slice(-this.limit);
    counter.last = now;
  }

  reset(kind: string, value: string): void {
    this.#counters.delete(kind, value);
  }

  heldKeys(): string[] {
    return this.#counters.heldKeys();
  }

  /** How many event times are held in all (memory bound, tests). */
  heldEvents(): number {
    let total = 0;
    for (const counter of this.#counters.values()) total += counter.times.length;
    return total;
  }
}

/**
 * The sign-in limits. Behind one proxy or office NAT many people share an address, so nothing
 * keyed by the client alone may refuse a correct password:
 * - account + client: 3 free failures, then growing waits — checked before the password is;
 * - account, from anywhere: 10 free failures an hour, then growing waits — against one account
 *   being guessed from many addresses (the price: someone can delay that one account, not others);
 * - client, across accounts: 10 free failures; beyond that a wrong or unknown combination is
 *   answered "wait" instead of "wrong", while a correct password still signs in.
 */
export class SignInThrottle {
  #pair: FailureCounts;
  #account: FailureCounts;
  #client: FailureCounts;

  /** `store` makes one counter per rule; in memory unless told otherwise (signInThrottleFor). */
  constructor(store: (freeFailures: number) => FailureCounts = (freeFailures) => new BackoffThrottle({ freeFailures })) {
    this.#pair = store(3);
    this.#account = store(10);
    this.#client = store(10);
  }

  /** How long before this account may be tried from this client at all (0 = check the password). */
  async waitBefore(username: string, client: string): Promise<number> {
    const [account, pair] = await Promise.all([this.#account.retryAfter('account', username), this.#pair.retryAfter('pair', pairOf(username, client))]);
    return Math.max(account, pair);
  }

  /** Counts a wrong or unknown combination; returns how long this client is asked to slow down. */
  async failed(username: string, client: string): Promise<number> {
    await this.#pair.recordFailure('pair', pairOf(username, client));
    await this.#account.recordFailure('account', username);
    await this.#client.recordFailure('client', client);
    return this.#client.retryAfter('client', client);
  }

  /**
   * A correct password clears this client's count for the account. The per-account count stays:
   * otherwise each real sign-in would hand someone guessing from elsewhere ten fresh tries.
   */
  async succeeded(username: string, client: string): Promise<void> {
    await this.#pair.reset('pair', pairOf(username, client));
  }
}

function pairOf(username: string, client: string): string {
  return `${username}\n${client}`;
}

/** "30秒" / "5分钟" (English "30 s" / "5 min"), rounded up, for "try again in …" messages. */
export function formatWait(t: Translate, ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 60 ? t('common.waitSeconds', { n: seconds }) : t('common.waitMinutes', { n: Math.ceil(seconds / 60) });
}

/** Whole seconds for a Retry-After header. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
