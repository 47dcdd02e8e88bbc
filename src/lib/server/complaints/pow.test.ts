import { describe, expect, it } from 'vitest';
import { solveChallenge } from 'altcha-lib';
import { acceptPow, newPowChallenge } from './pow.ts';

async function solvedPow(): Promise<string> {
  const challenge = await newPowChallenge();
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  return Buffer.from(JSON.stringify({ ...challenge, number: solution!.number })).toString('base64');
}

describe('proof of work', () => {
  it('accepts a solved challenge once', async () => {
    const payload = await solvedPow();
    expect(await acceptPow(payload)).toBe(true);
    expect(await acceptPow(payload)).toBe(false);
  });

  it('refuses wrong numbers, forged signatures, expired challenges and garbage', async () => {
    const payload = JSON.parse(Buffer.from(await solvedPow(), 'base64').toString());
    expect(await acceptPow(Buffer.from(JSON.stringify({ ...payload, number: payload.number + 1 })).toString('base64'))).toBe(false);
    expect(await acceptPow(Buffer.from(JSON.stringify({ ...payload, signature: 'f'.repeat(64) })).toString('base64'))).toBe(false);
    expect(await acceptPow(await solvedPow(), Date.now())).toBe(true);
    expect(await acceptPow('not base64 json')).toBe(false);
    expect(await acceptPow('')).toBe(false);
    expect(await acceptPow(null)).toBe(false);
  });
});
