/**
 * Drill (run by .ci/run after the browser tests; `npm run drill:instances` by hand): two instances of
 * the built server on one PostgreSQL behind nginx in round-robin, as a county would run them.
 * Proves that nothing that matters lives in one process:
 *   1. a staff session started through nginx works on both instances, request after request;
 *   2. a county list published through instance A shows on instance B within one second, although B
 *      had the old page in its front cache (the publication's NOTIFY empties it);
 *   3. stopping instance B loses nothing: nginx sends everyone to A;
 *   4. nginx's one-second micro-cache answers public pages and never a private one.
 * nginx runs the shipped deploy/nginx.conf (TLS, trusted-proxy header, micro-cache), with only ports,
 * certificate and temp paths rewritten.
 * Needs the build (`npm run build`), nginx (Debian `nginx-light`) and TEST_DATABASE_URL (a PostgreSQL
 * server where it may create and drop a database). Exits 1 at the first failed step.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// nginx serves a self-signed certificate made for this run.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
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

async function startInstance(port: number, databaseUrl: string, publicOrigin: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/server/start.ts'], {
    cwd: ROOT,
    // PUBLIC_ORIGIN: behind TLS the app sees http, while browsers send the https origin.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, APP_ENV: 'development', LOG_LEVEL: 'warn', TRUSTED_PROXIES: '127.0.0.1', PUBLIC_ORIGIN: publicOrigin },
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
  const origin = `https://127.0.0.1:${portNginx}`;
  await startInstance(portA, databaseUrl, origin);
  const instanceB = await startInstance(portB, databaseUrl, origin);

  // nginx runs the shipped deploy/nginx.conf, rewritten only where a test machine differs: the
  // upstream ports, the listening port, a self-signed certificate and temp paths.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-nginx-'));
  cleanups.push(() => {
    // On failure, nginx's own account of it is the first thing to read.
    // nginx's own log, when it got as far as starting (a failure before that has none).
    if (process.exitCode && existsSync(path.join(dir, 'error.log'))) process.stderr.write(readFileSync(path.join(dir, 'error.log'), 'utf8').slice(-2000));
    rmSync(dir, { recursive: true, force: true });
  });
  const certificate = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
  if (certificate.status !== 0) fail('openssl could not make a test certificate');
  const shipped = readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const site = shipped
    // Whole port numbers only: a free port A such as 43225 begins with 4322, B's line in the file.
    .replace(/server 127\.0\.0\.1:4321\b/, `server 127.0.0.1:${portA}`)
    .replace(/server 127\.0\.0\.1:4322\b/, `server 127.0.0.1:${portB}`)
    .replace(/server \{\n    listen 80;[\s\S]*?\n\}\n/, '')
    .replace(/    listen \[::\]:443 ssl http2;\n/, '')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${portNginx} ssl http2;`)
    .replace('/etc/ssl/yidiantong/fullchain.pem', `${dir}/cert.pem`)
    .replace('/etc/ssl/yidiantong/privkey.pem', `${dir}/key.pem`)
    .replace('/var/cache/nginx/yidiantong', `${dir}/cache`)
    .replaceAll('/var/log/nginx/', `${dir}/`);
  if (site === shipped || !site.includes(String(portA)) || site.includes('/etc/ssl/')) fail('deploy/nginx.conf no longer has the lines the drill rewrites');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    // Workers as the user running the drill, so they can write the private temp directory.
    `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
${site}
}
`,
  );
  const nginx = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  children.push(nginx);
  const front = `https://127.0.0.1:${portNginx}`;
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

  step('nginx micro-caches public pages for a second, never private ones or signed-in requests');
  const statuses = async (address: string, cookie = '') => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await fetch(`${front}${address}`, { headers: { Cookie: cookie }, redirect: 'manual' })).headers.get('x-nginx-cache') ?? '-');
    return seen;
  };
  const village = await statuses('/villages/990121001201');
  if (!village.includes('HIT')) fail(`nginx never answered the village page from its cache: ${village.join(', ')}`);
  for (const [address, sent] of [['/report', ''], ['/track', ''], [`/counties/${COUNTY}`, cookie]] as const) {
    const seen = await statuses(address, sent);
    if (seen.includes('HIT')) fail(`nginx served ${address}${sent ? ' to a signed-in user' : ''} from its cache: ${seen.join(', ')}`);
  }

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
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  console.error(`two-instances drill FAILED: ${error instanceof Error ? error.message : String(error)}${cause}`);
  code = 1;
  process.exitCode = 1;
} finally {
  for (const child of children.reverse()) await stop(child);
  for (const cleanup of cleanups.reverse()) await cleanup();
}
process.exit(code);
