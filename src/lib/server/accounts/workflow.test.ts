/**
 * The workflow as townships run it (issue 10 items 1–4): flags answered before each signature, the
 * period over before it is submitted, withdrawal until someone signs, the agency approving or
 * returning, the commission supervising with opinions it cannot sign, each village's cadence, and
 * major matters disclosed at once. Every command is tried by the wrong people and in the wrong
 * state, and where two people can act at once, in both orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { majorMatters, supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { answerEveryFlag, signOff } from '../../../../tests/support/ledgers.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { createUser } from '../auth/users.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import type { Actor } from '../result.ts';
import { setVillageCadence } from './cadence.ts';
import {
  addFundEntry,
  answerFlags,
  approveDisclosure,
  COUNTERSIGN_CHECKLIST,
  countersignDisclosure,
  getDisclosure,
  openDraft,
  openingBalanceOf,
  returnDisclosure,
  setOpeningBalance,
  submitDisclosure,
  withdrawDisclosure,
} from './disclosures.ts';
import { listPublishedMajorMatters, publishMajorMatter, reportMajorMatter } from './major-matters.ts';
import { listOverdueVillages } from './overdue.ts';
import { ledgerOverviewPage } from './overview.ts';
import { answerOpinion, listOpenOpinions, listOpinions, raiseOpinion } from './supervision.ts';

// 青禾县 (no demo ledgers): 青禾村 and 李家堡村 in 青禾镇, 麦田村 in 麦田乡.
const QINGHE = '990123001201';
const LIJIAPU = '990123001202';
const MAITIAN = '990123002201';
let test: TestDatabase;
const people: Record<'cadre' | 'supervisor' | 'agency' | 'agency2' | 'otherAgency' | 'commission' | 'otherCommission', Actor> = {} as never;

beforeAll(async () => {
  test = await createTestDatabase();
  const accounts = [
    ['cadre', 'qinghe.kj', 'cadre', QINGHE],
    ['supervisor', 'qinghe.jd', 'supervisor', QINGHE],
    ['agency', 'qinghezhen.jgz', 'agency', '990123001000'],
    ['agency2', 'qinghezhen.jgz2', 'agency', '990123001000'],
    ['otherAgency', 'maitian.jgz', 'agency', '990123002000'],
    ['commission', 'qinghe.jw', 'commission', '990123000000'],
    ['otherCommission', 'liugang.jw', 'commission', '990122000000'],
  ] as const;
  for (const [key, username, role, scopeCode] of accounts) {
    const created = await createUser(test.db, null, { username, displayName: username, role, scopeCode, password: 'workflow-test-password-7' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    people[key] = { id: created.value.id, username, role, scopeCode };
  }
});
afterAll(async () => test?.dispose());

const entry = (overrides: Record<string, unknown> = {}) => ({
  entryDate: '2025-02-10',
  direction: 'expense',
  amountFen: 300_000,
  subject: '公益支出',
  summary: '购买村内路灯灯泡',
  counterparty: '青禾镇五金店',
  voucherNo: '记-2025Q1-001',
  method: 'transfer',
  decisionRef: null,
  ...overrides,
});

async function open(village: string, period: string, actor: Actor | null = null): Promise<number> {
  const opened = await openDraft(test.db, actor, village, period, '2026-11-26');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  return opened.value.id;
}

const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(test.db, query))[0]!.n;
const auditCount = () => count(sql`select count(*)::int as n from audit_events`);
const rowLock = (id: number) => (tx: DbOrTx) => tx.select().from(disclosures).where(eq(disclosures.id, id)).for('update');

describe('before submitting: the period over, every flag answered', () => {
  let id = 0;
  beforeAll(async () => {
    id = await open(QINGHE, '2025-Q1');
    // A cash payment without a voucher number: two flags (noVoucher, largeCash).
    expect((await addFundEntry(test.db, people.cadre, { disclosureId: id, entry: entry({ method: 'cash', voucherNo: null }) })).ok).toBe(true);
  });

  it('refuses a submission before the period has ended (Asia/Shanghai)', async () => {
    const early = await submitDisclosure(test.db, people.cadre, { disclosureId: id }, '2025-03-31');
    expect(early.ok === false && early.errors.form).toMatch(/2025-03-31才结束/);
    expect(await getDisclosure(test.db, id)).toMatchObject({ status: 'draft' });
  });

  it('refuses a submission while a flag is unanswered, and says how many', async () => {
    const refused = await submitDisclosure(test.db, people.cadre, { disclosureId: id });
    expect(refused.ok === false && refused.errors.flags).toMatch(/还有2条提示没有说明/);
  });

  it('checks each answer, and refuses a flag the period does not have', async () => {
    const short = await answerFlags(test.db, people.cadre, { disclosureId: id, answers: [{ key: 'noVoucher:fund-1', body: '好' }] });
    expect(short.ok === false && short.errors['answer-0']).toMatch(/至少写4个字/);
    const unknown = await answerFlags(test.db, people.cadre, { disclosureId: id, answers: [{ key: 'noDecision:fund-9', body: '已经补开会议决议' }] });
    expect(unknown.ok === false && unknown.errors.form).toMatch(/提示已经变化/);
    const before = await auditCount();
    for (const outsider of [people.supervisor, people.agency, people.commission, { ...people.cadre, scopeCode: LIJIAPU }]) {
      expect((await answerFlags(test.db, outsider, { disclosureId: id, answers: [{ key: 'noVoucher:fund-1', body: '凭证在镇三资中心' }] })).ok).toBe(false);
    }
    expect(await auditCount()).toBe(before);
  });

  it('submits once the cadre has answered both, and keeps the answers for the signers after', async () => {
    const answered = await answerEveryFlag(test.db, id, 'cadre', people.cadre);
    expect(answered).toEqual({ ok: true, value: { written: 2 } });
    expect(await answerEveryFlag(test.db, id, 'cadre', people.cadre)).toEqual({ ok: true, value: { written: 0 } }); // unchanged: not written again
    expect((await submitDisclosure(test.db, people.cadre, { disclosureId: id })).ok).toBe(true);
    expect(await count(sql`select count(*)::int as n from flag_answers where disclosure_id = ${id} and role = 'cadre'`)).toBe(2);
    expect(await count(sql`select count(*)::int as n from audit_events where action = 'disclosure.flagsAnswered' and subject_id = ${String(id)}`)).toBe(1);
  });

  it('keeps the cadre from answering again once submitted', async () => {
    expect((await answerEveryFlag(test.db, id, 'cadre', people.cadre)).ok).toBe(false);
  });

  it('has the committee tick every checklist item and answer the flags itself before countersigning', async () => {
    const unticked = await countersignDisclosure(test.db, people.supervisor, { disclosureId: id, checked: ['vouchers', 'cash'] });
    expect(unticked.ok === false && unticked.errors.checklist).toMatch(/四项/);
    const unanswered = await countersignDisclosure(test.db, people.supervisor, { disclosureId: id, checked: COUNTERSIGN_CHECKLIST });
    expect(unanswered.ok === false && unanswered.errors.flags).toMatch(/还有2条/);
    expect((await answerEveryFlag(test.db, id, 'supervisor', people.supervisor)).ok).toBe(true);
    expect((await countersignDisclosure(test.db, people.cadre, { disclosureId: id, checked: COUNTERSIGN_CHECKLIST })).ok).toBe(false);
    expect((await countersignDisclosure(test.db, people.supervisor, { disclosureId: id, checked: COUNTERSIGN_CHECKLIST })).ok).toBe(true);
  });

  it('keeps flag answers append-only in the database', async () => {
    await expect(test.db.execute(sql`delete from flag_answers`)).rejects.toThrow();
    await expect(test.db.execute(sql`update flag_answers set body = 'x'`)).rejects.toThrow();
  });
});

describe('withdrawing a submission', () => {
  it('lets the cadre withdraw what no one has signed, and no one else', async () => {
    const id = await open(QINGHE, '2025-Q2');
    expect((await withdrawDisclosure(test.db, people.cadre, { disclosureId: id })).ok).toBe(false); // a draft
    expect((await signOff(test.db, id, 'submitted')).ok).toBe(true);
    for (const other of [people.supervisor, people.agency, people.commission]) {
      expect(await withdrawDisclosure(test.db, other, { disclosureId: id })).toMatchObject({ ok: false, status: 403 });
    }
    expect((await withdrawDisclosure(test.db, people.cadre, { disclosureId: id })).ok).toBe(true);
    expect(await getDisclosure(test.db, id)).toMatchObject({ status: 'draft', submittedAt: null });
    expect(await count(sql`select count(*)::int as n from disclosure_events where disclosure_id = ${id} and kind = 'withdrawn'`)).toBe(1);
    expect((await signOff(test.db, id, 'countersigned')).ok).toBe(true);
    const late = await withdrawDisclosure(test.db, people.cadre, { disclosureId: id });
    expect(late.ok === false && late.errors.form).toMatch(/尚未签核/);
  });

  for (const first of ['withdraw', 'countersign'] as const) {
    it(`gives one outcome when the cadre withdraws as the committee countersigns (${first} first)`, async () => {
      const id = await open(QINGHE, first === 'withdraw' ? '2025-Q3' : '2025-Q4');
      expect((await signOff(test.db, id, 'submitted')).ok).toBe(true);
      const withdraw = () => withdrawDisclosure(test.db, people.cadre, { disclosureId: id });
      const countersign = () => countersignDisclosure(test.db, people.supervisor, { disclosureId: id, checked: COUNTERSIGN_CHECKLIST });
      const [a, b] = first === 'withdraw' ? await raceBehindLock(test, rowLock(id), withdraw, countersign) : await raceBehindLock(test, rowLock(id), countersign, withdraw);
      expect([a.ok, b.ok]).toEqual([true, false]);
      expect(await getDisclosure(test.db, id)).toMatchObject({ status: first === 'withdraw' ? 'draft' : 'countersigned' });
    });
  }
});

describe('the township agency approves; the commission cannot', () => {
  it('refuses approval and return by the commission, another township’s agency and the village, writing nothing', async () => {
    const id = await open(LIJIAPU, '2025-Q1');
    expect((await signOff(test.db, id, 'countersigned')).ok).toBe(true);
    const before = await auditCount();
    for (const actor of [people.commission, people.otherCommission, people.otherAgency, people.cadre, people.supervisor]) {
      expect(await approveDisclosure(test.db, actor, { disclosureId: id })).toMatchObject({ ok: false });
      expect(await returnDisclosure(test.db, actor, { disclosureId: id, reason: '请补充三月份的会议决议' })).toMatchObject({ ok: false, status: 403 });
    }
    expect(await auditCount()).toBe(before);
    const approved = await approveDisclosure(test.db, people.agency, { disclosureId: id });
    expect(approved.ok).toBe(true);
    expect(await getDisclosure(test.db, id)).toMatchObject({ status: 'published', publishedBy: people.agency.id });
  });

  for (const first of ['approve', 'return'] as const) {
    it(`gives one outcome when one agency officer approves as another returns (${first} first)`, async () => {
      const id = await open(LIJIAPU, first === 'approve' ? '2025-Q2' : '2025-Q3');
      expect((await signOff(test.db, id, 'countersigned')).ok).toBe(true);
      const approve = () => approveDisclosure(test.db, people.agency, { disclosureId: id });
      const send = () => returnDisclosure(test.db, people.agency2, { disclosureId: id, reason: '第1条支出缺少验收单' });
      const [a, b] = first === 'approve' ? await raceBehindLock(test, rowLock(id), approve, send) : await raceBehindLock(test, rowLock(id), send, approve);
      expect([a.ok, b.ok]).toEqual([true, false]);
      expect(await getDisclosure(test.db, id)).toMatchObject({ status: first === 'approve' ? 'published' : 'draft' });
      if (first === 'return') expect((await signOff(test.db, id, 'published', people.agency)).ok).toBe(true); // the chain goes on
    });
  }
});

describe('the opening balance follows the calendar', () => {
  it('is entered for the first period, provisional while the previous one is unpublished, fixed at publication', async () => {
    const q1 = await open(MAITIAN, '2025-Q1');
    expect((await setOpeningBalance(test.db, null, { disclosureId: q1, openingBalanceFen: 1_000_000 })).ok).toBe(true);
    expect((await addFundEntry(test.db, null, { disclosureId: q1, entry: entry({ direction: 'income', subject: '补助收入', amountFen: 500_000, summary: '上级拨付村级组织运转经费', counterparty: '麦田乡财政所' }) })).ok).toBe(true);
    const q2 = await open(MAITIAN, '2025-Q2');
    expect(await openingBalanceOf(test.db, (await getDisclosure(test.db, q1))!)).toEqual({ openingBalanceFen: 1_000_000, source: { kind: 'entered' } });
    expect(await openingBalanceOf(test.db, (await getDisclosure(test.db, q2))!)).toEqual({ openingBalanceFen: 1_500_000, source: { kind: 'provisional', from: '2025-Q1' } });
    const second = await setOpeningBalance(test.db, null, { disclosureId: q2, openingBalanceFen: 5 });
    expect(second.ok === false && second.errors.openingBalance).toMatch(/自动结转/);
    // Publishing the later period first is refused: its opening balance is not settled yet.
    expect((await signOff(test.db, q2, 'countersigned')).ok).toBe(true);
    const early = await approveDisclosure(test.db, people.otherAgency, { disclosureId: q2 });
    expect(early.ok === false && early.errors.form).toMatch(/上一期（2025-Q1）尚未公开/);
    expect((await signOff(test.db, q1, 'published', people.otherAgency)).ok).toBe(true);
    expect(await openingBalanceOf(test.db, (await getDisclosure(test.db, q2))!)).toEqual({ openingBalanceFen: 1_500_000, source: { kind: 'carried', from: '2025-Q1' } });
    expect((await approveDisclosure(test.db, people.otherAgency, { disclosureId: q2 })).ok).toBe(true);
    expect(await getDisclosure(test.db, q2)).toMatchObject({ openingBalanceFen: 1_500_000 });
    expect((await openingBalanceOf(test.db, (await getDisclosure(test.db, q2))!)).source).toEqual({ kind: 'fixed' });
  });
});

describe('supervision opinions', () => {
  let id = 0;
  beforeAll(async () => {
    id = await open(LIJIAPU, '2025-Q4');
    expect((await addFundEntry(test.db, null, { disclosureId: id, entry: entry({ entryDate: '2025-11-03' }) })).ok).toBe(true);
  });
  const body = '第1条路灯采购未见询价记录，请三资代理服务中心核实采购程序';

  it('lets a commission in scope raise one, on a draft or an entry, and no one else', async () => {
    const before = await auditCount();
    for (const actor of [people.agency, people.cadre, people.supervisor, people.otherCommission]) {
      expect(await raiseOpinion(test.db, actor, { disclosureId: id, body, dueOn: '2026-12-20' }, '2026-12-02')).toMatchObject({ ok: false, status: 403 });
    }
    expect(await auditCount()).toBe(before);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ body: '请核实' }, 'opinion', /至少10个字/],
      [{ dueOn: '2026-12-02' }, 'dueOn', /明天到90天/],
      [{ dueOn: '2027-06-01' }, 'dueOn', /明天到90天/],
      [{ dueOn: '12月20日' }, 'dueOn', /日期/],
      [{ lineNo: 7 }, 'lineNo', /没有第7条/],
    ];
    for (const [change, field, message] of cases) {
      const refused = await raiseOpinion(test.db, people.commission, { disclosureId: id, body, dueOn: '2026-12-20', ...change } as never, '2026-12-02');
      expect(refused.ok === false && refused.errors[field], field).toMatch(message);
    }
    expect((await raiseOpinion(test.db, people.commission, { disclosureId: id, lineNo: 1, body, dueOn: '2026-12-20' }, '2026-12-02')).ok).toBe(true);
    expect(await count(sql`select count(*)::int as n from audit_events where action = 'disclosure.opinionRaised'`)).toBe(1);
  });

  it('is overdue once its day has passed unanswered', async () => {
    const [opinion] = (await listOpinions(test.db, [id], '2026-12-21')).get(id)!;
    expect(opinion).toMatchObject({ lineNo: 1, body, dueOn: '2026-12-20', answer: null, overdue: true, raisedBy: 'qinghe.jw' });
    expect((await listOpinions(test.db, [id], '2026-12-20')).get(id)![0]!.overdue).toBe(false);
    expect(await listOpenOpinions(test.db, '990123001000', '2026-12-21')).toMatchObject([{ disclosureId: id, period: '2025-Q4', villageName: '李家堡村', overdue: true }]);
    expect(await listOpenOpinions(test.db, '990123002000', '2026-12-21')).toEqual([]);
  });

  it('puts the village, its periods, open opinions and cadence on the overview of the agency and the commission only', async () => {
    const url = 'http://localhost/staff/ledgers/villages';
    const agencyView = await ledgerOverviewPage(test.db, people.agency, new Request(url), '2026-12-21');
    if (agencyView.kind !== 'page') throw new Error(agencyView.kind);
    const lijiapu = agencyView.rows.find((row) => row.code === LIJIAPU)!;
    expect(lijiapu).toMatchObject({ name: '李家堡村', cadence: 'quarterly', cadenceSet: false, openOpinions: 1, overdueOpinions: 1, current: { period: '2026-Q4', disclosure: null } });
    expect(agencyView.rows.every((row) => row.code.startsWith('990123001'))).toBe(true);
    expect(agencyView.maySetCadence).toBe(true);
    expect(agencyView.openOpinions).toHaveLength(1);
    const county = await ledgerOverviewPage(test.db, people.commission, new Request(url), '2026-12-21');
    expect(county.kind === 'page' && county.maySetCadence).toBe(false);
    expect((await ledgerOverviewPage(test.db, people.otherCommission, new Request(url))).kind === 'page').toBe(true);
    for (const actor of [people.cadre, people.supervisor]) expect((await ledgerOverviewPage(test.db, actor, new Request(url))).kind).toBe('forbidden');
    const post = () => new Request(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `village=${LIJIAPU}&cadence=monthly` });
    expect((await ledgerOverviewPage(test.db, people.commission, post())).kind).toBe('forbidden');
    expect((await ledgerOverviewPage(test.db, people.otherAgency, post())).kind).toBe('forbidden');
  });

  it('is answered once, by the township agency only; two answers at once give one', async () => {
    const [row] = await test.db.select().from(supervisionOpinions);
    for (const actor of [people.commission, people.otherAgency, people.cadre]) {
      expect(await answerOpinion(test.db, actor, { opinionId: row!.id, body: '已核实，补做了三家询价，记录附后' })).toMatchObject({ ok: false, status: 403 });
    }
    expect((await answerOpinion(test.db, people.agency, { opinionId: row!.id, body: '好的' })).ok).toBe(false);
    const lock = (tx: DbOrTx) => tx.select().from(supervisionOpinions).where(eq(supervisionOpinions.id, row!.id)).for('update');
    const [a, b] = await raceBehindLock(
      test,
      lock,
      () => answerOpinion(test.db, people.agency, { opinionId: row!.id, body: '已核实：采购时做了三家询价，询价单补附在1号凭证后' }),
      () => answerOpinion(test.db, people.agency2, { opinionId: row!.id, body: '已核实，采购程序合规，无需整改' }),
    );
    expect([a.ok, b.ok]).toEqual([true, false]);
    expect(b.ok === false && b.errors.answer).toMatch(/已经答复/);
    expect(await listOpenOpinions(test.db, '990123001000', '2026-12-21')).toEqual([]);
    const [opinion] = (await listOpinions(test.db, [id], '2026-12-21')).get(id)!;
    expect(opinion).toMatchObject({ overdue: false, answer: { body: '已核实：采购时做了三家询价，询价单补附在1号凭证后', by: 'qinghezhen.jgz' } });
  });

  it('keeps opinions and answers append-only', async () => {
    await expect(test.db.execute(sql`update supervision_opinions set body = 'x'`)).rejects.toThrow();
    await expect(test.db.execute(sql`delete from opinion_answers`)).rejects.toThrow();
  });
});

describe('each village’s cadence', () => {
  it('is set by its township agency only, and decides what its cadre opens and when it is late', async () => {
    const before = await auditCount();
    for (const actor of [people.commission, people.otherAgency, people.cadre]) {
      expect(await setVillageCadence(test.db, actor, { villageCode: QINGHE, cadence: 'monthly' })).toMatchObject({ ok: false, status: 403 });
    }
    expect((await setVillageCadence(test.db, people.agency, { villageCode: QINGHE, cadence: 'weekly' })).ok).toBe(false);
    expect((await setVillageCadence(test.db, people.agency, { villageCode: '990123001000', cadence: 'monthly' })).ok).toBe(false); // a township
    expect(await auditCount()).toBe(before);
    expect(await setVillageCadence(test.db, people.agency, { villageCode: QINGHE, cadence: 'monthly' })).toEqual({ ok: true, value: { changed: true } });
    expect(await setVillageCadence(test.db, people.agency, { villageCode: QINGHE, cadence: 'monthly' })).toEqual({ ok: true, value: { changed: false } });
    const quarter = await openDraft(test.db, people.cadre, QINGHE, '2026-Q3', '2026-11-26');
    expect(quarter.ok === false && quarter.errors.period).toMatch(/按月公开/);
    const overlapping = await openDraft(test.db, people.cadre, QINGHE, '2025-03', '2026-11-26');
    expect(overlapping.ok === false && overlapping.errors.period).toMatch(/重叠/);
    expect((await openDraft(test.db, people.cadre, QINGHE, '2026-10', '2026-11-26')).ok).toBe(true);
    // Monthly: October is due by 15 November; the quarterly villages' Q3 was due by 20 October.
    const late = await listOverdueVillages(test.db, '990123000000', '2026-11-26');
    const qinghe = late.villages.find((v) => v.code === QINGHE)!;
    expect(qinghe).toMatchObject({ period: '2026-10', status: 'draft', daysLate: 11 });
    expect(late.villages.find((v) => v.code === MAITIAN)).toMatchObject({ period: '2026-Q3', status: 'missing', daysLate: 37 });
  });
});

describe('major matters, disclosed at once', () => {
  it('are reported by the cadre from a draft, published when the committee countersigns, then frozen', async () => {
    const id = await open(MAITIAN, '2026-Q3');
    expect((await addFundEntry(test.db, null, { disclosureId: id, entry: entry({ entryDate: '2026-08-20', amountFen: 6_800_000, summary: '村道硬化工程进度款', counterparty: '麦田乡宏达建筑队', decisionRef: '麦田村〔2026〕3号', voucherNo: '记-2026Q3-004' }) })).ok).toBe(true);
    for (const actor of [people.supervisor, people.agency, people.commission]) {
      expect(await reportMajorMatter(test.db, actor, { disclosureId: id, lineNo: 1 })).toMatchObject({ ok: false, status: 403 });
    }
    expect((await reportMajorMatter(test.db, null, { disclosureId: id, lineNo: 9 })).ok).toBe(false);
    const reported = await reportMajorMatter(test.db, null, { disclosureId: id, lineNo: 1 });
    expect(reported.ok).toBe(true);
    if (!reported.ok) return;
    const again = await reportMajorMatter(test.db, null, { disclosureId: id, lineNo: 1 });
    expect(again.ok === false && again.errors.form).toMatch(/已经报告/);
    expect(await listPublishedMajorMatters(test.db, MAITIAN)).toEqual([]);
    for (const actor of [people.cadre, people.agency, people.commission, people.supervisor]) {
      // 青禾村's committee is not 麦田村's.
      expect(await publishMajorMatter(test.db, actor, { noticeId: reported.value.id })).toMatchObject({ ok: false, status: 403 });
    }
    const [a, b] = await raceBehindLock(
      test,
      (tx) => tx.select().from(majorMatters).where(eq(majorMatters.id, reported.value.id)).for('update'),
      () => publishMajorMatter(test.db, null, { noticeId: reported.value.id }),
      () => publishMajorMatter(test.db, null, { noticeId: reported.value.id }),
    );
    expect([a.ok, b.ok]).toEqual([true, false]);
    const [notice] = await listPublishedMajorMatters(test.db, MAITIAN);
    expect(notice).toMatchObject({ amountFen: 6_800_000, summary: '村道硬化工程进度款', decisionRef: '麦田村〔2026〕3号', status: 'published' });
    await expect(test.db.execute(sql`update major_matters set amount_fen = 1`)).rejects.toThrow();
    await expect(test.db.execute(sql`delete from major_matters`)).rejects.toThrow();
    // Not while the period is under review.
    expect((await signOff(test.db, id, 'submitted')).ok).toBe(true);
    expect((await reportMajorMatter(test.db, null, { disclosureId: id, lineNo: 1 })).ok).toBe(false);
  });
});
