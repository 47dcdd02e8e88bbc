/**
 * The village overview as the township agency and the county commission use it on the demo data
 * (桑河县: 前营村's 2026-Q3 waits for its committee, 河湾村 has not opened it; only 前营村 has
 * village accounts): lateness, flags of the period in review, missing accounts, the next step,
 * and narrowing a county to one township.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { answerEveryFlag } from '../../../../tests/support/ledgers.ts';
import type { Actor } from '../result.ts';
import { addFundEntry, COUNTERSIGN_CHECKLIST, countersignDisclosure, getDisclosureByPeriod, submitDisclosure, withdrawDisclosure } from './disclosures.ts';
import { ledgerOverviewPage, type OverviewRow } from './overview.ts';

const QIANYING = '990121001201';
const HEWAN = '990121001203';
const TODAY = '2026-12-02'; // 2026-Q3 was due on 2026-10-20
let test: TestDatabase;

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return row!;
}

async function overview(username: string, query = ''): Promise<{ rows: OverviewRow[]; townships: string[]; township: string | null }> {
  const page = await ledgerOverviewPage(test.db, await actor(username), new Request(`http://localhost/staff/ledgers/villages${query}`), TODAY);
  if (page.kind !== 'page') throw new Error(page.kind);
  return { rows: page.rows, townships: page.townships.map((choice) => choice.name), township: page.township };
}

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('the village overview', () => {
  it('shows the township agency each village’s lateness, the flags waiting for the committee and the accounts it lacks', async () => {
    const { rows, townships } = await overview('sanghe.jgz');
    expect(townships).toEqual([]); // a township's agency has nothing to narrow
    expect(rows.map((row) => row.name)).toEqual(['前营村', '后营村', '河湾村', '杏园村']);
    const qianying = rows.find((row) => row.code === QIANYING)!;
    expect(qianying).toMatchObject({ last: { period: '2026-Q3', disclosure: { status: 'submitted' } }, lastDaysLate: 43, missingAccounts: [], next: null });
    expect(qianying.flags).toEqual({ total: 0, unanswered: 0 }); // in review, and clean
    const hewan = rows.find((row) => row.code === HEWAN)!;
    expect(hewan).toMatchObject({ last: { period: '2026-Q3', disclosure: null }, lastDaysLate: 43, flags: null, missingAccounts: ['cadre', 'supervisor'] });
  });

  it('gives the county commission a township filter and a supervision step; an unknown township shows the whole county', async () => {
    const county = await overview('sanghe.jw');
    expect(county.townships).toEqual(expect.arrayContaining(['桑河镇', '东岭乡']));
    expect(county.rows.some((row) => row.code.startsWith('990121002'))).toBe(true);
    const qianying = county.rows.find((row) => row.code === QIANYING)!;
    expect(qianying.next).toMatchObject({ kind: 'supervise' });
    const sanghe = await overview('sanghe.jw', '?township=990121001000');
    expect(sanghe.township).toBe('990121001000');
    expect(sanghe.rows.map((row) => row.name)).toEqual(['前营村', '后营村', '河湾村', '杏园村']);
    for (const query of ['?township=990122001000', "?township=1' or '1'='1", '?township=']) {
      const whole = await overview('sanghe.jw', query);
      expect(whole.township, query).toBeNull();
      expect(whole.rows.length, query).toBe(county.rows.length);
    }
  });

  it('counts a flag the committee has yet to answer; once countersigned, the period is the agency’s to review', async () => {
    const q3 = (await getDisclosureByPeriod(test.db, QIANYING, '2026-Q3'))!;
    const cadre = await actor('qianying.kj');
    expect((await withdrawDisclosure(test.db, cadre, { disclosureId: q3.id })).ok).toBe(true);
    const cash = { entryDate: '2026-09-26', direction: 'expense', amountFen: 320_000, subject: '管理费用', summary: '支付秋收临时帮工工资', counterparty: '前营村村民李秀英等3人', method: 'cash', voucherNo: '记-2026Q3-041' };
    expect((await addFundEntry(test.db, cadre, { disclosureId: q3.id, entry: cash })).ok).toBe(true);
    expect((await answerEveryFlag(test.db, q3.id, 'cadre')).ok).toBe(true);
    expect((await submitDisclosure(test.db, cadre, { disclosureId: q3.id }, TODAY)).ok).toBe(true);
    expect((await overview('sanghe.jgz')).rows.find((row) => row.code === QIANYING)!.flags).toEqual({ total: 1, unanswered: 1 });
    expect((await answerEveryFlag(test.db, q3.id, 'supervisor')).ok).toBe(true);
    expect((await countersignDisclosure(test.db, await actor('qianying.jd'), { disclosureId: q3.id, checked: COUNTERSIGN_CHECKLIST })).ok).toBe(true);
    const qianying = (await overview('sanghe.jgz')).rows.find((row) => row.code === QIANYING)!;
    expect(qianying.next).toEqual({ kind: 'review', disclosureId: q3.id });
    expect(qianying.flags!.unanswered).toBe(0);
    // The commission supervises; it never gets the review step.
    expect((await overview('sanghe.jw')).rows.find((row) => row.code === QIANYING)!.next).toMatchObject({ kind: 'supervise' });
  });
});
