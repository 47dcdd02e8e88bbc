import type { APIRoute } from 'astro';
import { getDb } from '../../../../../../lib/server/db.ts';
import { jsonError, publicCsv, publicJson } from '../../../../../../lib/server/http.ts';
import { itemPeriodStatistics } from '../../../../../../lib/server/livelihood/statistics.ts';
import { livelihoodItemStatisticsCsv, livelihoodItemStatisticsJson } from '../../../../../../lib/server/open-data.ts';

/**
 * GET /api/v1/statistics/{county}/livelihood/{item}?period=…[&format=csv]: one subsidy item's
 * figures for one period (default: the latest published) by township and village; 404 for an
 * unknown county or item, 400 `bad_period` for a period with nothing published.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const answer = await itemPeriodStatistics(await getDb(), params.code ?? '', params.item ?? '', url.searchParams.get('period'));
  if (answer.kind === 'not_found') return jsonError(404, 'not_found', '没有该县或该补贴项目 (no such county or item)');
  if (answer.kind === 'bad_period') return jsonError(400, 'bad_period', '该补贴项目在这个期间没有公示的发放名单 (no published batch of this item in that period)');
  const stats = answer.statistics;
  if (url.searchParams.get('format') !== 'csv') return publicJson(livelihoodItemStatisticsJson(stats));
  return publicCsv(livelihoodItemStatisticsCsv(stats), `livelihood-${stats.county.code}-${stats.period}.csv`);
};
