/**
 * Fixes to installed dependencies that upstream has not released yet, applied after every install
 * (package.json `postinstall`, so `npm ci` on a fresh machine and in CI gets them). Plain JavaScript,
 * so that whichever node npm runs it with can. Idempotent: a file already fixed is left alone.
 *
 * Each fix names the exact version it was written against and the exact text it replaces. If an
 * upgrade moves either, the install fails here on purpose: check whether upstream fixed it (then
 * delete the entry) or carry the fix over to the new text. `node patches/apply.mjs --check` only
 * reports, for the test that holds the installed copy to the fixes (tests/patches/postgres.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const MARK = '/* yidiantong patch: postgres-next-write */';

const FIXES = [
  {
    /**
     * postgres.js 3.4.9 defers small writes to a setImmediate (nextWrite). When the connection's
     * socket is gone by then, `socket.write` on null throws from the timer, outside any query's
     * promise: an uncaught TypeError that takes the whole server down (porsager/postgres#1154,
     * #1208, unreleased fixes #1168/#1209; measured here: the PostgreSQL-restart drill killed the
     * server with "Cannot read properties of null (reading 'write')"). The two teardown paths also
     * cancel that timer without clearing it or the buffered bytes, so a reconnected connection
     * would never schedule a write again and would send the dead session's bytes ahead of its
     * startup message. And the server's last error of a session that ended mid-query (57P01
     * "terminating connection due to administrator command", 57P03 "the database system is
     * shutting down") outlived the session: the reconnected connection handed it to its first new
     * query, which failed long after PostgreSQL was back (measured here: a pool hammered through a
     * fast restart rejected fresh queries with "the database system is shutting down" seconds after
     * it was up again). Fixed here: a write with no socket rejects its queries with
     * CONNECTION_CLOSED (the app answers 503; postgres.js reconnects), and teardown forgets the
     * timer, the buffer and the session's error.
     */
    name: 'postgres',
    version: '3.4.9',
    files: ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'],
    replacements: [
      [
        '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n',
        `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)\n`,
      ],
      ['    clearImmediate(nextWriteTimer)\n    if (socket) {\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {\n'],
      [
        "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
        "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)\n",
      ],
      ['  async function closed(hadError) {\n    incoming = Buffer.alloc(0)\n', '  async function closed(hadError) {\n    errorResponse = null\n    incoming = Buffer.alloc(0)\n'],
    ],
  },
  {
    /**
     * What put statements on a dead connection in the first place: a transaction (`sql.begin`,
     * which every drizzle transaction is) or a reserved connection keeps using its connection after
     * it closed. The transaction's promise is rejected, but its callback carries on and postgres.js
     * then sends ROLLBACK on the closed connection — the crash above — or, once the pool has
     * reconnected that connection for someone else, on a fresh session outside any transaction.
     * And a statement that fails to write moves the dead connection to the "full" queue, out of
     * which nothing ever takes it: one pool slot lost per occurrence, until every query waits.
     * Fixed here: once its connection has closed, a transaction's or reserved connection's later
     * statements are refused with the close's error without touching the connection, and releasing
     * a closed reserved connection leaves it to the pool's reconnect instead of marking it open.
     */
    name: 'postgres',
    version: '3.4.9',
    files: ['src/index.js', 'cjs/src/index.js', 'cf/src/index.js'],
    replacements: [
      ['      , prepare = null\n', `      , prepare = null\n      , closedError = null ${MARK}\n`],
      ['        new Promise((_, reject) => connection.onclose = reject)\n', '        new Promise((_, reject) => connection.onclose = e => (closedError = e, reject(e)))\n'],
      [
        '        q.catch(e => uncaughtError || (uncaughtError = e))\n        c.queue === full\n',
        '        q.catch(e => uncaughtError || (uncaughtError = e))\n        if (closedError)\n          return q.reject(closedError)\n        c.queue === full\n',
      ],
      ['    c.reserved.release = true\n', '    c.reserved.release = true\n    let closedError = null\n    c.onclose = e => closedError = e\n'],
      ['    sql.release = () => {\n      c.reserved = null\n      onopen(c)\n', '    sql.release = () => {\n      c.reserved = null\n      c.onclose = null\n      closedError || onopen(c)\n'],
      [
        '    function handler(q) {\n      c.queue === full\n        ? queue.push(q)\n',
        '    function handler(q) {\n      if (closedError)\n        return q.reject(closedError)\n      c.queue === full\n        ? queue.push(q)\n',
      ],
    ],
  },
];

const checkOnly = process.argv.includes('--check');
const problems = [];
for (const fix of FIXES) {
  const packageDir = path.join(ROOT, 'node_modules', fix.name);
  const manifest = path.join(packageDir, 'package.json');
  if (!existsSync(manifest)) {
    problems.push(`${fix.name} is not installed`);
    continue;
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
  if (version !== fix.version) {
    problems.push(`${fix.name} is ${version}, the fix in patches/apply.mjs was written for ${fix.version}: see whether upstream fixed it, then update or remove the fix`);
    continue;
  }
  for (const file of fix.files) {
    const target = path.join(packageDir, file);
    let text = readFileSync(target, 'utf8');
    if (text.includes(MARK)) continue;
    if (checkOnly) {
      problems.push(`${fix.name}/${file} is not patched: run \`node patches/apply.mjs\` (npm ci does)`);
      continue;
    }
    for (const [from, to] of fix.replacements) {
      const count = text.split(from).length - 1;
      if (count !== 1) {
        problems.push(`${fix.name}/${file}: expected the text to replace once, found it ${count} times`);
        break;
      }
      text = text.replace(from, to);
    }
    if (!problems.length) writeFileSync(target, text);
  }
}
if (problems.length) {
  for (const problem of problems) console.error(`patches/apply.mjs: ${problem}`);
  process.exit(1);
}
