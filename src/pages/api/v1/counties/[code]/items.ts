import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../../lib/server/http.ts';
import { countyItemsJson } from '../../../../../lib/server/open-data.ts';

export const GET: APIRoute = async ({ params }) => {
  const data = await countyItemsJson(await getDb(), params.code ?? '');
  if (!data) return jsonError(404, 'not_found', '没有该县，或该县尚无现行清单 (no such county, or no list in force)');
  return publicJson(data);
};
