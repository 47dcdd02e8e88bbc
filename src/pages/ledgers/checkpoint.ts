import type { APIRoute } from 'astro';
import { getDb } from '../../lib/server/db.ts';
import { publicText } from '../../lib/server/http.ts';
import { checkpointAnswer } from '../../lib/server/ledger-log/published.ts';

/** GET /ledgers/checkpoint: the ledger log's latest checkpoint, a C2SP signed note (text/plain), for witnesses. */
export const GET: APIRoute = async () => {
  const answer = await checkpointAnswer(await getDb());
  if (!answer.ok) return new Response(`${answer.message}\n`, { status: answer.status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
  return publicText(answer.value);
};
