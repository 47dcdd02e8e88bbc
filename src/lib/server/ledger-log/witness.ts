/**
 * The witness: what another body (a county agriculture bureau, the city commission) runs on its
 * own machine, from cron, to hold the portal to its past. Each run it fetches the portal's latest
 * checkpoint over HTTP, checks the log's signature against the key it pinned, checks that the new
 * tree extends the last one it vouched for (an RFC 6962 consistency proof: every period counted
 * then is unchanged), cosigns it (c2sp.org/tlog-cosignature, cosignature/v1) and keeps the result.
 * It refuses a checkpoint that is badly signed, smaller than before, a different tree of the same
 * size, or not an extension of the last one, and keeps such a checkpoint as evidence: two
 * checkpoints signed by the log that cannot both be true prove the history was rewritten.
 *
 * Nothing here opens a database or reads the portal's configuration; the witness needs only this
 * repository, Node and the portal's address.
 *
 * The state directory (one per witness and log; the body's own backups keep it):
 *   log.vkey          the log's key, pinned at the first run; never replaced
 *   witness.vkey      this witness's public key, for whoever checks its copies (verify-ledgers)
 *   checkpoints/      every checkpoint it cosigned, `<tree size>-<unix time>.txt`, each written once
 *   refused/          every checkpoint it refused with a valid log signature, and the proof it was sent
 */
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { MessageKey } from '../../../i18n/index.ts';
import { verifyConsistency } from './merkle.ts';
import { formatVkey, MAX_NOTE_BYTES, NoteError, parseCheckpoint, parseVkey, signedNote, verifyNote, type Checkpoint, type NoteKey, type NoteSigner } from './note.ts';

export interface WitnessOptions {
  /** The portal's address, e.g. https://ydt.example.gov.cn/ */
  url: string;
  stateDir: string;
  /** The witness's cosigner (a type 0x04 key from its private key file). */
  signer: NoteSigner;
  /** The log's vkey: pinned on the first run; later it must match the pinned one. */
  logKey?: string;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** What a run came to: `message` and `vars` for the dictionaries (witness.*), printed in both languages. */
export type WitnessOutcome =
  | { kind: 'cosigned'; message: MessageKey; vars: Record<string, string | number>; file: string; checkpoint: Checkpoint }
  | { kind: 'unchanged'; message: MessageKey; vars: Record<string, string | number> }
  | { kind: 'refused'; message: MessageKey; vars: Record<string, string | number>; evidence?: string }
  | { kind: 'failed'; message: MessageKey; vars: Record<string, string | number> };

/** Notes printed before the outcome (the log key was pinned from the portal itself, …). */
export interface WitnessReport {
  outcome: WitnessOutcome;
  notices: Array<{ message: MessageKey; vars: Record<string, string | number> }>;
}

const FETCH_TIMEOUT_MS = 30_000;
/** A consistency proof has about 2·log2(n) hashes; 128 covers any tree that fits in a number. */
const MAX_PROOF_HASHES = 128;
const MAX_JSON_BYTES = 32 * 1024;

const ProofBody = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  proof: z.array(z.string().regex(/^[A-Za-z0-9+/]{43}=$/)).max(MAX_PROOF_HASHES),
});

class FetchProblem extends Error {}

async function readCapped(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (bytes > limit) {
      await reader.cancel();
      throw new FetchProblem(`the answer is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

async function get(fetcher: typeof fetch, url: URL, limit: number): Promise<string> {
  let response: Response;
  try {
    response = await fetcher(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new FetchProblem((error as Error).message);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FetchProblem(`HTTP ${response.status}`);
  }
  try {
    return await readCapped(response, limit);
  } catch (error) {
    throw error instanceof FetchProblem ? error : new FetchProblem('the answer is not UTF-8 text');
  }
}

/** Writes a file that did not exist, whole or not at all: a temporary file, then a hard link (which fails if the name is taken). */
async function writeOnce(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, text, { flag: 'wx', mode: 0o644, flush: true });
  try {
    await link(temporary, file);
  } finally {
    await unlink(temporary);
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const CHECKPOINT_FILE = /^(\d{15})-(\d+)\.txt$/;

/** The kept checkpoints, largest tree first (then latest): the first is the one a new checkpoint must extend. */
export async function keptCheckpointFiles(checkpointsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(checkpointsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, match: CHECKPOINT_FILE.exec(name) }))
    .filter((entry) => entry.match)
    .sort((a, b) => b.match![1]!.localeCompare(a.match![1]!) || Number(b.match![2]) - Number(a.match![2]))
    .map((entry) => path.join(checkpointsDir, entry.name));
}

const padded = (size: number) => String(size).padStart(15, '0');

function baseOf(url: string): URL {
  const base = new URL(url);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('not an http(s) address');
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.search = '';
  base.hash = '';
  return base;
}

export async function runWitness(options: WitnessOptions): Promise<WitnessReport> {
  const notices: WitnessReport['notices'] = [];
  const fetcher = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const done = (outcome: WitnessOutcome): WitnessReport => ({ outcome, notices });
  const failed = (message: MessageKey, vars: Record<string, string | number> = {}) => done({ kind: 'failed', message, vars });
  const refused = (message: MessageKey, vars: Record<string, string | number> = {}, evidence?: string) => done({ kind: 'refused', message, vars, ...(evidence ? { evidence } : {}) });

  let base: URL;
  try {
    base = baseOf(options.url);
  } catch {
    return failed('witness.failed.url', { url: options.url });
  }
  const checkpointsDir = path.join(options.stateDir, 'checkpoints');
  const refusedDir = path.join(options.stateDir, 'refused');
  await mkdir(checkpointsDir, { recursive: true, mode: 0o700 });
  await mkdir(refusedDir, { recursive: true, mode: 0o700 });

  // This state belongs to one witness key: copies cosigned by two keys in one place would mislead whoever checks them.
  const ownVkey = formatVkey(options.signer.key);
  const storedOwn = (await readIfExists(path.join(options.stateDir, 'witness.vkey')))?.trim();
  if (storedOwn && storedOwn !== ownVkey) return failed('witness.failed.otherWitness', { stored: storedOwn, given: ownVkey });
  if (!storedOwn) await writeOnce(path.join(options.stateDir, 'witness.vkey'), `${ownVkey}\n`);

  // The log's key: pinned once. A different --log-key later is refused rather than silently replacing it.
  const logVkeyFile = path.join(options.stateDir, 'log.vkey');
  const pinned = (await readIfExists(logVkeyFile))?.trim();
  let logKey: NoteKey;
  try {
    if (pinned) {
      logKey = parseVkey(pinned);
      if (options.logKey && formatVkey(parseVkey(options.logKey)) !== formatVkey(logKey)) return refused('witness.refused.logKeyChanged', { pinned });
    } else if (options.logKey) {
      logKey = parseVkey(options.logKey);
      await writeOnce(logVkeyFile, `${formatVkey(logKey)}\n`);
      notices.push({ message: 'witness.notice.pinned', vars: { key: formatVkey(logKey) } });
    } else {
      const fetched = await get(fetcher, new URL('ledgers/checkpoint-key', base), 1024);
      logKey = parseVkey(fetched);
      await writeOnce(logVkeyFile, `${formatVkey(logKey)}\n`);
      notices.push({ message: 'witness.notice.pinnedFromPortal', vars: { key: formatVkey(logKey) } });
    }
  } catch (error) {
    if (error instanceof FetchProblem) return failed('witness.failed.fetch', { what: 'ledgers/checkpoint-key', why: error.message });
    if (error instanceof NoteError) return failed('witness.failed.badLogKey', { why: error.message });
    throw error;
  }

  // The last checkpoint this witness vouched for, checked again: a damaged or planted copy stops the run.
  const kept = await keptCheckpointFiles(checkpointsDir);
  let previous: Checkpoint | undefined;
  if (kept[0]) {
    try {
      const { body, verified } = verifyNote(await readFile(kept[0], 'utf8'), [logKey, options.signer.key]);
      if (!verified.some((v) => v.key === logKey) || !verified.some((v) => v.key === options.signer.key)) throw new NoteError('unsigned', 'not signed by both');
      previous = parseCheckpoint(body);
    } catch (error) {
      if (error instanceof NoteError) return failed('witness.failed.state', { file: kept[0], why: error.message });
      throw error;
    }
  }

  let text: string;
  try {
    text = await get(fetcher, new URL('ledgers/checkpoint', base), MAX_NOTE_BYTES);
  } catch (error) {
    if (error instanceof FetchProblem) return failed('witness.failed.fetch', { what: 'ledgers/checkpoint', why: error.message });
    throw error;
  }
  let checkpoint: Checkpoint;
  let body: string;
  let logLine: string;
  try {
    const verified = verifyNote(text, [logKey]);
    body = verified.body;
    logLine = verified.verified[0]!.line;
    checkpoint = parseCheckpoint(body);
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    if (error.problem === 'malformed') return failed('witness.failed.notANote', { why: error.message });
    return refused('witness.refused.signature', { key: formatVkey(logKey), why: error.message });
  }
  const vars = { size: checkpoint.size, root: checkpoint.rootHash.toString('base64'), previous: previous?.size ?? 0 };
  // From here on the checkpoint carries the log's valid signature: a refusal keeps it as evidence.
  const keepEvidence = async (extra?: string): Promise<string | undefined> => {
    const file = path.join(refusedDir, `${Math.floor(now().getTime() / 1000)}-${padded(checkpoint.size)}.txt`);
    try {
      await writeOnce(file, extra ? `${text}\n${extra}` : text);
      return file;
    } catch {
      // The refusal stands without it (the same checkpoint refused twice in one second, a full disk).
      return undefined;
    }
  };
  if (checkpoint.origin !== logKey.name) return refused('witness.refused.origin', { origin: checkpoint.origin, expected: logKey.name }, await keepEvidence());

  if (previous) {
    if (checkpoint.size < previous.size) return refused('witness.refused.smaller', vars, await keepEvidence());
    if (checkpoint.size === previous.size) {
      if (checkpoint.rootHash.equals(previous.rootHash)) return done({ kind: 'unchanged', message: 'witness.unchanged', vars });
      return refused('witness.refused.fork', { ...vars, previousRoot: previous.rootHash.toString('base64') }, await keepEvidence());
    }
    if (previous.size > 0) {
      let proofText: string;
      try {
        proofText = await get(fetcher, new URL(`ledgers/consistency?from=${previous.size}&to=${checkpoint.size}`, base), MAX_JSON_BYTES);
      } catch (error) {
        if (error instanceof FetchProblem) return failed('witness.failed.fetch', { what: 'ledgers/consistency', why: error.message });
        throw error;
      }
      let parsed: z.infer<typeof ProofBody> | undefined;
      try {
        const result = ProofBody.safeParse(JSON.parse(proofText));
        parsed = result.success ? result.data : undefined;
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.from !== previous.size || parsed.to !== checkpoint.size) return failed('witness.failed.proofFormat');
      const proof = parsed.proof.map((hash) => Buffer.from(hash, 'base64'));
      if (!verifyConsistency(previous.size, checkpoint.size, previous.rootHash, checkpoint.rootHash, proof)) {
        return refused('witness.refused.inconsistent', { ...vars, previousRoot: previous.rootHash.toString('base64') }, await keepEvidence(proofText));
      }
    }
  }

  // The copy kept: the body exactly as the log signed it, the log's signature, and this witness's.
  const at = now();
  const file = path.join(checkpointsDir, `${padded(checkpoint.size)}-${Math.floor(at.getTime() / 1000)}.txt`);
  await writeOnce(file, signedNote(body, [logLine, options.signer.sign(body, at)]));
  return done({ kind: 'cosigned', message: previous ? 'witness.cosigned' : 'witness.cosignedFirst', vars, file, checkpoint });
}
