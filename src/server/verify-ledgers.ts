/**
 * `npm run verify-ledgers`: recomputes every village's chain of published disclosures from the
 * stored lines and reports any break. Exit code 0 when every chain holds, 1 otherwise, so it can
 * run from cron and alert. Prints today's province-wide head hash for the record.
 */
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { formatVerification, runVerification } from '../lib/server/accounts/verify.ts';

// An entry point: the same start-up as the server (open → migrate → seed).
const { db } = (await bootstrap()).handle;
const result = await runVerification(db);
process.stdout.write(formatVerification(result));
await closeDatabase();
process.exit(result.ok ? 0 : 1);
