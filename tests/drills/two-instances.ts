/**
 * Drill (run by .ci/run after the browser tests; `npm run drill:instances` by hand): two instances of
 * the built server on one PostgreSQL behind nginx in round-robin, as a county would run them.
 * Proves that nothing that matters lives in one process:
 *   1. a staff session started through nginx works on both instances, request after request;
 *   2. a county list published through instance A shows on instance B within one second, although B
 *      had the old page in its front cache (the publication's NOTIFY empties it);
 *   3. stopping instance B loses nothing: nginx sends everyone to A.
 * Needs the build (`npm run build`), nginx (Debian `nginx-light`) and TEST_DATABASE_URL (a PostgreSQL
 * server where it may create and drop a database). Exits 1 at the first failed step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const ROOT = path.resolve(import.meta.dirname, '../..');
const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.error('two-instances drill: TEST_DATABASE_URL is required (a PostgreSQL server)');
  process.exit(1);
}
const COUNTY = '990121000000'; // 桑河县 (demo)
const STAFF = { username: 'sanghe.jw', password: 'yidiantong-jiwei-2026' };

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

function step(text: string): void {
  console.log(`• ${text}`);
}

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

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) fail(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`${url} did not answer within a minute`);
}

function withDatabase(name: string): string {
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startInstance(port: number, databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/server/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, APP_ENV: 'development', LOG_LEVEL: 'warn', TRUSTED_PROXIES: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/healthz`, child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A form post as the browser sends it (same origin), keeping the session cookie by hand. */
async function post(url: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  const origin = new URL(url).origin;
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, 'Sec-Fetch-Site': 'same-origin', Cookie: cookie },
    body: new URLSearchParams(fields).toString(),
  });
}

function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((value) => /ydt_session=/.test(value));
  return cookie ? cookie.split(';')[0]! : fail(`no session cookie (status ${response.status})`);
}

async function listVersion(base: string): Promise<{ version: string; cache: string | null }> {
  const response = await fetch(`${base}/counties/${COUNTY}`);
  const html = await response.text();
  const version = /data-list-version="(\d+)"/.exec(html)?.[1] ?? /第\s*(\d+)\s*版/.exec(html)?.[1] ?? fail('the county page names no list version');
  return { version, cache: response.headers.get('x-front-cache') };
}

async function main(): Promise<void> {
  const admin = postgres(withDatabase('postgres'), { max: 1, onnotice: () => {} });
  const name = `ydt_drill_${process.pid}`;
  await admin.unsafe(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  const databaseUrl = withDatabase(name);

  const [portA, portB, portNginx] = [await freePort(), await freePort(), await freePort()];
  step(`instance A on ${portA} migrates and seeds the demo; instance B on ${portB} joins the same database`);
  await startInstance(portA, databaseUrl);
  const instanceB = await startInstance(portB, databaseUrl);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-nginx-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream portal { server 127.0.0.1:${portA} max_fails=1 fail_timeout=5s; server 127.0.0.1:${portB} max_fails=1 fail_timeout=5s; }
  server {
    listen 127.0.0.1:${portNginx};
    location / {
      proxy_pass http://portal;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
    }
  }
}
`,
  );
  const nginx = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  children.push(nginx);
  const front = `http://127.0.0.1:${portNginx}`;
  await waitFor(`${front}/healthz`, nginx);

  step('a session started through nginx works on every following request, whichever instance answers');
  const signedIn = await post(`${front}/staff/sign-in`, { username: STAFF.username, password: STAFF.password, next: '/staff' });
  if (signedIn.status !== 303) fail(`sign-in answered ${signedIn.status}`);
  const cookie = sessionCookie(signedIn);
  for (let i = 0; i < 6; i++) {
    const home = await fetch(`${front}/staff`, { headers: { Cookie: cookie }, redirect: 'manual' });
    if (home.status !== 200) fail(`request ${i + 1} with the session answered ${home.status}`);
  }
  // Each instance directly, too: round-robin alone could in theory keep hitting one.
  for (const port of [portA, portB]) {
    const home = await fetch(`http://127.0.0.1:${port}/staff`, { headers: { Cookie: cookie }, redirect: 'manual' });
    if (home.status !== 200) fail(`instance on ${port} did not know the session (${home.status})`);
  }

  step('instance B caches the county page; a list published through instance A shows on B within one second');
  const before = await listVersion(`http://127.0.0.1:${portB}`);
  // The cache stores in the background (it compresses first): ask until it answers from memory.
  let cached = await listVersion(`http://127.0.0.1:${portB}`);
  for (let i = 0; i < 20 && cached.cache !== 'hit'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    cached = await listVersion(`http://127.0.0.1:${portB}`);
  }
  if (cached.cache !== 'hit') fail(`instance B did not serve the county page from its cache (${cached.cache})`);
  const a = `http://127.0.0.1:${portA}`;
  const started = await post(`${a}/staff/lists/${COUNTY}`, {}, cookie);
  if (started.status !== 303) fail(`starting a draft answered ${started.status}`);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const published = await post(`${a}/staff/lists/${COUNTY}/draft/publish`, { effectiveOn: today, note: '演练：两个实例之间的发布同步' }, cookie);
  if (published.status !== 303) fail(`publishing answered ${published.status}: ${(await published.text()).slice(0, 300)}`);
  const publishedAt = Date.now();
  let seen = before.version;
  while (seen === before.version && Date.now() - publishedAt < 1_000) {
    seen = (await listVersion(`http://127.0.0.1:${portB}`)).version;
    if (seen === before.version) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (seen === before.version) fail(`instance B still shows version ${seen} one second after the publication`);
  console.log(`  version ${before.version} → ${seen} on instance B after ${Date.now() - publishedAt} ms`);

  step('with instance B stopped, nginx sends every request to A and the session still holds');
  await stop(instanceB);
  for (let i = 0; i < 4; i++) {
    const home = await fetch(`${front}/staff`, { headers: { Cookie: cookie }, redirect: 'manual' });
    if (home.status !== 200) fail(`after B stopped, request ${i + 1} answered ${home.status}`);
  }
  console.log('two-instances drill: passed');
}

let code = 0;
try {
  await main();
} catch (error) {
  console.error(`two-instances drill FAILED: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  for (const child of children.reverse()) await stop(child);
  for (const cleanup of cleanups.reverse()) await cleanup();
}
process.exit(code);
