/**
 * `npm run verify-ledgers`: recomputes every village's chain of published disclosures from the
 * stored lines and reports any break. Exit code 0 when every chain holds, 1 otherwise, so it can
 * run from cron and alert. Prints today's province-wide head hash for the record.
 *
 * `--witnessed <dir|file>` (repeatable): also holds the database to the checkpoints witnesses kept
 * (ledger-log/witnessed.ts) — witness state directories or copied checkpoint files. Their log
 * signature is checked against the configured key and any `--log-key <vkey>`; their cosignature
 * against each directory's witness.vkey and any `--witness-key <vkey>`. Fails (1) when the
 * database disagrees with any of them, or one cannot be checked.
 */
import { parseArgs } from 'node:util';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { formatVerification, runVerification } from '../lib/server/accounts/verify.ts';
import { logVerifierKey } from '../lib/server/ledger-log/checkpoints.ts';
import { parseVkey, type NoteKey } from '../lib/server/ledger-log/note.ts';
import { checkWitnessedCopies, formatWitnessed, loadWitnessedCopies } from '../lib/server/ledger-log/witnessed.ts';

let options: { witnessed: string[]; logKeys: NoteKey[]; witnessKeys: NoteKey[] };
try {
  const { values } = parseArgs({
    options: { witnessed: { type: 'string', multiple: true }, 'log-key': { type: 'string', multiple: true }, 'witness-key': { type: 'string', multiple: true } },
  });
  options = { witnessed: values.witnessed ?? [], logKeys: (values['log-key'] ?? []).map(parseVkey), witnessKeys: (values['witness-key'] ?? []).map(parseVkey) };
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nusage: npm run verify-ledgers [-- --witnessed <dir|file> … [--log-key <vkey>] [--witness-key <vkey>]]\n`);
  process.exit(2);
}

// An entry point: the same start-up as the server (open → migrate → seed).
const { db } = (await bootstrap()).handle;
const result = await runVerification(db);
process.stdout.write(formatVerification(result));
let ok = result.ok;
if (options.witnessed.length > 0) {
  const loaded = await loadWitnessedCopies(options.witnessed, [parseVkey(logVerifierKey()), ...options.logKeys], options.witnessKeys);
  const witnessed = await checkWitnessedCopies(db, loaded, result.reports);
  process.stdout.write(formatWitnessed(witnessed));
  ok &&= witnessed.ok;
}
await closeDatabase();
process.exit(ok ? 0 : 1);
