/**
 * Production entry (`npm start`, after `astro build`): opens, migrates and seeds the database
 * before the first request can arrive, then starts the built Astro server and shuts both down
 * cleanly on SIGTERM/SIGINT. Runs directly under Node 24 (type stripping), outside the bundle.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, getConfig } from '../lib/server/config.ts';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { startHourlyJobs } from '../lib/server/jobs.ts';
import { describeError, logger } from '../lib/server/logger.ts';
import { installClientErrorPages } from './client-errors.ts';

interface AstroNodeEntry {
  startServer(): { server: { server: import('node:http').Server; stop(): Promise<void> } };
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

  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const entryUrl = pathToFileURL(path.resolve(process.cwd(), 'dist/server/entry.mjs')).href;
  const entry = (await import(entryUrl)) as AstroNodeEntry;
  const { server } = entry.startServer();
  // Requests Node's parser refuses (e.g. raw Chinese in the address) get a useful answer, not an empty 400.
  installClientErrorPages(server.server);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting connections, let in-flight requests finish, then close the database.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.server.close(() => {
      closeDatabase()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(describeError(error), 'database close failed');
          process.exit(1);
        });
    });
    server.server.closeIdleConnections();
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
