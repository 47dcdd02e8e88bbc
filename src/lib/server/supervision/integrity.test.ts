/**
 * The integrity picture and its ranking (integrity.ts) on crafted data: each point of the score is
 * traced to its source row (the flag's period and line, the substantiated case, the overdue
 * opinion, the late period), and a village with many unsubstantiated complaints ranks below one
 * with an unanswered red flag and one substantiated finding — complaint counts alone earn nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { disclosures, fundEntries } from '../../../../db/schema/accounts.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { supervisionActs } from '../../../../db/schema/daily-supervision.ts';
import { flagAnswers, supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { craftHits } from '../../../../tests/support/livelihood-hits.ts';
import { assignLeader, designate } from './escalated.ts';
import { integrityFigures, POINTS, rankVillages, villagePicture } from './integrity.ts';

const SANGHE = '990121000000';
const XINGYUAN = '990121001204'; // many complaints, none substantiated
const SHICAO = '990121002202'; // an unanswered flag and one substantiated finding
const MAJIA = '990121002203'; // an answered flag and an overdue opinion
const TODAY = '2026-12-02';
let test: TestDatabase;
let shicaoPeriod = 0;
let majiaPeriod = 0;
let shicaoDraft = 0;

/** A period with a large cash expense on line 5: submitted (its flags are findings), or still the cadre's draft. */
async function periodWithCash(villageCode: string, amountFen: number, status: 'submitted' | 'draft' = 'submitted', period = '2026-Q3'): Promise<number> {
  const [start, end] = period === '2026-Q3' ? ['2026-07-01', '2026-09-30'] : ['2026-10-01', '2026-12-31'];
  const [row] = await test.db.insert(disclosures).values({ villageCode, period, periodStart: start, periodEnd: end, status }).returning({ id: disclosures.id });
  await test.db.insert(fundEntries).values({ disclosureId: row!.id, lineNo: 5, entryDate: '2026-08-12', direction: 'expense', amountFen, subject: '管理费用', summary: '支付村部维修材料款', counterparty: '桑河镇建材门市部', voucherNo: '记-0815', method: 'cash', decisionRef: '2026年8月村民代表会议' });
  return row!.id;
}

async function concluded(title: string, areaCode: string, finding: 'substantiated' | 'partly' | 'unsubstantiated' | 'unverifiable', category = 'assets') {
  const { id } = await fileCase(test.db, title, { areaCode, category });
  await test.db.update(complaints).set({ status: 'concluded', finding }).where(eq(complaints.id, id));
  return id;
}

beforeAll(async () => {
  test = await createTestDatabase();
  for (let n = 1; n <= 7; n++) await concluded(`杏园村反映${n}：村干部优亲厚友`, XINGYUAN, n % 2 ? 'unsubstantiated' : 'unverifiable', n % 3 ? 'assets' : 'conduct');
  await fileCase(test.db, '杏园村反映8：尚在办理', { areaCode: XINGYUAN });
  shicaoPeriod = await periodWithCash(SHICAO, 350_000);
  // 石槽村's current quarter, still the cadre's draft, has the same large cash payment: not a finding yet.
  shicaoDraft = await periodWithCash(SHICAO, 380_000, 'draft', '2026-Q4');
  await concluded('石槽村反映：机动地承包费去向不明', SHICAO, 'substantiated');
  majiaPeriod = await periodWithCash(MAJIA, 420_000);
  const [flagged] = (await integrityFigures(test.db, SANGHE, [MAJIA], TODAY)).get(MAJIA)!.points.filter((p) => p.source === 'flag');
  expect(flagged).toBeDefined();
  await test.db.insert(flagAnswers).values({ disclosureId: majiaPeriod, flagKey: 'largeCash:fund-5', role: 'cadre', body: '材料款供货方只收现金，已补开收据。' });
  await test.db.insert(supervisionOpinions).values({ disclosureId: majiaPeriod, villageCode: MAJIA, body: '请说明现金付款的原因并补充收据。', dueOn: '2026-11-20' });
});
afterAll(async () => test?.dispose());

describe('the ranking score', () => {
  it('traces each point of a village to its source row', async () => {
    const figures = (await integrityFigures(test.db, SANGHE, [SHICAO, XINGYUAN, MAJIA], TODAY)).get(SHICAO)!;
    expect(figures.points).toEqual(
      expect.arrayContaining([
        { source: 'flag', points: POINTS.unansweredFlag, period: '2026-Q3', disclosureId: shicaoPeriod, kind: 'largeCash', message: { key: 'flags.message.largeCashExpense', vars: expect.objectContaining({ line: 5 }) } },
        expect.objectContaining({ source: 'finding', points: POINTS.substantiated, finding: 'substantiated', caseNumber: expect.stringMatching(/^桑纪举〔\d{4}〕\d+号$/) }),
        { source: 'late', points: POINTS.lateDisclosure, period: '2026-Q3', disclosureId: shicaoPeriod, dueOn: '2026-10-20', status: 'submitted' },
      ]),
    );
    expect(figures.points).toHaveLength(3);
    expect(figures.score).toBe(3 + 5 + 1);
    expect(figures.periods).toEqual([
      { period: '2026-Q4', disclosureId: shicaoDraft, status: 'draft', byKind: {}, returned: 0 },
      { period: '2026-Q3', disclosureId: shicaoPeriod, status: 'submitted', byKind: { largeCash: { total: 1, unanswered: 1 } }, returned: 0 },
    ]);
    expect(figures.complaints).toMatchObject({ total: 1, substantiated: 1, byFinding: { substantiated: 1 } });
  });

  it('scores no flag of a draft: the same cash payment counts once its period is submitted', async () => {
    const before = (await integrityFigures(test.db, SANGHE, [SHICAO], TODAY)).get(SHICAO)!;
    expect(before.points.filter((p) => p.source === 'flag' && p.disclosureId === shicaoDraft)).toEqual([]);
    await test.db.update(disclosures).set({ status: 'submitted' }).where(eq(disclosures.id, shicaoDraft));
    try {
      const after = (await integrityFigures(test.db, SANGHE, [SHICAO], TODAY)).get(SHICAO)!;
      expect(after.points).toContainEqual(expect.objectContaining({ source: 'flag', disclosureId: shicaoDraft, period: '2026-Q4', kind: 'largeCash' }));
      expect(after.score).toBe(before.score + POINTS.unansweredFlag);
    } finally {
      await test.db.update(disclosures).set({ status: 'draft' }).where(eq(disclosures.id, shicaoDraft));
    }
  });

  it('counts the reminders and talks of the last year by category, and scores none of them', async () => {
    const county = await actorOf(test.db, 'sanghe.jw');
    const base = { commissionCode: SANGHE, conductedBy: '县纪委监委第二监督检查室主任', note: '提醒规范村级财务报账', recordedBy: county.id, kind: 'talk' as const };
    await test.db.insert(supervisionActs).values([
      { ...base, id: crypto.randomUUID(), areaCode: MAJIA, heldOn: '2026-11-05', category: 9 },
      { ...base, id: crypto.randomUUID(), areaCode: MAJIA, heldOn: '2026-06-30', category: 9 },
      { ...base, id: crypto.randomUUID(), areaCode: MAJIA, heldOn: '2026-03-02', category: 6, kind: 'reminder' },
      // More than a year ago, and at the township (not the village): neither is counted on the picture.
      { ...base, id: crypto.randomUUID(), areaCode: MAJIA, heldOn: '2025-11-30', category: 9 },
      { ...base, id: crypto.randomUUID(), areaCode: '990121002000', heldOn: '2026-11-05', category: 6 },
    ]);
    const before = (await integrityFigures(test.db, SANGHE, [MAJIA], TODAY)).get(MAJIA)!;
    expect(before.talks).toEqual({ total: 3, byCategory: { 9: 2, 6: 1 }, since: '2025-12-02' });
    expect(before.points.map((p) => p.source)).not.toContain('talk');
    const without = (await integrityFigures(test.db, SANGHE, [SHICAO], TODAY)).get(SHICAO)!;
    expect(without.talks).toEqual({ total: 0, byCategory: {}, since: '2025-12-02' });
    // The score is the sum of the traced points: the talks add nothing to it.
    expect(before.score).toBe(before.points.reduce((sum, p) => sum + p.points, 0));
  });

  it('counts an answered flag as answered and an overdue opinion as +2 with its period', async () => {
    const figures = (await integrityFigures(test.db, SANGHE, [MAJIA], TODAY)).get(MAJIA)!;
    expect(figures.periods[0]!.byKind).toEqual({ largeCash: { total: 1, unanswered: 0 } });
    expect(figures.points.filter((p) => p.source === 'flag')).toEqual([]);
    expect(figures.points).toContainEqual(expect.objectContaining({ source: 'opinion', points: POINTS.overdueOpinion, disclosureId: majiaPeriod, period: '2026-Q3', dueOn: '2026-11-20' }));
    expect(figures.opinions).toEqual({ open: 1, overdue: 1 });
    // Before its due day the opinion is open, not overdue, and earns nothing.
    const earlier = (await integrityFigures(test.db, SANGHE, [MAJIA], '2026-11-10')).get(MAJIA)!;
    expect(earlier.opinions).toEqual({ open: 1, overdue: 0 });
    expect(earlier.points.filter((p) => p.source === 'opinion')).toEqual([]);
  });

  it('gives nothing for the number of complaints: many unsubstantiated ones rank below an unanswered flag and a finding', async () => {
    const ranked = await rankVillages(test.db, SANGHE, TODAY);
    const place = (code: string) => ranked.findIndex((row) => row.village.code === code);
    const xingyuan = ranked[place(XINGYUAN)]!.figures;
    expect(xingyuan.complaints).toMatchObject({ total: 8, open: 1, substantiated: 0, byCategory: { assets: expect.any(Number), conduct: expect.any(Number) } });
    expect(xingyuan.points.every((p) => p.source === 'late')).toBe(true);
    expect(xingyuan.score).toBe(1);
    expect(place(SHICAO)).toBeLessThan(place(XINGYUAN));
    expect(place(MAJIA)).toBeLessThan(place(XINGYUAN));
    expect(ranked.every((row, i) => i === 0 || ranked[i - 1]!.figures.score >= row.figures.score)).toBe(true);
    expect(ranked.every((row) => row.village.code.startsWith('990121'))).toBe(true);
  });

  it('names the 包联 leader of a designated village on its picture', async () => {
    const county = await actorOf(test.db, 'sanghe.jw');
    const town = await actorOf(test.db, 'sanghezhen.jw');
    const done = await designate(test.db, county, { villageCode: XINGYUAN, reason: '群众信访集中，需提级研判', startsOn: '2026-11-01', reviewOn: '2027-04-30' });
    if (!done.ok) throw new Error(JSON.stringify(done.errors));
    expect((await assignLeader(test.db, county, { designationId: done.value.id, leaderId: town.id })).ok).toBe(true);
    const picture = await villagePicture(test.db, XINGYUAN, TODAY);
    expect(picture?.village.name).toBe('杏园村');
    expect(picture?.figures).toMatchObject({ designationId: done.value.id, leader: { id: town.id, name: '桑河镇纪委（演示）' } });
    expect(await villagePicture(test.db, '990121001000', TODAY)).toBeUndefined();
  });
});

describe('the livelihood cross-check hits on the picture', () => {
  const HEWAN = '990121001203'; // no hits of its own: the other village
  let before = new Map<string, number>();
  let order: string[] = [];
  beforeAll(async () => {
    before = new Map([...(await integrityFigures(test.db, SANGHE, [SHICAO, MAJIA, HEWAN], TODAY))].map(([code, figures]) => [code, figures.score]));
    order = (await rankVillages(test.db, SANGHE, TODAY)).map((row) => row.village.code);
    const { flagged, redoDeaths } = await craftHits(test.db, [
      { villageCode: SHICAO, deceased: 2, official: 1, aboveStandard: 1 },
      { villageCode: MAJIA, aboveStandard: 2 },
    ]);
    // A new death registry without one of 石槽村's two: that hit is cleared, the other stands.
    await redoDeaths(flagged.get(SHICAO)!.deceased.slice(0, 1));
  });

  it('counts the standing hits by rule, leaves out cleared hits and other villages’ hits, and scores none of them', async () => {
    const figures = await integrityFigures(test.db, SANGHE, [SHICAO, MAJIA, HEWAN, XINGYUAN], TODAY);
    expect(figures.get(SHICAO)!.hits).toEqual({ total: 3, byRule: { deceased: 1, official: 1, above_standard: 1 } });
    expect(figures.get(MAJIA)!.hits).toEqual({ total: 2, byRule: { above_standard: 2 } });
    expect(figures.get(HEWAN)!.hits).toEqual({ total: 0, byRule: {} });
    for (const code of [SHICAO, MAJIA, HEWAN]) {
      const village = figures.get(code)!;
      expect(village.score, code).toBe(before.get(code));
      expect(village.points.map((p) => p.source as string)).not.toContain('hit');
      expect(village.score).toBe(village.points.reduce((sum, p) => sum + p.points, 0));
    }
  });

  it('does not move a village up the ranked list, which carries the counts', async () => {
    const ranked = await rankVillages(test.db, SANGHE, TODAY);
    const majia = ranked.find((row) => row.village.code === MAJIA)!;
    expect(majia.figures.hits).toEqual({ total: 2, byRule: { above_standard: 2 } });
    // The same order as before the hits were planted: 石槽村 with three hits and 马家村 with two moved nowhere.
    expect(ranked.map((row) => row.village.code)).toEqual(order);
    // 东岭村 and 白杨村 have the demo's hits; each village's hits are its own.
    const total = ranked.reduce((sum, row) => sum + (row.figures.hits?.total ?? 0), 0);
    expect(total).toBeGreaterThanOrEqual(5);
    expect(ranked.find((row) => row.village.code === SHICAO)!.figures.hits!.total).toBe(3);
  });
});
