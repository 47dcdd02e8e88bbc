/**
 * Starts the built portal (src/server/start.ts → dist/) on a free port with a fresh embedded
 * database in a temp directory, and a real SMTP server for its staff digests (sent every two
 * seconds here), waits for /healthz, and stops both after the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMailCatcher } from '../support/mail.ts';
import { SERVER_NODE_FLAGS } from '../../src/server/node-flags.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server did not become healthy within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ydt-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A real SMTP server for the staff digests: every message it gets is a JSON line in mail.log.
  const mailPath = path.join(dataDir, 'mail.log');
  const mail = await startMailCatcher((message) => appendFileSync(mailPath, JSON.stringify(message) + '\n'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(dataDir, 'db'),
    APP_ENV: 'development',
    SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    SMTP_FROM: 'noreply@ydt.example.gov.cn',
    NOTIFY_DIGEST_SECONDS: '2',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'src/server/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Everything the server prints goes to a file the tests can read (e.g. to prove no sender data is logged).
  const logPath = path.join(dataDir, 'server.log');
  let output = '';
  const record = (chunk: Buffer) => {
    output += chunk;
    appendFileSync(logPath, chunk);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  try {
    await waitForHealth(baseUrl, child, 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  project.provide('baseUrl', baseUrl);
  project.provide('serverLog', logPath);
  project.provide('mailLog', mailPath);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await mail.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    serverLog: string;
    /** JSON lines of the messages the SMTP server got ({ to, raw, body }). */
    mailLog: string;
  }
}
