/**
 * Drill (`npm run drill:sigterm`; run by .ci/run after the browser tests): the server gets SIGTERM
 * (systemd stopping or restarting it, a deploy) while citizens file complaints and read pages.
 *   1. every request that was in flight finishes with its normal answer: no 5xx, none cut off;
 *   2. the server's log has no failed query and no error: the database is closed only after the
 *      last request (and anything it started) is done;
 *   3. the process exits 0 by itself, before the 10 s force-exit timer;
 *   4. nothing is half-written: every receipt's complaint is in the database with its one
 *      "received" event, and no complaint is there without a receipt having been handed out.
 * Requests sent after the signal are answered normally or not taken at all (refused at connect,
 * or reset before the server read them): what a load balancer expects of a stopping instance.
 * Half the clients keep connections alive, the others open one per request and some of those hang
 * up before their answer; a burst of new connections goes out just before the signal.
 * Needs the build and a PostgreSQL server (TEST_DATABASE_URL, else postgres@127.0.0.1:5432).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { COMPLAINT, complaintRequest, COUNTY, drillKeys, fail, freshDatabase, logLines, note, runDrill, sharedPostgres, signIn, sleep, startServer, step, storedReceipt, VILLAGE } from './support.ts';

const WORKERS = 16;
const BURST = 8;

interface Outcome {
  kind: string;
  startedAt: number;
  endedAt: number;
  status: number | 'refused' | 'reset-idle' | 'cut';
  detail?: string;
}

await runDrill('sigterm', async (defer) => {
  step('a fresh database on PostgreSQL and the built server, which migrates and seeds it');
  const databaseUrl = await freshDatabase(defer, sharedPostgres(), 'sigterm');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ydt-drill-data-'));
  defer(() => rmSync(dataDir, { recursive: true, force: true }));
  const keys = drillKeys();
  const server = await startServer(defer, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...keys });
  const { base } = server;
  const cookie = await signIn(base);

  const outcomes: Outcome[] = [];
  const receipts: string[] = [];
  let running = true;
  // Writes, pages the front cache cannot answer (a query string of their own), staff pages.
  const kinds = ['file', 'village', 'file', 'statistics', 'staff', 'file', 'search'] as const;
  type Kind = (typeof kinds)[number];
  const target = (kind: Kind): { path: string; method: string; headers: Record<string, string>; body?: string } => {
    const unique = `n=${Date.now()}${Math.random()}`;
    if (kind === 'file') return { path: '/api/v1/complaints', method: 'POST', ...complaintRequest(base) };
    if (kind === 'staff') return { path: '/staff/complaints', method: 'GET', headers: { Cookie: cookie } };
    if (kind === 'statistics') return { path: `/statistics/${COUNTY}?${unique}`, method: 'GET', headers: {} };
    if (kind === 'search') return { path: `/search?q=${encodeURIComponent('宅基地')}&${unique}`, method: 'GET', headers: {} };
    return { path: `/villages/${VILLAGE}?${unique}`, method: 'GET', headers: {} };
  };
  // Half the clients keep their connections alive, as a load balancer does; the others open one per
  // request, and some of those hang up before the answer (a citizen leaving a slow page): the
  // server goes on working on such a request after its connection is gone, and the database must
  // stay open until it has finished.
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  defer(() => keepAlive.destroy());
  let hungUp = 0;
  const one = async (kind: Kind, w: number) => {
    const startedAt = Date.now();
    const { path: address, method, headers, body } = target(kind);
    const abandon = w % 4 === 3 && (kind === 'statistics' || kind === 'search');
    await new Promise<void>((resolve) => {
      const request = http.request(`${base}${address}`, { method, headers, agent: w % 2 === 0 ? keepAlive : false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (kind === 'file' && status === 201) receipts.push((JSON.parse(text) as { receipt: string }).receipt);
          outcomes.push({ kind, startedAt, endedAt: Date.now(), status, ...(status >= 500 ? { detail: text.slice(0, 200) } : {}) });
          resolve();
        });
        response.on('error', () => undefined);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (!request.destroyed || !abandon) {
          // Refused at connect: the server had stopped accepting. Reset on a kept-alive connection
          // as the request went out: the server closed it as idle before the request arrived (the
          // client may retry; Node's documentation says to). Reset otherwise: a new connection still
          // in the kernel's queue when the server stopped listening, or a request cut off — after
          // the signal, the server's clean exit before the force timer (it waits for every request
          // it accepted) and the receipts counted against the rows tell which.
          const status = error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ECONNRESET' && request.reusedSocket ? 'reset-idle' : 'cut';
          outcomes.push({ kind, startedAt, endedAt: Date.now(), status, detail: `${error.code} ${error.message}` });
        }
        resolve();
      });
      if (abandon) {
        setTimeout(() => {
          if (request.destroyed) return;
          hungUp += 1;
          request.destroy();
          resolve();
        }, 30);
      }
      request.end(body);
    });
    if (outcomes.at(-1)?.status === 'refused') await sleep(50);
  };
  const workers = Array.from({ length: WORKERS }, async (_, w) => {
    for (let i = w; running; i++) await one(kinds[i % kinds.length]!, w);
  });

  step(`${WORKERS} clients file complaints and read pages; SIGTERM after 3 s`);
  await sleep(3_000);
  // A burst of filings on new connections just before the signal: connections still in the
  // kernel's accept queue, or accepted with their request unread, when the signal arrives (CI
  // drew one such request cut off when the server closed its socket at once).
  const burst = Array.from({ length: BURST }, () => one('file', 1));
  const signalAt = Date.now();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  const exitedAt = Date.now();
  running = false;
  await Promise.all([...workers, ...burst]);

  step('every request in flight at the signal finished with its normal answer');
  const inFlight = outcomes.filter((o) => o.startedAt < signalAt && o.endedAt >= signalAt);
  const byStatus = (list: Outcome[]) => {
    const counts: Record<string, number> = {};
    for (const o of list) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
    return counts;
  };
  note(`${outcomes.filter((o) => o.startedAt < signalAt).length} requests before the signal; ${inFlight.length} in flight at it: ${JSON.stringify(byStatus(inFlight))}`);
  const badInFlight = inFlight.filter((o) => typeof o.status !== 'number' || o.status >= 500);
  if (badInFlight.length) fail(`${badInFlight.length} requests in flight at the signal did not finish normally, e.g. ${badInFlight[0]!.kind}: ${badInFlight[0]!.status} ${badInFlight[0]!.detail ?? ''}`);
  if (inFlight.length < WORKERS / 2) fail(`only ${inFlight.length} requests were in flight at the signal: too few to tell`);
  const after = outcomes.filter((o) => o.startedAt >= signalAt);
  note(`${after.length} requests sent after the signal: ${JSON.stringify(byStatus(after))}; ${hungUp} requests abandoned by their clients on the way`);
  const serverErrors = outcomes.filter((o) => typeof o.status === 'number' && o.status >= 500);
  if (serverErrors.length) fail(`${serverErrors.length} answers were 5xx, e.g. ${serverErrors[0]!.kind}: ${serverErrors[0]!.status} ${serverErrors[0]!.detail}`);

  step('the process exited 0 by itself, before the force-exit timer, and logged no failed query or error');
  note(`exit ${code} ${exitedAt - signalAt} ms after the signal`);
  if (code !== 0) fail(`the server exited with ${code}`);
  if (exitedAt - signalAt >= 10_000) fail('the server took the force-exit timer to stop');
  const errors = logLines(server.output(), 50);
  const failedQueries = server.output().split('\n').filter((line) => line.includes('Failed query'));
  if (errors.length || failedQueries.length) fail(`the log has ${errors.length} error lines and ${failedQueries.length} failed queries, e.g. ${(errors[0]?.msg ?? '') + ' ' + (errors[0]?.err?.message ?? failedQueries[0] ?? '').slice(0, 300)}`);

  step('nothing half-written: every receipt is in the database with its "received" event, and no row without a receipt');
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  defer(() => sql.end());
  const rows = await sql<Array<{ receipt_hmac: string; events: number }>>`
    select c.receipt_hmac, (select count(*)::int from complaint_events e where e.complaint_id = c.id and e.kind = 'received') as events
    from complaints c where c.title = ${COMPLAINT.title}`;
  const stored = new Set(rows.map((row) => row.receipt_hmac));
  const missing = receipts.filter((receipt) => !stored.has(storedReceipt(keys.RECEIPT_KEY!, receipt)));
  note(`${receipts.length} receipts handed out, ${rows.length} complaints in the database, ${missing.length} missing`);
  if (missing.length) fail(`${missing.length} complaints with a receipt are not in the database`);
  if (rows.some((row) => row.events !== 1)) fail(`${rows.filter((row) => row.events !== 1).length} complaints lack their one "received" event`);
  if (rows.length !== receipts.length) fail(`${rows.length - receipts.length} complaints are in the database without a receipt having been handed out`);
});
