import type { APIRoute } from 'astro';
import { noStoreJson } from '../../../../lib/server/http.ts';
import { newPowChallenge, powEnabled } from '../../../../lib/server/complaints/pow.ts';

/**
 * GET /api/v1/complaints/challenge — a proof-of-work challenge (ALTCHA v1: find `number` with
 * sha256(salt + number) = challenge, up to maxnumber) to solve before POST /api/v1/complaints,
 * which takes the solution as `pow`: base64 of {algorithm, challenge, number, salt, signature}.
 */
export const GET: APIRoute = async () => noStoreJson(powEnabled() ? await newPowChallenge() : { disabled: true });
