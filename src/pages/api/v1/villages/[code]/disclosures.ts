import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../../lib/server/http.ts';
import { loadVillagePage } from '../../../../../lib/server/accounts/ledger.ts';

/** GET /api/v1/villages/{code}/disclosures: every published period with its place in the hash chain. */
export const GET: APIRoute = async ({ params }) => {
  const page = await loadVillagePage(await getDb(), params.code ?? '');
  if (!page) return jsonError(404, 'not_found', '没有该村 (no such village)');
  return publicJson({
    apiVersion: 1,
    village: { code: page.village.code, name: page.village.name },
    disclosures: [...page.published].reverse().map((d) => ({
      period: d.period,
      periodStart: d.periodStart,
      periodEnd: d.periodEnd,
      publishedAt: d.publishedAt?.toISOString() ?? null,
      chainSeq: d.chainSeq,
      prevHash: d.prevHash,
      contentHash: d.contentHash,
    })),
  });
};
