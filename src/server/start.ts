/**
 * Production entry (`npm start`, after `astro build`): opens, migrates and seeds the database
 * before the first request can arrive, then starts the built Astro server and shuts both down
 * cleanly on SIGTERM/SIGINT. Runs directly under Node 24 (type stripping), outside the bundle.
 */
import { createServer, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, getConfig } from '../lib/server/config.ts';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { DataFolderError } from '../lib/server/data-folder.ts';
import { startHourlyJobs } from '../lib/server/jobs.ts';
import { describeError, logger } from '../lib/server/logger.ts';
import { PUBLIC_MAX_AGE_SECONDS } from '../lib/server/http.ts';
import { PUBLIC_CHANGED_CHANNEL } from '../lib/server/public-changes.ts';
import { installClientErrorPages } from './client-errors.ts';
import { FrontCache, type NodeHandler } from './front-cache.ts';
import { StaticFiles } from './static-files.ts';

/** How long a stopping server still accepts connections (answering each with Connection: close). */
const SHUTDOWN_DRAIN_MS = 500;

interface AstroNodeEntry {
  /** The middleware build's request listener: pages and endpoints only (static files are ours). */
  handler: NodeHandler;
}

async function main(): Promise<void> {
  try {
    getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const { handle } = await bootstrap();
  const jobs = await startHourlyJobs(handle.db);

  const entryUrl = pathToFileURL(path.resolve(process.cwd(), 'dist/server/entry.mjs')).href;
  const entry = (await import(entryUrl)) as AstroNodeEntry;
  const config = getConfig();
  let pages: NodeHandler = entry.handler;
  if (config.frontCache.enabled) {
    const cache = new FrontCache({ ttlMs: PUBLIC_MAX_AGE_SECONDS * 1000, maxBytes: config.frontCache.maxBytes, maxEntryBytes: 2 * 1024 * 1024, minUses: 2 });
    // Any instance's publication empties every instance's cache.
    await handle.listen(PUBLIC_CHANGED_CHANNEL, () => cache.clear());
    pages = cache.handler(entry.handler);
  }
  const files = new StaticFiles(path.resolve(process.cwd(), 'dist/client'));
  const listener: NodeHandler = (req, res) => (files.serve(req, res) ? undefined : pages(req, res));
  let stopping = false;
  /**
   * Requests not yet over: a request is over when its handler has returned and its response is
   * done or its client gone. Both count, because a handler may still be querying after its client
   * hung up, and the database must stay open until it has finished.
   */
  const inFlight = new Map<ServerResponse, Promise<unknown>>();
  const server = createServer((req, res) => {
    // Once stopping, every answer closes its connection: keep-alive clients (a load balancer) go
    // elsewhere instead of keeping this instance busy until the force-exit timer cuts them off.
    if (stopping) res.setHeader('Connection', 'close');
    const handled = Promise.resolve(listener(req, res)).catch((error: unknown) => {
      logger.error(describeError(error), 'request failed outside Astro');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
    const answered = new Promise<void>((resolve) => (res.closed ? resolve() : res.once('close', () => resolve())));
    const over = Promise.all([handled, answered]).finally(() => inFlight.delete(res));
    inFlight.set(res, over);
  });
  // Requests Node's parser refuses (e.g. raw Chinese in the address) get a useful answer, not an empty 400.
  installClientErrorPages(server);
  await new Promise<void>((resolve) => server.listen(config.port, config.host ?? 'localhost', resolve));
  logger.info({ port: config.port, host: config.host ?? 'localhost', frontCache: config.frontCache.enabled }, 'listening');

  /**
   * Answer on for a moment, then stop accepting connections, let every request in flight finish,
   * stop the hourly jobs and let a round in progress finish, and only then close the database:
   * closing it under a running request fails its queries. Keep-alive connections are told to close
   * with their next answer (they would otherwise keep the server from ever closing under steady
   * traffic). The force-exit timer stays, for a request that never ends.
   */
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, requestsInFlight: inFlight.size }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ requestsInFlight: inFlight.size }, 'shutdown timed out: exiting with requests in flight');
      process.exit(1);
    }, 10_000);
    force.unref();
    const jobsStopped = jobs.stop();
    for (const res of inFlight.keys()) if (!res.headersSent) res.setHeader('Connection', 'close');
    // Closing the listening socket at once resets every connection still in the kernel's accept
    // queue, and closing idle connections drops a new one whose request is not read yet: requests
    // their clients sent before the signal (the sigterm drill drew one in CI). After this pause
    // those have been accepted and read; what is reset afterwards was sent after the signal.
    await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_DRAIN_MS));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    try {
      await closed;
      while (inFlight.size > 0) await Promise.all(inFlight.values());
      await jobsStopped;
      await closeDatabase();
    } catch (error) {
      logger.error(describeError(error), 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

// Node would print an uncaught error with all its properties (a failed query's `params`): log it safely.
process.on('uncaughtException', (error) => {
  logger.fatal(describeError(error), 'uncaught exception');
  process.exit(1);
});

main().catch((error: unknown) => {
  if (error instanceof DataFolderError) {
    // Not a crash: the folder needs a person (restore it, or move it aside); restarting will not help.
    logger.fatal({ dataDir: error.folder }, error.message);
    process.exit(65); // EX_DATAERR
  }
  logger.fatal(describeError(error), 'start-up failed');
  process.exit(1);
});
