import type { APIRoute } from 'astro';
import { getDb } from '../../lib/server/db.ts';
import { jsonError, publicJson } from '../../lib/server/http.ts';
import { consistencyAnswer } from '../../lib/server/ledger-log/published.ts';

/** GET /ledgers/consistency?from=M&to=N: the RFC 6962 consistency proof between two tree sizes, as JSON. */
export const GET: APIRoute = async ({ url }) => {
  const answer = await consistencyAnswer(await getDb(), url.searchParams);
  return answer.ok ? publicJson(answer.value) : jsonError(answer.status, answer.code, answer.message);
};
