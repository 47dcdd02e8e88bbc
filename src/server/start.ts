/**
 * Production entry (`npm start`, after `astro build`): opens, migrates and seeds the database
 * before the first request can arrive, then starts the built Astro server and shuts both down
 * cleanly on SIGTERM/SIGINT. Runs directly under Node 24 (type stripping), outside the bundle.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, getConfig } from '../lib/server/config.ts';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { startHourlyJobs } from '../lib/server/jobs.ts';
import { describeError, logger } from '../lib/server/logger.ts';
import { PUBLIC_MAX_AGE_SECONDS } from '../lib/server/http.ts';
import { PUBLIC_CHANGED_CHANNEL } from '../lib/server/public-changes.ts';
import { installClientErrorPages } from './client-errors.ts';
import { FrontCache, type NodeHandler } from './front-cache.ts';
import { StaticFiles } from './static-files.ts';

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
  await startHourlyJobs(handle.db);

  const entryUrl = pathToFileURL(path.resolve(process.cwd(), 'dist/server/entry.mjs')).href;
  const entry = (await import(entryUrl)) as AstroNodeEntry;
  const config = getConfig();
  let pages: NodeHandler = entry.handler;
  if (config.frontCache.enabled) {
    const cache = new FrontCache({ ttlMs: PUBLIC_MAX_AGE_SECONDS * 1000, maxBytes: config.frontCache.maxBytes, maxEntryBytes: 2 * 1024 * 1024 });
    // Any instance's publication empties every instance's cache.
    await handle.listen(PUBLIC_CHANGED_CHANNEL, () => cache.clear());
    pages = cache.handler(entry.handler);
  }
  const files = new StaticFiles(path.resolve(process.cwd(), 'dist/client'));
  const listener: NodeHandler = (req, res) => (files.serve(req, res) ? undefined : pages(req, res));
  const server = createServer((req, res) => {
    Promise.resolve(listener(req, res)).catch((error: unknown) => {
      logger.error(describeError(error), 'request failed outside Astro');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  // Requests Node's parser refuses (e.g. raw Chinese in the address) get a useful answer, not an empty 400.
  installClientErrorPages(server);
  await new Promise<void>((resolve) => server.listen(config.port, config.host ?? 'localhost', resolve));
  logger.info({ port: config.port, host: config.host ?? 'localhost', frontCache: config.frontCache.enabled }, 'listening');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting connections, let in-flight requests finish, then close the database.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      closeDatabase()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(describeError(error), 'database close failed');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

// Node would print an uncaught error with all its properties (a failed query's `params`): log it safely.
process.on('uncaughtException', (error) => {
  logger.fatal(describeError(error), 'uncaught exception');
  process.exit(1);
});

main().catch((error: unknown) => {
  logger.fatal(describeError(error), 'start-up failed');
  process.exit(1);
});
