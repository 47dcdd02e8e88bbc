/**
 * Database commands: `npm run db:migrate` and `npm run db:seed`.
 * Both go through the same module the server uses, so they see the same configuration.
 */
import { getConfig } from '../src/lib/server/config.ts';
import { closeDatabase, getDatabase, migrateDatabase, openDatabase } from '../src/lib/server/db.ts';
import { seedCatalog, seedDemo } from './seed/index.ts';

const command = process.argv[2];
const config = getConfig();

if (command === 'migrate') {
  const handle = config.databaseUrl
    ? await openDatabase({ driver: 'postgres', url: config.databaseUrl })
    : await openDatabase({ driver: 'pglite', dataDir: config.dataDir });
  await migrateDatabase(handle);
  await handle.close();
  console.log('migrations applied');
} else if (command === 'seed') {
  const { db } = await getDatabase(); // migrates and seeds as at start-up
  const catalog = await seedCatalog(db);
  const demo = config.seedDemo ? await seedDemo(db) : 'skipped (production or DEMO_SEED=off)';
  await closeDatabase();
  console.log(JSON.stringify({ catalog, demo }));
} else {
  console.error('usage: node db/cli.ts migrate|seed');
  process.exit(64);
}
