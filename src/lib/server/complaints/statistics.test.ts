import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, like } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaintEvents, complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-db.ts';
import { todayInShanghai } from '../time.ts';
import { actOnComplaint } from './console.ts';
import { fileComplaint, requestReview } from './filing.ts';
import { complaintStatistics, maskCount } from './statistics.ts';

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const BEIYUAN = '990100000000';

const actor = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: SANGHE };
const base = {
  subjectRole: '村（社区）“两委”干部',
  content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。',
  anonymous: true,
};
const REPLY = '经核实，反映的问题已查清并责令整改，结果已向群众公开。';

let test: TestDatabase;
let serial = 0;

/** Files `count` complaints and returns their ids (looked up by their unique titles). */
async function file(count: number, input: { category: string; areaCode: string }, today?: string): Promise<string[]> {
  const titles: string[] = [];
  for (let i = 0; i < count; i++) {
    const title = `统计测试第${++serial}件问题`;
    const result = await fileComplaint(test.db, { ...base, ...input, title }, today ? { today } : {});
    if (!result.ok) throw new Error(`filing failed: ${JSON.stringify(result.errors)}`);
    titles.push(title);
  }
  const rows = await test.db.select({ id: complaints.id, title: complaints.title }).from(complaints).where(inArray(complaints.title, titles));
  return titles.map((title) => rows.find((row) => row.title === title)!.id);
}

/** Concludes a case on a chosen day (actOnComplaint would stamp today's date). */
async function concludeOn(id: string, on: string): Promise<void> {
  await test.db.insert(complaintEvents).values({ complaintId: id, on, kind: 'concluded', public: true, text: REPLY });
  await test.db.update(complaints).set({ status: 'concluded', publicReply: REPLY }).where(eq(complaints.id, id));
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

const LIUGANG_FILED = '2026-03-10';

beforeAll(async () => {
  test = await createTestDatabase();
  actor.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;

  // 桑河县 / 桑河镇 / 前营村: 7 about village assets, 6 accepted, 5 concluded after 10, 11, 20, 30, 42 days (mean 22.6).
  const assets = await file(7, { category: 'assets', areaCode: '990121001201' }, '2026-03-02');
  for (const id of assets.slice(0, 6)) expect((await actOnComplaint(test.db, actor, id, 'accept', '')).ok).toBe(true);
  const concluded = ['2026-03-12', '2026-03-13', '2026-03-22', '2026-04-01', '2026-04-13'];
  for (const [index, on] of concluded.entries()) await concludeOn(assets[index]!, on);

  // 桑河县 / 东岭乡 (the township itself): 2 about conduct in April, 1 accepted.
  const conduct = await file(2, { category: 'conduct', areaCode: '990121002000' }, '2026-04-15');
  expect((await actOnComplaint(test.db, actor, conduct[0]!, 'accept', '')).ok).toBe(true);

  // 桑河县 / 白杨乡 / 白杨村: 5 about a listed item in May, none taken up yet.
  await file(5, { category: 'item', areaCode: '990121003201' }, '2026-05-20');

  // 桑河县 itself: 1 in July (so June is an empty month in between).
  await file(1, { category: 'other', areaCode: SANGHE }, '2026-07-01');

  // 柳岗县 / 柳岗村: 4, accepted and concluded through the console (stamped today).
  const liugang = await file(4, { category: 'assets', areaCode: '990122001201' }, LIUGANG_FILED);
  for (const id of liugang) {
    expect((await actOnComplaint(test.db, actor, id, 'accept', '')).ok).toBe(true);
    expect((await actOnComplaint(test.db, actor, id, 'conclude', REPLY)).ok).toBe(true);
  }

  // 枣林县 in another city (南塬市).
  await file(3, { category: 'assets', areaCode: '990221001201' }, '2026-03-05');
});
afterAll(async () => test?.dispose());

describe('maskCount', () => {
  it('keeps 0, masks 1–4 as "<5" and shows 5 and more exactly', () => {
    expect(maskCount(0)).toBe(0);
    for (const n of [1, 2, 3, 4]) expect(maskCount(n)).toBe('<5');
    expect(maskCount(5)).toBe(5);
    expect(maskCount(6)).toBe(6);
    expect(maskCount(1234)).toBe(1234);
  });

  it('refuses what is not a count', () => {
    expect(() => maskCount(-1)).toThrow(RangeError);
    expect(() => maskCount(2.5)).toThrow(RangeError);
  });
});

describe('complaint statistics of a county', () => {
  it('counts received, accepted and concluded cases by the area they are about', async () => {
    const stats = await complaintStatistics(test.db, SANGHE);
    expect(stats?.scope).toEqual({ code: SANGHE, name: '桑河县', level: 'county' });
    // 7 + 2 + 5 + 1 received; 6 + 1 accepted; 5 concluded. 柳岗县 and 枣林县 are not counted.
    expect(stats?.totals).toEqual({ received: 15, accepted: 7, concluded: 5, averageDaysToConclude: 22.6 });
  });

  it('breaks down by category in a fixed order, masking small counts', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE))!;
    expect(stats.byCategory).toEqual([
      { category: 'item', figures: { received: 5, accepted: 0, concluded: 0, averageDaysToConclude: null } },
      { category: 'assets', figures: { received: 7, accepted: 6, concluded: 5, averageDaysToConclude: 22.6 } },
      { category: 'conduct', figures: { received: '<5', accepted: '<5', concluded: 0, averageDaysToConclude: null } },
      { category: 'other', figures: { received: '<5', accepted: 0, concluded: 0, averageDaysToConclude: null } },
    ]);
  });

  it('breaks down by filing month, with empty months in between shown as 0', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE))!;
    expect(stats.byMonth.map((entry) => [entry.month, entry.figures.received])).toEqual([
      ['2026-03', 7],
      ['2026-04', '<5'],
      ['2026-05', 5],
      ['2026-06', 0],
      ['2026-07', '<5'],
    ]);
    expect(stats.byMonth[0]!.figures).toEqual({ received: 7, accepted: 6, concluded: 5, averageDaysToConclude: 22.6 });
  });

  it('breaks down by township, every township listed and never a village', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE))!;
    expect(stats.byTownship).toEqual([
      { code: '990121001000', name: '桑河镇', figures: { received: 7, accepted: 6, concluded: 5, averageDaysToConclude: 22.6 } },
      { code: '990121002000', name: '东岭乡', figures: { received: '<5', accepted: '<5', concluded: 0, averageDaysToConclude: null } },
      { code: '990121003000', name: '白杨乡', figures: { received: 5, accepted: 0, concluded: 0, averageDaysToConclude: null } },
    ]);
    for (const row of stats.byTownship) expect(row.code).toMatch(/^\d{9}000$/);
    const json = JSON.stringify(stats);
    expect(json).not.toContain('990121001201');
    expect(json).not.toContain('前营村');
    expect(json).not.toContain('白杨村');
  });

  it('hides an average over fewer than five concluded cases', async () => {
    const stats = (await complaintStatistics(test.db, LIUGANG))!;
    expect(stats.totals).toEqual({ received: '<5', accepted: '<5', concluded: '<5', averageDaysToConclude: null });
    expect(stats.byTownship.map((row) => row.name)).toEqual(['柳岗镇', '芦苇营乡', '三道河乡']);
  });

  it('filters by filing date (inclusive), and refuses malformed dates', async () => {
    expect((await complaintStatistics(test.db, SANGHE, { from: '2026-05-01' }))!.totals.received).toBe(6);
    expect((await complaintStatistics(test.db, SANGHE, { to: '2026-03-02' }))!.totals.received).toBe(7);
    const april = (await complaintStatistics(test.db, SANGHE, { from: '2026-04-01', to: '2026-04-30' }))!;
    expect(april.totals).toEqual({ received: '<5', accepted: '<5', concluded: 0, averageDaysToConclude: null });
    expect(april.byMonth.map((entry) => entry.month)).toEqual(['2026-04']);
    await expect(complaintStatistics(test.db, SANGHE, { from: '2026-02-30' })).rejects.toThrow(RangeError);
  });

  it('shows zeros, not masks, where nothing was filed', async () => {
    const stats = (await complaintStatistics(test.db, '990123000000'))!;
    expect(stats.totals).toEqual({ received: 0, accepted: 0, concluded: 0, averageDaysToConclude: null });
    expect(stats.byMonth).toEqual([]);
    expect(stats.byCategory.every((entry) => entry.figures.received === 0)).toBe(true);
    expect(stats.byTownship).toHaveLength(3);
  });
});

describe('complaint statistics of a city', () => {
  it('adds up its counties, not those of other cities, with no township breakdown', async () => {
    const stats = (await complaintStatistics(test.db, BEIYUAN))!;
    expect(stats.scope).toEqual({ code: BEIYUAN, name: '北原市', level: 'city' });
    // 桑河县: 5 concluded, 113 days in all; 柳岗县: 4 concluded today.
    const liugangDays = daysBetween(LIUGANG_FILED, todayInShanghai());
    const mean = Math.round(((113 + 4 * liugangDays) / 9) * 10) / 10;
    expect(stats.totals).toEqual({ received: 19, accepted: 11, concluded: 9, averageDaysToConclude: mean });
    expect(stats.byCategory.find((entry) => entry.category === 'assets')!.figures).toMatchObject({ received: 11, accepted: 10, concluded: 9 });
    expect(stats.byTownship).toEqual([]);
    expect(stats.byMonth[0]).toEqual({ month: '2026-03', figures: { received: 11, accepted: 10, concluded: 9, averageDaysToConclude: mean } });
  });

  it('counts by the area, not by the commission the case was routed to', async () => {
    // A complaint about a county is routed to the city commission, yet counts for the county.
    const [row] = await test.db.select().from(complaints).where(and(like(complaints.title, '统计测试%'), eq(complaints.areaCode, SANGHE)));
    expect(row?.routedScopeCode).toBe(BEIYUAN);
    expect((await complaintStatistics(test.db, SANGHE))!.byCategory.find((entry) => entry.category === 'other')!.figures.received).toBe('<5');
    expect((await complaintStatistics(test.db, '990200000000'))!.totals.received).toBe('<5');
  });
});

describe('a case reopened by a review', () => {
  it('stays accepted but no longer counts as concluded until the review concludes', async () => {
    const ZAOLIN = '990221000000';
    const filed = await fileComplaint(test.db, { ...base, category: 'conduct', areaCode: '990221002201', title: '统计测试复查的案件' }, { today: '2026-06-01' });
    if (!filed.ok) throw new Error('filing failed');
    const [row] = await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '统计测试复查的案件'));
    expect((await actOnComplaint(test.db, actor, row!.id, 'accept', '')).ok).toBe(true);
    await concludeOn(row!.id, '2026-06-11');
    expect((await complaintStatistics(test.db, ZAOLIN))!.totals).toMatchObject({ accepted: '<5', concluded: '<5' });
    const review = await requestReview(test.db, filed.receipt, '答复没有回应我反映的主要问题，账目仍然没有公开，请上级复查。', '2026-06-20');
    expect(review.ok).toBe(true);
    const stats = (await complaintStatistics(test.db, ZAOLIN))!;
    expect(stats.totals).toMatchObject({ received: '<5', accepted: '<5', concluded: 0 });
    expect(stats.byTownship.find((entry) => entry.code === '990221002000')!.figures).toMatchObject({ accepted: '<5', concluded: 0 });
  });
});

describe('scopes', () => {
  it.each([
    ['990121001201', 'a village'],
    ['990121001000', 'a township'],
    ['990000000000', 'a province'],
    ['990199000000', 'an unknown county'],
    ['99012100000', 'a malformed code'],
    ['', 'an empty code'],
  ])('returns undefined for %s (%s)', async (code) => {
    expect(await complaintStatistics(test.db, code)).toBeUndefined();
  });
});
