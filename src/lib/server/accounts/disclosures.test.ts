import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { disclosures, fundEntries } from '../../../../db/schema/accounts.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import {
  addFundEntry,
  countersignDisclosure,
  getDisclosure,
  getDisclosureByPeriod,
  getLines,
  openDraft,
  replaceFundEntries,
  returnDisclosure,
  saveAsset,
  saveResource,
  submitDisclosure,
  totalsOf,
} from './disclosures.ts';
import { GENESIS_HASH } from './canonical.ts';
import { loadVillagePage } from './ledger.ts';
import { loadWorkspace } from './workspace.ts';
import { computeHeadHash, ensureDailyHead, formatVerification, runVerification, verifyVillageChain } from './verify.ts';

// 南窑村 (白杨乡, 桑河县): no demo ledgers, so the periods below are free for this file.
const VILLAGE = '990121003203';
const cadre = { id: null as unknown as string, username: 'test.cadre', role: 'cadre' as const, scopeCode: '990121003202' };
let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  entryDate: '2024-02-10',
  direction: 'income',
  amountFen: 1_200_000,
  subject: '经营收入',
  summary: '收取2024年度南坡果园承包费',
  counterparty: '李德顺（承包户）',
  voucherNo: '记-2024Q1-001',
  method: 'transfer',
  decisionRef: null,
  ...overrides,
});

function publish(id: number) {
  return signOff(test.db, id, 'published');
}

describe('opening a period', () => {
  it.each([
    ['2024-Q5', 'period'],
    ['2024/03', 'period'],
    ['2099-Q1', 'period'],
  ])('refuses period %s', async (period, field) => {
    const result = await openDraft(test.db, null, VILLAGE, period, '2026-11-26');
    expect(result.ok === false && result.errors[field]).toBeTruthy();
  });

  it('refuses an area that is not a village', async () => {
    expect((await openDraft(test.db, null, '990121003000', '2024-Q1')).ok).toBe(false);
  });

  // 柿子沟村 (白杨乡), the import tests' village, in periods they do not use.
  const SHIZIGOU = '990121003202';

  it('opens a period only for someone who may edit the village’s ledger, asked by the domain itself', async () => {
    const outsiders = [
      { ...cadre, scopeCode: '990121003203' }, // another village's cadre
      { ...cadre, role: 'supervisor' as const }, // the village's own supervisor: countersigns, does not open
      { ...cadre, role: 'commission' as const, scopeCode: '990121000000' }, // the county commission reviews
    ];
    for (const actor of outsiders) {
      expect(await openDraft(test.db, actor, SHIZIGOU, '2024-Q2')).toMatchObject({ ok: false, status: 403 });
    }
    expect(await getDisclosureByPeriod(test.db, SHIZIGOU, '2024-Q2')).toBeUndefined();
    const opened = await openDraft(test.db, cadre, SHIZIGOU, '2024-Q2');
    expect(opened.ok).toBe(true);
    const [audit] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events where action = 'disclosure.created' and actor_name = 'test.cadre' and scope_code = ${SHIZIGOU}`);
    expect(audit!.n).toBe(1);
  });

  it('opens a period once when two people open it at the same moment', async () => {
    const [one, two] = await Promise.all([openDraft(test.db, cadre, SHIZIGOU, '2024-Q3'), openDraft(test.db, null, SHIZIGOU, '2024-Q3')]);
    expect([one.ok, two.ok].sort()).toEqual([false, true]);
    const refused = one.ok ? two : one;
    expect(refused.ok === false && refused.errors.period).toMatch(/已建立公开/);
    const [row] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from disclosures where village_code = ${SHIZIGOU} and period = '2024-Q3'`);
    expect(row!.n).toBe(1);
  });
});

describe('the disclosure workflow and the hash chain', () => {
  let q1 = 0;
  let q2 = 0;

  it('records entries only inside the period and with matching subjects', async () => {
    const opened = await openDraft(test.db, null, VILLAGE, '2024-Q1');
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    q1 = opened.value.id;
    expect((await openDraft(test.db, null, VILLAGE, '2024-Q1')).ok).toBe(false);
    const outside = await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ entryDate: '2024-04-01' }) });
    expect(outside.ok === false && outside.errors.entryDate).toMatch(/本期/);
    const mismatch = await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ subject: '管理费用' }) });
    expect(mismatch.ok === false && mismatch.errors.subject).toMatch(/不一致/);
    const zero = await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ amountFen: 0 }) });
    expect(zero.ok).toBe(false);
    expect(await addFundEntry(test.db, null, { disclosureId: q1, entry: entry() })).toEqual({ ok: true, value: { lineNo: 1 } });
    expect(await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ direction: 'expense', subject: '公益支出', amountFen: 350_000, summary: '维修村东机井水泵', counterparty: '桑河县白杨农机修理部', voucherNo: '记-2024Q1-002' }) })).toEqual({ ok: true, value: { lineNo: 2 } });
    expect((await saveAsset(test.db, null, { disclosureId: q1, asset: { name: '村东机井', assetType: '农业基础设施', quantity: 1, unit: '眼', originalValueFen: 4_500_000, acquiredOn: '2015-05-01', location: '村东大田', useStatus: '自用', bookAmountFen: 4_500_000, actualAmountFen: 4_500_000 } })).ok).toBe(true);
    expect((await saveResource(test.db, null, { disclosureId: q1, resource: { name: '南坡果园', landClass: '园地', areaMu: 36.5, location: '村南坡', contractor: '李德顺', termStart: '2020-01-01', termEnd: '2029-12-31', annualFeeFen: 1_200_000, awardMethod: '公开招标', feeStatus: 'paid', arrearsFen: 0 } })).ok).toBe(true);
  });

  it('lets the supervisor return a submitted period with a reason, back to draft', async () => {
    expect((await countersignDisclosure(test.db, null, { disclosureId: q1 })).ok).toBe(false); // not submitted yet
    expect((await submitDisclosure(test.db, null, { disclosureId: q1 })).ok).toBe(true);
    expect((await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ voucherNo: 'x' }) })).ok).toBe(false); // frozen while in review
    const noReason = await returnDisclosure(test.db, null, { disclosureId: q1, reason: '' });
    expect(noReason.ok === false && noReason.errors.reason).toBeTruthy();
    expect((await returnDisclosure(test.db, null, { disclosureId: q1, reason: '2号凭证缺少维修验收单，请补附后再提交' })).ok).toBe(true);
    const returned = await getDisclosure(test.db, q1);
    expect(returned).toMatchObject({ status: 'draft', returnReason: '2号凭证缺少维修验收单，请补附后再提交' });
  });

  it('publishes the first period onto the genesis hash', async () => {
    const result = await publish(q1);
    expect(result.ok).toBe(true);
    const published = await getDisclosure(test.db, q1);
    expect(published).toMatchObject({ status: 'published', chainSeq: 1, prevHash: GENESIS_HASH, openingBalanceFen: 0 });
    expect(published!.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('carries assets and contracts forward and chains the next period, with the closing balance as opening', async () => {
    const opened = await openDraft(test.db, null, VILLAGE, '2024-Q2');
    if (!opened.ok) throw new Error('open failed');
    q2 = opened.value.id;
    const lines = await getLines(test.db, q2);
    expect(lines.assets.map((a) => a.name)).toEqual(['村东机井']);
    expect(lines.resources.map((r) => r.name)).toEqual(['南坡果园']);
    const [firstEntry] = await test.db.select().from(fundEntries).where(eq(fundEntries.disclosureId, q1));
    const correction = await addFundEntry(test.db, null, { disclosureId: q2, entry: entry({ entryDate: '2024-04-08', direction: 'expense', subject: '其他支出', amountFen: 100, summary: '更正：1号凭证承包费多记1元', voucherNo: '记-2024Q2-001', adjustsEntryId: firstEntry!.id }) });
    expect(correction.ok).toBe(true);
    const result = await publish(q2);
    expect(result.ok).toBe(true);
    const [first, second] = [await getDisclosure(test.db, q1), await getDisclosure(test.db, q2)];
    expect(second).toMatchObject({ chainSeq: 2, prevHash: first!.contentHash, openingBalanceFen: 1_200_000 - 350_000 });
    expect(totalsOf((await getLines(test.db, q2)).funds)).toEqual({ incomeFen: 0, expenseFen: 100 });
  });

  it('shows the next draft, the public page and the published chain the same closing balance', async () => {
    const opened = await openDraft(test.db, null, VILLAGE, '2024-Q3');
    if (!opened.ok) throw new Error('open failed');
    const workspace = (await loadWorkspace(test.db, opened.value.id, false))!;
    const page = (await loadVillagePage(test.db, VILLAGE, '2024-Q2'))!;
    expect(page.shown!.closingBalanceFen).toBe(1_200_000 - 350_000 - 100);
    expect(workspace.totals).toEqual({ openingBalanceFen: page.shown!.closingBalanceFen, incomeFen: 0, expenseFen: 0, closingBalanceFen: page.shown!.closingBalanceFen });
  });

  it('refuses to publish an earlier period after a later one', async () => {
    const late = await openDraft(test.db, null, VILLAGE, '2023-Q4');
    if (!late.ok) throw new Error('open failed');
    const result = await publish(late.value.id);
    expect(result.ok === false && result.errors.form).toMatch(/更晚/);
  });

  it('has the database refuse any change to published data', async () => {
    expect(await databaseError(test.db.update(disclosures).set({ returnReason: 'x' }).where(eq(disclosures.id, q1)))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.delete(disclosures).where(eq(disclosures.id, q1)))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.update(fundEntries).set({ amountFen: 1 }).where(eq(fundEntries.disclosureId, q1)))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.delete(fundEntries).where(eq(fundEntries.disclosureId, q1)))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`insert into fund_entries (disclosure_id, line_no, entry_date, direction, amount_fen, subject, summary, counterparty, method) values (${q1}, 99, '2024-03-01', 'income', 1, '其他收入', 'x', 'x', 'cash')`))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`truncate fund_entries`))).toMatch(/cannot (be )?truncate/); // the trigger, or first the foreign key from attachments
    expect(await databaseError(test.db.execute(sql`delete from disclosure_events`))).toMatch(/append-only/);
  });

  it('verifies the chain, and detects a row altered with the triggers bypassed', async () => {
    expect((await verifyVillageChain(test.db, VILLAGE)).ok).toBe(true);
    const headBefore = await computeHeadHash(test.db);
    await test.db.transaction(async (tx) => {
      // What a superuser with direct database access could do.
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update fund_entries set amount_fen = amount_fen + 100000 where disclosure_id = ${q1} and line_no = 2`);
    });
    const report = await verifyVillageChain(test.db, VILLAGE);
    expect(report.ok).toBe(false);
    expect(report.periods[0]).toMatchObject({ period: '2024-Q1', ok: false });
    expect(report.periods[0]!.problem).toEqual({ key: 'verify.problem.content' });
    expect(report.periods[1]!.ok).toBe(true); // the later period still links to the stored hash
    // What `npm run verify-ledgers` prints and how it exits.
    const cli = await runVerification(test.db);
    expect(cli.ok).toBe(false);
    expect(formatVerification(cli)).toMatch(new RegExp(`BROKEN ${VILLAGE} 2024-Q1 \\(#1\\): Content differs from its hash at publication`));
    expect(formatVerification(cli)).toMatch(/^FAILED: /m);
    // The head hash covers stored hashes, so it does not move; the recomputation is what catches it.
    expect((await computeHeadHash(test.db)).headHash).toBe(headBefore.headHash);
  });

  it('stores one head hash per day that never changes', async () => {
    const first = await ensureDailyHead(test.db, '2026-11-26');
    const again = await ensureDailyHead(test.db, '2026-11-26');
    expect(again).toEqual(first);
    expect(await databaseError(test.db.execute(sql`update chain_heads set head_hash = 'x'`))).toMatch(/append-only/);
  });
});

describe('importing a funds ledger', () => {
  it('replaces the draft ledger all-or-nothing', async () => {
    const opened = await openDraft(test.db, null, '990121003202', '2024-Q1');
    if (!opened.ok) throw new Error('open failed');
    const id = opened.value.id;
    expect((await addFundEntry(test.db, null, { disclosureId: id, entry: entry({ voucherNo: 'keep-1' }) })).ok).toBe(true);
    const bad = await replaceFundEntries(test.db, cadre, { disclosureId: id, rows: [entry({ voucherNo: 'a' }), entry({ entryDate: '2025-01-01', voucherNo: 'b' })] as never });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ row: 3 });
    expect((await getLines(test.db, id)).funds.map((f) => f.voucherNo)).toEqual(['keep-1']);
    const good = await replaceFundEntries(test.db, cadre, { disclosureId: id, rows: Array.from({ length: 1200 }, (_, i) => entry({ voucherNo: `记-${i}`, amountFen: 100 + i })) as never });
    expect(good).toEqual({ ok: true, value: { count: 1200 } });
    const funds = (await getLines(test.db, id)).funds;
    expect(funds).toHaveLength(1200);
    expect(totalsOf(funds).incomeFen).toBe(Array.from({ length: 1200 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0));
  });
});

describe('an edit and a submit at the same moment', () => {
  // 南窑村 again, in 2025: each case opens its own period.
  const RACE_VILLAGE = VILLAGE;
  const raceCadre = { id: null as unknown as string, username: 'test.cadre', role: 'cadre' as const, scopeCode: RACE_VILLAGE };
  const lateEntry = (entryDate: string) => entry({ entryDate, voucherNo: '记-迟到-001', summary: '补记：收取村东鱼塘承包费' });
  const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(test.db, query))[0]!.n;

  async function openRacePeriod(period: string): Promise<number> {
    const opened = await openDraft(test.db, null, RACE_VILLAGE, period);
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    return opened.value.id;
  }

  /** Runs the two commands concurrently, `first` ahead of the other (see tests/support/race.ts). */
  async function race(id: number, entryDate: string, first: 'edit' | 'submit') {
    const edit = () => addFundEntry(test.db, raceCadre, { disclosureId: id, entry: lateEntry(entryDate) });
    const submit = () => submitDisclosure(test.db, raceCadre, { disclosureId: id });
    const lock = (tx: DbOrTx) => tx.select().from(disclosures).where(eq(disclosures.id, id)).for('update');
    if (first === 'edit') {
      const [edited, submitted] = await raceBehindLock(test, lock, edit, submit);
      return { edit: edited, submit: submitted };
    }
    const [submitted, edited] = await raceBehindLock(test, lock, submit, edit);
    return { edit: edited, submit: submitted };
  }

  it('refuses the edit when the submit takes the period first, so nothing lands in a submitted period', async () => {
    const id = await openRacePeriod('2025-Q1');
    const { edit, submit } = await race(id, '2025-02-15', 'submit');
    expect(submit.ok).toBe(true);
    expect(edit.ok === false && edit.errors.form).toMatch(/只有草稿状态可以修改/);
    expect(await getDisclosure(test.db, id)).toMatchObject({ status: 'submitted' });
    expect((await getLines(test.db, id)).funds).toHaveLength(0);
  });

  it('lets the edit land when it takes the period first, and the submit then carries it', async () => {
    const id = await openRacePeriod('2025-Q2');
    const { edit, submit } = await race(id, '2025-05-15', 'edit');
    expect(edit).toEqual({ ok: true, value: { lineNo: 1 } });
    expect(submit.ok).toBe(true);
    expect(await getDisclosure(test.db, id)).toMatchObject({ status: 'submitted' });
    expect((await getLines(test.db, id)).funds.map((f) => f.summary)).toEqual(['补记：收取村东鱼塘承包费']);
  });

  it('writes an event and an audit row with each edit, in the same transaction', async () => {
    const id = await openRacePeriod('2025-Q3');
    const added = await addFundEntry(test.db, raceCadre, { disclosureId: id, entry: entry({ entryDate: '2025-08-15' }) });
    expect(added.ok).toBe(true);
    // A refused edit (date outside the period) leaves no trace.
    const refused = await addFundEntry(test.db, raceCadre, { disclosureId: id, entry: entry({ entryDate: '2025-01-01' }) });
    expect(refused.ok).toBe(false);
    expect(await count(sql`select count(*)::int as n from disclosure_events where disclosure_id = ${id} and kind = 'edited'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_events where action = 'disclosure.edited' and subject_id = ${String(id)}`)).toBe(1);
  });

  it('refuses an edit by a cadre of another village, checked inside the lock', async () => {
    const id = await openRacePeriod('2025-Q4');
    const other = { ...raceCadre, scopeCode: '990121003201' }; // 白杨村's cadre
    const refused = await addFundEntry(test.db, other, { disclosureId: id, entry: entry({ entryDate: '2025-11-15' }) });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect((await getLines(test.db, id)).funds).toHaveLength(0);
  });
});
