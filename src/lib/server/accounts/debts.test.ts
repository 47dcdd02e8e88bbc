/**
 * The debts register (债权债务, issue 10 item 6): receivables and payables by counterparty with the
 * date each arose, edited in a draft under its row lock, carried into the next period, flagged when
 * large or old, published with the period inside its hashed content (content version 2) and frozen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { debtItems } from '../../../../db/schema/debts.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { canonicalJson, disclosureContent } from './canonical.ts';
import { deleteLine, getDisclosure, getLines, openDraft, saveDebt } from './disclosures.ts';
import { loadVillagePage } from './ledger.ts';
import { periodFlags } from './period-flags.ts';
import { verifyVillageChain } from './verify.ts';

// 青禾县 (no demo ledgers): 李家堡村 and 青禾村 in 青禾镇.
const LIJIAPU = '990123001202';
const QINGHE = '990123001201';
let test: TestDatabase;
let cadre: Actor;
let otherCadre: Actor;

beforeAll(async () => {
  test = await createTestDatabase();
  const make = async (username: string, scopeCode: string): Promise<Actor> => {
    const created = await createUser(test.db, null, { username, displayName: username, role: 'cadre', scopeCode, password: 'debts-test-password-7' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    return { id: created.value.id, username, role: 'cadre', scopeCode };
  };
  cadre = await make('lijiapu.kj', LIJIAPU);
  otherCadre = await make('qinghe.kj', QINGHE);
});
afterAll(async () => test?.dispose());

const arrears = { kind: 'receivable', counterparty: '李德顺', subject: '应收款', summary: '2023年度南坡果园承包费欠款', amountFen: 1_200_000, incurredOn: '2023-12-31', dueOn: '2025-12-31' };
const compensation = { kind: 'payable', counterparty: '李家堡村二组村民（9户）', subject: '应付款', summary: '村道拓宽占地青苗补偿款未付清', amountFen: 7_350_000, incurredOn: '2025-03-15', dueOn: null };

async function open(period: string): Promise<number> {
  const opened = await openDraft(test.db, null, LIJIAPU, period, '2026-11-26');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  return opened.value.id;
}

describe('the debts register', () => {
  let q2 = 0;
  beforeAll(async () => {
    q2 = await open('2025-Q2');
  });

  it('refuses a debt that breaks the rules, in Chinese and beside its field, writing nothing', async () => {
    expect(await saveDebt(test.db, cadre, { disclosureId: q2, debt: { ...arrears, subject: '应付款' } })).toMatchObject({ ok: false, errors: { subject: '债权的科目应为：应收款、内部往来' } });
    expect(await saveDebt(test.db, cadre, { disclosureId: q2, debt: { ...arrears, dueOn: '2023-01-01' } })).toMatchObject({ ok: false, errors: { dueOn: '约定归还日期不能早于发生日期' } });
    expect(await saveDebt(test.db, cadre, { disclosureId: q2, debt: { ...arrears, amountFen: 0, counterparty: '' } })).toMatchObject({ ok: false, errors: { amountFen: '金额应大于0', counterparty: '请填写债务人或债权人' } });
    expect(await saveDebt(test.db, otherCadre, { disclosureId: q2, debt: arrears })).toMatchObject({ ok: false, status: 403 });
    expect((await getLines(test.db, q2)).debts).toEqual([]);
  });

  it('adds, edits and deletes lines of a draft', async () => {
    expect((await saveDebt(test.db, cadre, { disclosureId: q2, debt: arrears })).ok).toBe(true);
    expect((await saveDebt(test.db, cadre, { disclosureId: q2, debt: compensation })).ok).toBe(true);
    expect((await saveDebt(test.db, cadre, { disclosureId: q2, debt: { ...compensation, counterparty: '误录' } })).ok).toBe(true);
    expect((await deleteLine(test.db, cadre, { disclosureId: q2, kind: 'debt', lineNo: 3 })).ok).toBe(true);
    expect(await deleteLine(test.db, cadre, { disclosureId: q2, kind: 'debt', lineNo: 3 })).toMatchObject({ ok: false, errors: { form: '没有找到该条目' } });
    expect((await saveDebt(test.db, cadre, { disclosureId: q2, lineNo: 2, debt: { ...compensation, amountFen: 7_300_000 } })).ok).toBe(true);
    expect(await saveDebt(test.db, cadre, { disclosureId: q2, lineNo: 9, debt: compensation })).toMatchObject({ ok: false, errors: { form: '没有找到该笔债权债务' } });
    expect((await getLines(test.db, q2)).debts.map((d) => [d.lineNo, d.counterparty, d.amountFen])).toEqual([
      [1, '李德顺', 1_200_000],
      [2, '李家堡村二组村民（9户）', 7_300_000],
    ]);
  });

  it('flags a large debt and an old one (thresholds from the configuration: 50,000 yuan, 3 years)', async () => {
    const flags = await periodFlags(test.db, (await getDisclosure(test.db, q2))!, await getLines(test.db, q2));
    expect(flags.filter((flag) => flag.kind === 'largeDebt' || flag.kind === 'oldDebt').map((flag) => [flag.kind, flag.lines])).toEqual([
      ['largeDebt', [{ kind: 'debt', lineNo: 2 }]],
    ]);
    // Two and a half years later the orchard arrears are old.
    const later = await periodFlags(test.db, { ...(await getDisclosure(test.db, q2))!, periodEnd: '2027-06-30' }, await getLines(test.db, q2));
    expect(later.filter((flag) => flag.kind === 'oldDebt').map((flag) => flag.lines)).toEqual([[{ kind: 'debt', lineNo: 1 }]]);
  });

  it('publishes the register in the hashed content (v2), freezes it, shows it, and carries it into the next draft', async () => {
    expect((await signOff(test.db, q2, 'published')).ok).toBe(true);
    const published = (await getDisclosure(test.db, q2))!;
    expect(published.contentVersion).toBe(2);
    const content = disclosureContent(published, await getLines(test.db, q2));
    expect(content.v).toBe(2);
    expect(content.debts).toEqual([
      { line: 1, kind: 'receivable', counterparty: '李德顺', subject: '应收款', summary: '2023年度南坡果园承包费欠款', amountFen: 1_200_000, incurredOn: '2023-12-31', dueOn: '2025-12-31' },
      { line: 2, kind: 'payable', counterparty: '李家堡村二组村民（9户）', subject: '应付款', summary: '村道拓宽占地青苗补偿款未付清', amountFen: 7_300_000, incurredOn: '2025-03-15', dueOn: null },
    ]);
    expect((await verifyVillageChain(test.db, LIJIAPU)).ok).toBe(true);
    await expect(test.db.update(debtItems).set({ amountFen: 1 }).where(eq(debtItems.disclosureId, q2))).rejects.toThrow();
    expect(await saveDebt(test.db, cadre, { disclosureId: q2, lineNo: 1, debt: arrears })).toMatchObject({ ok: false, errors: { form: '只有草稿状态可以修改；已提交的请等待审核或退回' } });
    expect((await loadVillagePage(test.db, LIJIAPU, '2025-Q2'))!.shown!.lines.debts).toHaveLength(2);

    const q3 = await open('2025-Q3');
    expect((await getLines(test.db, q3)).debts.map((d) => d.counterparty)).toEqual(['李德顺', '李家堡村二组村民（9户）']);
  });

  it('keeps the version-1 form for periods published before the register: no `v`, no `debts`', () => {
    const base = { villageCode: LIJIAPU, period: '2024-Q4', openingBalanceFen: 0 };
    const lines = { funds: [], assets: [], resources: [], debts: [] };
    expect(canonicalJson(disclosureContent({ ...base, contentVersion: 1 }, lines))).toBe('{"assets":[],"funds":[],"openingBalanceFen":0,"period":"2024-Q4","resources":[],"village":"990123001202"}');
    expect(canonicalJson(disclosureContent({ ...base, contentVersion: 2 }, lines))).toBe('{"assets":[],"debts":[],"funds":[],"openingBalanceFen":0,"period":"2024-Q4","resources":[],"v":2,"village":"990123001202"}');
  });
});
