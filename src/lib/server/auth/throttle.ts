/**
 * Sign-in throttling without storing anyone's address. Counters live in memory, keyed by an
 * HMAC of the username or client address under a random key that rotates every few hours; the
 * raw values are never kept, logged or written to the database. After a few failures each further
 * attempt must wait longer (1 s, 2 s, 4 s … capped at 15 minutes); a success clears the account's
 * counter. Restarting the process forgets everything, which is acceptable: the delays only need to
 * make online guessing slow, and argon2 makes each guess expensive anyway.
 */
import { createHmac, randomBytes } from 'node:crypto';

const ROTATE_MS = 6 * 60 * 60 * 1000;
const FREE_FAILURES = 3;
const MAX_DELAY_MS = 15 * 60 * 1000;
const FORGET_AFTER_MS = 60 * 60 * 1000;

interface Counter {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class Throttle {
  #key = randomBytes(32);
  #previousKey: Buffer | undefined;
  #rotatedAt: number;
  #counters = new Map<string, Counter>();

  readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.#rotatedAt = now();
  }

  #rotate(): void {
    const now = this.now();
    if (now - this.#rotatedAt < ROTATE_MS) return;
    this.#previousKey = this.#key;
    this.#key = randomBytes(32);
    this.#rotatedAt = now;
    // Entries under the previous key are still honoured until they age out.
    for (const [key, counter] of this.#counters) {
      if (now - counter.lastFailure > FORGET_AFTER_MS) this.#counters.delete(key);
    }
  }

  #keysFor(kind: string, value: string): string[] {
    const keys = [createHmac('sha256', this.#key).update(`${kind}:${value}`).digest('base64url')];
    if (this.#previousKey) keys.push(createHmac('sha256', this.#previousKey).update(`${kind}:${value}`).digest('base64url'));
    return keys;
  }

  /** Milliseconds the caller must still wait before another attempt (0 = go ahead). */
  retryAfter(kind: string, value: string): number {
    this.#rotate();
    const now = this.now();
    let wait = 0;
    for (const key of this.#keysFor(kind, value)) {
      const counter = this.#counters.get(key);
      if (counter) wait = Math.max(wait, counter.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  recordFailure(kind: string, value: string): void {
    this.#rotate();
    const now = this.now();
    const key = this.#keysFor(kind, value)[0]!;
    const counter = this.#counters.get(key) ?? { failures: 0, blockedUntil: 0, lastFailure: now };
    if (now - counter.lastFailure > FORGET_AFTER_MS) counter.failures = 0;
    counter.failures += 1;
    counter.lastFailure = now;
    const over = counter.failures - FREE_FAILURES;
    counter.blockedUntil = over > 0 ? now + Math.min(1000 * 2 ** (over - 1), MAX_DELAY_MS) : 0;
    this.#counters.set(key, counter);
  }

  reset(kind: string, value: string): void {
    for (const key of this.#keysFor(kind, value)) this.#counters.delete(key);
  }

  /** How many counters are held (memory bound, tests). */
  get size(): number {
    return this.#counters.size;
  }

  /** The keys counters are held under, to show no raw username or address is kept. */
  heldKeys(): string[] {
    return [...this.#counters.keys()];
  }
}

/** The process-wide sign-in throttle. */
export const signInThrottle = new Throttle();
