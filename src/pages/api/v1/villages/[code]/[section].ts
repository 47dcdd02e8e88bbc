import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../../lib/server/http.ts';
import { loadVillagePage } from '../../../../../lib/server/accounts/ledger.ts';
import { periodJson } from '../../../../../lib/server/accounts/export.ts';

/**
 * GET /api/v1/villages/{code}/funds|assets|resources|debts?period=2026-Q3 (default: the latest published
 * period). Lines are in the canonical form the period's hash covers; periods published before the
 * debts register (content without `v`) have no debts in their hashed content, and list none.
 */
export const GET: APIRoute = async ({ params, url }) => {
  const section = params.section;
  if (section !== 'funds' && section !== 'assets' && section !== 'resources' && section !== 'debts') return jsonError(404, 'not_found', '没有该数据集 (no such dataset)');
  const period = url.searchParams.get('period') ?? undefined;
  const page = await loadVillagePage(await getDb(), params.code ?? '', period);
  if (!page?.shown) return jsonError(404, 'not_found', '没有该村或该期公开 (no such village or period)');
  const full = periodJson(page.village, page.shown);
  const { content, ...meta } = full;
  return publicJson({ ...meta, [section]: content[section] ?? [] });
};
