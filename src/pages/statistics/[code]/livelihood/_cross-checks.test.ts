/**
 * The county's cross-check counts on the livelihood statistics page and in its JSON (issue 14
 * item 6), on the demo data of 桑河县: the standing hits shown exactly (there are more than four),
 * sent and corrected "<5" while fewer than five and the amount recovered withheld with them; once
 * five suspects are closed with a correction, the counts and the amount are published. No name or
 * ID number anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { users } from '../../../../../db/schema/auth.ts';
import { livelihoodHits } from '../../../../../db/schema/livelihood-checks.ts';
import { DEMO_REGISTRIES } from '../../../../../db/seed/demo-livelihood.ts';
import { createPageTester, type PageTester } from '../../../../../tests/support/pages.ts';
import { addDays } from '../../../../lib/server/accounts/supervision.ts';
import { answerSuspect, recordCorrection, reviewSuspect, sendSuspect } from '../../../../lib/server/livelihood/suspects.ts';
import { todayInShanghai } from '../../../../lib/server/time.ts';
import type { Actor } from '../../../../lib/server/result.ts';
import Overview from './index.astro';
import * as overviewApi from '../../../api/v1/statistics/[code]/livelihood/index.ts';

const SANGHE = '990121000000';
let pages: PageTester;
let hitIds: number[] = [];

async function actor(username: string): Promise<Actor & { username: string }> {
  const [row] = await pages.test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
async function json() {
  const response = await overviewApi.GET({ params: { code: SANGHE }, url: new URL(`http://localhost/api/v1/statistics/${SANGHE}/livelihood`) } as never);
  return (await response.json()) as { crossChecks: Record<string, unknown> };
}

beforeAll(async () => {
  pages = await createPageTester();
  hitIds = (await pages.test.db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(and(eq(livelihoodHits.countyCode, SANGHE), isNull(livelihoodHits.clearedAt)))).map((hit) => hit.id);
});
afterAll(async () => pages?.test.dispose());

describe('cross-check counts in the livelihood statistics', () => {
  it('show the standing hits, and mask sent and corrected below five with the amount', async () => {
    expect(hitIds.length).toBeGreaterThanOrEqual(5);
    const { status, html } = await pages.render(Overview, `/statistics/${SANGHE}/livelihood`, { code: SANGHE });
    expect(status).toBe(200);
    const page = text(html);
    expect(page).toContain(`现存比对疑点 ${hitIds.length}`);
    expect(page).toContain('已交部门核查 &lt;5');
    expect(page).toContain('属实并整改办结 &lt;5');
    expect(page).toContain('整改追回金额（元） *');
    expect((await json()).crossChecks).toEqual({ hits: hitIds.length, sent: '<5', corrected: '<5', recoveredFen: '*' });
  });

  it('publish the counts and the amount once five suspects are closed with a correction', async () => {
    const commission = await actor('sanghe.jw');
    const today = todayInShanghai();
    // The demo hits are paid by departments without demo accounts: make one for each, as a county would.
    const departments = new Map<string, Actor & { username: string }>();
    for (const hitId of hitIds.slice(0, 5)) {
      const sent = await sendSuspect(pages.test.db, commission, { hitId, body: '请核实该笔发放是否符合条件，不符合的停发并追回。', dueOn: addDays(today, 15) });
      if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
      const [hit] = await pages.test.db.select({ departmentId: livelihoodHits.departmentId }).from(livelihoodHits).where(eq(livelihoodHits.id, hitId));
      let department = departments.get(hit!.departmentId);
      if (!department) {
        const username = `dept.${departments.size + 1}`;
        await pages.test.db.insert(users).values({ id: crypto.randomUUID(), username, displayName: `发放部门经办人${departments.size + 1}`, role: 'department', scopeCode: SANGHE, departmentId: hit!.departmentId, passwordHash: 'not-a-password' });
        department = await actor(username);
        departments.set(hit!.departmentId, department);
      }
      const steps = [
        await answerSuspect(pages.test.db, department, { suspectId: sent.value.id, answer: 'confirmed', body: '经入户核查，该笔发放不符合条件，情况属实。', evidence: '入户核查记录' }),
        await reviewSuspect(pages.test.db, commission, { suspectId: sent.value.id, decision: 'accept', body: '核查结论属实，请停发并追回。', dueOn: addDays(today, 20) }),
        await recordCorrection(pages.test.db, department, { suspectId: sent.value.id, paymentStopped: 'yes', toRecover: '100', recovered: '100', body: '已停发，多发金额已全部追回入账。' }),
        await reviewSuspect(pages.test.db, commission, { suspectId: sent.value.id, decision: 'accept', body: '整改到位，同意办结。' }),
      ];
      for (const step of steps) if (!step.ok) throw new Error(JSON.stringify(step.errors));
    }
    const page = text((await pages.render(Overview, `/statistics/${SANGHE}/livelihood`, { code: SANGHE })).html);
    expect(page).toContain('已交部门核查 5');
    expect(page).toContain('属实并整改办结 5');
    expect(page).toContain('整改追回金额（元） 500.00');
    expect((await json()).crossChecks).toEqual({ hits: hitIds.length, sent: 5, corrected: 5, recoveredFen: 50_000 });
    const english = (await pages.render(Overview, `/statistics/${SANGHE}/livelihood`, { code: SANGHE }, 'en')).html;
    expect(text(english)).toContain('Confirmed and corrected 5');
    for (const { person } of [...DEMO_REGISTRIES.deaths, ...DEMO_REGISTRIES.officials, ...DEMO_REGISTRIES.vehicles, ...DEMO_REGISTRIES.businesses]) {
      expect(english + page).not.toContain(person.idNumber);
      expect(english + page).not.toContain(person.name);
    }
  });
});
