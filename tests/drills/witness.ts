/**
 * Drill (run by .ci/run after the browser tests; `npm run drill:witness` by hand): the witness and
 * verify-ledgers as their users run them, against the built server on PostgreSQL (issue 16 item 6).
 *   1. a witness body makes its key (`npm run witness -- keygen`) and, with nothing of the portal's
 *      configuration in its environment, cosigns the served checkpoint over HTTP, then finds it
 *      unchanged;
 *   2. a superuser rewrites 后营村's whole history in the database, every hash recomputed, the
 *      ledger log's hashes and the stored checkpoints too, and one more period is published:
 *      `verify-ledgers` alone still exits 0 (fooled), `verify-ledgers --witnessed <state>` exits 1
 *      naming the witnessed checkpoint, and the witness refuses the portal's new checkpoint (exit 1).
 * Needs the build (`npm run build`) and TEST_DATABASE_URL (a PostgreSQL server where it may create
 * and drop a database). Exits 1 at the first failed step.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { addFundEntry, openDraft } from '../../src/lib/server/accounts/disclosures.ts';
import { openDatabase } from '../../src/lib/server/db.ts';
import { ED25519, formatVkey, noteSigner } from '../../src/lib/server/ledger-log/note.ts';
import { signOff } from '../support/ledgers.ts';
import { deleteStoredCheckpoints, rewriteLogHashes, rewriteVillageHistory } from '../support/superuser.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REWRITTEN = '990121001202'; // 后营村 (demo)
const NANYAO = '990121003203'; // 南窑村 (demo, no ledgers)
const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const cleanups: Array<() => Promise<void> | void> = [];
const step = (text: string) => console.log(`• ${text}`);
function fail(text: string): never {
  throw new Error(text);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function withDatabase(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** An npm script as an operator runs it; `env` is the whole environment (the witness gets no portal settings). */
function run(args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectRun(what: string, result: { status: number | null; output: string }, status: number, pattern: RegExp): void {
  if (result.status !== status || !pattern.test(result.output)) fail(`${what}: exit ${result.status} (expected ${status}), output:\n${result.output.slice(-3000)}`);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/server/entry.mjs'))) fail('no build: run `npm run build` first');
  const admin = postgres(withDatabase('postgres'), { max: 1, onnotice: () => {} });
  const name = `ydt_drill_witness_${process.pid}`;
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-witness-drill-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const key = () => randomBytes(32).toString('base64');
  const signingKey = key();
  // The portal's environment. FRONT_CACHE off: the drill's own publications reach the front cache by
  // NOTIFY a moment later, and the witness must see the checkpoint the database holds now.
  const portalEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: withDatabase(name),
    DATA_DIR: path.join(dir, 'data'),
    FRONT_CACHE: 'off',
    COMPLAINT_KEY: key(),
    RECEIPT_KEY: key(),
    LIVELIHOOD_ID_KEY: key(),
    CHECKPOINT_SIGNING_KEY: signingKey,
  };
  // The witness's machine knows nothing of the portal but its address and the published log key.
  const witnessEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const logVkey = formatVkey(noteSigner('localhost/ledgers', Buffer.from(signingKey, 'base64'), ED25519).key);

  const port = await freePort();
  step(`the portal on ${port} migrates and seeds a fresh database`);
  const server: ChildProcess = spawn(process.execPath, ['src/server/start.ts'], { cwd: ROOT, env: { ...portalEnv, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'inherit', 'inherit'] });
  cleanups.push(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) fail(`the server exited with ${server.exitCode}`);
    if (i > 480) fail('the server did not answer within two minutes');
    if (await fetch(`${base}healthz`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const served = (await (await fetch(`${base}ledgers/checkpoint-key`)).text()).trim();
  if (served !== logVkey) fail(`/ledgers/checkpoint-key serves ${served}, the configured key is ${logVkey}`);

  const keyFile = path.join(dir, 'witness.key');
  const state = path.join(dir, 'state');
  step('the witness body makes its key and cosigns the checkpoint, with none of the portal’s settings');
  expectRun('keygen', run(['src/server/witness.ts', 'keygen', '--key', keyFile, '--name', 'nongye.sanghe.example/witness'], witnessEnv), 0, /nongye\.sanghe\.example\/witness\+[0-9a-f]{8}\+/);
  const witness = ['src/server/witness.ts', '--url', base, '--key', keyFile, '--state', state, '--log-key', logVkey];
  expectRun('first witness run', run(witness, witnessEnv), 0, /已联署检查点[\s\S]*Cosigned the checkpoint/);
  expectRun('second witness run', run(witness, witnessEnv), 0, /检查点没有变化[\s\S]*has not changed/);
  expectRun('verify-ledgers --witnessed before any rewrite', run(['src/server/verify-ledgers.ts', '--witnessed', state], portalEnv), 0, /WITNESSED OK .* cosigned by nongye\.sanghe\.example\/witness/);

  step('a superuser rewrites 后营村’s history with every hash recomputed, the log and the stored checkpoints too; one more period is published');
  const handle = await openDatabase({ driver: 'postgres', url: withDatabase(name), max: 2 });
  try {
    await rewriteVillageHistory(handle.db, REWRITTEN, 100_000);
    await rewriteLogHashes(handle.db, REWRITTEN);
    await deleteStoredCheckpoints(handle.db);
    const opened = await openDraft(handle.db, null, NANYAO, '2024-Q1');
    if (!opened.ok) fail(`opening 南窑村 2024-Q1: ${JSON.stringify(opened.errors)}`);
    await addFundEntry(handle.db, null, {
      disclosureId: opened.value.id,
      entry: { entryDate: '2024-02-10', direction: 'income', amountFen: 1_200_000, subject: '经营收入', summary: '收取南坡果园承包费', counterparty: '李德顺（承包户）', voucherNo: '记-2024Q1-001', method: 'transfer', decisionRef: null },
    });
    const published = await signOff(handle.db, opened.value.id, 'published');
    if (!published.ok) fail(`publishing 南窑村 2024-Q1: ${JSON.stringify(published)}`);
  } finally {
    await handle.close();
  }

  step('verify-ledgers alone is fooled; with the witness’s copies it fails; the witness refuses the new checkpoint');
  expectRun('verify-ledgers', run(['src/server/verify-ledgers.ts'], portalEnv), 0, /^OK: /m);
  expectRun('verify-ledgers --witnessed', run(['src/server/verify-ledgers.ts', '--witnessed', state], portalEnv), 1, /WITNESSED MISMATCH .*checkpoints\/\d{15}-\d+\.txt[\s\S]*FAILED: 1 witnessed checkpoints checked, 1 disagree/);
  expectRun('third witness run', run(witness, witnessEnv), 1, /拒绝[\s\S]*Refused: the portal’s consistency proof does not show/);
  if (readdirSync(path.join(state, 'checkpoints')).length !== 1) fail('the witness kept a copy of the checkpoint it refused');
  if (readdirSync(path.join(state, 'refused')).length !== 1) fail('the witness kept no evidence of the refused checkpoint');
  console.log('witness drill: passed');
}

let code = 0;
try {
  await main();
} catch (error) {
  console.error(`witness drill FAILED: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
process.exit(code);
