import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { loadVillagePage } from '../../../lib/server/accounts/ledger.ts';
import { fundsCsvZh, periodJson } from '../../../lib/server/accounts/export.ts';
import { jsonError, markPublic } from '../../../lib/server/http.ts';

/** A published period as CSV (funds ledger) or JSON (everything, with the hashed content). */
export const GET: APIRoute = async ({ params, url }) => {
  const period = url.searchParams.get('period') ?? undefined;
  const format = url.searchParams.get('format') === 'json' ? 'json' : 'csv';
  const page = await loadVillagePage(await getDb(), params.code ?? '', period);
  if (!page?.shown) return jsonError(404, 'not_found', '没有该村或该期公开');
  const name = `${page.village.code}-${page.shown.disclosure.period}`;
  const headers = new Headers({
    'Content-Disposition': `attachment; filename="${name}.${format}"`,
    'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
  });
  markPublic(headers);
  const body = format === 'json' ? JSON.stringify(periodJson(page.village, page.shown), null, 2) : fundsCsvZh(page.shown);
  return new Response(body, { headers });
};
