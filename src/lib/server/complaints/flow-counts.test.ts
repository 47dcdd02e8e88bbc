/**
 * complaint_flow_counts, the statistics' monthly counts kept by triggers (migration 0040), against
 * the from-scratch query countMonthlyFlows used to run (tests/support/complaint-flows-oracle.ts):
 * random sequences of filings, acceptances and conclusions (repeated in a month or not, one row or
 * many per statement), and the rarer rewrites (a case moved, a step changed or deleted, a case
 * deleted) must always leave the kept counts equal to the recount. Each sequence runs in a
 * transaction that is rolled back, so sequences are independent and fast-check can shrink them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { countMonthlyFlowsFromScratch } from '../../../../tests/support/complaint-flows-oracle.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { countMonthlyFlows } from './statistics.ts';
import { fileComplaint } from './filing.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

/** Places of the demo tree, in two cities: villages, a township itself and a county itself. */
const PLACES = [
  '990121001201', // 桑河镇前营村
  '990121001000', // 桑河镇
  '990121002201', // 东岭乡
  '990121000000', // 桑河县本级
  '990122001201', // 柳岗镇
  '990123002201', // 麦田乡
  '990221002201', // 南原市枣林县
] as const;
const CATEGORIES = ['item', 'assets', 'conduct', 'other'] as const;
const CHANNELS = ['online', 'direct_point', 'cross_check'] as const;
/** Scopes compared after every sequence: the province, both cities, a county, a township. */
const SCOPES = ['990000000000', '990100000000', '990200000000', '990121000000', '990121001000'];
const FIRST_MONTH = '2024-11';
const LAST_MONTH = '2025-05';
/** Filings fall in Nov 2024 – Feb 2025 (before the demo's months), steps up to 80 days later. */
const BASE_DAY = Date.UTC(2024, 10, 1);
const dayAfter = (offset: number) => new Date(BASE_DAY + offset * 86_400_000).toISOString().slice(0, 10);
const CONTENT = '村里的低保名单里有村干部的亲属，家里开着小卖部还有车，群众意见很大，请核查。';

let serial = 0;

interface Filing {
  place: number;
  category: number;
  channel: number;
  day: number;
}

type Op =
  | { op: 'file'; filings: Filing[] }
  | { op: 'step'; steps: Array<{ case: number; kind: 'accepted' | 'concluded' | 'note'; after: number }> }
  | { op: 'move'; case: number; place: number; category: number; channel: number; day: number }
  | { op: 'restep'; case: number; kind: 'accepted' | 'concluded' | 'note'; shift: number }
  | { op: 'unstep'; case: number }
  | { op: 'delete'; case: number };

const filing = fc.record({ place: fc.nat(PLACES.length - 1), category: fc.nat(3), channel: fc.nat(2), day: fc.nat(119) });
const kind = fc.constantFrom('accepted' as const, 'concluded' as const, 'note' as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('file' as const), filings: fc.array(filing, { minLength: 1, maxLength: 3 }) }) },
  // Few cases and days close together: the same case is often accepted or concluded twice in a month.
  { weight: 6, arbitrary: fc.record({ op: fc.constant('step' as const), steps: fc.array(fc.record({ case: fc.nat(20), kind, after: fc.nat(80) }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('move' as const), case: fc.nat(20), place: fc.nat(PLACES.length - 1), category: fc.nat(3), channel: fc.nat(2), day: fc.nat(119) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restep' as const), case: fc.nat(20), kind, shift: fc.integer({ min: -40, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unstep' as const), case: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), case: fc.nat(20) }) },
);

/**
 * Files straight into the table, as any write path would (the console, an import, the scale
 * loader's COPY): the triggers are what is tested, not the filing code. One INSERT for all.
 */
async function insertComplaints(tx: DbOrTx, filings: Filing[]): Promise<string[]> {
  const rows = filings.map((entry) => {
    const n = ++serial;
    const area = PLACES[entry.place]!;
    const county = area.slice(0, 6).padEnd(12, '0');
    const filed = dayAfter(entry.day);
    return {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      sql: sql`(${`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`}, ${`flow-hmac-${n}`}, ${CATEGORIES[entry.category]!}, ${area}, ${county}, ${filed}, ${`低保优亲厚友问题${n}`}, ${CONTENT}, ${filed}, true, ${CHANNELS[entry.channel]!}, ${county}, 1990, ${n}, '测')`,
    };
  });
  await tx.execute(sql`insert into complaints (id, receipt_hmac, category, area_code, routed_scope_code, arrived_on, title, content, filed_on, anonymous, channel, case_scope_code, case_year, case_seq, case_prefix)
    values ${sql.join(
      rows.map((row) => row.sql),
      sql`, `,
    )}`);
  return rows.map((row) => row.id);
}

async function apply(tx: DbOrTx, ops: Op[]): Promise<void> {
  const cases: Array<{ id: string; filed: number }> = [];
  const pick = (index: number) => (cases.length === 0 ? undefined : cases[index % cases.length]);
  for (const op of ops) {
    if (op.op === 'file') {
      const ids = await insertComplaints(tx, op.filings);
      ids.forEach((id, index) => cases.push({ id, filed: op.filings[index]!.day }));
    } else if (op.op === 'step') {
      const values = op.steps.flatMap((step) => {
        const target = pick(step.case);
        return target ? [sql`(${target.id}, 0, ${dayAfter(target.filed + step.after)}, ${step.kind}, true, null)`] : [];
      });
      if (values.length > 0) await tx.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values ${sql.join(values, sql`, `)}`);
    } else if (op.op === 'move') {
      const target = pick(op.case);
      if (!target) continue;
      // A move, and a filing day after some of its steps: the rule counts whatever is stored.
      await tx.execute(sql`update complaints set area_code = ${PLACES[op.place]!}, category = ${CATEGORIES[op.category]!}, channel = ${CHANNELS[op.channel]!}, filed_on = ${dayAfter(op.day)} where id = ${target.id}`);
      target.filed = op.day;
    } else if (op.op === 'restep') {
      const target = pick(op.case);
      if (!target) continue;
      // Every step of the case at once: one UPDATE statement over several rows.
      await tx.execute(sql`update complaint_events set kind = case when seq % 2 = 0 then ${op.kind} else kind end, "on" = "on" + ${op.shift}::int where complaint_id = ${target.id} and kind <> 'received'`);
    } else if (op.op === 'unstep') {
      const target = pick(op.case);
      if (!target) continue;
      await tx.execute(sql`delete from complaint_events where complaint_id = ${target.id} and seq = (select max(seq) from complaint_events where complaint_id = ${target.id})`);
    } else {
      const index = cases.length === 0 ? -1 : op.case % cases.length;
      if (index < 0) continue;
      const [target] = cases.splice(index, 1);
      await tx.execute(sql`delete from complaint_events where complaint_id = ${target!.id}`);
      await tx.execute(sql`delete from complaints where id = ${target!.id}`);
    }
  }
}

class RolledBack extends Error {}

/** Runs `body` in a transaction that is always rolled back; returns what it returned. */
async function inRolledBack<T>(body: (tx: DbOrTx) => Promise<T>): Promise<T> {
  let result!: T;
  await test.db
    .transaction(async (tx) => {
      result = await body(tx);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return result;
}

async function keptAndRecounted(tx: DbOrTx) {
  const kept = await Promise.all(SCOPES.map((scope) => countMonthlyFlows(tx, scope, FIRST_MONTH, LAST_MONTH)));
  const recounted = await Promise.all(SCOPES.map((scope) => countMonthlyFlowsFromScratch(tx, scope, FIRST_MONTH, LAST_MONTH)));
  return { kept, recounted };
}

describe('complaint_flow_counts (kept by triggers)', () => {
  it('always equals the from-scratch count, whatever was filed, accepted, concluded, moved or deleted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const { kept, recounted } = await inRolledBack(async (tx) => {
          await apply(tx, ops);
          return keptAndRecounted(tx);
        });
        expect(kept).toEqual(recounted);
      }),
      { numRuns: test.driver === 'pglite' ? 60 : 40 },
    );
  });

  it('counts a case accepted twice in a month once, with the days to the later acceptance', async () => {
    const flows = await inRolledBack(async (tx) => {
      const [id] = await insertComplaints(tx, [{ place: 0, category: 1, channel: 0, day: 2 }]); // 3 Nov 2024
      for (const on of ['2024-11-05', '2024-11-20', '2024-11-12', '2024-12-01']) {
        await tx.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id!}, 0, ${on}, 'accepted', true, null)`);
      }
      return countMonthlyFlows(tx, '990121001000', '2024-11', '2024-12');
    });
    expect(flows.filter((flow) => flow.measure === 'accepted').map((flow) => [flow.month, flow.count, flow.days])).toEqual([
      ['2024-11', 1, 17],
      ['2024-12', 1, 28],
    ]);
  });

  it('would notice a missed count: the comparison fails when a trigger is off', async () => {
    const { kept, recounted } = await inRolledBack(async (tx) => {
      await tx.execute(sql`alter table complaint_events disable trigger complaint_flows_stepped`);
      const [id] = await insertComplaints(tx, [{ place: 2, category: 2, channel: 1, day: 10 }]);
      await tx.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id!}, 0, '2024-11-15', 'concluded', true, null)`);
      return keptAndRecounted(tx);
    });
    expect(kept).not.toEqual(recounted);
  });

  it('drops the acceptances and conclusions with complaint_events when it is truncated', async () => {
    // (TRUNCATE complaints is refused: it cascades to attachments, which cannot be truncated.)
    const { kept, recounted, steps } = await inRolledBack(async (tx) => {
      const [id] = await insertComplaints(tx, [{ place: 0, category: 0, channel: 0, day: 0 }]);
      await tx.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id!}, 0, '2024-11-02', 'accepted', true, null)`);
      await tx.execute(sql`truncate complaint_events`);
      const steps = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from complaint_flow_counts where measure <> 'received' and count <> 0`);
      return { ...(await keptAndRecounted(tx)), steps };
    });
    expect(steps).toEqual([{ n: 0 }]);
    expect(kept).toEqual(recounted);
  });

  it('keeps no village below the township: a village scope is refused', async () => {
    await expect(countMonthlyFlows(test.db, '990121001201', FIRST_MONTH, LAST_MONTH)).rejects.toThrow(RangeError);
  });
});

/** Resolves once `waiting` sessions of this test's database wait for a lock (PostgreSQL). */
async function lockWaiters(waiting: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const [row] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (row!.n >= waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${waiting} session(s) waiting for a lock`);
}

/**
 * Two transactions at once on one cell: `first` runs and stays open, `second` starts and (on
 * PostgreSQL) has to wait for the cell `first` holds; then both commit. PGlite has one connection,
 * so there the two run one after the other.
 */
async function together(first: (tx: DbOrTx) => Promise<unknown>, second: (tx: DbOrTx) => Promise<unknown>): Promise<void> {
  if (test.driver === 'pglite') {
    await test.db.transaction(first);
    await test.db.transaction(second);
    return;
  }
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let done!: () => void;
  const wrote = new Promise<void>((resolve) => (done = resolve));
  const one = test.db.transaction(async (tx) => {
    await first(tx);
    done();
    await held;
  });
  await wrote;
  const two = test.db.transaction(second);
  await lockWaiters(1);
  release();
  await Promise.all([one, two]);
}

async function cell(month: string, place: string, category: string, channel: string, measure: string) {
  const [row] = await queryRows<{ count: number; days: number }>(
    test.db,
    sql`select count, days::int as days from complaint_flow_counts where month = ${month} and place = ${place} and category = ${category} and channel = ${channel} and measure = ${measure}`,
  );
  return row;
}

describe('complaint_flow_counts under concurrency', () => {
  it('counts two filings in one cell at once, whether the cell is new or already there', async () => {
    const filing = { place: 5, category: 3, channel: 0, day: 100 }; // 麦田乡, other, 9 Feb 2025
    expect(await cell('2025-02', '990123002', 'other', 'online', 'received')).toBeUndefined();
    await together(
      (tx) => insertComplaints(tx, [filing]),
      (tx) => insertComplaints(tx, [filing]),
    );
    expect(await cell('2025-02', '990123002', 'other', 'online', 'received')).toEqual({ count: 2, days: 0 });
    await together(
      (tx) => insertComplaints(tx, [filing]),
      (tx) => insertComplaints(tx, [filing, filing]),
    );
    expect(await cell('2025-02', '990123002', 'other', 'online', 'received')).toEqual({ count: 5, days: 0 });
  });

  it('counts two conclusions of different cases in one cell at once', async () => {
    const ids = await insertComplaints(test.db, [
      { place: 6, category: 0, channel: 0, day: 90 }, // 30 Jan 2025
      { place: 6, category: 0, channel: 0, day: 95 },
    ]);
    expect(await cell('2025-03', '990221002', 'item', 'online', 'concluded')).toBeUndefined();
    const conclude = (id: string, on: string) => (tx: DbOrTx) => tx.execute(sql`insert into complaint_events (complaint_id, seq, "on", kind, public, text) values (${id}, 0, ${on}, 'concluded', true, null)`);
    await together(conclude(ids[0]!, '2025-03-03'), conclude(ids[1]!, '2025-03-10'));
    expect(await cell('2025-03', '990221002', 'item', 'online', 'concluded')).toEqual({ count: 2, days: 32 + 34 });
    expect(await countMonthlyFlows(test.db, '990200000000', '2025-01', '2025-03')).toEqual(await countMonthlyFlowsFromScratch(test.db, '990200000000', '2025-01', '2025-03'));
  });

  it('counts filings through the filing code at once', async () => {
    const file = (title: string) => fileComplaint(test.db, { category: 'assets', areaCode: '990122001201', title, subjectRole: '村（社区）“两委”干部', content: CONTENT, anonymous: true }, { today: '2025-04-08' });
    const before = (await cell('2025-04', '990122001', 'assets', 'online', 'received'))?.count ?? 0;
    const results = await Promise.all([file('柳岗镇低保问题一'), file('柳岗镇低保问题二'), file('柳岗镇低保问题三')]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect(await cell('2025-04', '990122001', 'assets', 'online', 'received')).toEqual({ count: before + 3, days: 0 });
  });
});
