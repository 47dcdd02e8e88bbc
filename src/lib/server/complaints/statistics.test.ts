import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaintEvents, complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { solveBySubtraction } from '../../../../tests/support/subtraction-attack.ts';
import { todayInShanghai } from '../time.ts';
import { actOnComplaint } from './console.ts';
import { decide } from '../../../../tests/support/complaint-steps.ts';
import { fileComplaint } from './filing.ts';
import { complaintStatistics, countMonthlyFlows, lastClosedMonth, parseStatisticsMonth, type ComplaintStatistics, type Figures } from './statistics.ts';
import { findExposures, SMALL, WITHHELD, type Published, type Relation } from './suppression.ts';

const BEIYUAN = '990100000000';
const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const QINGHE = '990123000000';
const NANYUAN = '990200000000';
const ZAOLIN = '990221000000';

// Villages (and places) of the demo tree.
const QIANYING = '990121001201'; // 桑河镇
const DONGLING = '990121002201'; // 东岭乡
const BAIYANG = '990121003201'; // 白杨乡
const LIUGANG_VILLAGE = '990122001201'; // 柳岗镇
const LUWEIYING = '990122002201'; // 芦苇营乡
const QINGHE_VILLAGE = '990123001201'; // 青禾镇
const MAITIAN = '990123002201'; // 麦田乡

/** "Today" for the fixed-date tests: the last closed month is 2026-11. */
const TODAY = '2026-12-02';

const actor = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: SANGHE };
const base = {
  subjectRole: '村（社区）“两委”干部',
  content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。',
  anonymous: true,
};
const REPLY = '经核实，反映的问题已查清并责令整改，结果已向群众公开。';

let test: TestDatabase;
let serial = 0;

/** Files `count` complaints on `filedOn` and returns their ids. */
async function file(count: number, category: string, areaCode: string, filedOn?: string): Promise<string[]> {
  const titles: string[] = [];
  for (let i = 0; i < count; i++) {
    const title = `统计测试第${++serial}件问题`;
    const result = await fileComplaint(test.db, { ...base, category, areaCode, title }, filedOn ? { today: filedOn } : {});
    if (!result.ok) throw new Error(`filing failed: ${JSON.stringify(result.errors)}`);
    titles.push(title);
  }
  const rows = await test.db.select({ id: complaints.id, title: complaints.title }).from(complaints).where(inArray(complaints.title, titles));
  return titles.map((title) => rows.find((row) => row.title === title)!.id);
}

/** Records an event on a chosen day (the console would stamp today's date). */
async function eventOn(ids: string[], kind: 'accepted' | 'concluded', on: string): Promise<void> {
  for (const id of ids) {
    await test.db.insert(complaintEvents).values({ complaintId: id, on, kind, public: true, text: kind === 'concluded' ? REPLY : null });
    await test.db.update(complaints).set({ status: kind, ...(kind === 'concluded' ? { publicReply: REPLY } : {}) }).where(eq(complaints.id, id));
  }
}

/** Every page of a city for a month, as the public sees them. */
async function cityPages(city: string, counties: string[], month: string, today = TODAY) {
  const cityPage = (await complaintStatistics(test.db, city, { month, today }))!;
  const countyPages = await Promise.all(counties.map(async (code) => (await complaintStatistics(test.db, code, { month, today }))!));
  return { cityPage, countyPages };
}

const MEASURES = ['received', 'accepted', 'concluded'] as const;

/**
 * Rebuilds, from the published pages alone, every figure of one measure and every "total = sum"
 * relation a reader can write down between them (a county's total appears on its own page and in
 * the city's table: it must be the same figure).
 */
function publishedSystem(cityPage: ComplaintStatistics, countyPages: ComplaintStatistics[], measure: (typeof MEASURES)[number]) {
  const view: Published[] = [];
  const cells = new Map<string, number>();
  const cell = (key: string, figures: Figures) => {
    const value = figures[measure];
    const existing = cells.get(key);
    if (existing !== undefined) {
      expect(view[existing], `${key} shows the same figure everywhere`).toBe(value);
      return existing;
    }
    cells.set(key, view.length);
    view.push(value);
    return view.length - 1;
  };
  const relations: Relation[] = [];
  const grand = cell('city', cityPage.totals);
  const categories = cityPage.byCategory.map((entry) => cell(`city|${entry.category}`, entry.figures));
  const rows = cityPage.byCounty.map((entry) => cell(entry.code, entry.figures));
  relations.push({ total: grand, parts: categories }, { total: grand, parts: rows });
  const countyCategories = countyPages.map((page) => {
    const total = cell(page.scope.code, page.totals);
    const byCategory = page.byCategory.map((entry) => cell(`${page.scope.code}|${entry.category}`, entry.figures));
    relations.push({ total, parts: byCategory });
    relations.push({ total, parts: [...page.byTownship.map((entry) => cell(entry.code, entry.figures)), cell(`${page.scope.code}-own`, page.ownLevel!)] });
    return byCategory;
  });
  categories.forEach((total, index) => relations.push({ total, parts: countyCategories.map((row) => row[index]!) }));
  return { view, relations, cells };
}

const SANGHE_MARCH = '2026-03';
const BUSY_JUNE = '2026-06';
let sangheMarch: { qianying: string[]; dongling: string[]; baiyang: string[]; own: string[] };

beforeAll(async () => {
  test = await createTestDatabase();
  actor.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;

  // March 2026, 桑河县 only: 桑河镇 9 (6 village assets, 3 conduct), 东岭乡 3 (items), 白杨乡 8
  // (assets), the county itself 5 (other). One township has a small count.
  sangheMarch = {
    qianying: [...(await file(6, 'assets', QIANYING, '2026-03-02')), ...(await file(3, 'conduct', QIANYING, '2026-03-09'))],
    dongling: await file(3, 'item', DONGLING, '2026-03-16'),
    baiyang: await file(8, 'assets', BAIYANG, '2026-03-23'),
    own: await file(5, 'other', SANGHE, '2026-03-30'),
  };
  // Six of them accepted in April.
  await eventOn(sangheMarch.qianying.slice(0, 6), 'accepted', '2026-04-03');

  // A busy June across the whole of 北原市, every case concluded within June.
  const june: Array<[number, string, string]> = [
    [7, 'assets', QIANYING],
    [6, 'conduct', DONGLING],
    [8, 'assets', LIUGANG_VILLAGE],
    [6, 'conduct', LUWEIYING],
    [9, 'assets', QINGHE_VILLAGE],
    [7, 'conduct', MAITIAN],
    [6, 'other', SANGHE],
    [7, 'other', LIUGANG],
  ];
  for (const [count, category, area] of june) {
    const ids = await file(count, category, area, '2026-06-01');
    await eventOn(ids, 'accepted', '2026-06-05');
    await eventOn(ids, 'concluded', '2026-06-21');
  }

  // 枣林县 (南塬市, a city with one county): a case concluded, reviewed, concluded again.
  const [reviewed] = await file(1, 'conduct', '990221002201', '2026-05-04');
  await eventOn([reviewed!], 'accepted', '2026-05-06');
  await eventOn([reviewed!], 'concluded', '2026-05-20');
});
afterAll(async () => test?.dispose());

describe('closed periods only', () => {
  it('covers the last complete month in Asia/Shanghai and says so', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE, { today: TODAY }))!;
    expect(stats.period).toEqual({ month: '2026-11', from: '2026-11-01', through: '2026-11-30' });
    expect(stats.closedThrough).toBe('2026-11-30');
    expect(stats.byMonth.map((entry) => entry.month)).toEqual([
      '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11',
    ]);
    // Shanghai is 8 hours ahead: at 20:00 UTC on 30 November it is already 1 December there.
    expect(lastClosedMonth(todayInShanghai(new Date('2026-11-30T20:00:00Z')))).toBe('2026-11');
    expect(lastClosedMonth(todayInShanghai(new Date('2026-11-30T15:59:59Z')))).toBe('2026-10');
  });

  it('accepts only months that have ended, and refuses the running month', async () => {
    expect(parseStatisticsMonth(null, TODAY)).toBe('2026-11');
    expect(parseStatisticsMonth('2026-03', TODAY)).toBe('2026-03');
    for (const raw of ['2026-12', '2027-01', '2026-13', '2026-3', '26-03', '1999-12', '2026-03-01', '\u00002026-03']) expect(parseStatisticsMonth(raw, TODAY)).toBeNull();
    await expect(complaintStatistics(test.db, SANGHE, { month: '2026-12', today: TODAY })).rejects.toThrow(RangeError);
  });

  it('does not change today’s published numbers when a complaint is filed, accepted and concluded today', async () => {
    const before = await Promise.all([SANGHE, BEIYUAN, LIUGANG].map((code) => complaintStatistics(test.db, code)));
    // Real today, through the real commands (nothing back-dated).
    const ids = await file(5, 'conduct', DONGLING);
    for (const id of ids.slice(0, 2)) {
      expect((await actOnComplaint(test.db, actor, { complaintId: id, action: 'accept' })).ok).toBe(true);
      await decide(test.db, id, 'conclude', REPLY);
    }
    const after = await Promise.all([SANGHE, BEIYUAN, LIUGANG].map((code) => complaintStatistics(test.db, code)));
    expect(after).toEqual(before);
    // They are counted for their month, which nobody can publish before it ends.
    const running = todayInShanghai().slice(0, 7);
    const flows = await countMonthlyFlows(test.db, BEIYUAN, running, running);
    expect(flows.filter((flow) => flow.place === '990121002' && flow.measure === 'received')).toEqual([{ month: running, place: '990121002', category: 'conduct', channel: 'online', measure: 'received', count: 5, days: 0 }]);
    await expect(complaintStatistics(test.db, SANGHE, { month: running })).rejects.toThrow(RangeError);
  });
});

describe('counting by month (flows)', () => {
  it('counts filings, acceptances and conclusions in the month they happened, by the place they are about', async () => {
    const flows = await countMonthlyFlows(test.db, BEIYUAN, '2026-03', '2026-05');
    const sum = (filter: (flow: (typeof flows)[number]) => boolean) => flows.filter(filter).reduce((acc, flow) => acc + flow.count, 0);
    expect(sum((flow) => flow.month === '2026-03' && flow.measure === 'received')).toBe(25);
    expect(sum((flow) => flow.month === '2026-03' && flow.measure === 'received' && flow.place === '990121000')).toBe(5); // the county itself
    expect(sum((flow) => flow.month === '2026-03' && flow.measure === 'accepted')).toBe(0);
    expect(sum((flow) => flow.month === '2026-04' && flow.measure === 'accepted')).toBe(6);
    expect(sum((flow) => flow.month === '2026-04' && flow.measure === 'received')).toBe(0);
  });

  it('counts a reviewed case again in the month its review is concluded, with days from the filing', async () => {
    const [id] = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.areaCode, '990221002201'))).map((row) => row.id);
    await eventOn([id!], 'accepted', '2026-07-02'); // the review taken up …
    await eventOn([id!], 'concluded', '2026-08-14'); // … and concluded
    const flows = await countMonthlyFlows(test.db, NANYUAN, '2026-05', '2026-08');
    expect(flows.filter((flow) => flow.measure === 'concluded').map((flow) => [flow.month, flow.count, flow.days])).toEqual([
      ['2026-05', 1, 16],
      ['2026-08', 1, 102],
    ]);
  });
});

describe('protection of small counts', () => {
  it('shows 0 exactly like 1–4: a county with no complaint at all is all "<5"', async () => {
    const stats = (await complaintStatistics(test.db, QINGHE, { month: SANGHE_MARCH, today: TODAY }))!;
    expect(stats.totals).toEqual({ received: SMALL, accepted: SMALL, concluded: SMALL, averageDaysToConclude: null });
    expect(stats.byTownship.map((entry) => entry.figures.received)).toEqual([SMALL, SMALL, SMALL]);
    expect(JSON.stringify(stats)).not.toMatch(/"received":0\b/);
  });

  it('masks another township when one township’s count is small and the county total is shown', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE, { month: SANGHE_MARCH, today: TODAY }))!;
    expect(stats.byTownship.map((entry) => entry.name)).toEqual(['桑河镇', '东岭乡', '白杨乡']);
    const townships = [...stats.byTownship.map((entry) => entry.figures.received), stats.ownLevel!.received];
    expect(townships[1]).toBe(SMALL); // 东岭乡: 3
    expect(townships.filter((value) => value === WITHHELD).length).toBeGreaterThanOrEqual(1);
    // Whatever is shown is exact.
    const truth = [9, 3, 8, 5];
    townships.forEach((value, index) => typeof value === 'number' && expect(value).toBe(truth[index]));
    expect(typeof stats.totals.received === 'number' ? stats.totals.received : 25).toBe(25);
  });

  it.each([
    [SANGHE_MARCH, 'a sparse month'],
    ['2026-04', 'a month with acceptances only'],
    [BUSY_JUNE, 'a busy month'],
  ])('lets no reader work out a masked figure from all pages of the city together (%s, %s)', async (month) => {
    const { cityPage, countyPages } = await cityPages(BEIYUAN, [SANGHE, LIUGANG, QINGHE], month);
    for (const measure of MEASURES) {
      const { view, relations } = publishedSystem(cityPage, countyPages, measure);
      expect(solveBySubtraction(view, relations), measure).toEqual(new Map());
      expect(findExposures(view, relations), measure).toEqual([]);
    }
  });

  it('shows exact figures where they protect nobody, with the average days where the concluded count is shown', async () => {
    const { cityPage, countyPages } = await cityPages(BEIYUAN, [SANGHE, LIUGANG, QINGHE], BUSY_JUNE);
    // 56 complaints in June, all concluded 20 days after filing.
    expect(cityPage.totals).toEqual({ received: 56, accepted: 56, concluded: 56, averageDaysToConclude: 20 });
    const everyFigure = [cityPage, ...countyPages].flatMap((page) => [
      page.totals,
      ...(page.ownLevel ? [page.ownLevel] : []),
      ...page.byCategory.map((entry) => entry.figures),
      ...page.byTownship.map((entry) => entry.figures),
      ...page.byCounty.map((entry) => entry.figures),
    ]);
    for (const figures of everyFigure) {
      expect(figures.averageDaysToConclude).toBe(typeof figures.concluded === 'number' ? 20 : null);
    }
    expect(everyFigure.filter((figures) => typeof figures.received === 'number').length).toBeGreaterThan(3);
  });

  it('gives the same figure for a county on the city page, on the county page and in the months table', async () => {
    const { cityPage, countyPages } = await cityPages(BEIYUAN, [SANGHE, LIUGANG, QINGHE], BUSY_JUNE);
    for (const page of countyPages) {
      expect(cityPage.byCounty.find((entry) => entry.code === page.scope.code)!.figures).toEqual(page.totals);
    }
    const november = (await complaintStatistics(test.db, SANGHE, { today: TODAY }))!;
    const juneRow = november.byMonth.find((entry) => entry.month === BUSY_JUNE)!;
    expect(juneRow.figures).toEqual(countyPages[0]!.totals);
    expect(juneRow.byCategory).toEqual(countyPages[0]!.byCategory);
  });
});

describe('scopes', () => {
  it('breaks a city down by county, with no township breakdown and no level of its own', async () => {
    const stats = (await complaintStatistics(test.db, BEIYUAN, { month: BUSY_JUNE, today: TODAY }))!;
    expect(stats.scope).toEqual({ code: BEIYUAN, name: '北原市', level: 'city' });
    expect(stats.byCounty.map((entry) => entry.name)).toEqual(['桑河县', '柳岗县', '青禾县']);
    expect(stats.byTownship).toEqual([]);
    expect(stats.ownLevel).toBeNull();
  });

  it('lists every township of a county and never a village', async () => {
    const stats = (await complaintStatistics(test.db, SANGHE, { month: BUSY_JUNE, today: TODAY }))!;
    expect(stats.byCounty).toEqual([]);
    for (const row of stats.byTownship) expect(row.code).toMatch(/^\d{9}000$/);
    const json = JSON.stringify(stats);
    expect(json).not.toContain(QIANYING);
    expect(json).not.toContain('前营村');
  });

  it('handles a city with a single county', async () => {
    const stats = (await complaintStatistics(test.db, ZAOLIN, { month: '2026-05', today: TODAY }))!;
    expect(stats.totals.received).toBe(SMALL);
    expect(stats.byTownship.map((entry) => entry.name)).toEqual(['枣林镇', '坡头乡']);
  });

  it('answers from memory only while the counts are the same: a late filing in a closed month shows at once', async () => {
    const month = '2025-06';
    const first = (await complaintStatistics(test.db, ZAOLIN, { month, today: TODAY }))!;
    expect(first.totals.received).toBe(SMALL);
    // Same places, day and counts: the very same answer, not computed again.
    expect(await complaintStatistics(test.db, ZAOLIN, { month, today: TODAY })).toBe(first);
    // A complaint entered late with its real filing day (as a direct reporting slip is) changes the month.
    await file(12, 'assets', ZAOLIN, '2025-06-10');
    const after = (await complaintStatistics(test.db, ZAOLIN, { month, today: TODAY }))!;
    expect(after).not.toBe(first);
    expect(after.totals.received).not.toBe(SMALL);
    // Another day is another answer (closedThrough moves with it).
    expect(await complaintStatistics(test.db, ZAOLIN, { month, today: '2026-12-03' })).not.toBe(after);
  });

  it.each([
    ['990121001201', 'a village'],
    ['990121001000', 'a township'],
    ['990000000000', 'a province'],
    ['990199000000', 'an unknown county'],
    ['99012100000', 'a malformed code'],
    ['', 'an empty code'],
  ])('returns undefined for %s (%s)', async (code) => {
    expect(await complaintStatistics(test.db, code, { today: TODAY })).toBeUndefined();
  });
});

describe('by channel (online or a village direct reporting point)', () => {
  it('counts direct reporting point filings as their own channel, suppressed with the rest of the linked tables', async () => {
    const ids = await file(12, 'assets', QIANYING, '2026-10-05');
    await test.db.update(complaints).set({ channel: 'direct_point' }).where(inArray(complaints.id, ids.slice(0, 3)));
    await file(7, 'conduct', LUWEIYING, '2026-10-12');
    const flows = await countMonthlyFlows(test.db, BEIYUAN, '2026-10', '2026-10');
    expect(flows.filter((flow) => flow.channel === 'direct_point').map((flow) => [flow.place, flow.measure, flow.count])).toEqual([['990121001', 'received', 3]]);
    const sanghe = (await complaintStatistics(test.db, SANGHE, { month: '2026-10', today: TODAY }))!;
    const city = (await complaintStatistics(test.db, BEIYUAN, { month: '2026-10', today: TODAY }))!;
    for (const page of [sanghe, city]) {
      // A case opened on a cross-check finding (地地交叉检查) is a channel of its own, none here.
      expect(page.byChannel.map((entry) => entry.channel)).toEqual(['online', 'direct_point', 'cross_check']);
      const [online, direct, crossCheck] = page.byChannel.map((entry) => entry.figures.received);
      expect(direct, page.scope.name).toBe('<5');
      // The small channel cannot be worked out from the total and the other channels.
      expect(findExposures([page.totals.received, online!, direct!, crossCheck!], [{ total: 0, parts: [1, 2, 3] }]), page.scope.name).toEqual([]);
    }
    // Every figure a page shows for a cell is the same wherever the cell appears (city and county pages).
    expect(city.byCounty.find((entry) => entry.code === SANGHE)!.figures).toEqual(sanghe.totals);
  });
});
