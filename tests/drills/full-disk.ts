/**
 * Drill (`npm run drill:full-disk`; run by .ci/run after the browser tests): the disk under the
 * embedded database fills up while the server runs. The data folder lives on a size-limited tmpfs
 * mounted for the drill; once the server is up, a file takes the remaining space.
 *   1. writes fail clearly and at once: a filing through the API is refused with JSON 503, through
 *      the form with the form's message and 503, a staff write with the 503 page that says storage
 *      is full and published content is unaffected — in Chinese; no hang, no crash (same process);
 *   2. reads go on: public pages, the open-data API, /healthz;
 *   3. once space is freed, writes work again without a restart;
 *   4. nothing published is damaged: the village's published periods and their hashes, the county
 *      list, the day's head hash and a complaint filed before are the same afterwards, in the
 *      running server, to `verify-ledgers` once it has stopped, and after a restart.
 * Mounting needs root (CI runs as root); anywhere else the drill fails saying so, not skipping.
 * Needs the build.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { translator } from '../../src/i18n/index.ts';
import { COMPLAINT, COUNTY, drillKeys, fail, fileComplaint, logLines, note, postForm, ROOT, runDrill, signIn, startServer, step, VILLAGE, type AppServer } from './support.ts';

const MOUNT_MB = 200;
const WRITE_LIMIT_MS = 15_000;

await runDrill('full-disk', async (defer) => {
  step(`a ${MOUNT_MB} MB tmpfs for the data folder`);
  const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'ydt-drill-disk-'));
  defer(() => rmSync(mountPoint, { recursive: true, force: true }));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MB}m,mode=0700`, 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (mount.status !== 0) {
    fail(`cannot mount a size-limited tmpfs at ${mountPoint} (${(mount.stderr || mount.error?.message || '').trim()}): this drill needs root (CI runs as root) or CAP_SYS_ADMIN`);
  }
  // Registered before the server starts, so it runs after the server has been stopped.
  defer(() => {
    const unmount = spawnSync('umount', [mountPoint], { encoding: 'utf8' });
    if (unmount.status !== 0) throw new Error(`umount ${mountPoint} failed: ${unmount.stderr}`);
  });
  const dataDir = path.join(mountPoint, 'db');
  const keys = drillKeys();
  const env = { DATA_DIR: dataDir, ...keys };
  let server = await startServer(defer, env);
  const zh = translator('zh-CN');
  const free = () => {
    const stats = statfsSync(mountPoint);
    return Math.round((stats.bavail * stats.bsize) / 1024 / 1024);
  };
  note(`server up; ${free()} MB free on the data folder's disk`);

  /** What a citizen or a witness sees of published things; compared before and after. */
  const published = async (target: AppServer) => {
    const get = async (address: string) => {
      const response = await fetch(`${target.base}${address}`);
      if (response.status !== 200) fail(`${address} answered ${response.status}`);
      return response.text();
    };
    const head = /<code class="hash">([0-9a-f]{64})<\/code>/.exec(await get('/ledgers/head'))?.[1] ?? fail('the head page shows no hash');
    return {
      disclosures: await get(`/api/v1/villages/${VILLAGE}/disclosures`),
      list: await get(`/api/v1/counties/${COUNTY}/items`),
      head,
    };
  };
  const cookie = await signIn(server.base);
  const draft = await postForm(`${server.base}/staff/lists/${COUNTY}`, {}, cookie);
  if (draft.status !== 303) fail(`starting a draft answered ${draft.status}`);
  const earlier = await fileComplaint(server.base);
  if (earlier.status !== 201) fail(`filing before the disk filled answered ${earlier.status}`);
  const receipt = ((await earlier.json()) as { receipt: string }).receipt;
  const before = await published(server);
  note(`head hash ${before.head.slice(0, 16)}…, a draft list open, one complaint filed`);

  step('a file takes every byte left');
  const filler = path.join(mountPoint, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  let written = 0;
  try {
    for (;;) {
      writeSync(fd, chunk);
      written += 1;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  note(`${written} MB written; ${free()} MB free`);

  /** A request that must be answered (not hang) within the limit. */
  const timed = async (label: string, send: (signal: AbortSignal) => Promise<Response>) => {
    const started = Date.now();
    try {
      const response = await send(AbortSignal.timeout(WRITE_LIMIT_MS));
      const text = await response.text();
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text, ms: Date.now() - started };
    } catch (error) {
      fail(`${label}: no answer within ${WRITE_LIMIT_MS / 1000} s (${(error as Error).message})`);
    }
  };

  step('writes fail clearly and at once, in Chinese');
  const pid = server.child.pid;
  // A write that fits in pages the database already has still succeeds (and is as durable as any);
  // one that needs a new page fails. File until one fails: every receipt handed out is checked later.
  const receiptsOnFullDisk: string[] = [];
  let api: Awaited<ReturnType<typeof timed>> | undefined;
  for (let i = 0; i < 500; i++) {
    api = await timed('a filing through the API', (signal) =>
      fetch(`${server.base}/api/v1/complaints`, { method: 'POST', signal, headers: { 'Content-Type': 'application/json', Origin: server.base, 'X-Forwarded-For': `198.18.201.${i % 250}` }, body: JSON.stringify({ ...COMPLAINT, title: '磁盘将满时的反映' }) }),
    );
    if (api.status !== 201) break;
    receiptsOnFullDisk.push((JSON.parse(api.text) as { receipt: string }).receipt);
  }
  note(`API filings: ${receiptsOnFullDisk.length} still fitted, then ${api!.status} in ${api!.ms} ms, Retry-After ${api!.retryAfter}`);
  if (api!.status !== 503 || !/"code":"unavailable"/.test(api!.text) || api!.retryAfter !== '300') fail(`the API filing answered ${api!.status} (Retry-After ${api!.retryAfter}): ${api!.text.slice(0, 200)}`);
  const form = await timed('a filing through the form', (signal) =>
    fetch(`${server.base}/report`, {
      method: 'POST',
      signal,
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.base, 'Sec-Fetch-Site': 'same-origin', 'X-Forwarded-For': '198.18.200.2' },
      body: new URLSearchParams({ formKey: randomBytes(16).toString('hex'), county: COUNTY, areaCode: VILLAGE, category: 'assets', subjectLevel: 'unknown', anonymous: 'yes', title: '磁盘满时的反映：不应保存', content: '本村集体机动地承包费一直没有公开，村民多次询问村委会都说还在统计，请上级核查收取和使用情况。' }).toString(),
    }),
  );
  note(`form filing: ${form.status} in ${form.ms} ms`);
  if (form.status !== 503 || !form.text.includes(zh('report.failed').slice(0, 12))) fail(`the form filing answered ${form.status} without its message: ${form.text.slice(0, 300)}`);
  const staffWrite = await timed('publishing the draft list', (signal) =>
    fetch(`${server.base}/staff/lists/${COUNTY}/draft/publish`, {
      method: 'POST',
      signal,
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.base, 'Sec-Fetch-Site': 'same-origin', Cookie: cookie },
      body: new URLSearchParams({ effectiveOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()), note: '演练：磁盘已满时的发布' }).toString(),
    }),
  );
  note(`staff publish: ${staffWrite.status} in ${staffWrite.ms} ms, Retry-After ${staffWrite.retryAfter}`);
  if (staffWrite.status !== 503 || !staffWrite.text.includes(zh('error.503.storageTitle')) || !staffWrite.text.includes(zh('error.503.storageBody'))) {
    fail(`publishing on a full disk answered ${staffWrite.status} without the storage page: ${staffWrite.text.slice(0, 300)}`);
  }
  if (server.child.exitCode !== null || server.child.pid !== pid) fail('the server died on the full disk');

  step('reads go on');
  for (const address of [`/villages/${VILLAGE}?full-disk=1`, `/counties/${COUNTY}`, `/api/v1/villages/${VILLAGE}/disclosures`, '/healthz', `/api/v1/complaints/${receipt}`]) {
    const response = await timed(address, (signal) => fetch(`${server.base}${address}`, { signal }));
    if (response.status !== 200) fail(`${address} answered ${response.status} on the full disk`);
  }
  const during = await published(server);
  if (JSON.stringify(during) !== JSON.stringify(before)) fail('what is published changed while the disk was full');
  note('village page, county page, open data, /healthz, the earlier receipt: 200; published content unchanged');

  step('space freed: writes work again, without a restart');
  rmSync(filler);
  const again = await fileComplaint(server.base);
  if (again.status !== 201) fail(`filing after space was freed answered ${again.status}: ${(await again.text()).slice(0, 200)}`);
  const afterFree = await published(server);
  if (JSON.stringify(afterFree) !== JSON.stringify(before)) fail('what is published differs after the disk was full');
  const errors = logLines(server.output(), 60);
  if (errors.length) fail(`the server logged a fatal error: ${errors[0]!.msg}`);
  await server.stop();
  if ((await server.exited) !== 0) fail(`the server exited with ${await server.exited}`);

  step('verify-ledgers on the folder: every chain holds, the same head hash');
  const verify = spawnSync(process.execPath, ['src/server/verify-ledgers.ts'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn', APP_ENV: 'development' }, encoding: 'utf8' });
  const headLine = /head ([0-9a-f]{64})/.exec(verify.stdout)?.[1];
  note(`verify-ledgers: exit ${verify.status}; ${verify.stdout.trim().split('\n')[0]}`);
  if (verify.status !== 0) fail(`verify-ledgers failed: ${verify.stdout}${verify.stderr}`);
  if (headLine !== before.head) fail(`verify-ledgers' head hash ${headLine} differs from the one published before (${before.head})`);

  step('after a restart: the same published content, and the draft that could not be published publishes now');
  server = await startServer(defer, env);
  const restarted = await published(server);
  if (JSON.stringify(restarted) !== JSON.stringify(before)) fail('what is published differs after a restart');
  for (const kept of [receipt, ...receiptsOnFullDisk]) {
    const stillThere = await fetch(`${server.base}/api/v1/complaints/${kept}`, { headers: { 'X-Forwarded-For': '198.18.202.1' } });
    if (stillThere.status !== 200) fail(`a complaint that got a receipt (${kept === receipt ? 'before the disk filled' : 'on the full disk'}) answered ${stillThere.status} after the restart`);
  }
  note(`${1 + receiptsOnFullDisk.length} complaints with receipts, all there after the restart`);
  const signedIn = await signIn(server.base);
  const publish = await postForm(`${server.base}/staff/lists/${COUNTY}/draft/publish`, { effectiveOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()), note: '演练：磁盘腾出空间之后的发布' }, signedIn);
  if (publish.status !== 303) fail(`publishing after the restart answered ${publish.status}`);
  await server.stop();
});
