import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { jsonError, markPublic, publicJson } from '../../../../lib/server/http.ts';
import { complaintStatistics, parseStatisticsMonth } from '../../../../lib/server/complaints/statistics.ts';
import { statisticsCsv, statisticsJson } from '../../../../lib/server/open-data.ts';

/**
 * GET /api/v1/statistics/{code}?month=YYYY-MM&format=json|csv: complaint statistics of a county
 * or a city for one complete month that has ended (default: the last one). Counts 0–4 are "<5",
 * counts withheld to protect them "*", exactly as on the statistics page.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const month = parseStatisticsMonth(url.searchParams.get('month'));
  if (month === null) return jsonError(400, 'bad_month', '月份应为已经结束的整月，写成 2026-10 这样的格式 (month must be a complete month that has ended, e.g. 2026-10)');
  const stats = await complaintStatistics(await getDb(), params.code ?? '', { month });
  if (!stats) return jsonError(404, 'not_found', '没有该县或市 (no such county or city)');
  if (url.searchParams.get('format') !== 'csv') return publicJson(statisticsJson(stats));
  const headers = new Headers({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="statistics-${stats.scope.code}-${stats.period.month}.csv"`,
    'Access-Control-Allow-Origin': '*',
  });
  markPublic(headers);
  return new Response(statisticsCsv(stats), { headers });
};
