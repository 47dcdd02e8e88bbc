/**
 * What the failure drills share (tests/drills/*.ts, issue 16 item 4): the built server started as
 * production starts it, with its log kept for the drill to read; a fresh PostgreSQL database per
 * drill; a private PostgreSQL server the restart drill may stop and start without touching anyone
 * else's; form posts and complaint filings as the browser and API clients send them; and a runner
 * that undoes everything a drill set up, in reverse, even when a step fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { receiptHmac } from '../../src/lib/server/complaints/crypto.ts';
import { SERVER_NODE_FLAGS } from '../../src/server/node-flags.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Demo data the drills act on: 桑河县 and one of its villages; the county commission's account. */
export const COUNTY = '990121000000';
export const VILLAGE = '990121001201';
export const STAFF = { username: 'sanghe.jw', password: 'yidiantong-jiwei-2026' };

export function step(text: string): void {
  console.log(`• ${text}`);
}

export function note(text: string): void {
  console.log(`  ${text}`);
}

export function fail(text: string): never {
  throw new Error(text);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

type Cleanup = () => Promise<void> | void;

/** Set once a step has failed, so that clean-ups can show what the servers said. */
let drillFailed = false;

/**
 * Runs a drill: `main` registers what to undo with `defer` as it sets things up; all of it runs in
 * reverse order afterwards, pass or fail. Exits 0 on success, 1 at the first failed step.
 */
export async function runDrill(name: string, main: (defer: (cleanup: Cleanup) => void) => Promise<void>): Promise<never> {
  const cleanups: Cleanup[] = [];
  let code = 0;
  const started = Date.now();
  try {
    await main((cleanup) => cleanups.push(cleanup));
    console.log(`${name} drill: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    console.error(`${name} drill FAILED: ${error instanceof Error ? error.message : String(error)}${cause}`);
    code = 1;
    drillFailed = true;
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`${name} drill: a clean-up step failed: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
  }
  process.exit(code);
}

export interface AppServer {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything the process printed so far (JSON log lines on stdout, anything on stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM and wait; a no-op once it has exited. */
  stop(): Promise<void>;
}

/** Fresh random keys, so nothing is generated into DATA_DIR and the drill can hash receipts itself. */
export function drillKeys(): Record<string, string> {
  const key = () => randomBytes(32).toString('base64');
  return { COMPLAINT_KEY: key(), RECEIPT_KEY: key(), LIVELIHOOD_ID_KEY: key(), CHECKPOINT_SIGNING_KEY: key() };
}

/**
 * Starts the built server (`node src/server/start.ts`, the production entry) with `env` over a
 * drill's defaults: proof of work off and the forwarded address trusted, so filings are not capped
 * by the per-client limits (as in the benchmark); LOG_LEVEL info so the drill can read the log.
 * `waitReady: false` returns at once, for a start that is meant to fail.
 */
export async function startServer(defer: (cleanup: Cleanup) => void, env: NodeJS.ProcessEnv, options: { waitReady?: boolean; port?: number } = {}): Promise<AppServer> {
  if (!existsSync(path.join(ROOT, 'dist/server/entry.mjs'))) fail('no build: run `npm run build` first (the drills start the built server)');
  const port = options.port ?? (await freePort());
  const fullEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_ENV: 'development',
    LOG_LEVEL: 'info',
    PROOF_OF_WORK: 'off',
    TRUSTED_PROXIES: '127.0.0.1',
    ...env,
  };
  if (!env.DATABASE_URL) delete fullEnv.DATABASE_URL;
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'src/server/start.ts'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const server: AppServer = {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
  defer(async () => {
    if (drillFailed) process.stderr.write(`--- the server on port ${port} said (last lines):\n${output.split('\n').slice(-25).join('\n').slice(-6000)}\n`);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  if (options.waitReady === false) return server;
  for (let i = 0; i < 480; i++) {
    if (child.exitCode !== null) fail(`the server exited with ${child.exitCode} before it was ready:\n${output.slice(-3000)}`);
    try {
      if ((await fetch(`${server.base}/healthz`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  fail(`the server did not become ready within two minutes:\n${output.slice(-3000)}`);
}

/** The server's JSON log lines at warning level or above (40 warn, 50 error, 60 fatal), parsed. */
export function logLines(output: string, minimumLevel = 40): Array<{ level: number; msg: string; err?: { code?: string; message?: string } }> {
  const lines = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as { level: number; msg: string; err?: { code?: string; message?: string } };
      if (parsed.level >= minimumLevel) lines.push(parsed);
    } catch {
      // not a log line
    }
  }
  return lines;
}

/** The PostgreSQL the other tests use (TEST_DATABASE_URL), where a drill may create and drop databases. */
export function sharedPostgres(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A new, empty database on the server at `serverUrl` (the app migrates and seeds it), dropped afterwards. */
export async function freshDatabase(defer: (cleanup: Cleanup) => void, serverUrl: string, label: string): Promise<string> {
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  const name = `ydt_drill_${label}_${process.pid}`;
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    fail(`could not create a database on ${new URL(serverUrl).host} (is PostgreSQL running?): ${(error as Error).message}`);
  }
  defer(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return withDatabase(serverUrl, name);
}

/** The newest PostgreSQL server binaries on this machine (Debian's /usr/lib/postgresql/<major>/bin), or PG_BINDIR. */
function postgresBinaries(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => existsSync(path.join(root, name, 'bin/pg_ctl'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) fail('no PostgreSQL server binaries found under /usr/lib/postgresql (install postgresql, or set PG_BINDIR)');
  return path.join(root, majors[0], 'bin');
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  start(): Promise<void>;
  /** Fast shutdown: open sessions are ended at once, as in a restart by systemd or an operator. */
  stop(): void;
}

/**
 * A PostgreSQL server of its own, in a temp directory on a free port, for the drill that stops and
 * starts it: restarting the machine's shared cluster would break whatever else is using it at the
 * time (other test runs on the same machine). Same binaries, same version. Run as root (CI), the
 * server runs as the `postgres` user, as PostgreSQL requires. Always stopped and removed afterwards.
 */
export async function privatePostgres(defer: (cleanup: Cleanup) => void): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-drill-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, command), ...args] : args;
    const result = spawnSync(asRoot ? 'runuser' : path.join(bin, command), argv, { encoding: 'utf8' });
    if (result.status !== 0) fail(`${command} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const { uid, gid } = statSync('/var/lib/postgresql');
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  let running = false;
  defer(() => {
    if (running) spawnSync(asRoot ? 'runuser' : path.join(bin, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl')] : []), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', path.join(dir, 'server.log'), '-w', 'start']);
      running = true;
    },
    stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
  };
  await cluster.start();
  return cluster;
}

/** A form post as the browser sends it (same origin), with the session cookie if any. */
export async function postForm(url: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  const origin = new URL(url).origin;
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, 'Sec-Fetch-Site': 'same-origin', Cookie: cookie },
    body: new URLSearchParams(fields).toString(),
  });
}

export async function signIn(base: string): Promise<string> {
  const response = await postForm(`${base}/staff/sign-in`, { username: STAFF.username, password: STAFF.password, next: '/staff' });
  const cookie = response.headers.getSetCookie().find((value) => /ydt_session=/.test(value));
  if (response.status !== 303 || !cookie) fail(`signing in answered ${response.status}`);
  return cookie.split(';')[0]!;
}

/** A complaint as a citizen files it through `POST /api/v1/complaints` (the benchmark's filing). */
export const COMPLAINT = {
  category: 'assets',
  title: '村集体机动地承包费去向不明',
  content: '本村集体机动地二〇二五年发包，承包费一直没有公开，村民多次询问村委会都说还在统计，请上级核查承包费的收取和使用情况。',
  anonymous: true,
  aboutCommissionHead: false,
  areaCode: VILLAGE,
};

let client = 0;
/**
 * One complaint filing as a careful API client sends it: from a forwarded client address of its
 * own (the per-client hourly limit is not what is drilled), with an Idempotency-Key.
 */
export function complaintRequest(base: string): { headers: Record<string, string>; body: string } {
  client += 1;
  return {
    headers: {
      'Content-Type': 'application/json',
      Origin: base,
      'X-Forwarded-For': `198.18.${(client >> 8) & 255}.${client & 255}`,
      'Idempotency-Key': randomBytes(16).toString('hex'),
    },
    body: JSON.stringify(COMPLAINT),
  };
}

/** Sends a filing made by `complaintRequest` (again, for a retry with its Idempotency-Key). */
export async function sendComplaint(base: string, request: ReturnType<typeof complaintRequest>): Promise<Response> {
  return fetch(`${base}/api/v1/complaints`, { method: 'POST', ...request });
}

/** Files one complaint through `POST /api/v1/complaints`. */
export async function fileComplaint(base: string): Promise<Response> {
  return sendComplaint(base, complaintRequest(base));
}

/** The stored form of a receipt (complaints.receipt_hmac) under the base64 key the drill gave the server. */
export function storedReceipt(receiptKey: string, receipt: string): string {
  return receiptHmac(Buffer.from(receiptKey, 'base64'), receipt);
}

/** SHA-256 of every file under `dir`, by relative path: "byte for byte unchanged" is these being equal. */
export function hashTree(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(name);
      else hashes.set(name, createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex'));
    }
  };
  if (statSync(dir).isDirectory()) walk('');
  else hashes.set('.', createHash('sha256').update(readFileSync(dir)).digest('hex'));
  return hashes;
}

/** What differs between two `hashTree`s: added, removed and changed paths. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [name, hash] of after) if (!before.has(name)) changes.push(`+ ${name}`);
  else if (before.get(name) !== hash) changes.push(`~ ${name}`);
  for (const name of before.keys()) if (!after.has(name)) changes.push(`- ${name}`);
  return changes;
}
