import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../lib/server/http.ts';
import { complaintStatistics } from '../../../../lib/server/complaints/statistics.ts';

/**
 * GET /api/v1/statistics/{code}: public complaint statistics of a county or a city (all time).
 * Counts of 1–4 are "<5", averages over fewer than 5 concluded cases are null, nothing below township.
 */
export const GET: APIRoute = async ({ params }) => {
  const data = await complaintStatistics(await getDb(), params.code ?? '');
  if (!data) return jsonError(404, 'not_found', '没有该县或市 (no such county or city)');
  return publicJson({ apiVersion: 1, ...data });
};
