/**
 * Hostile addresses against the staff routes read with GET (issue 16 item 3), here those of
 * complaints, zones, reminders and talks, escalated supervision (the rest: staff-pages.test.ts):
 * pages, the htmx fragment, exports (CSV, XLSX), templates, voucher and attachment downloads and
 * print sheets, each as a demo account that may read it, so that the parameters, not the
 * permission, meet the input. Path parameters (ids, codes, lines, sheet names) and every query
 * parameter the route reads (filters, pages, periods, dates) get the hostile values of
 * tests/support/hostile.ts. Every answer is below 500, a 4xx says why in Chinese, nothing from the
 * address runs, and no row is written.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { createHarness, fuzzGetRoute, type Harness } from '../support/hostile.ts';
import { createStaffFixtures, staffGetRoutes, type StaffFixtures } from '../support/hostile-staff.ts';

let harness: Harness;
let fixtures: StaffFixtures;
beforeAll(async () => {
  harness = await createHarness();
  fixtures = await createStaffFixtures(harness.test.db);
});
afterAll(async () => {
  console.info(`hostile staff pages (casework): ${harness?.sent} requests`);
  await harness?.test.dispose();
});

const CASEWORK = /^\/staff\/(complaints|zones|talks|reminders|integrity|escalated|direct-report)/;

describe('staff pages: complaints, zones, reminders and talks, escalated supervision', () => {
  for (const route of staffGetRoutes(() => fixtures).filter((candidate) => CASEWORK.test(candidate.name))) fuzzGetRoute(route, () => harness, 25);
});
