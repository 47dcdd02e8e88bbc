/**
 * Privacy sweep (issue 16 item 5; DESIGN.md §2 "Anonymous means anonymous: no IP, user agent or
 * timestamp finer than the day is stored with a complaint or written to any log in a way that
 * links to it"). `npm run drill:privacy`, in .ci/run's drills step; needs the build and a
 * PostgreSQL (TEST_DATABASE_URL) for the real pg_dump.
 *
 * The built server runs on a database of its own, trusting 127.0.0.1 as its proxy (so it does see
 * the forwarded client address, as behind nginx), logging at debug level to a file. A citizen —
 * every request carrying marker strings in User-Agent, X-Forwarded-For (a marker hostname, then
 * 203.0.113.77 or 2001:db8::77 as the client), X-Real-IP, Forwarded, Via, Referer and a Cookie —
 * files an anonymous complaint with a photo whose metadata is kept as evidence, a real-name one, and
 * one through the JSON API; tracks them, adds material, looks up livelihood payments (found and
 * not found). The commission then takes every step of casework on them through the staff pages:
 * accept, handler, zone, note, interim reply, hand-down to the township and its report and review,
 * a disposal and a conclusion proposed and approved, the reply, the reporter's rating and
 * objection and its answer, the identity release and the look at it, the kept original's look,
 * merging, escalation, both print sheets and both exports.
 *
 * Then the server is stopped and searched — its whole log output, `pg_dump` of its database (data
 * and schema, timestamps in UTC), and every file under its DATA_DIR:
 * 1. no header marker, anywhere;
 * 2. no client address: not 203.0.113.77, 2001:db8::77, nor 127.0.0.1 / ::1 as the socket saw it
 *    (the log's one "listening" line names the address the server binds to, which is no one's);
 * 3. body text only where it is stored on purpose: the complaint's title and content in
 *    `complaints` (the commission reads and searches them as typed), the material, replies and
 *    objection in `complaint_events` / `complaint_objections`, where the reporter and the
 *    commission read them; never the real-name reporter's name or phone (stored encrypted), the
 *    photo's metadata (its original encrypted), the livelihood lookup's name or ID number (keyed
 *    hashes only), and none of it in any log line;
 * 4. no time finer than the day linked to a complaint. Judgement, written down: a row is linked to
 *    a complaint when it holds the complaint's id, receipt hash or case number, or the id of such a
 *    row (proposals, referrals, objections, attachments, identities, notices …), followed to a
 *    fixpoint. Such rows may carry a time of day only in `audit_events`, for the commission's own
 *    steps (actor set): the README's rule that a staff step's minute lives in the audit log, which
 *    only the case's handlers read, because accountability needs it and it dates the officer's
 *    act, not the reporter's (the reporter's acts write no audit row). Independently of any link,
 *    no timestamp anywhere in the database, no log line and no file time falls within a second of
 *    a citizen's request: that would date the reporter's act itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import sharp from 'sharp';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { drillKeys, fail, freePort, freshDatabase, note, postForm, ROOT, runDrill, sharedPostgres, sleep, startServer, step, storedReceipt } from './support.ts';

// nginx serves a self-signed certificate made for this run.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const MARK = randomBytes(5).toString('hex');
/** Letters only, for fields that take names (姓名 refuses digits). */
const LETTERS = MARK.replace(/[0-9]/g, (digit) => 'ghijklmnop'[Number(digit)]!);
const HEADER_MARKERS = {
  userAgent: `PrivacySweepUA-${MARK}`,
  forwardedHost: `xff-${MARK}.example.invalid`,
  realIp: 'realip-' + MARK,
  forwarded: `fwd-${MARK}`,
  via: `via-${MARK}`,
  referer: `referer-${MARK}.example.invalid`,
  cookie: `cookie-${MARK}`,
};
const CLIENT_IPS = ['203.0.113.77', '2001:db8::77', '203.0.113.78', '203.0.113.79'];
const SOCKET_IPS = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
const BODY = {
  title: `机动地发包不公开标记${MARK}T`,
  content: `今年三月村北四十多亩机动地重新发包，没有张贴公告也没有开会，直接包给了村干部的亲戚。标记${MARK}C`,
  realTitle: `危房改造补助冒领标记${MARK}R`,
  apiTitle: `集体林地承包不公开标记${MARK}A`,
  name: `王${LETTERS}`,
  phone: `139${String(parseInt(MARK.slice(0, 8), 16) % 100_000_000).padStart(8, '0')}`,
  material: `补充材料：发包合同复印件已交村监委会标记${MARK}M`,
  objection: `到今天机动地仍由村干部亲属耕种，答复不属实标记${MARK}O`,
  photoModel: `PhoneModel-${MARK}`,
  lookupName: `李${LETTERS}`,
  lookupId: (() => {
    const first17 = `43112119700101${String(parseInt(MARK.slice(0, 6), 16) % 900 + 100)}`;
    return first17 + checkCharacter(first17);
  })(),
};

/** Between the citizen's requests and anything else the drill or the server does (the check allows 1 s either side). */
const GAP_MS = 2500;

interface Window {
  what: string;
  from: number;
  to: number;
}
const citizenWindows: Window[] = [];

let ipv6 = false;
/** The headers of every citizen request: markers everywhere a browser, proxy or tracker puts something. */
function citizenHeaders(base: string): Record<string, string> {
  ipv6 = !ipv6;
  return {
    'User-Agent': `Mozilla/5.0 (Linux; Android 14) ${HEADER_MARKERS.userAgent}`,
    'X-Forwarded-For': `${HEADER_MARKERS.forwardedHost}, ${ipv6 ? '2001:db8::77' : '203.0.113.77'}`,
    'X-Real-IP': `203.0.113.78`,
    'X-Client-Marker': HEADER_MARKERS.realIp,
    Forwarded: `for=203.0.113.79;host=${HEADER_MARKERS.forwarded}`,
    Via: `1.1 ${HEADER_MARKERS.via}`,
    Referer: `https://${HEADER_MARKERS.referer}/scan?qr=${MARK}`,
    Cookie: `ydt_tracker=${HEADER_MARKERS.cookie}; lang=zh-CN`,
    Origin: base,
    'Sec-Fetch-Site': 'same-origin',
  };
}

/** A citizen's request, its time window kept. */
async function citizen(base: string, what: string, pathname: string, init: { method?: string; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Response> {
  const from = Date.now();
  const response = await fetch(`${base}${pathname}`, { redirect: 'manual', ...init, headers: { ...citizenHeaders(base), ...init.headers } });
  const text = await response.text();
  citizenWindows.push({ what, from, to: Date.now() });
  if (response.status >= 500) fail(`${what}: ${response.status} ${text.slice(0, 300)}`);
  return new Response(text, { status: response.status, headers: response.headers });
}

function receiptOf(html: string): string {
  const code = /class="receipt-code"[^>]*><strong>([\d\s-]+)<\/strong>/.exec(html)?.[1]?.replace(/\D/g, '');
  return code && code.length === 16 ? code : fail(`no receipt on the page: ${html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 400)}`);
}

function hiddenValue(html: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? fail(`no ${name} in the form`);
}

async function photo(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 32, height: 32, channels: 3, background: '#7a7' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Sweep', Model: BODY.photoModel }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 30/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '112/1 20/1 0/1' } })
      .toBuffer(),
  );
}

async function reportForm(base: string, fields: Record<string, string>, withPhoto: boolean): Promise<string> {
  const page = await citizen(base, 'the complaint form', '/report?county=990121000000');
  const html = await page.text();
  const form = new FormData();
  const all: Record<string, string> = { formKey: hiddenValue(html, 'formKey'), county: '990121000000', category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', occurredOn: '2026-03-20', website: '', ...fields };
  for (const [name, value] of Object.entries(all)) form.append(name, value);
  if (withPhoto) {
    form.append('attachments', new File([new Uint8Array(await photo())], 'IMG_20260320_083015.jpg', { type: 'image/jpeg' }));
    form.append('keepMetadata', 'yes');
  }
  const answer = await citizen(base, 'filing a complaint', '/report', { method: 'POST', body: form });
  if (answer.status !== 200) fail(`filing answered ${answer.status}`);
  return receiptOf(await answer.text());
}

interface Staff {
  cookie: string;
  post(path: string, fields: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
}

async function staff(base: string, username: string, password: string): Promise<Staff> {
  const signedIn = await postForm(`${base}/staff/sign-in`, { username, password, next: '/staff' });
  const cookie = signedIn.headers.getSetCookie().find((value) => /ydt_session=/.test(value))?.split(';')[0] ?? fail(`${username} could not sign in (${signedIn.status})`);
  // Demo accounts start with a password to change: set a new one, once.
  const home = await fetch(`${base}/staff`, { redirect: 'manual', headers: { Cookie: cookie } });
  let session = cookie;
  if (home.headers.get('Location') === '/staff/password') {
    const changed = await postForm(`${base}/staff/password`, { currentPassword: password, newPassword: `${password}-sweep`, confirmPassword: `${password}-sweep` }, cookie);
    if (changed.status !== 303) fail(`${username}: password change answered ${changed.status}`);
    return staff(base, username, `${password}-sweep`);
  }
  return {
    cookie: session,
    async post(pathname, fields) {
      const response = await postForm(`${base}${pathname}`, fields, session);
      if (response.status !== 303 && response.status !== 200) fail(`${username} POST ${pathname} ${JSON.stringify(fields).slice(0, 120)}: ${response.status} ${(await response.text()).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
      return response;
    },
    async get(pathname) {
      const response = await fetch(`${base}${pathname}`, { headers: { Cookie: session } });
      if (response.status !== 200) fail(`${username} GET ${pathname}: ${response.status}`);
      await response.arrayBuffer();
      return response;
    },
  };
}

/**
 * nginx running the shipped deploy/nginx.conf in front of the one instance, rewritten only where a
 * test machine differs (as the two-instance drill does): both upstream lines to the instance, the
 * listening port, a self-signed certificate, temp, cache and log paths. nginx's own default — an
 * access log in the combined format (address, time, request, referrer, browser), as Debian's
 * /etc/nginx/nginx.conf sets it — is in force wherever the site does not say otherwise.
 */
async function startNginx(defer: (cleanup: () => void | Promise<void>) => void, upstreamPort: number, port: number): Promise<{ stop(): Promise<void>; logs(): Array<{ name: string; text: string }> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-privacy-nginx-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const certificate = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
  if (certificate.status !== 0) fail('openssl could not make a test certificate');
  const shipped = readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const site = shipped
    .replace(/server 127\.0\.0\.1:4321\b/, `server 127.0.0.1:${upstreamPort}`)
    .replace(/server 127\.0\.0\.1:4322\b/, `server 127.0.0.1:${upstreamPort}`)
    .replace(/server \{\n    listen 80;[\s\S]*?\n\}\n/, '')
    .replace(/    listen \[::\]:443 ssl http2;\n/, '')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`)
    .replace('/etc/ssl/yidiantong/fullchain.pem', `${dir}/cert.pem`)
    .replace('/etc/ssl/yidiantong/privkey.pem', `${dir}/key.pem`)
    .replace('/var/cache/nginx/yidiantong', `${dir}/cache`)
    .replaceAll('/var/log/nginx/', `${dir}/`);
  if (site === shipped || !site.includes(String(upstreamPort)) || site.includes('/etc/ssl/')) fail('deploy/nginx.conf no longer has the lines the drill rewrites');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log combined;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
${site}
}
`,
  );
  const child = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT');
    await exited;
  };
  defer(stop);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`https://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 120 || child.exitCode !== null) fail('nginx did not start');
    await sleep(250);
  }
  return { stop, logs: () => readdirSync(dir).filter((name) => name.endsWith('.log')).map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') })) };
}

/** COPY blocks of a plain-format pg_dump: table name, columns and the raw rows. */
function copyBlocks(dump: string): Array<{ table: string; columns: string[]; rows: string[] }> {
  const blocks: Array<{ table: string; columns: string[]; rows: string[] }> = [];
  const pattern = /^COPY public\.("?[\w]+"?) \(([^)]*)\) FROM stdin;\n([\s\S]*?)^\\\.$/gm;
  for (const match of dump.matchAll(pattern)) {
    blocks.push({ table: match[1]!.replace(/"/g, ''), columns: match[2]!.split(', ').map((column) => column.replace(/"/g, '')), rows: match[3]!.split('\n').filter(Boolean) });
  }
  return blocks;
}

const TIME_OF_DAY = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

await runDrill('privacy sweep', async (defer) => {
  const keys = drillKeys();
  const databaseUrl = await freshDatabase(defer, sharedPostgres(), 'privacy');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ydt-privacy-'));
  defer(() => rmSync(dataDir, { recursive: true, force: true }));
  step('the built server on a database of its own, logging at debug level, behind nginx running the shipped deploy/nginx.conf');
  const nginxPort = await freePort();
  const base = `https://127.0.0.1:${nginxPort}`;
  const server = await startServer(defer, { ...keys, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'debug', TRUSTED_PROXIES: '127.0.0.1', PUBLIC_ORIGIN: base });
  const nginx = await startNginx(defer, server.port, nginxPort);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  defer(() => sql.end());
  // The seed's rows are stamped at start-up: the citizen's first moment keeps a clear gap from them.
  await sleep(GAP_MS);
  const started = Date.now();

  step('a citizen files three complaints (anonymous with a photo kept as evidence, real-name, JSON API), with markers in every header');
  const anonymousReceipt = await reportForm(base, { title: BODY.title, content: BODY.content, anonymous: 'yes' }, true);
  const realReceipt = await reportForm(base, { title: BODY.realTitle, content: BODY.content, anonymous: 'no', name: BODY.name, phone: BODY.phone }, false);
  const api = await citizen(base, 'filing through the API', '/api/v1/complaints', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `key-${MARK}` }, body: JSON.stringify({ category: 'assets', areaCode: '990121001201', title: BODY.apiTitle, content: BODY.content, anonymous: true, subjectLevel: 'village_cadre' }) });
  if (api.status !== 201) fail(`the API filing answered ${api.status}`);
  const apiReceipt = ((await api.json()) as { receipt: string }).receipt;
  const escalateReceipt = ((await (await citizen(base, 'filing through the API', '/api/v1/complaints', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ category: 'conduct', areaCode: '990121001201', title: `村干部酒驾公车标记${MARK}E`, content: BODY.content, anonymous: true }) })).json()) as { receipt: string }).receipt;
  const idOf = async (receipt: string) => (await sql<{ id: string }[]>`select id from complaints where receipt_hmac = ${storedReceipt(keys.RECEIPT_KEY!, receipt)}`)[0]?.id ?? fail('a filed complaint is not in the database');
  const [caseA, caseB, caseC, caseD] = [await idOf(anonymousReceipt), await idOf(realReceipt), await idOf(apiReceipt), await idOf(escalateReceipt)];

  step('the citizen tracks them, adds material, looks up livelihood payments (found, and a name and ID number found nowhere)');
  const track = (what: string, fields: Record<string, string>) => citizen(base, what, '/track', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  for (const receipt of [anonymousReceipt, realReceipt, apiReceipt]) await track('tracking', { receipt });
  await track('adding material', { receipt: anonymousReceipt, action: 'material', material: BODY.material });
  await citizen(base, 'tracking through the API', `/api/v1/complaints/${apiReceipt}`);
  const lookup = (fields: Record<string, string>) => citizen(base, 'a livelihood lookup', '/livelihood/lookup', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  if ((await lookup({ idNumber: '431121195603120249', name: '张小三' })).status !== 200) fail('the demo lookup failed');
  await lookup({ idNumber: BODY.lookupId, name: BODY.lookupName });

  // Each side's moments keep a clear gap from the other's, so that a staff row stamped next to a
  // citizen's request is not mistaken for one stamped by it.
  await sleep(GAP_MS);
  step('the commission works the cases through the staff pages');
  const county = await staff(base, 'sanghe.jw', 'yidiantong-jiwei-2026');
  const handler = await staff(base, 'sanghe.cb', 'yidiantong-chengban-2026');
  const township = await staff(base, 'sanghezhen.jw', 'yidiantong-zhenjiwei-2026');
  const handlerId = (await sql<{ id: string }[]>`select id from users where username = 'sanghe.cb'`)[0]!.id;
  const zoneId = (await sql<{ id: string }[]>`select id from zones where county_code = '990121000000' and township_codes ? '990121001000' limit 1`)[0]?.id;
  const pendingProposal = async (id: string) => (await sql<{ id: string }[]>`select id from complaint_proposals where complaint_id = ${id} and state = 'pending'`)[0]?.id ?? fail('no pending proposal');
  const casePath = (id: string) => `/staff/complaints/${id}`;
  for (const id of [caseA, caseB, caseC]) await county.post(casePath(id), { action: 'accept' });
  for (const id of [caseA, caseB]) await county.post(casePath(id), { action: 'handler', handler: handlerId });
  if (zoneId) await county.post(casePath(caseA), { action: 'zone', zone: zoneId });
  await county.post(casePath(caseA), { action: 'note', text: '已调取发包合同和村民代表会议记录，待核实。' });
  await county.post(casePath(caseA), { action: 'interim', text: '您反映的问题已受理，正在核查，请耐心等待。' });
  await county.post(casePath(caseA), { action: 'handDown', townshipCode: '990121001000' });
  await township.post(casePath(caseA), { action: 'report', text: '经核查，机动地发包确未公开，已责令村委会重新公开发包，建议对村主任批评教育。' });
  await county.post(casePath(caseA), { action: 'review', decision: 'accept' });
  await handler.post(casePath(caseA), { action: 'conclude', finding: 'substantiated', measure_criticism: 'on', text: '责令重新公开发包' });
  await county.post(casePath(caseA), { action: 'approve', proposal: await pendingProposal(caseA) });
  await county.post(casePath(caseA), { action: 'answer', text: '经核查，您反映的机动地发包未公开问题属实，已责令村委会重新公开发包，并对村主任进行批评教育。' });
  await handler.post(casePath(caseB), { action: 'dispose', text: 'preliminary_check' });
  await county.post(casePath(caseB), { action: 'approve', proposal: await pendingProposal(caseB) });
  await handler.post(casePath(caseB), { action: 'reveal', reason: '需要向实名反映人核实补助名单中两户的具体情况' });
  await county.post(casePath(caseB), { action: 'approve', proposal: await pendingProposal(caseB) });
  await handler.post(casePath(caseB), { action: 'identity' });
  await county.post(casePath(caseC), { action: 'merge', into: caseA });
  await county.post(casePath(caseD), { action: 'escalate', text: '被反映人涉及县管干部，按管理权限提级办理。' });
  const photoId = (await sql<{ id: string }[]>`select id from attachments where complaint_id = ${caseA}`)[0]?.id ?? fail('the photo was not stored');
  await handler.get(`/staff/complaints/${caseA}/attachments/${photoId}?original=1`);
  for (const id of [caseA, caseB]) for (const sheet of ['registration', 'approval']) await handler.get(`/staff/complaints/${id}/print/${sheet}`);
  await county.get('/staff/complaints/export');
  await county.get('/staff/complaints/export.xlsx');
  await county.get('/staff/audit');

  step('the reporter rates the outcome and objects to the reply; the commission answers the objection');
  await sleep(GAP_MS);
  await track('rating', { receipt: anonymousReceipt, action: 'rate', rating: '2' });
  await track('objecting', { receipt: anonymousReceipt, action: 'objection', objection: BODY.objection });
  await sleep(GAP_MS);
  await county.post(casePath(caseA), { action: 'objection', decision: 'explain', text: '经再次核查，机动地已于本月重新公开发包，原承包人已退出。' });
  await sleep(GAP_MS);
  await track('tracking once more', { receipt: anonymousReceipt });
  await sleep(GAP_MS);
  note(`${citizenWindows.length} citizen requests; four cases: ${[caseA, caseB, caseC, caseD].join(', ')}`);

  step('stop nginx and the server; pg_dump the database (data and schema); read the logs and every file under DATA_DIR');
  await nginx.stop();
  await server.stop();
  const logPath = path.join(os.tmpdir(), `ydt-privacy-${process.pid}.log`);
  writeFileSync(logPath, server.output());
  defer(() => rmSync(logPath, { force: true }));
  const dumpOf = (...args: string[]) => {
    const result = spawnSync('pg_dump', [...args, '--no-owner', databaseUrl], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, PGTZ: 'UTC' } });
    if (result.status !== 0) fail(`pg_dump failed: ${result.stderr}`);
    return result.stdout;
  };
  // A case number as every page, sheet and notice writes it: 桑纪举〔2026〕3号.
  const caseNumbers = (await sql<{ prefix: string; year: number; seq: number }[]>`select case_prefix as prefix, case_year as year, case_seq as seq from complaints where id in ${sql([caseA, caseB, caseC, caseD])}`).map((row) => `${row.prefix}纪举〔${row.year}〕${row.seq}号`);
  const receiptHashes = [anonymousReceipt, realReceipt, apiReceipt, escalateReceipt].map((receipt) => storedReceipt(keys.RECEIPT_KEY!, receipt));
  const sweep = (log: string): Sweep => ({ log, nginxLogs: nginx.logs(), data: dumpOf('--data-only'), schema: dumpOf('--schema-only'), files: filesUnder(dataDir).map((file) => ({ name: path.relative(dataDir, file), text: readFileSync(file, 'latin1'), mtime: statSync(file).mtimeMs })), caseKeys: [caseA, caseB, caseC, caseD, ...receiptHashes, ...caseNumbers], ownAddress: new URL(base).host });
  const found = sweep(readFileSync(logPath, 'utf8'));
  for (const file of found.nginxLogs) note(`nginx's ${file.name}: ${file.text.split('\n').filter(Boolean).length} lines${file.text ? `, the first: ${file.text.split('\n')[0]}` : ''}`);
  note(`log ${found.log.length} characters (${found.log.split('\n').length} lines), dump ${found.data.length + found.schema.length} characters, ${found.files.length} files under DATA_DIR`);
  const problems = violations(found, true);
  if (problems.length > 0) fail(`${problems.length} findings:\n  ${problems.join('\n  ')}`);

  step('the sweep catches each kind of leak when one is planted (an audit row with the headers, the address and the filing minute; the phone in a log line)');
  const moment = new Date(citizenWindows[1]!.from + 200);
  await sql`insert into audit_events (at, actor_id, actor_name, action, subject_type, subject_id, scope_code, detail) values (${moment}, null, 'system', 'complaint.filed', 'complaint', ${caseA}, '990121000000', ${sql.json({ userAgent: `Mozilla/5.0 ${HEADER_MARKERS.userAgent}`, ip: '203.0.113.77', referer: HEADER_MARKERS.referer })})`;
  const planted = violations(sweep(`${found.log}\n{"level":30,"time":${citizenWindows[1]!.from + 100},"msg":"filed","phone":"${BODY.phone}"}\n`), false);
  const expected = [/userAgent marker/, /referer marker/, /address 203\.0\.113\.77/, /phone is in the log/, /audit row without an officer dates a case/, /the moment of/];
  const missed = expected.filter((pattern) => !planted.some((problem) => pattern.test(problem)));
  if (missed.length > 0) fail(`the sweep missed planted leaks (${missed.join(', ')}); it found: ${planted.join(' | ')}`);
  note(`${planted.length} planted findings caught`);
});

interface Sweep {
  log: string;
  /** nginx's access and error logs, by file name. */
  nginxLogs: Array<{ name: string; text: string }>;
  data: string;
  schema: string;
  files: Array<{ name: string; text: string; mtime: number }>;
  /** The cases' ids, receipt hashes and case numbers. */
  caseKeys: string[];
  /** The portal's own host and port (PUBLIC_ORIGIN): it names its ledger log by it. */
  ownAddress: string;
}

/** Everything the sweep finds wrong (empty when the portal kept its promise); `say` prints what it saw. */
function violations({ log, nginxLogs, data, schema, files, caseKeys, ownAddress }: Sweep, say: boolean): string[] {
  const problems: string[] = [];
  const places: Array<[string, string]> = [['the log', log], ['the data dump', data], ['the schema dump', schema], ...files.map((file) => [`file ${file.name}`, file.text] as [string, string]), ...nginxLogs.map((file) => [`nginx's ${file.name}`, file.text] as [string, string])];

  if (say) step('1. no header marker, anywhere');
  for (const [where, text] of places) for (const [header, marker] of Object.entries(HEADER_MARKERS)) if (text.includes(marker)) problems.push(`${where} holds the ${header} marker ${marker}`);

  if (say) step('2. no client address, anywhere (the portal’s own address is no one’s: the log’s “listening” line, the checkpoint’s origin)');
  for (const [where, text] of places) {
    for (const ip of [...CLIENT_IPS, ...SOCKET_IPS]) {
      const hits = text
        .split('\n')
        .map((line) => line.replaceAll(ownAddress, ''))
        .filter((line) => line.includes(ip) && !(where === 'the log' && /"msg":"listening"/.test(line)));
      if (hits.length > 0) problems.push(`${where} holds the address ${ip}: ${hits[0]!.slice(0, 300)}`);
    }
  }

  if (say) step('3. body text only where it is stored on purpose, and never in the log');
  const blocks = copyBlocks(data);
  const tablesWith = (marker: string) => [...new Set(blocks.filter((block) => block.rows.some((row) => row.includes(marker))).map((block) => block.table))].sort();
  const expectIn = (what: string, marker: string, allowed: string[]) => {
    const found = tablesWith(marker);
    const stray = found.filter((table) => !allowed.includes(table));
    if (stray.length > 0) problems.push(`${what} (${marker}) is stored in ${stray.join(', ')}; it belongs only in ${allowed.join(', ') || 'no table'}`);
    if (allowed.length > 0 && found.length === 0) problems.push(`${what} is not stored at all: the sweep searched the wrong thing`);
    if (log.includes(marker)) problems.push(`${what} is in the log`);
    for (const [where, text] of places.slice(2)) if (text.includes(marker) && where !== 'the schema dump') problems.push(`${where} holds ${what}`);
    if (say) note(`${what}: ${found.join(', ') || 'nowhere'}`);
  };
  expectIn('the title', `标记${MARK}T`, ['complaints']);
  expectIn('the content', `标记${MARK}C`, ['complaints']);
  // The reporter's material and objection are the case history both sides read, and the objection's own record.
  expectIn('the material', `标记${MARK}M`, ['complaint_events']);
  expectIn('the objection', `标记${MARK}O`, ['complaint_events', 'complaint_objections']);
  expectIn('the real-name reporter’s name', BODY.name, []);
  expectIn('the real-name reporter’s phone', BODY.phone, []);
  expectIn('the photo’s metadata', BODY.photoModel, []);
  expectIn('the lookup’s name', BODY.lookupName, []);
  expectIn('the lookup’s ID number', BODY.lookupId, []);
  expectIn('the lookup’s ID number (first 14)', BODY.lookupId.slice(0, 14), []);

  if (say) step('4. no time finer than the day linked to a complaint, and none at a citizen’s moment');
  // Rows linked to the cases, followed through the ids of linked rows until nothing new is found.
  const keysToFollow = new Set(caseKeys);
  const linked = new Map<string, Set<string>>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const block of blocks) {
      for (const row of block.rows) {
        const cells = row.split('\t');
        if (!cells.some((cell) => [...keysToFollow].some((key) => cell.includes(key)))) continue;
        const rows = linked.get(block.table) ?? new Set<string>();
        rows.add(row);
        linked.set(block.table, rows);
        // The row's own id (its first column), when it is an id no other row could hold by chance.
        const own = cells[0]!;
        if (/^[0-9a-f-]{16,}$/i.test(own) && !keysToFollow.has(own)) {
          keysToFollow.add(own);
          grew = true;
        }
      }
    }
  }
  const linkedTables = [...linked.keys()].sort();
  if (say) note(`rows linked to the cases in: ${linkedTables.map((table) => `${table} (${linked.get(table)!.size})`).join(', ')}`);
  for (const table of ['complaints', 'complaint_events', 'complaint_proposals', 'complaint_objections', 'complaint_identities', 'audit_events']) {
    if (!linkedTables.includes(table)) problems.push(`no linked row in ${table}, which the casework wrote: the sweep is not following the cases`);
  }
  for (const table of linkedTables) {
    const block = blocks.find((candidate) => candidate.table === table)!;
    for (const row of linked.get(table)!) {
      const times = row.match(TIME_OF_DAY) ?? [];
      if (times.length === 0) continue;
      if (table === 'audit_events') {
        const actor = row.split('\t')[block.columns.indexOf('actor_id')];
        // A commission officer's own step: its minute is kept for accountability (README "Times kept to the day").
        if (actor && actor !== '\\N') continue;
        problems.push(`an audit row without an officer dates a case: ${row.slice(0, 300)}`);
        continue;
      }
      problems.push(`${table} dates a case finer than the day (${times[0]}): ${row.slice(0, 300)}`);
    }
  }
  // Any timestamp at a citizen's moment, in any table, linked or not: it would date the act itself.
  const near = (at: number) => citizenWindows.find((window) => at >= window.from - 1000 && at <= window.to + 1000);
  for (const block of blocks) {
    for (const row of block.rows) {
      for (const time of row.match(TIME_OF_DAY) ?? []) {
        const at = Date.parse(time.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
        const window = Number.isNaN(at) ? undefined : near(at);
        if (window) problems.push(`${block.table} holds ${time}, the moment of “${window.what}”: ${row.slice(0, 300)}`);
      }
    }
  }
  for (const line of log.split('\n')) {
    const at = /"time":(\d{13})/.exec(line)?.[1];
    const window = at ? near(Number(at)) : undefined;
    if (window) problems.push(`the log wrote a line at the moment of “${window.what}”: ${line.slice(0, 300)}`);
  }
  // nginx writes ISO 8601 local times ($time_iso8601) or its own [02/Dec/2026:20:40:58 +0000].
  for (const file of nginxLogs) {
    for (const line of file.text.split('\n')) {
      const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)/.exec(line)?.[0];
      const clf = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})\]/.exec(line);
      const at = iso ? Date.parse(iso) : clf ? Date.parse(`${clf[2]} ${clf[1]} ${clf[3]} ${clf[4]} GMT${clf[5]}${clf[6]}`) : Number.NaN;
      const window = Number.isNaN(at) ? undefined : citizenWindows.find((candidate) => at >= Math.floor(candidate.from / 1000) * 1000 - 1000 && at <= candidate.to + 1000);
      if (window && /\/(report|track|livelihood\/lookup|api\/v1\/complaints)/.test(line)) problems.push(`nginx's ${file.name} dates “${window.what}” to the second: ${line.slice(0, 300)}`);
    }
  }
  for (const file of files) {
    const window = near(file.mtime);
    if (window) problems.push(`${file.name} was written at the moment of “${window.what}”`);
  }
  if (say) note(`${citizenWindows.length} citizen moments, ${blocks.reduce((sum, block) => sum + block.rows.length, 0)} rows, ${log.split('\n').length} log lines and ${files.length} files checked`);
  return problems;
}
