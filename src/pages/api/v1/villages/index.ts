import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { jsonError, publicJson } from '../../../../lib/server/http.ts';
import { getCounty } from '../../../../lib/server/areas/index.ts';
import { listCountyVillages, searchVillages } from '../../../../lib/server/accounts/ledger.ts';

/** GET /api/v1/villages?county={code} (grouped by township) or ?q={name} (2+ characters). */
export const GET: APIRoute = async ({ url }) => {
  const db = await getDb();
  const county = url.searchParams.get('county');
  const q = url.searchParams.get('q');
  if (county) {
    const area = await getCounty(db, county);
    if (!area) return jsonError(404, 'not_found', '没有该县 (no such county)');
    const groups = await listCountyVillages(db, area.code);
    return publicJson({
      apiVersion: 1,
      county: { code: area.code, name: area.name },
      villages: groups.flatMap((group) =>
        group.villages.map((v) => ({ code: v.code, name: v.name, townshipCode: group.township.code, townshipName: group.township.name, latestPeriod: v.latestPeriod })),
      ),
    });
  }
  if (q !== null) {
    const hits = await searchVillages(db, q);
    if (hits === 'too-short') return jsonError(400, 'query_too_short', '请至少输入2个字 (at least 2 characters)');
    return publicJson({ apiVersion: 1, villages: hits });
  }
  return jsonError(400, 'missing_parameter', '请提供 county 或 q 参数 (give county or q)');
};
