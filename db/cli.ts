/**
 * Database commands: `npm run db:migrate` and `npm run db:seed`.
 * Both go through the same module the server uses, so they see the same configuration.
 */
import { getConfig } from '../src/lib/server/config.ts';
import { bootstrap } from '../src/lib/server/bootstrap.ts';
import { closeDatabase, migrateDatabase, openDatabase } from '../src/lib/server/db.ts';

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
  // The same start-up as the server (open → migrate → seed), run once; it reports what it inserted.
  const { catalog, demo } = await bootstrap();
  await closeDatabase();
  console.log(JSON.stringify({ catalog, demo }));
} else {
  console.error('usage: node db/cli.ts migrate|seed');
  process.exit(64);
}
