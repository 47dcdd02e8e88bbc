/**
 * `npm run bench [-- --no-build] [--duration 20] [--connections 50] [--label demo] [--only filing,village]`:
 * throughput of the built production server, measured against a bare node:http server on the same
 * Node in the same run (the ceiling). A measurement, not a test: it fails only when a target answers
 * with errors.
 *
 * The server runs with the front cache on, then again with it off; each run gets a fresh data
 * directory (demo data) unless BENCH_DATABASE_URL points at a PostgreSQL database (e.g. one filled by
 * `npm run db:scale` on a real imported province). Complaint filings go through the JSON API with the
 * proof of work off (PROOF_OF_WORK=off, refused in production) and a different forwarded client
 * address per request (TRUSTED_PROXIES=127.0.0.1), so the per-client limits do not cap the run.
 * Filings run for 60 s (or --duration if longer); afterwards the rows filed are counted against
 * the receipts handed out — in the database when it is BENCH_DATABASE_URL's, otherwise by looking
 * every receipt up through the API — and the run fails if any is lost or stored twice.
 * `--only` keeps the targets whose names contain one of the given words (the ceiling always runs).
 *
 * Writes the table to tests/bench/results/<date>-<label>.md and prints it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SERVER_NODE_FLAGS } from '../../src/server/node-flags.ts';

const { values: args } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    label: { type: 'string', default: 'demo' },
    only: { type: 'string' },
  },
});
const ONLY = args.only?.split(',').map((word) => word.trim()).filter(Boolean);
/** The filing target is held for a minute. */
const FILING_DURATION = 60;
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WARM_UP = 3;
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Row {
  target: string;
  mode: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb: number;
  ratio: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer`);
}

/** Peak resident memory of a process while `during` runs, sampled from /proc. */
async function peakRss<T>(pid: number, during: () => Promise<T>): Promise<{ value: T; rssMb: number }> {
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      // process gone
    }
  };
  const timer = setInterval(sample, 250);
  try {
    const value = await during();
    sample();
    return { value, rssMb: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}

interface Target {
  name: string;
  /** Paths to spread the requests over (one is fine). */
  paths: string[];
  method?: 'GET' | 'POST';
  /** The body of the n-th request. */
  body?: (n: number) => string;
  /** Seconds, when not the run's --duration. */
  duration?: number;
  onResponse?: (status: number, body: string) => void;
}

async function drive(base: string, target: Target): Promise<autocannon.Result> {
  let n = 0;
  const requests: autocannon.Request[] = [
    {
      method: target.method ?? 'GET',
      setupRequest: (request) => {
        n += 1;
        const pathname = target.paths[n % target.paths.length]!;
        const headers: Record<string, string> = { ...(request.headers as Record<string, string>), 'X-Forwarded-For': `198.18.${(n >> 8) & 255}.${n & 255}` };
        if (target.body) headers['Content-Type'] = 'application/json';
        return { ...request, path: pathname, headers, ...(target.body ? { body: target.body(n) } : {}) };
      },
      ...(target.onResponse ? { onResponse: (status: number, body: string) => target.onResponse!(status, body) } : {}),
    },
  ];
  // Warm-up: JIT, the front cache's first fill, PostgreSQL's buffers.
  await autocannon({ url: base, connections: CONNECTIONS, duration: WARM_UP, requests });
  return autocannon({ url: base, connections: CONNECTIONS, duration: target.duration ?? DURATION, requests });
}

/**
 * The bench's own filings in the benchmark database (its title, its text and a request number), and
 * how many of them share a request number (stored twice); undefined without a database to ask.
 */
async function countBenchFilings(): Promise<{ rows: number; doubled: number } | undefined> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) return undefined;
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<Array<{ rows: string; distinct: string }>>`
      select count(*) as rows, count(distinct content) as distinct
        from complaints where title = ${COMPLAINT.title} and starts_with(content, ${COMPLAINT.content})`;
    return { rows: Number(row!.rows), doubled: Number(row!.rows) - Number(row!.distinct) };
  } finally {
    await sql.end();
  }
}

/** How many of the receipts the public lookup finds (for a run on a fresh PGlite database). */
async function receiptsFound(base: string, receipts: string[]): Promise<number> {
  let found = 0;
  for (const receipt of receipts) {
    const response = await fetch(`${base}/api/v1/complaints/${receipt}`, { headers: { 'X-Forwarded-For': '198.19.0.1' } });
    if (response.ok) found += 1;
    await response.arrayBuffer();
  }
  return found;
}

function row(target: string, mode: string, result: autocannon.Result, rssMb: number, ceiling: number): Row {
  return {
    target,
    mode,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    rssMb,
    ratio: ceiling ? result.requests.average / ceiling : 1,
  };
}

async function startApp(port: number, frontCache: 'on' | 'off'): Promise<{ child: ChildProcess; cleanup: () => void }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ydt-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    APP_ENV: 'development',
    LOG_LEVEL: 'warn',
    FRONT_CACHE: frontCache,
    PROOF_OF_WORK: 'off',
    TRUSTED_PROXIES: '127.0.0.1',
  };
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'src/server/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(`http://127.0.0.1:${port}/healthz`, child);
  return { child, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Paths that exist in the database the server runs on: a county, an item, villages with periods. */
async function discover(base: string) {
  const counties = (await (await fetch(`${base}/api/v1/counties`)).json()) as { counties: Array<{ code: string; currentList: unknown }> };
  const county = counties.counties.find((c) => c.currentList) ?? counties.counties[0]!;
  const items = (await (await fetch(`${base}/api/v1/counties/${county.code}/items`)).json()) as { items: Array<{ code: string }> };
  const villagePaths: string[] = [];
  const apiPaths: string[] = [];
  for (const c of counties.counties.slice(0, 20)) {
    const villages = (await (await fetch(`${base}/api/v1/villages?county=${c.code}`)).json()) as { villages?: Array<{ code: string; latestPeriod: string | null }> };
    for (const village of villages.villages ?? []) {
      apiPaths.push(`/api/v1/villages/${village.code}`);
      if (village.latestPeriod) villagePaths.push(`/villages/${village.code}?period=${village.latestPeriod}`);
    }
  }
  // Shuffled, so "a random village" is not the same few rows in order.
  villagePaths.sort(() => Math.random() - 0.5);
  apiPaths.sort(() => Math.random() - 0.5);
  return { county: county.code, item: items.items[0]?.code ?? 'GL-01', villagePaths, apiPaths };
}

const COMPLAINT = {
  category: 'assets',
  title: '村集体机动地承包费去向不明',
  content: '本村集体机动地二〇二五年发包，承包费一直没有公开，村民多次询问村委会都说还在统计，请上级核查承包费的收取和使用情况。',
  anonymous: true,
  aboutCommissionHead: false,
};

async function main(): Promise<void> {
  if (!args['no-build']) {
    const build = spawnSync('npx', ['astro', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const rows: Row[] = [];
  const filings: string[] = [];
  let lostOrDoubled = false;

  // The ceiling: a bare node:http server answering a fixed page of about the same size.
  const barePort = await freePort();
  const bare = spawn(process.execPath, ['-e', `require('node:http').createServer((q,s)=>{s.writeHead(200,{'Content-Type':'text/html'});s.end('x'.repeat(20000))}).listen(${barePort},'127.0.0.1')`], { stdio: 'inherit' });
  await waitFor(`http://127.0.0.1:${barePort}/`, bare);
  const ceilingRun = await peakRss(bare.pid!, () => drive(`http://127.0.0.1:${barePort}`, { name: 'bare', paths: ['/'] }));
  const ceiling = ceilingRun.value.requests.average;
  rows.push(row('bare node:http (ceiling)', '—', ceilingRun.value, ceilingRun.rssMb, ceiling));
  await stop(bare);

  for (const mode of ['on', 'off'] as const) {
    const port = await freePort();
    const { child, cleanup } = await startApp(port, mode);
    const base = `http://127.0.0.1:${port}`;
    const found = await discover(base);
    const receipts: string[] = [];
    const targets: Target[] = [
      { name: 'home', paths: ['/'] },
      { name: 'county list', paths: [`/counties/${found.county}`] },
      { name: 'item page', paths: [`/counties/${found.county}/items/${found.item}`] },
      { name: 'random village, random period', paths: found.villagePaths.length ? found.villagePaths : ['/villages'] },
      { name: 'village JSON API', paths: found.apiPaths.length ? found.apiPaths : ['/api/v1/counties'] },
      { name: 'statistics', paths: [`/statistics/${found.county}`] },
      { name: 'search', paths: ['低保', '承包', '宅基地审批'].map((q) => `/search?q=${encodeURIComponent(q)}`) },
      // The floor of Astro's pipeline: middleware and one `select 1`, no page to render.
      { name: 'healthz (Astro, no page)', paths: ['/healthz'] },
    ];
    if (mode === 'on') {
      targets.push({
        name: 'complaint filing (API)',
        duration: Math.max(FILING_DURATION, DURATION),
        method: 'POST',
        paths: ['/api/v1/complaints'],
        // Each filing carries its request number, so one stored twice shows in the count.
        body: (n) => JSON.stringify({ ...COMPLAINT, content: `${COMPLAINT.content}（压测第${n}件）`, areaCode: found.villagePaths[0]?.split('/')[2]?.split('?')[0] ?? '990121001201' }),
        onResponse: (status, body) => {
          if (status === 201) receipts.push((JSON.parse(body) as { receipt: string }).receipt);
        },
      });
    }
    const chosen = ONLY ? targets.filter((target) => ONLY.some((word) => target.name.includes(word))) : targets;
    const filedBefore = await countBenchFilings();
    const { rssMb } = await peakRss(child.pid!, async () => {
      for (const target of chosen) {
        const result = await drive(base, target);
        rows.push(row(target.name, `cache ${mode}`, result, 0, ceiling));
        process.stderr.write(`${target.name} (cache ${mode}): ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`);
      }
      if (receipts.length) {
        const lookup = await drive(base, { name: 'receipt lookup', paths: receipts.slice(0, 2000).map((receipt) => `/api/v1/complaints/${receipt}`) });
        rows.push(row('receipt lookup (API)', `cache ${mode}`, lookup, 0, ceiling));
      }
    });
    for (const r of rows) if (r.mode === `cache ${mode}`) r.rssMb = rssMb;
    if (receipts.length) {
      const unique = new Set(receipts).size;
      const filedAfter = await countBenchFilings();
      if (filedBefore && filedAfter) {
        // autocannon stops at the deadline without reading the answers in flight (one per
        // connection, at the end of the warm-up and of the run): those filings are stored, but
        // their receipts never reached the client.
        const stored = filedAfter.rows - filedBefore.rows;
        const doubled = filedAfter.doubled - filedBefore.doubled;
        const unanswered = stored - receipts.length;
        filings.push(`Filings (cache ${mode}): ${receipts.length} receipts, ${unique} distinct; ${stored} rows in the database, ${doubled} stored twice, ${unanswered} filed by requests cut off at a deadline (at most ${2 * CONNECTIONS}).`);
        if (doubled !== 0 || unanswered < 0 || unanswered > 2 * CONNECTIONS) lostOrDoubled = true;
      } else {
        const found = await receiptsFound(base, receipts);
        filings.push(`Filings (cache ${mode}): ${receipts.length} receipts, ${unique} distinct, ${found} found by the receipt lookup.`);
        if (found !== receipts.length) lostOrDoubled = true;
      }
      if (unique !== receipts.length) lostOrDoubled = true;
      process.stderr.write(`${filings.at(-1)}\n`);
    }
    await stop(child);
    cleanup();
  }

  const date = new Date().toISOString().slice(0, 10);
  const table = [
    `# HTTP benchmark ${date} (${args.label})`,
    '',
    `${os.cpus().length} CPUs, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s per target (filings ${Math.max(FILING_DURATION, DURATION)} s) after ${WARM_UP} s warm-up; ` +
      `database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'PGlite, demo data'}. RSS is the server's peak over its whole run.`,
    '',
    '| target | front cache | req/s | p50 ms | p99 ms | errors | peak RSS MB | of ceiling |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.target} | ${r.mode} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.rssMb} | ${(r.ratio * 100).toFixed(1)} % |`),
    '',
    ...filings,
    ...(filings.length ? [''] : []),
  ].join('\n');
  const dir = path.join(ROOT, 'tests/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date}-${args.label}.md`);
  writeFileSync(file, table);
  process.stdout.write(`${table}\nwritten to ${path.relative(ROOT, file)}\n`);
  process.exit(rows.some((r) => r.errors > 0) || lostOrDoubled ? 1 : 0);
}

await main();
