/**
 * `npm run witness`: a body outside the portal vouches for the ledger log (ledger-log/witness.ts).
 * Runs on the witness's own machine, from cron; it needs this repository and the portal's address,
 * never its database or configuration. Every message is printed in Chinese, then in English.
 *
 *   npm run witness -- keygen --key /etc/ydt-witness/key --name nongye.sanghe.example/witness
 *   npm run witness -- --url https://ydt.example.gov.cn/ --key /etc/ydt-witness/key --state /var/lib/ydt-witness [--log-key <vkey>]
 *
 * Exit status: 0 cosigned or unchanged; 1 refused (the portal's history does not hold: alert
 * someone); 2 could not check (network, files, usage: try again or fix the set-up).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { translator, type MessageKey } from '../i18n/index.ts';
import { COSIGNATURE_V1, formatPrivateKey, formatVkey, isKeyName, NoteError, parsePrivateKey, type NoteSigner } from '../lib/server/ledger-log/note.ts';
import { runWitness } from '../lib/server/ledger-log/witness.ts';

const zh = translator('zh-CN');
const en = translator('en');
const say = (message: MessageKey, vars?: Record<string, string | number>) => process.stdout.write(`${zh(message, vars)}\n${en(message, vars)}\n`);
function usage(): never {
  process.stderr.write(`${zh('witness.usage')}\n${en('witness.usage')}\n`);
  process.exit(2);
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, key: { type: 'string' }, state: { type: 'string' }, name: { type: 'string' }, 'log-key': { type: 'string' } },
  });
}
let parsed: ReturnType<typeof parse>;
try {
  parsed = parse();
} catch {
  usage();
}
const { values, positionals } = parsed;

if (positionals[0] === 'keygen') {
  const { key, name } = values;
  if (!key || !name || !isKeyName(name) || positionals.length > 1) usage();
  // 'wx': an existing key is never overwritten (the copies it cosigned would no longer match a new one).
  await writeFile(key, `${formatPrivateKey(name, randomBytes(32), COSIGNATURE_V1)}\n`, { flag: 'wx', mode: 0o600 });
  say('witness.keygen', { file: key, vkey: formatVkey(parsePrivateKey(await readFile(key, 'utf8')).key) });
  process.exit(0);
}

const { url, key: keyFile, state } = values;
if (positionals.length > 0 || !url || !keyFile || !state) usage();
let signer: NoteSigner;
try {
  signer = parsePrivateKey(await readFile(keyFile, 'utf8'));
  if (signer.key.type !== COSIGNATURE_V1) throw new NoteError('bad-key', 'not a witness key (type 0x04); make one with: npm run witness -- keygen');
  if (values.name && values.name !== signer.key.name) throw new NoteError('bad-key', `the key is named ${signer.key.name}, not ${values.name}`);
} catch (error) {
  say('witness.failed.keyFile', { file: keyFile, why: (error as Error).message });
  process.exit(2);
}

const { outcome, notices } = await runWitness({ url, stateDir: state, signer, ...(values['log-key'] ? { logKey: values['log-key'] } : {}) });
for (const notice of notices) say(notice.message, notice.vars);
say(outcome.message, outcome.vars);
if (outcome.kind === 'cosigned') say('witness.kept', { file: outcome.file });
if (outcome.kind === 'refused' && outcome.evidence) say('witness.evidence', { file: outcome.evidence });
process.exit(outcome.kind === 'refused' ? 1 : outcome.kind === 'failed' ? 2 : 0);
