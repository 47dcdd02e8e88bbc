/**
 * Drill (`npm run drill:pglite-folder`; run by .ci/run after the browser tests): the server is
 * started on an embedded-database folder (DATA_DIR) that is not what it should be.
 *   1. it exits non-zero, soon, with a message that names the folder and says what to do
 *      (restore it from a backup, or move it aside to start fresh);
 *   2. the folder is left byte for byte as it was (every file hashed before and after): PGlite
 *      neither "repairs" it nor runs initdb over it, and leaves no lock file behind;
 *   3. the intact folder the damaged ones were copied from still starts.
 * Cases: DATA_DIR naming a regular file; PG_VERSION gone (PGlite would run initdb over the
 * folder); PG_VERSION garbage; global/pg_control truncated; global/pg_control with a changed byte;
 * the write-ahead log truncated (passes the checks, PGlite aborts on it). A folder nobody may read
 * cannot be made as root (root reads anything), so that case runs only as another user.
 * Needs the build.
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail, hashTree, logLines, note, runDrill, startServer, step, treeChanges } from './support.ts';

const EXIT_LIMIT_MS = 60_000;

interface Case {
  name: string;
  damage: (folder: string) => void;
  /** What the message must say about the folder. */
  says: RegExp;
  exitCode: number;
}

const CASES: Case[] = [
  {
    name: 'PG_VERSION gone (PGlite would take the folder for a new one and run initdb over it)',
    damage: (folder) => rmSync(path.join(folder, 'PG_VERSION')),
    says: /no PG_VERSION/,
    exitCode: 65,
  },
  { name: 'PG_VERSION garbage', damage: (folder) => writeFileSync(path.join(folder, 'PG_VERSION'), 'garbage\n'), says: /damaged PG_VERSION/, exitCode: 65 },
  { name: 'global/pg_control truncated', damage: (folder) => truncateSync(path.join(folder, 'global/pg_control'), 100), says: /truncated global\/pg_control/, exitCode: 65 },
  {
    name: 'global/pg_control with one byte changed',
    damage: (folder) => {
      const file = path.join(folder, 'global/pg_control');
      const bytes = readFileSync(file);
      bytes[64] = bytes[64]! ^ 0x5a;
      writeFileSync(file, bytes);
    },
    says: /damaged global\/pg_control/,
    exitCode: 65,
  },
  {
    name: 'write-ahead log truncated (PGlite aborts on it)',
    damage: (folder) => {
      const wal = path.join(folder, 'pg_wal');
      const segments = readdirSync(wal).filter((name) => /^[0-9A-F]{24}$/.test(name));
      if (!segments.length) fail('the intact folder has no write-ahead log segment to truncate');
      for (const segment of segments) truncateSync(path.join(wal, segment), 8192);
    },
    says: /could not be opened by PGlite/,
    exitCode: 65,
  },
];

await runDrill('pglite-folder', async (defer) => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ydt-drill-folder-'));
  defer(() => rmSync(scratch, { recursive: true, force: true }));

  step('an intact data folder: the built server makes and seeds one, then stops');
  const intact = path.join(scratch, 'intact');
  const maker = await startServer(defer, { DATA_DIR: intact });
  await maker.stop();
  if ((await maker.exited) !== 0) fail(`the server that made the folder exited with ${await maker.exited}`);

  /** Starts the server on `dataDir`, which must fail: returns its exit code, time and fatal message. */
  const refusedStart = async (dataDir: string) => {
    const started = Date.now();
    const server = await startServer(defer, { DATA_DIR: dataDir }, { waitReady: false });
    const timer = setTimeout(() => server.child.kill('SIGKILL'), EXIT_LIMIT_MS);
    const code = await server.exited;
    clearTimeout(timer);
    const fatal = logLines(server.output(), 60).map((line) => line.msg);
    return { code, ms: Date.now() - started, message: fatal.join(' | ') || server.output().slice(-500) };
  };
  const expectClear = (message: string, folder: string, says: RegExp) => {
    if (!message.includes(folder)) fail(`the message does not name the folder: ${message}`);
    if (!says.test(message)) fail(`the message does not say what is wrong (${says}): ${message}`);
  };

  step('DATA_DIR naming a regular file');
  const file = path.join(scratch, 'not-a-folder');
  writeFileSync(file, '这不是数据库目录\n');
  const fileBefore = hashTree(file);
  const onFile = await refusedStart(file);
  note(`exit ${onFile.code} after ${onFile.ms} ms: ${onFile.message}`);
  if (onFile.code === 0 || typeof onFile.code !== 'number') fail(`the server on a regular file ended with ${onFile.code}`);
  expectClear(onFile.message, file, /is not a folder/);
  if (treeChanges(fileBefore, hashTree(file)).length) fail('the file was changed');

  for (const [index, testCase] of CASES.entries()) {
    step(testCase.name);
    const folder = path.join(scratch, `damaged-${index + 1}`);
    cpSync(intact, folder, { recursive: true });
    testCase.damage(folder);
    const before = hashTree(folder);
    const result = await refusedStart(folder);
    note(`exit ${result.code} after ${result.ms} ms`);
    if (result.code !== testCase.exitCode) fail(`expected exit ${testCase.exitCode}, got ${result.code}: ${result.message}`);
    expectClear(result.message, folder, testCase.says);
    if (!/Restore the folder from a backup/.test(result.message) || !result.message.includes(`mv ${folder} ${folder}.damaged`)) fail(`the message does not say what to do: ${result.message}`);
    const changes = treeChanges(before, hashTree(folder));
    if (changes.length) fail(`the folder was changed: ${changes.slice(0, 10).join(', ')}`);
    note(`${before.size} files, unchanged${index === 0 ? `; the server said: ${result.message}` : ''}`);
  }

  if (process.getuid?.() === 0) {
    note('a folder nobody may read: not drilled as root (root reads anything); the regular-file case stands in for it');
  } else {
    step('a folder this user may not read');
    const locked = path.join(scratch, 'locked');
    cpSync(intact, locked, { recursive: true });
    chmodSync(locked, 0o000);
    defer(() => chmodSync(locked, 0o700));
    const result = await refusedStart(locked);
    note(`exit ${result.code} after ${result.ms} ms`);
    if (result.code === 0) fail('the server started on a folder it may not read');
    expectClear(result.message, locked, /cannot be read/);
  }

  step('the intact folder still starts');
  const control = await startServer(defer, { DATA_DIR: intact });
  const health = await fetch(`${control.base}/healthz`);
  if (health.status !== 200) fail(`/healthz on the intact folder answered ${health.status}`);
  await control.stop();
});
