/**
 * Drill (`npm run drill:pg-restart`; run by .ci/run after the browser tests): PostgreSQL restarts
 * while citizens file complaints and read pages and staff work.
 *   1. the app survives: the same process answers throughout, no request goes unanswered;
 *   2. while the database is away, pages answer 503 with Retry-After and the page that says nothing
 *      was saved, the API its JSON 503, /healthz 503 — never a 500;
 *   3. once PostgreSQL is back, the app recovers by itself within 10 s (no restart): every request
 *      after that succeeds;
 *   4. every complaint that got a receipt is in the database, with its "received" event; every filing
 *      answered 503 gets its receipt when sent again with its Idempotency-Key, and none is stored twice;
 *   5. the LISTEN connection came back too: a county list published afterwards empties this
 *      instance's front cache at once.
 * PostgreSQL here is a private server of the drill's own (same binaries as the machine's), so that
 * stopping it cannot break anything else using the machine's cluster. Needs the build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { translator } from '../../src/i18n/index.ts';
import {
  COMPLAINT,
  complaintRequest,
  COUNTY,
  drillKeys,
  fail,
  freshDatabase,
  note,
  postForm,
  privatePostgres,
  runDrill,
  sendComplaint,
  signIn,
  sleep,
  startServer,
  step,
  storedReceipt,
  VILLAGE,
} from './support.ts';

const RECOVERY_LIMIT_MS = 10_000;
const WORKERS = 8;

interface Outcome {
  kind: 'file' | 'village' | 'staff' | 'healthz' | 'search';
  startedAt: number;
  endedAt: number;
  status: number | 'error';
  retryAfter: string | null;
  /** For a 503: whether the body is the clear page (HTML) or the API's JSON refusal. */
  clear?: boolean;
  detail?: string;
  /** A filing not answered 201: its request, to be sent again with the same Idempotency-Key. */
  retry?: ReturnType<typeof complaintRequest>;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

await runDrill('pg-restart', async (defer) => {
  step('a private PostgreSQL server, a fresh database on it, and the built server, which migrates and seeds it');
  const cluster = await privatePostgres(defer);
  const databaseUrl = await freshDatabase(defer, cluster.url, 'restart');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ydt-drill-data-'));
  defer(() => rmSync(dataDir, { recursive: true, force: true }));
  const keys = drillKeys();
  const server = await startServer(defer, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...keys });
  const { base } = server;
  const pid = server.child.pid;
  const cookie = await signIn(base);
  const zh = translator('zh-CN');

  const outcomes: Outcome[] = [];
  const receipts: string[] = [];
  let running = true;
  const kinds: Outcome['kind'][] = ['file', 'village', 'staff', 'file', 'healthz', 'search'];
  const one = async (kind: Outcome['kind']) => {
    const startedAt = Date.now();
    let response: Response;
    const filing = kind === 'file' ? complaintRequest(base) : undefined;
    try {
      if (filing) response = await sendComplaint(base, filing);
      else if (kind === 'staff') response = await fetch(`${base}/staff`, { headers: { Cookie: cookie }, redirect: 'manual' });
      else if (kind === 'healthz') response = await fetch(`${base}/healthz`);
      // A query string of its own each time, so the front cache never answers for the database.
      else if (kind === 'search') response = await fetch(`${base}/search?q=${encodeURIComponent('低保')}&n=${startedAt}${Math.random()}`);
      else response = await fetch(`${base}/villages/${VILLAGE}?n=${startedAt}${Math.random()}`);
    } catch (error) {
      outcomes.push({ kind, startedAt, endedAt: Date.now(), status: 'error', retryAfter: null, detail: (error as Error).message, ...(filing ? { retry: filing } : {}) });
      return;
    }
    const text = await response.text();
    const outcome: Outcome = { kind, startedAt, endedAt: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') };
    if (response.status === 503) {
      outcome.clear =
        kind === 'healthz'
          ? text.includes('"unavailable"')
          : kind === 'file'
            ? /"code":"unavailable"/.test(text)
            : text.includes(zh('error.503.title')) && text.includes(zh('error.503.body'));
    }
    if (kind === 'file' && response.status === 201) receipts.push((JSON.parse(text) as { receipt: string }).receipt);
    else if (filing) outcome.retry = filing;
    if (response.status >= 500 && response.status !== 503) outcome.detail = text.slice(0, 300);
    outcomes.push(outcome);
  };
  const workers = Array.from({ length: WORKERS }, async (_, w) => {
    for (let i = w; running; i++) await one(kinds[i % kinds.length]!);
  });

  step(`${WORKERS} clients file complaints, read pages and use the staff area; PostgreSQL stops (fast shutdown) after 3 s`);
  await sleep(3_000);
  const stoppingAt = Date.now();
  cluster.stop();
  const stoppedAt = Date.now();
  note(`PostgreSQL stopped (pg_ctl took ${stoppedAt - stoppingAt} ms); it stays away for 6 s`);
  await sleep(6_000);
  await cluster.start();
  const startedAt = Date.now();
  note(`PostgreSQL accepts connections again (start took ${startedAt - stoppedAt - 6_000} ms after the pause)`);
  await sleep(RECOVERY_LIMIT_MS + 2_000);
  running = false;
  await Promise.all(workers);

  step('the app survived: the same process answered every request');
  if (server.child.exitCode !== null || server.child.pid !== pid) fail(`the server exited (${server.child.exitCode})`);
  const unanswered = outcomes.filter((o) => o.status === 'error');
  if (unanswered.length) fail(`${unanswered.length} requests got no answer, e.g. ${unanswered[0]!.kind}: ${unanswered[0]!.detail}`);
  const broken = outcomes.filter((o) => typeof o.status === 'number' && o.status >= 500 && o.status !== 503);
  if (broken.length) fail(`${broken.length} answers were ${broken[0]!.status} (not 503), e.g. ${broken[0]!.kind}: ${broken[0]!.detail}`);

  const inFlight = outcomes.filter((o) => o.startedAt < stoppingAt && o.endedAt > stoppingAt);
  note(`${inFlight.length} requests were in flight when PostgreSQL was told to stop: ${JSON.stringify(countBy(inFlight.map((o) => String(o.status))))}`);

  step('while the database was away: 503 with Retry-After and the clear page, at once; /healthz 503; the API its JSON refusal');
  const away = outcomes.filter((o) => o.startedAt >= stoppedAt && o.endedAt <= startedAt);
  const refused = away.filter((o) => o.status === 503);
  const byKind = (list: Outcome[]) => Object.fromEntries(kinds.map((kind) => [kind, list.filter((o) => o.kind === kind).length]));
  note(`${away.length} requests while away: ${refused.length} answered 503 ${JSON.stringify(byKind(refused))}`);
  for (const kind of ['file', 'staff', 'healthz', 'search', 'village'] as const) {
    if (!refused.some((o) => o.kind === kind)) fail(`no ${kind} request was answered 503 while the database was away`);
  }
  const succeeded = away.filter((o) => o.status !== 503 && o.kind !== 'village');
  if (succeeded.length) fail(`${succeeded.length} requests that need the database answered ${succeeded[0]!.status} while it was away (${succeeded[0]!.kind})`);
  const unclear = refused.filter((o) => !o.clear);
  if (unclear.length) fail(`${unclear.length} 503 answers were not the clear page or JSON refusal (e.g. ${unclear[0]!.kind})`);
  const waits = refused.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b);
  note(`503 answered in ${waits[Math.floor(waits.length / 2)]} ms (median), ${waits.at(-1)} ms at most`);
  // Not a hang: postgres.js retries connecting at most a second apart (db.ts), and gives up on it at once when refused.
  if (waits.at(-1)! > 2_000) fail(`a request waited ${waits.at(-1)} ms for its 503 while the database was away`);
  const noRetry = refused.filter((o) => o.kind !== 'healthz' && o.retryAfter !== '10');
  if (noRetry.length) fail(`${noRetry.length} 503 answers had no Retry-After: 10 (e.g. ${noRetry[0]!.kind}: ${noRetry[0]!.retryAfter})`);

  step(`once PostgreSQL was back, the app recovered by itself within ${RECOVERY_LIMIT_MS / 1000} s`);
  // Recovered at: the end of the last failed request begun after the start; every later one succeeded.
  const after = outcomes.filter((o) => o.startedAt >= startedAt).sort((a, b) => a.startedAt - b.startedAt);
  const lastFailure = after.filter((o) => o.status !== 200 && o.status !== 201 && o.status !== 303).at(-1);
  const recoveredAt = lastFailure ? lastFailure.endedAt : startedAt;
  const late = after.filter((o) => o.startedAt > recoveredAt);
  const firstAnswer = after.find((o) => o.kind !== 'village' && (o.status === 200 || o.status === 201));
  note(`first answer from the database ${firstAnswer ? firstAnswer.endedAt - startedAt : '—'} ms after PostgreSQL was back; no failure after ${((recoveredAt - startedAt) / 1000).toFixed(2)} s; ${late.length} requests after that, all 2xx`);
  if (recoveredAt - startedAt > RECOVERY_LIMIT_MS) fail(`requests still failed ${((recoveredAt - startedAt) / 1000).toFixed(1)} s after PostgreSQL was back (${lastFailure!.kind}: ${lastFailure!.status})`);
  if (late.filter((o) => o.kind === 'file').length < 5) fail('too few complaints filed after the recovery to tell');

  step('every filing not answered 201, sent again with its Idempotency-Key as the 503 says, gets its receipt once');
  // PostgreSQL can commit a filing and stop before its answer reaches the app (CI drew one): the
  // app cannot tell and answers 503. The retry the answer asks for returns that filing's receipt
  // (200) instead of filing it again; one never committed is filed now (201).
  const retried = { again: 0, anew: 0 };
  for (const outcome of outcomes.filter((o) => o.retry)) {
    const response = await sendComplaint(base, outcome.retry!);
    const text = await response.text();
    if (response.status !== 200 && response.status !== 201) fail(`a filing sent again with its Idempotency-Key was answered ${response.status}: ${text.slice(0, 200)}`);
    receipts.push((JSON.parse(text) as { receipt: string }).receipt);
    retried[response.status === 200 ? 'again' : 'anew'] += 1;
  }
  note(`${retried.again + retried.anew} filings sent again: ${retried.again} had been stored (their receipt returned), ${retried.anew} filed now`);

  step('every complaint that got a receipt is in the database, each with its "received" event');
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  defer(() => sql.end());
  const rows = await sql<Array<{ receipt_hmac: string; events: number }>>`
    select c.receipt_hmac, (select count(*)::int from complaint_events e where e.complaint_id = c.id and e.kind = 'received') as events
    from complaints c where c.title = ${COMPLAINT.title}`;
  const stored = new Map(rows.map((row) => [row.receipt_hmac, row.events]));
  const missing = receipts.filter((receipt) => !stored.has(storedReceipt(keys.RECEIPT_KEY!, receipt)));
  const refusedFilings = outcomes.filter((o) => o.kind === 'file' && o.status === 503).length;
  note(`${receipts.length} receipts handed out, ${rows.length} complaints in the database, ${missing.length} missing; ${refusedFilings} filings refused with 503 (no receipt)`);
  if (missing.length) fail(`${missing.length} complaints with a receipt are not in the database`);
  if (new Set(receipts).size !== receipts.length) fail('a receipt was handed out twice');
  const halfWritten = rows.filter((row) => row.events !== 1);
  if (halfWritten.length) fail(`${halfWritten.length} complaints lack their one "received" event`);
  // A row without a receipt would be a filing committed but answered 503 that its retry did not find.
  if (rows.length !== receipts.length) fail(`${rows.length - receipts.length} complaints are in the database without a receipt having been handed out`);

  step('the LISTEN connection is back: a list published now empties this instance’s front cache at once');
  const countyPage = async () => {
    const response = await fetch(`${base}/counties/${COUNTY}`);
    const html = await response.text();
    return { version: /第\s*(\d+)\s*版/.exec(html)?.[1] ?? fail('the county page names no list version'), cache: response.headers.get('x-front-cache') };
  };
  const before = await countyPage();
  let cached = await countyPage();
  for (let i = 0; i < 40 && cached.cache !== 'hit'; i++) {
    await sleep(50);
    cached = await countyPage();
  }
  if (cached.cache !== 'hit') fail(`the county page is not served from the front cache (${cached.cache})`);
  const draft = await postForm(`${base}/staff/lists/${COUNTY}`, {}, cookie);
  if (draft.status !== 303) fail(`starting a draft answered ${draft.status}`);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const published = await postForm(`${base}/staff/lists/${COUNTY}/draft/publish`, { effectiveOn: today, note: '演练：数据库重启之后的发布' }, cookie);
  if (published.status !== 303) fail(`publishing answered ${published.status}`);
  const publishedAt = Date.now();
  let seen = before.version;
  while (seen === before.version && Date.now() - publishedAt < 1_000) {
    seen = (await countyPage()).version;
    if (seen === before.version) await sleep(50);
  }
  if (seen === before.version) fail(`the front cache still shows version ${seen} one second after the publication: the LISTEN did not come back`);
  note(`version ${before.version} → ${seen} after ${Date.now() - publishedAt} ms`);

  const fatal = server.output().split('\n').filter((line) => /"level":60|uncaught/.test(line));
  if (fatal.length) fail(`the server logged: ${fatal[0]!.slice(0, 300)}`);
  await server.stop();
});
