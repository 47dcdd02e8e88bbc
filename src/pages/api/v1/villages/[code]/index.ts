import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../../lib/server/http.ts';
import { loadVillagePage } from '../../../../../lib/server/accounts/ledger.ts';

/** GET /api/v1/villages/{code}: the village, where it sits, and its latest published period's totals. */
export const GET: APIRoute = async ({ params }) => {
  const page = await loadVillagePage(await getDb(), params.code ?? '');
  if (!page) return jsonError(404, 'not_found', '没有该村 (no such village)');
  return publicJson({
    apiVersion: 1,
    village: { code: page.village.code, name: page.village.name, demo: page.village.isDemo },
    areas: page.ancestors.map((a) => ({ code: a.code, level: a.level, name: a.name })),
    latest: page.shown
      ? {
          period: page.shown.disclosure.period,
          openingBalanceFen: Number(page.shown.disclosure.openingBalanceFen),
          incomeFen: page.shown.incomeFen,
          expenseFen: page.shown.expenseFen,
          closingBalanceFen: page.shown.closingBalanceFen,
          // incomeFen / expenseFen are all receipts and payments; the split into 损益 and other cash movements:
          profitLoss: page.shown.breakdown.profitLoss,
          otherMovements: page.shown.breakdown.other,
          contentHash: page.shown.disclosure.contentHash,
        }
      : null,
  });
};
