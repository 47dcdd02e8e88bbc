import type { APIRoute } from 'astro';
import { getDb } from '../../lib/server/db.ts';
import { jsonError, publicJson } from '../../lib/server/http.ts';
import { leavesAnswer } from '../../lib/server/ledger-log/published.ts';

/** GET /ledgers/leaves?start=A&end=B: the log's leaves A…B−1, each with its village, period and content hash. */
export const GET: APIRoute = async ({ url }) => {
  const answer = await leavesAnswer(await getDb(), url.searchParams);
  return answer.ok ? publicJson(answer.value) : jsonError(answer.status, answer.code, answer.message);
};
