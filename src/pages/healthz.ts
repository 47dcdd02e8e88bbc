import type { APIRoute } from 'astro';
import { isDatabaseReachable } from '../lib/server/db.ts';

/** Liveness and readiness: 200 when the database answers, 503 otherwise. Never cached. */
export const GET: APIRoute = async () => {
  const database = await isDatabaseReachable();
  return new Response(JSON.stringify({ status: database ? 'ok' : 'unavailable', database }), {
    status: database ? 200 : 503,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
};
