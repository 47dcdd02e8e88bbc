/**
 * `npm run user:create` as people run it: the password piped in (once, or twice as for tools that
 * ask for confirmation), then a sign-in with what they meant. The CLI runs as a child process on a
 * copy of the test database (a PGlite data directory, or a cloned PostgreSQL database).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openDatabase, type DbHandle } from '../lib/server/db.ts';
import { createTestDatabase } from '../../tests/support/test-db.ts';
import { GENERIC_SIGN_IN_ERROR, signIn } from '../lib/server/auth/users.ts';
import { SignInThrottle } from '../lib/server/auth/throttle.ts';

let env: Record<string, string>;
let openDb: () => Promise<DbHandle>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const target = inject('dbTarget');
  const base = { APP_ENV: 'development', DEMO_SEED: 'off', LOG_LEVEL: 'error', COMPLAINT_KEY: process.env.COMPLAINT_KEY!, RECEIPT_KEY: process.env.RECEIPT_KEY!, LIVELIHOOD_ID_KEY: process.env.LIVELIHOOD_ID_KEY!, CHECKPOINT_SIGNING_KEY: process.env.CHECKPOINT_SIGNING_KEY! };
  if (target.driver === 'pglite') {
    // PGlite is one process at a time: the CLI and the test take turns on one data directory.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-user-create-'));
    const dataDir = path.join(dir, 'pglite');
    const seeded = await openDatabase({ driver: 'pglite', dataDir, loadDataDir: new Blob([readFileSync(target.templatePath)]) });
    await seeded.close();
    env = { ...base, DATA_DIR: dataDir, DATABASE_URL: '' };
    openDb = () => openDatabase({ driver: 'pglite', dataDir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const test = await createTestDatabase();
    env = { ...base, DATABASE_URL: test.url! };
    openDb = async () => ({ ...test, close: async () => {} });
    cleanup = () => test.dispose();
  }
}, 120_000);
afterAll(async () => cleanup?.());

function userCreate(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/server/user-create.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function trySignIn(username: string, password: string) {
  const handle = await openDb();
  try {
    return await signIn(handle.db, { username, password, clientKey: '198.51.100.70' }, new SignInThrottle());
  } finally {
    await handle.close();
  }
}

describe('npm run user:create with the password on standard input', () => {
  it('takes the first line of a password piped twice, and that password signs in', async () => {
    const run = await userCreate(['--role', 'admin', '--username', 'wang.admin', '--name', '王管理'], 'sanghe-guanli-2026\nsanghe-guanli-2026\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('created admin account wang.admin');
    expect((await trySignIn('wang.admin', 'sanghe-guanli-2026')).ok).toBe(true);
    expect(await trySignIn('wang.admin', 'sanghe-guanli-2026\nsanghe-guanli-2026')).toMatchObject({ ok: false, errors: { form: GENERIC_SIGN_IN_ERROR } });
  }, 120_000);

  it('accepts a single piped line, with or without its newline (and CRLF)', async () => {
    expect((await userCreate(['--role', 'admin', '--username', 'li.admin'], 'li-guanli-mima-2026')).code).toBe(0);
    expect((await userCreate(['--role', 'admin', '--username', 'zhao.admin'], 'zhao-guanli-mima-2026\r\n')).code).toBe(0);
    expect((await trySignIn('li.admin', 'li-guanli-mima-2026')).ok).toBe(true);
    expect((await trySignIn('zhao.admin', 'zhao-guanli-mima-2026')).ok).toBe(true);
  }, 120_000);

  it('refuses two piped lines that differ, and creates nothing', async () => {
    const run = await userCreate(['--role', 'admin', '--username', 'chen.admin'], 'chen-guanli-2026\nchen-guanli-2027\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('两行密码不一致');
    expect((await trySignIn('chen.admin', 'chen-guanli-2026')).ok).toBe(false);
  }, 120_000);

  it('creates a county department account naming its department, and refuses one without it', async () => {
    const missing = await userCreate(['--role', 'department', '--username', 'liugang.mzj', '--scope', '990122000000'], 'liugang-minzheng-2026\n');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('department: 请填写部门全称');
    const run = await userCreate(['--role', 'department', '--username', 'liugang.mzj', '--name', '柳岗县民政局', '--scope', '990122000000', '--department', '柳岗县民政局'], 'liugang-minzheng-2026\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await trySignIn('liugang.mzj', 'liugang-minzheng-2026')).ok).toBe(true);
  }, 120_000);

  it('refuses a password with a control character and says why', async () => {
    const run = await userCreate(['--role', 'admin', '--username', 'sun.admin'], 'sun-guanli\t2026-mima\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('密码不能包含换行、制表符等控制字符');
  }, 120_000);
});
