/**
 * `verify-ledgers --witnessed <dir|file> …`: holds the database to the checkpoints witnesses kept.
 * The chain check (accounts/verify.ts) recomputes every hash from the stored lines, but a rewrite
 * that recomputes every hash passes it. A witnessed checkpoint — signed by the log, cosigned by a
 * body outside the portal — fixes the root of the first n leaves; this recomputes those n leaves
 * from the stored lines, in the log's order, and fails when the root differs, naming the
 * checkpoint and narrowing down where.
 *
 * Which copies count: every checkpoint whose log signature verifies (the portal's own key, or one
 * given with --log-key) and that a witness cosigned (its witness.vkey beside the copies, or a key
 * given with --witness-key). A copy that cannot be verified fails the run too: asked to check the
 * witnessed copies, the tool does not say OK without having checked them.
 *
 * Narrowing down: if a smaller witnessed checkpoint still matches, its leaves are intact (a match
 * of roots is a match of every leaf under them), so the first difference lies between its size and
 * the failing one's. Inside that range, a leaf whose recomputed hash differs from the one the log
 * stored, or whose period is gone, is named as such; when a rewrite changed everything consistently
 * there is no such leaf, and the periods of the range are listed instead.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { asc, eq, lt } from 'drizzle-orm';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { ledgerLog } from '../../../../db/schema/ledger-log.ts';
import { chainHash, disclosureContent } from '../accounts/canonical.ts';
import { getDisclosure, getLines } from '../accounts/disclosures.ts';
import type { ChainReport } from '../accounts/verify.ts';
import type { DbOrTx } from '../db.ts';
import { formatShanghaiMinute } from '../time.ts';
import { periodLeaf } from './checkpoints.ts';
import { CompactRange, leafHash } from './merkle.ts';
import { formatVkey, parseCheckpoint, parseVkey, verifyNote, type Checkpoint, type NoteKey } from './note.ts';
import { keptCheckpointFiles } from './witness.ts';

export interface WitnessedCopy {
  file: string;
  checkpoint: Checkpoint;
  witnesses: Array<{ name: string; at: Date | undefined }>;
}

export interface LoadedCopies {
  copies: WitnessedCopy[];
  uncheckable: Array<{ file: string; why: string }>;
}

async function readVkeyFile(file: string): Promise<NoteKey | undefined> {
  try {
    return parseVkey(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file)).isDirectory();
}

/** The copies under `paths` (witness state directories, directories of copies, or single files), each verified. */
export async function loadWitnessedCopies(paths: readonly string[], logKeys: readonly NoteKey[], witnessKeys: readonly NoteKey[]): Promise<LoadedCopies> {
  const loaded: LoadedCopies = { copies: [], uncheckable: [] };
  for (const given of paths) {
    let files: string[];
    let keyFiles: string[];
    try {
      if (await isDirectory(given)) {
        const checkpointsDir = path.join(given, 'checkpoints');
        const isState = await isDirectory(checkpointsDir).catch(() => false);
        files = isState ? await keptCheckpointFiles(checkpointsDir) : (await readdir(given)).filter((name) => name.endsWith('.txt')).sort().map((name) => path.join(given, name));
        keyFiles = [path.join(given, 'witness.vkey')];
      } else {
        files = [given];
        keyFiles = [path.join(path.dirname(given), 'witness.vkey'), path.join(path.dirname(path.dirname(given)), 'witness.vkey')];
      }
    } catch (error) {
      loaded.uncheckable.push({ file: given, why: (error as Error).message });
      continue;
    }
    const found = (await Promise.all(keyFiles.map(readVkeyFile))).filter((key): key is NoteKey => key !== undefined);
    // The log's own key never counts as a witness, wherever it was found.
    const logVkeys = new Set(logKeys.map(formatVkey));
    const witnesses = [...witnessKeys, ...found].filter((key) => !logVkeys.has(formatVkey(key)));
    if (files.length === 0) loaded.uncheckable.push({ file: given, why: 'no checkpoint files here' });
    for (const file of files) {
      try {
        const { body, verified } = verifyNote(await readFile(file, 'utf8'), [...logKeys, ...witnesses]);
        const log = verified.find((v) => logKeys.includes(v.key));
        const cosigners = verified.filter((v) => witnesses.includes(v.key));
        if (!log) throw new Error('no valid signature by the log key');
        if (cosigners.length === 0) throw new Error('no valid cosignature by a witness key (witness.vkey beside it, or --witness-key)');
        const checkpoint = parseCheckpoint(body);
        if (checkpoint.origin !== log.key.name) throw new Error(`the checkpoint names the log ${checkpoint.origin}, its signature ${log.key.name}`);
        loaded.copies.push({ file, checkpoint, witnesses: cosigners.map((v) => ({ name: v.key.name, at: v.timestamp === undefined ? undefined : new Date(v.timestamp * 1000) })) });
      } catch (error) {
        loaded.uncheckable.push({ file, why: (error as Error).message });
      }
    }
  }
  return loaded;
}

interface RecomputedLeaf {
  index: number;
  villageCode: string | null;
  period: string | null;
  /** The hash the log stored when the period joined it. */
  loggedHash: string;
  /** Recomputed from the period's stored lines now; undefined when the period is gone. */
  recomputedHash: string | undefined;
}

/** A leaf that could not have been the one witnessed: gone, or no longer what the log stored. */
export interface LeafEvidence {
  index: number;
  villageCode: string | null;
  period: string | null;
  problem: 'gone' | 'changed';
}

export interface WitnessedCheck {
  copy: WitnessedCopy;
  ok: boolean;
  /** The root of the database's first `size` leaves, recomputed; absent when it holds fewer. */
  databaseRoot?: Buffer;
  /** When the database's log holds fewer leaves than the checkpoint counts. */
  logHolds?: number;
  /** For a mismatch: leaves [from, to) hold the first difference. */
  firstDifference?: { from: number; to: number; evidence: LeafEvidence[]; periods: Array<{ index: number; villageCode: string | null; period: string | null }> };
}

export interface WitnessedResult {
  ok: boolean;
  checks: WitnessedCheck[];
  uncheckable: LoadedCopies['uncheckable'];
}

/** A leaf no period can give: real leaves hash 32 bytes. Stands in for a period that is gone. */
const GONE_LEAF = leafHash(Buffer.alloc(0));

async function recomputeOne(db: DbOrTx, disclosureId: number): Promise<string | undefined> {
  const row = await getDisclosure(db, disclosureId);
  if (!row) return undefined;
  return chainHash(row.prevHash ?? '', disclosureContent(row, await getLines(db, row.id)));
}

/** The log's first `size` leaves with their hashes recomputed from stored lines (reusing the chain check's). Stops at a hole. */
async function recomputedLeaves(db: DbOrTx, size: number, reports: readonly ChainReport[]): Promise<RecomputedLeaf[]> {
  const known = new Map(reports.flatMap((report) => report.periods.map((period) => [period.disclosureId, period.recomputedHash] as const)));
  const rows = await db
    .select({ index: ledgerLog.leafIndex, disclosureId: ledgerLog.disclosureId, loggedHash: ledgerLog.contentHash, villageCode: disclosures.villageCode, period: disclosures.period })
    .from(ledgerLog)
    .leftJoin(disclosures, eq(disclosures.id, ledgerLog.disclosureId))
    .where(lt(ledgerLog.leafIndex, size))
    .orderBy(asc(ledgerLog.leafIndex));
  const leaves: RecomputedLeaf[] = [];
  for (const [i, row] of rows.entries()) {
    if (row.index !== i) break;
    const recomputedHash = known.get(row.disclosureId) ?? (await recomputeOne(db, row.disclosureId));
    leaves.push({ index: row.index, villageCode: row.villageCode, period: row.period, loggedHash: row.loggedHash, recomputedHash });
  }
  return leaves;
}

/** Each copy's root against the database's, recomputed (one pass over the leaves for all of them). */
export async function checkWitnessedCopies(db: DbOrTx, loaded: LoadedCopies, reports: readonly ChainReport[]): Promise<WitnessedResult> {
  const copies = [...loaded.copies].sort((a, b) => a.checkpoint.size - b.checkpoint.size);
  const largest = copies.at(-1)?.checkpoint.size ?? 0;
  const leaves = await recomputedLeaves(db, largest, reports);
  const roots = new Map<number, Buffer>([[0, new CompactRange().root()]]);
  const wanted = new Set(copies.map((copy) => copy.checkpoint.size));
  const range = new CompactRange();
  for (const leaf of leaves) {
    range.append(leaf.recomputedHash ? periodLeaf(leaf.recomputedHash) : GONE_LEAF);
    if (wanted.has(range.size)) roots.set(range.size, range.root());
  }
  const checks: WitnessedCheck[] = copies.map((copy) => {
    const databaseRoot = roots.get(copy.checkpoint.size);
    if (!databaseRoot) return { copy, ok: false, logHolds: leaves.length };
    return { copy, ok: databaseRoot.equals(copy.checkpoint.rootHash), databaseRoot };
  });
  for (const check of checks.filter((c) => !c.ok)) {
    const size = check.copy.checkpoint.size;
    const from = Math.max(0, ...checks.filter((c) => c.ok && c.copy.checkpoint.size < size).map((c) => c.copy.checkpoint.size));
    const inRange = leaves.slice(from, size);
    const evidence: LeafEvidence[] = inRange
      .filter((leaf) => leaf.recomputedHash !== leaf.loggedHash)
      .map((leaf) => ({ index: leaf.index, villageCode: leaf.villageCode, period: leaf.period, problem: leaf.recomputedHash === undefined ? 'gone' : 'changed' }));
    check.firstDifference = { from, to: size, evidence, periods: inRange.map(({ index, villageCode, period }) => ({ index, villageCode, period })) };
  }
  const ok = loaded.uncheckable.length === 0 && checks.length > 0 && checks.every((check) => check.ok);
  return { ok, checks, uncheckable: loaded.uncheckable };
}

const LISTED = 12;

/** The report for the command line, in English as verify-ledgers' other lines. */
export function formatWitnessed(result: WitnessedResult): string {
  const lines: string[] = [];
  const cosigners = (copy: WitnessedCopy) => copy.witnesses.map((w) => `${w.name}${w.at ? ` at ${formatShanghaiMinute(w.at)} (UTC+8)` : ''}`).join(', ');
  const where = (leaf: { index: number; villageCode: string | null; period: string | null }) => `${leaf.villageCode ?? '?'} ${leaf.period ?? '?'} (leaf ${leaf.index})`;
  for (const check of result.checks) {
    const { copy } = check;
    if (check.ok) {
      lines.push(`WITNESSED OK ${copy.file}: ${copy.checkpoint.size} leaves, cosigned by ${cosigners(copy)}`);
      continue;
    }
    if (!check.databaseRoot) {
      lines.push(`WITNESSED MISSING ${copy.file}: the checkpoint counts ${copy.checkpoint.size} leaves, the database's log holds ${check.logHolds} (cosigned by ${cosigners(copy)})`);
      continue;
    }
    lines.push(`WITNESSED MISMATCH ${copy.file}: the database's first ${copy.checkpoint.size} leaves, recomputed from the stored lines, do not give the root cosigned by ${cosigners(copy)}`);
    lines.push(`  witnessed root ${copy.checkpoint.rootHash.toString('base64')}`);
    lines.push(`  database root  ${check.databaseRoot.toString('base64')}`);
    const difference = check.firstDifference!;
    lines.push(`  the first difference is among leaves ${difference.from}-${difference.to - 1}${difference.from > 0 ? ` (the first ${difference.from} match a smaller witnessed checkpoint)` : ''}`);
    for (const leaf of difference.evidence.slice(0, LISTED)) {
      lines.push(`  ${leaf.problem === 'gone' ? 'GONE' : 'CHANGED'} ${where(leaf)}: ${leaf.problem === 'gone' ? 'the period is no longer in the database' : 'its hash recomputed now differs from the one the log stored'}`);
    }
    if (difference.evidence.length === 0) {
      const listed = difference.periods.slice(0, LISTED).map(where).join(', ');
      const more = difference.periods.length > LISTED ? ` and ${difference.periods.length - LISTED} more` : '';
      lines.push(`  every hash there was recomputed consistently (a rewrite); the periods in that range: ${listed}${more}`);
    }
  }
  for (const { file, why } of result.uncheckable) lines.push(`UNCHECKABLE ${file}: ${why}`);
  const failed = result.checks.filter((check) => !check.ok).length;
  if (result.checks.length === 0 && result.uncheckable.length === 0) lines.push('UNCHECKABLE: no witnessed checkpoints found');
  lines.push(`${result.ok ? 'OK' : 'FAILED'}: ${result.checks.length} witnessed checkpoints checked, ${failed} disagree with the database, ${result.uncheckable.length} could not be checked`);
  return lines.join('\n') + '\n';
}
