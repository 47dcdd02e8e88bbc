import type { APIRoute } from 'astro';
import { getDb } from '../../../../../../lib/server/db.ts';
import { jsonError, publicCsv, publicJson } from '../../../../../../lib/server/http.ts';
import { countyLivelihoodStatistics } from '../../../../../../lib/server/livelihood/statistics.ts';
import { livelihoodStatisticsCsv, livelihoodStatisticsJson } from '../../../../../../lib/server/open-data.ts';

/**
 * GET /api/v1/statistics/{county}/livelihood[?format=csv]: the county's subsidy items with
 * published batches, their periods and the latest period's county figures. Published batches
 * only, no personal data; recipient counts 1–4 are "<5", withheld ones "*", and the amount is
 * "*" wherever the count is masked (livelihood/statistics.ts).
 */
export const GET: APIRoute = async ({ params, url }) => {
  const stats = await countyLivelihoodStatistics(await getDb(), params.code ?? '');
  if (!stats) return jsonError(404, 'not_found', '没有该县 (no such county)');
  if (url.searchParams.get('format') !== 'csv') return publicJson(livelihoodStatisticsJson(stats));
  return publicCsv(livelihoodStatisticsCsv(stats), `livelihood-${stats.county.code}.csv`);
};

