import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { clientKeyOf } from '../../../../lib/server/client-address.ts';
import { trackComplaint } from '../../../../lib/server/complaints/filing.ts';
import { rateLimited, trackingThrottle } from '../../../../lib/server/complaints/throttles.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });

/** GET /api/v1/complaints/{receipt} — the citizen-level status; misses are throttled like the form. */
export const GET: APIRoute = async (context) => {
  const client = clientKeyOf(context);
  const wait = trackingThrottle.retryAfter('client', client);
  if (wait > 0) return rateLimited(wait, '查询失败次数过多');
  const view = await trackComplaint(await getDb(), context.params.receipt);
  if (!view) {
    trackingThrottle.record('client', client);
    return json(404, { error: { code: 'not_found', message: '查询码不正确' } });
  }
  return json(200, view);
};
