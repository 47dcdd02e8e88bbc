/**
 * Start-up: open → migrate → seed. Called by the entry points only: the production start script
 * (src/server/start.ts), the database CLI (db/cli.ts) and, in `astro dev`, the dev-bootstrap
 * integration in astro.config.mjs. db.ts cannot seed itself: the seed calls the domain, and the
 * domain imports db.ts.
 */
import { seedCatalog, seedDemo } from '../../../db/seed/index.ts';
import { getConfig } from './config.ts';
import { getDatabase, type DbHandle } from './db.ts';
import { logger } from './logger.ts';

export interface Bootstrapped {
  handle: DbHandle;
  catalog: { inserted: number };
  /** What the demo seed did, or why it was skipped. */
  demo: Awaited<ReturnType<typeof seedDemo>> | 'skipped (production or DEMO_SEED=off)';
}

const BOOTSTRAP_KEY = Symbol.for('yidiantong.bootstrap');
type Registry = { [BOOTSTRAP_KEY]?: Promise<Bootstrapped> };

/** Once per process, like the handle itself: a second call returns the first call's result. */
export function bootstrap(): Promise<Bootstrapped> {
  const registry = globalThis as Registry;
  registry[BOOTSTRAP_KEY] ??= (async () => {
    const config = getConfig();
    const handle = await getDatabase();
    const catalog = await seedCatalog(handle.db);
    const demo = config.seedDemo ? await seedDemo(handle.db) : 'skipped (production or DEMO_SEED=off)';
    logger.info({ driver: handle.driver, catalogInserted: catalog.inserted, demo }, 'database ready');
    return { handle, catalog, demo };
  })();
  return registry[BOOTSTRAP_KEY];
}
