/**
 * The staff home's "waiting for you" for each village-accounts role, on the demo data (前营村's
 * 2026-Q3 waits for its committee; only 前营村 has village accounts; 桑河县's villages are late with
 * 2026-Q3, due 2026-10-20).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import type { Actor } from '../result.ts';
import { getDisclosureByPeriod, returnDisclosure } from './disclosures.ts';
import { ledgerWorkWaiting, type LedgerWaitingKind } from './waiting.ts';

const TODAY = '2026-12-02';
let test: TestDatabase;

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return row!;
}

async function waiting(username: string): Promise<Partial<Record<LedgerWaitingKind, number>>> {
  const items = await ledgerWorkWaiting(test.db, await actor(username), TODAY);
  for (const item of items) expect(item.href).toMatch(/^\/staff\/ledgers/);
  return Object.fromEntries(items.map((item) => [item.kind, item.count]));
}

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('what waits for each role in the village accounts', () => {
  it('the committee has a submission to countersign; the cadre who submitted it has nothing', async () => {
    expect(await waiting('qianying.jd')).toEqual({ toCountersign: 1 });
    expect(await waiting('qianying.kj')).toEqual({});
  });

  it('the township agency sees its villages without a supervisor account; the commission its late villages', async () => {
    expect((await waiting('sanghe.jgz')).noSupervisor).toBe(3); // 后营村, 河湾村, 杏园村
    expect((await waiting('dongling.jgz')).noSupervisor).toBe(3); // 东岭乡: no village has accounts
    const county = await waiting('sanghe.jw');
    expect(county.lateVillages).toBeGreaterThanOrEqual(2); // 前营村 (in review) and 河湾村 (not opened) at least
    expect(county.toReview).toBeUndefined(); // reviewing is the agency's, not the commission's
    expect(await waiting('demo.admin')).toEqual({});
  });

  it('a period sent back is the cadre’s again, and ready to submit; the committee’s count drops', async () => {
    const q3 = (await getDisclosureByPeriod(test.db, '990121001201', '2026-Q3'))!;
    expect((await returnDisclosure(test.db, await actor('qianying.jd'), { disclosureId: q3.id, reason: '第5行缺少维修验收单，请补充后重新提交' })).ok).toBe(true);
    expect(await waiting('qianying.kj')).toEqual({ returned: 1, readyToSubmit: 1 });
    expect(await waiting('qianying.jd')).toEqual({});
  });
});
