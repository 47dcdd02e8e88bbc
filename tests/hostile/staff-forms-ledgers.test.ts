/**
 * Hostile input to the staff forms of village ledgers (workspace, entries, the htmx entry editor, the overview) (issue 16 item 3):
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
  console.info(`hostile staff forms (ledgers): ${harness?.sent} requests`, JSON.stringify(tally));
  await harness?.test.dispose();
});

describe('staff forms: village ledgers', () => {
  for (const route of STAFF_FORM_ROUTES.filter((candidate) => /^(partials\/staff\/)?ledgers\//.test(candidate.file))) {
    fuzzFormRoute(route, () => ({ harness, fixtures }), 30);
  }
});

describe('accepted input where it is shown again', () => {
  it('runs nothing on the overview, the staff home, the audit log and the village page', async () => {
    const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
    await expectShownEscaped(harness, [
      { page: page(() => import('../../src/pages/staff/ledgers/villages.astro')), url: '/staff/ledgers/villages', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/index.astro')), url: '/staff', as: 'sanghe.jgz' },
      { page: page(() => import('../../src/pages/staff/audit/index.astro')), url: '/staff/audit', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/villages/[code]/index.astro')), url: '/villages/990121001201', params: { code: '990121001201' } },
    ]);
  });
});
