/**
 * Hostile parameters against the open-data API (/api/v1/*) and the GET side of the complaint API
 * (issue 16 item 3), as in public-pages.test.ts: every path and query parameter each route reads
 * gets random Unicode, injections, traversal, huge numbers and impossible dates, repeated and
 * unknown parameters. Every answer is below 500; a 4xx is JSON with an error code and a Chinese
 * message; no table changes. The POST side (filing) is in public-forms.test.ts.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/lib/server/db.ts';
import { fileComplaint } from '../../src/lib/server/complaints/filing.ts';
import { createHarness, fuzzGetRoute, type Harness } from '../support/hostile.ts';
import { openDataRoutes } from '../support/hostile-routes.ts';

let harness: Harness;
let livelihoodItem = '';
let receipt = '';
beforeAll(async () => {
  harness = await createHarness();
  livelihoodItem = (await queryRows<{ id: string }>(harness.test.db, sql`select id from subsidy_items order by name limit 1`))[0]!.id;
  const filed = await fileComplaint(harness.test.db, { category: 'assets', areaCode: '990121001201', title: '村集体鱼塘承包费去向不明', content: '村集体鱼塘去年承包出去，承包费一直没有在村务公开栏公布，村民不知道钱去了哪里。', anonymous: true });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  receipt = filed.value.receipt;
});
afterAll(async () => {
  console.info(`hostile open data: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

describe('open data API', () => {
  for (const route of openDataRoutes(() => livelihoodItem, () => receipt)) fuzzGetRoute(route, () => harness, 30);
});
