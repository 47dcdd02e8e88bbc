/**
 * Hostile input to the staff forms of accounts, county lists and livelihood funds (issue 16 item 3):
 * every POST route of the authorization matrix in this group, signed in as an account allowed to
 * use it. See fuzzFormRoute (tests/support/hostile-staff.ts) for what each run sends and expects.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createHarness, expectShownEscaped, type Harness } from '../support/hostile.ts';
import { createStaffFixtures, fuzzFormRoute, STAFF_FORM_ROUTES, tally, type StaffFixtures } from '../support/hostile-staff.ts';

let harness: Harness;
let fixtures: StaffFixtures;
beforeAll(async () => {
  harness = await createHarness();
  fixtures = await createStaffFixtures(harness.test.db);
});
afterAll(async () => {
  console.info(`hostile staff forms (accounts, lists, livelihood): ${harness?.sent} requests`, JSON.stringify(tally));
  await harness?.test.dispose();
});

describe('staff forms: accounts, county lists, livelihood funds', () => {
  for (const route of STAFF_FORM_ROUTES.filter((candidate) => /^(password|inbox|users|lists|livelihood)\//.test(candidate.file) || /^(password|inbox)\.astro/.test(candidate.file))) {
    fuzzFormRoute(route, () => ({ harness, fixtures }), 30);
  }
});

describe('accepted input where it is shown again', () => {
  it('runs nothing on the public county list and its items, the livelihood statistics, the village page and the staff lists', async () => {
    const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
    await expectShownEscaped(harness, [
      { page: page(() => import('../../src/pages/counties/[code]/index.astro')), url: '/counties/990121000000', params: { code: '990121000000' } },
      { page: page(() => import('../../src/pages/counties/[code]/items/[item].astro')), url: '/counties/990121000000/items/DF-01', params: { code: '990121000000', item: 'DF-01' } },
      { page: page(() => import('../../src/pages/counties/[code]/changes.astro')), url: '/counties/990121000000/changes', params: { code: '990121000000' } },
      { page: page(() => import('../../src/pages/statistics/[code]/livelihood/index.astro')), url: '/statistics/990121000000/livelihood', params: { code: '990121000000' } },
      { page: page(() => import('../../src/pages/villages/[code]/index.astro')), url: '/villages/990121001201', params: { code: '990121001201' } },
      { page: page(() => import('../../src/pages/staff/users/index.astro')), url: '/staff/users?disabled=1', as: 'demo.admin' },
      { page: page(() => import('../../src/pages/staff/audit/index.astro')), url: '/staff/audit', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/livelihood/hits/index.astro')), url: '/staff/livelihood/hits', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/livelihood/suspects/index.astro')), url: '/staff/livelihood/suspects?show=all', as: 'sanghe.jw' },
    ]);
  });
});
