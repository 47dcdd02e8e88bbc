import type { APIRoute } from 'astro';
import { getArea } from '../../../../../lib/server/areas/index.ts';
import { getDb } from '../../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../../lib/server/http.ts';
import { villageLivelihoodTotals } from '../../../../../lib/server/livelihood/public-list.ts';

/**
 * GET /api/v1/villages/{code}/livelihood: the village's published livelihood payment batches,
 * grouped by item and period, with recipient counts and totals in fen. No recipients, not even
 * masked names (why: livelihood/public-list.ts villageLivelihoodTotals).
 */
export const GET: APIRoute = async ({ params }) => {
  const db = await getDb();
  const village = await getArea(db, params.code ?? '');
  if (!village || village.level !== 'village') return jsonError(404, 'not_found', '没有该村 (no such village)');
  const groups = await villageLivelihoodTotals(db, village.code);
  return publicJson({ village: { code: village.code, name: village.name }, unit: 'fen', groups });
};
