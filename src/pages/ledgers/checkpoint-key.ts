import type { APIRoute } from 'astro';
import { publicText } from '../../lib/server/http.ts';
import { logVerifierKey } from '../../lib/server/ledger-log/checkpoints.ts';

/**
 * GET /ledgers/checkpoint-key: the key that signs the checkpoints, as a C2SP vkey. A witness pins it
 * once (compared with the one the province publishes on paper or its own site), not on every run:
 * whoever could change the database could also change this answer.
 */
export const GET: APIRoute = () => publicText(`${logVerifierKey()}\n`);
