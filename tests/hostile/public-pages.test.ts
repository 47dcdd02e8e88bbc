/**
 * Hostile addresses against every public page (issue 16 item 3): each route's path parameters and
 * query parameters get random Unicode (RTL, zero-width, NUL and other controls, lone surrogates,
 * emoji), SQL and HTML injection, path traversal (plain and percent-encoded), huge and malformed
 * numbers, impossible and far-off dates and periods, repeated and unknown parameters and raw
 * percent signs, through the real middleware. Every answer is below 500, a 4xx says why in
 * Chinese, an HTML page runs nothing from the address and keeps the strict CSP, and no table
 * changes (a GET writes nothing). Run alone: `npx vitest run tests/hostile`.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/lib/server/db.ts';
import { createHarness, fuzzGetRoute, type Harness } from '../support/hostile.ts';
import { publicPageRoutes } from '../support/hostile-routes.ts';

let harness: Harness;
let livelihoodItem = '';
beforeAll(async () => {
  harness = await createHarness();
  livelihoodItem = (await queryRows<{ id: string }>(harness.test.db, sql`select id from subsidy_items order by name limit 1`))[0]!.id;
});
afterAll(async () => {
  console.info(`hostile public pages: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

describe('public pages', () => {
  for (const route of publicPageRoutes(() => livelihoodItem)) fuzzGetRoute(route, () => harness, 30);
});
