import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { clientKeyOf } from '../../../../lib/server/client-address.ts';
import { jsonError, noStoreJson } from '../../../../lib/server/http.ts';
import { trackComplaint } from '../../../../lib/server/complaints/tracking.ts';
import { rateLimited, trackingThrottle } from '../../../../lib/server/complaints/throttles.ts';

/** GET /api/v1/complaints/{receipt} — the citizen-level status; misses are throttled like the form. */
export const GET: APIRoute = async (context) => {
  const client = clientKeyOf(context);
  const wait = trackingThrottle.retryAfter('client', client);
  if (wait > 0) return rateLimited(wait, '查询失败次数过多');
  const view = await trackComplaint(await getDb(), context.params.receipt);
  if (!view) {
    trackingThrottle.record('client', client);
    return jsonError(404, 'not_found', '查询码不正确');
  }
  return noStoreJson(view);
};
