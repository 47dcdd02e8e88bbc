/**
 * The ledger log on the portal's side: which leaves, in which order, the daily checkpoint, and the
 * public routes (through the middleware, as served) with their refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db.ts';
import { createTestDatabase, useDatabaseForTests, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { PORTAL, routeFetch } from '../../../../tests/support/ledger-log.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { addFundEntry, openDraft } from '../accounts/disclosures.ts';
import { todayInShanghai } from '../time.ts';
import { consistencyBetween, ensureDailyCheckpoint, latestCheckpoint, logVerifierKey, periodLeaf, storedLeaves } from './checkpoints.ts';
import { consistencyProof, rootOf, verifyConsistency } from './merkle.ts';
import { parseCheckpoint, parseVkey, verifyNote } from './note.ts';

// 北坡村 (白杨乡, 桑河县) has no demo ledgers: the periods this file publishes.
const VILLAGE = '990121003201';

let test: TestDatabase;
let fetcher: typeof fetch;
const get = (pathAndQuery: string) => fetcher(new URL(pathAndQuery.slice(1), PORTAL));
const dayAfter = (days: number) => todayInShanghai(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  fetcher = await routeFetch();
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

async function publish(period: string, entryDate: string): Promise<void> {
  const opened = await openDraft(test.db, null, VILLAGE, period);
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  await addFundEntry(test.db, null, {
    disclosureId: opened.value.id,
    entry: { entryDate, direction: 'expense', amountFen: 380_000, subject: '公益事业支出', summary: '村内道路路灯维修', counterparty: '白杨乡明亮电器维修部', voucherNo: `记-${period}-007`, method: 'transfer', decisionRef: null },
  });
  const published = await signOff(test.db, opened.value.id, 'published');
  if (!published.ok) throw new Error(JSON.stringify(published));
}

describe('the ledger log', () => {
  it('serves today’s checkpoint over every published period, signed by the configured key, publicly cacheable', async () => {
    const response = await get('/ledgers/checkpoint');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+$/);
    const { body } = verifyNote(await response.text(), [parseVkey(logVerifierKey())]);
    const checkpoint = parseCheckpoint(body);
    const [{ count }] = (await queryRows<{ count: string | number }>(test.db, sql`select count(*) as count from disclosures where status = 'published'`)) as [{ count: string | number }];
    expect(checkpoint).toMatchObject({ origin: 'localhost/ledgers', size: Number(count) });
    // The root is that of the periods' stored hashes, in publication order.
    const hashes = await queryRows<{ content_hash: string }>(test.db, sql`select content_hash from disclosures where status = 'published' order by published_at, id`);
    expect(checkpoint.rootHash.equals(rootOf(hashes.map((row) => periodLeaf(row.content_hash))))).toBe(true);
    expect((await latestCheckpoint(test.db))?.day).toBe(todayInShanghai());
    const key = await get('/ledgers/checkpoint-key');
    expect(await key.text()).toMatch(/^localhost\/ledgers\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n$/);
  });

  it('adds later periods after the leaves it has, signs once a day, and never an older day after a newer one', async () => {
    const before = (await latestCheckpoint(test.db))!;
    const leavesBefore = await queryRows<{ leaf_index: string | number; disclosure_id: number }>(test.db, sql`select leaf_index, disclosure_id from ledger_log order by leaf_index`);
    await publish('2024-Q1', '2024-03-05');
    await publish('2024-Q2', '2024-06-05');
    // Today's checkpoint is made: asking again today changes nothing.
    expect(await ensureDailyCheckpoint(test.db, todayInShanghai())).toEqual({ ok: true, checkpoint: before });
    const tomorrow = await ensureDailyCheckpoint(test.db, dayAfter(1));
    expect(tomorrow.ok && tomorrow.checkpoint.treeSize).toBe(before.treeSize + 2);
    const leaves = await queryRows<{ leaf_index: string | number; disclosure_id: number; village_code: string; period: string }>(
      test.db,
      sql`select l.leaf_index, l.disclosure_id, d.village_code, d.period from ledger_log l join disclosures d on d.id = l.disclosure_id order by l.leaf_index`,
    );
    expect(leaves.map((leaf) => Number(leaf.leaf_index))).toEqual(leaves.map((_, i) => i));
    expect(leaves.slice(0, leavesBefore.length).map((leaf) => leaf.disclosure_id)).toEqual(leavesBefore.map((leaf) => leaf.disclosure_id));
    expect(leaves.slice(-2).map((leaf) => `${leaf.village_code} ${leaf.period}`)).toEqual([`${VILLAGE} 2024-Q1`, `${VILLAGE} 2024-Q2`]);
    // An instance whose clock still says today gets tomorrow's checkpoint, not a new one for today.
    const lagging = await ensureDailyCheckpoint(test.db, todayInShanghai());
    expect(lagging.ok && lagging.checkpoint.day).toBe(dayAfter(1));
  });

  it('has the database refuse any change to the log and the stored checkpoints', async () => {
    expect(await databaseError(test.db.execute(sql`update ledger_log set content_hash = repeat('0', 64) where leaf_index = 0`))).toMatch(/ledger_log is append-only: UPDATE refused/);
    expect(await databaseError(test.db.execute(sql`delete from ledger_log where leaf_index = 0`))).toMatch(/append-only: DELETE refused/);
    expect(await databaseError(test.db.execute(sql`truncate ledger_log`))).toMatch(/append-only|cannot truncate/);
    expect(await databaseError(test.db.execute(sql`update ledger_checkpoints set root_hash = 'x'`))).toMatch(/ledger_checkpoints is append-only/);
    expect(await databaseError(test.db.execute(sql`delete from ledger_checkpoints`))).toMatch(/ledger_checkpoints is append-only/);
  });

  it('gives consistency proofs between tree sizes that verify against the signed roots', async () => {
    const latest = (await latestCheckpoint(test.db))!;
    const first = (await queryRows<{ tree_size: string | number; root_hash: string }>(test.db, sql`select tree_size, root_hash from ledger_checkpoints order by day limit 1`))[0]!;
    const response = await get(`/ledgers/consistency?from=${first.tree_size}&to=${latest.treeSize}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toMatch(/^public/);
    const body = (await response.json()) as { from: number; to: number; proof: string[] };
    expect(body).toMatchObject({ from: Number(first.tree_size), to: latest.treeSize });
    const proof = body.proof.map((hash) => Buffer.from(hash, 'base64'));
    expect(verifyConsistency(Number(first.tree_size), latest.treeSize, Buffer.from(first.root_hash, 'hex'), Buffer.from(latest.rootHash, 'hex'), proof)).toBe(true);
  });

  it('computes the proofs from kept chunk roots exactly as from every leaf', async () => {
    const size = (await latestCheckpoint(test.db))!.treeSize;
    const leaves = await storedLeaves(test.db, size);
    for (const chunkSize of [2, 4, 8]) {
      for (let from = 0; from <= size; from++) {
        const fast = await consistencyBetween(test.db, from, size, chunkSize);
        expect(fast.map((hash) => hash.toString('hex')), `${from}→${size} in chunks of ${chunkSize}`).toEqual(consistencyProof(leaves, from, size).map((hash) => hash.toString('hex')));
      }
    }
  });

  it('lists the leaves, so that anyone can recompute the root from open data', async () => {
    const latest = (await latestCheckpoint(test.db))!;
    const response = await get(`/ledgers/leaves?start=0&end=${latest.treeSize}`);
    const body = (await response.json()) as { leaves: Array<{ index: number; villageCode: string; period: string; contentHash: string }> };
    expect(body.leaves).toHaveLength(latest.treeSize);
    expect(body.leaves.at(-1)).toMatchObject({ index: latest.treeSize - 1, villageCode: VILLAGE, period: '2024-Q2' });
    expect(rootOf(body.leaves.map((leaf) => periodLeaf(leaf.contentHash))).toString('hex')).toBe(latest.rootHash);
  });

  it.each([
    ['/ledgers/consistency', 'bad_parameter'],
    ['/ledgers/consistency?from=1', 'bad_parameter'],
    ['/ledgers/consistency?from=01&to=3', 'bad_parameter'],
    ['/ledgers/consistency?from=-1&to=3', 'bad_parameter'],
    ['/ledgers/consistency?from=1e3&to=3', 'bad_parameter'],
    ['/ledgers/consistency?from=1&from=2&to=3', 'bad_parameter'],
    ['/ledgers/consistency?from=%E4%B8%80&to=3', 'bad_parameter'],
    ['/ledgers/consistency?from=5&to=3', 'bad_range'],
    ['/ledgers/consistency?from=1&to=999999', 'beyond_checkpoint'],
    ['/ledgers/leaves?start=0', 'bad_parameter'],
    ['/ledgers/leaves?start=0&end=1001', 'bad_range'],
    ['/ledgers/leaves?start=3&end=2', 'bad_range'],
    ['/ledgers/leaves?start=0&end=999', 'beyond_checkpoint'],
  ])('refuses %s with a 400 saying what to send', async (address, code) => {
    const response = await get(address);
    expect(response.status).toBe(400);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/[\u4e00-\u9fff].*\(.*[a-z]/); // Chinese, then English in brackets
  });
});

describe('the ledger log with several instances', () => {
  it('signs one checkpoint when two instances make the day’s at the same moment', async () => {
    const day = dayAfter(5);
    await publish('2024-Q3', '2024-09-05');
    const [a, b] = await Promise.all([ensureDailyCheckpoint(test.db, day), ensureDailyCheckpoint(test.db, day)]);
    expect(a).toEqual(b);
    const rows = await queryRows<{ day: string }>(test.db, sql`select day::text as day from ledger_checkpoints where day = ${day}`);
    expect(rows).toHaveLength(1);
    const duplicates = await queryRows<{ n: string | number }>(test.db, sql`select count(*) - count(distinct disclosure_id) as n from ledger_log`);
    expect(Number(duplicates[0]!.n)).toBe(0);
  });
});
