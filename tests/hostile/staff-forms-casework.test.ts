/**
 * Hostile input to the staff forms of casework: complaints, zones, direct reporting, reminders and talks, escalated supervision (issue 16 item 3):
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
  console.info(`hostile staff forms (casework): ${harness?.sent} requests`, JSON.stringify(tally));
  await harness?.test.dispose();
});

describe('staff forms: casework', () => {
  for (const route of STAFF_FORM_ROUTES.filter((candidate) => /^(complaints|zones|direct-report|reminders|talks|escalated|integrity)\//.test(candidate.file))) {
    fuzzFormRoute(route, () => ({ harness, fixtures }), 30);
  }
});

describe('accepted input where it is shown again', () => {
  it('runs nothing on the queue, the sent list, the liaison’s reminders, the zones, the integrity list and the audit log', async () => {
    const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
    await expectShownEscaped(harness, [
      { page: page(() => import('../../src/pages/staff/complaints/index.astro')), url: '/staff/complaints?merged=1', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/complaints/sent/index.astro')), url: '/staff/complaints/sent', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/reminders/index.astro')), url: '/staff/reminders', as: 'qianying.jjwy' },
      { page: page(() => import('../../src/pages/staff/zones/index.astro')), url: '/staff/zones', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/integrity/index.astro')), url: '/staff/integrity', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/inbox.astro')), url: '/staff/inbox', as: 'sanghe.cb' },
      { page: page(() => import('../../src/pages/staff/audit/index.astro')), url: '/staff/audit', as: 'sanghe.jw' },
      { page: page(() => import('../../src/pages/staff/complaints/[id]/print/[sheet].astro')), url: `/staff/complaints/${fixtures.complaintId}/print/approval`, params: { id: fixtures.complaintId, sheet: 'approval' }, as: 'sanghe.jw' },
    ]);
  });
});
