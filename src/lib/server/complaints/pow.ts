/**
 * Proof of work for complaint filing (ALTCHA challenges via altcha-lib): where JavaScript runs, the
 * browser spends a second or so finding a number before the form is sent, which makes mass
 * submission expensive without tracking anyone. Challenges expire after 20 minutes and each solved
 * challenge is accepted once (a bounded in-memory set remembers them until they expire).
 */
import { createHash } from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib';
import type { Challenge } from 'altcha-lib/types';
import { getConfig } from '../config.ts';

const EXPIRES_MS = 20 * 60 * 1000;
const MAX_NUMBER = 80_000;
const used = new Map<string, number>();

function hmacKey(): string {
  // A key of its own, derived from the receipt key so no extra secret has to be configured.
  return createHash('sha256').update('proof-of-work:').update(getConfig().receiptKey).digest('hex');
}

export function powEnabled(): boolean {
  return getConfig().proofOfWork;
}

export function newPowChallenge(): Promise<Challenge> {
  return createChallenge({ hmacKey: hmacKey(), maxNumber: MAX_NUMBER, expires: new Date(Date.now() + EXPIRES_MS) });
}

/** True for a valid, unexpired, first-time solution (the payload is base64 JSON, as the widget sends it). */
export async function acceptPow(payload: string | null | undefined, now = Date.now()): Promise<boolean> {
  if (!payload || payload.length > 2000) return false;
  let valid = false;
  try {
    valid = await verifySolution(payload, hmacKey(), true);
  } catch {
    return false;
  }
  if (!valid) return false;
  for (const [key, expiry] of used) if (expiry < now) used.delete(key);
  if (used.has(payload) || used.size > 100_000) return false;
  used.set(payload, now + EXPIRES_MS);
  return true;
}
