/**
 * Issue 16 item 6, the whole story: a superuser rewrites a village's history, recomputing every
 * hash so that the chain check is fooled, and the witnessed checkpoints catch it — the witness at
 * its next run, verify-ledgers against the witnesses' copies. The witness runs against the real
 * routes (through the middleware), as it would over HTTP from another machine.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, useDatabaseForTests, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { PORTAL, routeFetch } from '../../../../tests/support/ledger-log.ts';
import { deleteStoredCheckpoints, rewriteLogHashes, rewriteVillageHistory } from '../../../../tests/support/superuser.ts';
import { addFundEntry, openDraft } from '../accounts/disclosures.ts';
import { runVerification, verifyVillageChain } from '../accounts/verify.ts';
import { todayInShanghai } from '../time.ts';
import { ensureDailyCheckpoint, logSigner, logVerifierKey } from './checkpoints.ts';
import { COSIGNATURE_V1, ED25519, formatCheckpoint, formatVkey, noteSigner, parseVkey, signedNote } from './note.ts';
import { runWitness, type WitnessOptions } from './witness.ts';
import { checkWitnessedCopies, formatWitnessed, loadWitnessedCopies } from './witnessed.ts';

// 后营村 (桑河镇) has the demo seed's published periods: the village whose history is rewritten.
const REWRITTEN = '990121001202';
// 南窑村 (白杨乡) has no demo ledgers: the periods published while the witness watches.
const NANYAO = '990121003203';

let test: TestDatabase;
let fetcher: typeof fetch;
let scratch: string;
const witness = noteSigner('nongye.sanghe.example/witness', randomBytes(32), COSIGNATURE_V1);

const dayAfter = (days: number) => todayInShanghai(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  fetcher = await routeFetch();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ydt-witness-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await test?.dispose();
});

const witnessRun = (stateDir: string, extra: Partial<WitnessOptions> = {}) => runWitness({ url: PORTAL, stateDir, signer: witness, logKey: logVerifierKey(), fetch: fetcher, ...extra });

async function publishNanyao(period: string, entryDate: string, amountFen: number): Promise<void> {
  const opened = await openDraft(test.db, null, NANYAO, period);
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  const added = await addFundEntry(test.db, null, {
    disclosureId: opened.value.id,
    entry: { entryDate, direction: 'income', amountFen, subject: '经营收入', summary: '收取南坡果园承包费', counterparty: '李德顺（承包户）', voucherNo: `记-${period}-001`, method: 'transfer', decisionRef: null },
  });
  if (!added.ok) throw new Error(JSON.stringify(added));
  const published = await signOff(test.db, opened.value.id, 'published');
  if (!published.ok) throw new Error(JSON.stringify(published));
}

async function verifyWithCopies(...paths: string[]) {
  const chains = await runVerification(test.db);
  const loaded = await loadWitnessedCopies(paths, [parseVkey(logVerifierKey())], []);
  const witnessed = await checkWitnessedCopies(test.db, loaded, chains.reports);
  return { chains, witnessed, report: formatWitnessed(witnessed) };
}

describe('a witnessed ledger log against a superuser who rewrites a whole chain', () => {
  let state: string;
  let sizeDay1 = 0;
  let sizeDay2 = 0;

  it('day 1: the witness pins the log key, checks the first checkpoint and keeps its cosigned copy', async () => {
    state = path.join(scratch, 'sanghe-agriculture');
    const first = await witnessRun(state);
    expect(first.outcome).toMatchObject({ kind: 'cosigned', message: 'witness.cosignedFirst' });
    expect(first.notices).toEqual([{ message: 'witness.notice.pinned', vars: { key: logVerifierKey() } }]);
    if (first.outcome.kind !== 'cosigned') throw new Error('not cosigned');
    sizeDay1 = first.outcome.checkpoint.size;
    expect(sizeDay1).toBeGreaterThan(10); // every period of the demo seed
    const kept = readFileSync(first.outcome.file, 'utf8');
    expect(kept).toMatch(new RegExp(`^localhost/ledgers\\n${sizeDay1}\\n[A-Za-z0-9+/]{43}=\\n\\n— localhost/ledgers \\S+\\n— nongye\\.sanghe\\.example/witness \\S+\\n$`));
    expect(readFileSync(path.join(state, 'log.vkey'), 'utf8')).toBe(`${logVerifierKey()}\n`);
    expect(readFileSync(path.join(state, 'witness.vkey'), 'utf8')).toBe(`${formatVkey(witness.key)}\n`);
    // The same checkpoint again: nothing new to vouch for, nothing written.
    expect((await witnessRun(state)).outcome).toMatchObject({ kind: 'unchanged', vars: { size: sizeDay1 } });
    expect(readdirSync(path.join(state, 'checkpoints'))).toHaveLength(1);
  });

  it('day 2: periods published since, a new checkpoint, and the witness checks it extends the first', async () => {
    await publishNanyao('2024-Q1', '2024-02-10', 1_200_000);
    await publishNanyao('2024-Q2', '2024-05-10', 860_000);
    const day2 = await ensureDailyCheckpoint(test.db, dayAfter(1));
    expect(day2.ok && day2.checkpoint.treeSize).toBe(sizeDay1 + 2);
    const second = await witnessRun(state);
    expect(second.outcome).toMatchObject({ kind: 'cosigned', message: 'witness.cosigned', vars: { size: sizeDay1 + 2, previous: sizeDay1 } });
    sizeDay2 = sizeDay1 + 2;
    expect(readdirSync(path.join(state, 'checkpoints'))).toHaveLength(2);
    const { chains, witnessed, report } = await verifyWithCopies(state);
    expect(chains.ok).toBe(true);
    expect(witnessed.ok).toBe(true);
    expect(report).toMatch(new RegExp(`WITNESSED OK .*${sizeDay1}-\\d+\\.txt: ${sizeDay1} leaves, cosigned by nongye\\.sanghe\\.example/witness at `));
    expect(report).toMatch(/^OK: 2 witnessed checkpoints checked, 0 disagree/m);
  });

  it('the superuser rewrites 后营村’s chain, every hash recomputed: the chain check is fooled, the witnessed copies are not', async () => {
    await rewriteVillageHistory(test.db, REWRITTEN, 100_000);
    const chain = await verifyVillageChain(test.db, REWRITTEN);
    expect(chain.ok).toBe(true); // what verify-ledgers alone and /villages/{code}/verify say
    expect(chain.periods.length).toBeGreaterThan(1);
    const { chains, witnessed, report } = await verifyWithCopies(state);
    expect(chains.ok).toBe(true);
    expect(witnessed.ok).toBe(false);
    expect(witnessed.checks.map((check) => check.ok)).toEqual([false, false]);
    // The log still holds the hashes the periods had when they joined: the first changed period is named.
    const first = witnessed.checks[0]!;
    expect(first.firstDifference).toMatchObject({ from: 0, to: sizeDay1 });
    expect(first.firstDifference!.evidence.map((leaf) => `${leaf.villageCode} ${leaf.period} ${leaf.problem}`)).toEqual(chain.periods.map((period) => `${REWRITTEN} ${period.period} changed`));
    expect(report).toMatch(new RegExp(`WITNESSED MISMATCH .*${sizeDay1}-\\d+\\.txt: the database's first ${sizeDay1} leaves`));
    expect(report).toMatch(new RegExp(`CHANGED ${REWRITTEN} ${chain.periods[0]!.period} \\(leaf \\d+\\)`));
    expect(report).toMatch(/^FAILED: 2 witnessed checkpoints checked, 2 disagree/m);
  });

  it('with the log’s own hashes rewritten too, it still fails, and says where the rewrite must lie', async () => {
    await rewriteLogHashes(test.db, REWRITTEN);
    const { witnessed, report } = await verifyWithCopies(state);
    expect(witnessed.ok).toBe(false);
    expect(witnessed.checks[0]!.firstDifference!.evidence).toEqual([]);
    expect(report).toMatch(new RegExp(`the first difference is among leaves 0-${sizeDay1 - 1}`));
    expect(report).toMatch(/every hash there was recomputed consistently \(a rewrite\); the periods in that range: /);
    expect(report).toContain(REWRITTEN);
  });

  it('the portal refuses to sign a checkpoint over the changed log; with its own checkpoints deleted it signs, and the witness refuses', async () => {
    const refusal = await ensureDailyCheckpoint(test.db, dayAfter(2));
    expect(refusal).toMatchObject({ ok: false, problem: 'inconsistent', previous: { treeSize: sizeDay2 } });
    expect((await witnessRun(state)).outcome.kind).toBe('unchanged'); // still the day-2 checkpoint on offer
    // The cover-up completed: the stored checkpoints gone, one more period, and the portal signs the rewritten history.
    await deleteStoredCheckpoints(test.db);
    await publishNanyao('2024-Q3', '2024-08-10', 430_000);
    const forged = await ensureDailyCheckpoint(test.db, dayAfter(2));
    expect(forged.ok && forged.checkpoint.treeSize).toBe(sizeDay2 + 1);
    const third = await witnessRun(state);
    expect(third.outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.inconsistent', vars: { size: sizeDay2 + 1, previous: sizeDay2 } });
    if (third.outcome.kind !== 'refused') throw new Error('not refused');
    expect(readdirSync(path.join(state, 'checkpoints'))).toHaveLength(2); // nothing cosigned
    // The evidence: the log's own signature over a tree that does not extend the one it signed before.
    expect(readFileSync(third.outcome.evidence!, 'utf8')).toContain(`localhost/ledgers\n${sizeDay2 + 1}\n`);
    const { witnessed } = await verifyWithCopies(state);
    expect(witnessed.ok).toBe(false);
  });
});

describe('what the witness refuses', () => {
  it('a checkpoint whose text was changed under the log’s signature', async () => {
    const state = path.join(scratch, 'tampered');
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetcher(input, init);
      if (!String(input).endsWith('/ledgers/checkpoint')) return response;
      const [origin, size, root, ...rest] = (await response.text()).split('\n');
      const bent = Buffer.from(root!, 'base64');
      bent[0]! ^= 1;
      return new Response([origin, size, bent.toString('base64'), ...rest].join('\n'));
    };
    const run = await witnessRun(state, { fetch: tampering });
    expect(run.outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.signature' });
    expect(readdirSync(path.join(state, 'checkpoints'))).toEqual([]);
  });

  it('a checkpoint signed by another key than the one pinned, and a change of pinned key', async () => {
    const impostor = noteSigner('localhost/ledgers', randomBytes(32), ED25519);
    const state = path.join(scratch, 'wrong-key');
    const run = await witnessRun(state, { logKey: formatVkey(impostor.key) });
    expect(run.outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.signature' });
    expect(readdirSync(path.join(state, 'checkpoints'))).toEqual([]);
    // The key pinned first stays: a later run naming another is refused, not obeyed.
    expect((await witnessRun(state)).outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.logKeyChanged' });
  });

  it('a smaller tree, and another tree of the same size, even when the log signed them', async () => {
    const state = path.join(scratch, 'rollback');
    const log = logSigner();
    const serve = (size: number, root: Buffer): typeof fetch => async (input) => {
      if (!String(input).endsWith('/ledgers/checkpoint')) return new Response('not found', { status: 404 });
      const body = formatCheckpoint({ origin: log.key.name, size, rootHash: root });
      return new Response(signedNote(body, [log.sign(body)]));
    };
    expect((await witnessRun(state, { fetch: serve(40, Buffer.alloc(32, 1)) })).outcome.kind).toBe('cosigned');
    expect((await witnessRun(state, { fetch: serve(39, Buffer.alloc(32, 1)) })).outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.smaller', vars: { size: 39, previous: 40 } });
    expect((await witnessRun(state, { fetch: serve(40, Buffer.alloc(32, 2)) })).outcome).toMatchObject({ kind: 'refused', message: 'witness.refused.fork' });
    expect(readdirSync(path.join(state, 'refused'))).toHaveLength(2);
  });

  it('a damaged copy of its own, rather than trusting it', async () => {
    const state = path.join(scratch, 'damaged');
    const first = await witnessRun(state);
    if (first.outcome.kind !== 'cosigned') throw new Error('not cosigned');
    writeFileSync(first.outcome.file, readFileSync(first.outcome.file, 'utf8').replace(/\n(\d+)\n/, (_, size: string) => `\n${Number(size) - 1}\n`));
    expect((await witnessRun(state)).outcome).toMatchObject({ kind: 'failed', message: 'witness.failed.state' });
  });
});

describe('the witness’s set-up', () => {
  it('pins the portal’s own key when given none, and says to compare it', async () => {
    const state = path.join(scratch, 'first-use');
    const run = await witnessRun(state, { logKey: undefined });
    expect(run.notices).toEqual([{ message: 'witness.notice.pinnedFromPortal', vars: { key: logVerifierKey() } }]);
    expect(run.outcome.kind).toBe('cosigned');
  });

  it('keeps one witness key per state directory, and could-not-check is not a refusal', async () => {
    const state = path.join(scratch, 'one-key');
    expect((await witnessRun(state)).outcome.kind).toBe('cosigned');
    const other = noteSigner('chengshi.jiwei.example/witness', randomBytes(32), COSIGNATURE_V1);
    expect((await witnessRun(state, { signer: other })).outcome).toMatchObject({ kind: 'failed', message: 'witness.failed.otherWitness' });
    const offline: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect((await witnessRun(state, { fetch: offline })).outcome).toMatchObject({ kind: 'failed', message: 'witness.failed.fetch', vars: { what: 'ledgers/checkpoint' } });
    const proxyPage: typeof fetch = async () => new Response('<html>502 Bad Gateway</html>');
    expect((await witnessRun(state, { fetch: proxyPage })).outcome).toMatchObject({ kind: 'failed', message: 'witness.failed.notANote' });
  });
});

describe('verify-ledgers --witnessed', () => {
  it('fails on a copy it cannot verify, and on a directory with no copies', async () => {
    const state = path.join(scratch, 'for-verify');
    const first = await witnessRun(state);
    if (first.outcome.kind !== 'cosigned') throw new Error('not cosigned');
    const forged = path.join(scratch, 'forged.txt');
    writeFileSync(forged, readFileSync(first.outcome.file, 'utf8').replace(/\n(\d+)\n/, (_, size: string) => `\n${Number(size) + 1}\n`));
    const { witnessed, report } = await verifyWithCopies(forged);
    expect(witnessed.ok).toBe(false);
    expect(report).toMatch(/^UNCHECKABLE .*forged\.txt: the signature of localhost\/ledgers does not verify/m);
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    expect((await verifyWithCopies(empty)).witnessed.ok).toBe(false);
  });
});
