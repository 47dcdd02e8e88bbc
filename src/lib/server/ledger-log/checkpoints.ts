/**
 * The ledger log on the portal's side: every published period of the province as a leaf of one
 * RFC 6962 tree, and a signed checkpoint of it once a day.
 *
 * Why a log on top of the hash chains: a village's chain proves its periods follow one another, but
 * it is recomputed from the same database that stores it, so a superuser who rewrites a whole
 * chain (every content hash and link recomputed) passes `verify-ledgers`. A checkpoint signed with
 * a key the database does not hold, and kept by witnesses on other machines, fixes the past: any
 * later rewrite of a period counted in it changes the root, and both the witnesses (at their next
 * run) and `verify-ledgers --witnessed` (against their copies) see it.
 *
 * The order of the leaves: the checkpoint job appends, under one advisory lock, every published
 * period not yet in the log, by publication time then id, at max + 1. Appending there rather than in
 * the approval keeps the log's single writer in one place: approvals run in many transactions on
 * several instances and commit in an order no sequence number taken inside them would match, so a
 * leaf could appear below one already counted; the job only ever sees committed rows and puts them
 * after everything it has. A period published today joins at the next checkpoint.
 *
 * Leaf i's data is the 32 bytes of its period's content hash (the hex of `disclosures.content_hash`
 * decoded): leaf hash = SHA-256(0x00 ‖ those bytes). Building the checkpoint uses the hashes the log
 * stored; verifying (witnessed.ts) recomputes each from the period's stored lines.
 */
import { asc, desc, eq, gte, lt, and, sql } from 'drizzle-orm';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { ledgerCheckpoints, ledgerLog, type LedgerCheckpointRow } from '../../../../db/schema/ledger-log.ts';
import { getConfig, type AppConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { describeError, logger } from '../logger.ts';
import { chunkedSubtreeRoot, CompactRange, consistencyProofOver, leafHash, rootOf } from './merkle.ts';
import { ED25519, formatCheckpoint, formatVkey, noteSigner, signedNote, type NoteSigner } from './note.ts';

/** The log's signer: the configured key under the log's name (the origin line of its checkpoints). */
export function logSigner(config: Pick<AppConfig, 'checkpoint'> = getConfig()): NoteSigner {
  return noteSigner(config.checkpoint.origin, config.checkpoint.signingSeed, ED25519);
}

/** The log's public key as witnesses pin it: `<origin>+<key id>+<base64(0x01 ‖ key)>`. */
export function logVerifierKey(config: Pick<AppConfig, 'checkpoint'> = getConfig()): string {
  return formatVkey(logSigner(config).key);
}

/** A period's leaf: its 64-hex content hash as bytes, hashed as an RFC 6962 leaf. */
export function periodLeaf(contentHash: string): Buffer {
  return leafHash(Buffer.from(contentHash, 'hex'));
}

const LOG_LOCK = sql`select pg_advisory_xact_lock(hashtext('ledger-log'))`;

/** Adds every published period the log does not hold yet, after the last leaf. Inside the log's lock only. */
async function appendPublished(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`
    insert into ledger_log (leaf_index, disclosure_id, content_hash)
    select (select coalesce(max(leaf_index) + 1, 0) from ledger_log) + row_number() over (order by d.published_at, d.id) - 1, d.id, d.content_hash
      from disclosures d
     where d.status = 'published' and not exists (select 1 from ledger_log l where l.disclosure_id = d.id)`);
}

/** The stored leaf hashes of leaves [start, end); a log with a hole in it is an error, never a shorter tree. */
async function storedLeafRange(db: DbOrTx, start: number, end: number): Promise<Buffer[]> {
  const rows = await db
    .select({ index: ledgerLog.leafIndex, contentHash: ledgerLog.contentHash })
    .from(ledgerLog)
    .where(and(gte(ledgerLog.leafIndex, start), lt(ledgerLog.leafIndex, end)))
    .orderBy(asc(ledgerLog.leafIndex));
  if (rows.length !== end - start || rows.some((row, i) => row.index !== start + i)) throw new Error(`the ledger log holds ${rows.length} of leaves ${start}…${end - 1}`);
  return rows.map((row) => periodLeaf(row.contentHash));
}

/** The stored leaf hashes of the first `size` leaves. */
export function storedLeaves(db: DbOrTx, size: number): Promise<Buffer[]> {
  return storedLeafRange(db, 0, size);
}

export async function logSize(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ size: sql<string | number>`count(*)` }).from(ledgerLog);
  return Number(row?.size ?? 0);
}

export async function latestCheckpoint(db: DbOrTx): Promise<LedgerCheckpointRow | undefined> {
  const [row] = await db.select().from(ledgerCheckpoints).orderBy(desc(ledgerCheckpoints.day)).limit(1);
  return row;
}

export type CheckpointOutcome = { ok: true; checkpoint: LedgerCheckpointRow } | { ok: false; problem: 'inconsistent'; previous: LedgerCheckpointRow; recomputedRoot: string };

/**
 * The checkpoint of `day`, signed and stored once (the first call of the day wins; several
 * instances take turns on the lock). A call for a day at or before the latest checkpoint's returns
 * that one, so an instance whose clock lags never signs an older day after a newer one.
 *
 * A log must never sign a checkpoint inconsistent with one it signed before (c2sp.org/tlog-checkpoint):
 * when the stored leaves no longer give the previous checkpoint's root — someone changed the log
 * under it — nothing is signed and the outcome says so. (Whoever can rewrite the database can also
 * delete the stored checkpoints; then only the witnesses' copies remember, which is why they exist.)
 */
export async function ensureDailyCheckpoint(db: Db, day: string, signer: NoteSigner = logSigner()): Promise<CheckpointOutcome> {
  return db.transaction(async (tx) => {
    await tx.execute(LOG_LOCK);
    const previous = await latestCheckpoint(tx);
    if (previous && previous.day >= day) return { ok: true, checkpoint: previous };
    await appendPublished(tx);
    const leaves = await storedLeaves(tx, await logSize(tx));
    const range = new CompactRange();
    let rootAtPrevious = range.root();
    for (const leaf of leaves) {
      range.append(leaf);
      if (previous && range.size === previous.treeSize) rootAtPrevious = range.root();
    }
    if (previous && rootAtPrevious.toString('hex') !== previous.rootHash) {
      return { ok: false, problem: 'inconsistent', previous, recomputedRoot: rootAtPrevious.toString('hex') };
    }
    const rootHash = range.root();
    const body = formatCheckpoint({ origin: signer.key.name, size: range.size, rootHash });
    const [stored] = await tx
      .insert(ledgerCheckpoints)
      .values({ day, treeSize: range.size, rootHash: rootHash.toString('hex'), note: signedNote(body, [signer.sign(body)]) })
      .returning();
    return { ok: true, checkpoint: stored! };
  });
}

/** For the daily job and the checkpoint route: today's checkpoint, with a refusal to sign logged as the alarm it is. */
export async function recordDailyCheckpoint(db: Db, day: string): Promise<LedgerCheckpointRow | undefined> {
  const outcome = await ensureDailyCheckpoint(db, day);
  if (outcome.ok) return outcome.checkpoint;
  logger.error(
    { previousDay: outcome.previous.day, treeSize: outcome.previous.treeSize, signedRoot: outcome.previous.rootHash, recomputedRoot: outcome.recomputedRoot },
    'ledger log no longer matches its last checkpoint: the stored leaves were changed; no checkpoint signed',
  );
  return latestCheckpoint(db);
}

/** The same, never throwing: a failed checkpoint must not stop the other jobs or a page. */
export async function recordDailyCheckpointSafely(db: Db, day: string): Promise<LedgerCheckpointRow | undefined> {
  try {
    return await recordDailyCheckpoint(db, day);
  } catch (error) {
    logger.warn(describeError(error), 'ledger checkpoint failed');
    return undefined;
  }
}

/**
 * Leaves per chunk whose root an instance keeps once it has computed it. A full chunk never changes
 * (the log only grows), so a proof needs the roots of whole chunks from memory and the leaves of
 * two or three chunks from the database: milliseconds, where hashing a million leaves anew for each
 * request would take seconds of a public endpoint's CPU. A kept root that no longer matched the
 * database (someone rewrote it) can only make a proof fail, never pass: proofs are checked against
 * the signed roots, and no proof joins two inconsistent trees.
 */
const CHUNK_LEAVES = 1024;
const CHUNKS_PER_READ = 64;
const chunkCaches = new WeakMap<object, Map<number, Buffer[]>>();

async function fullChunkRoots(db: DbOrTx, chunks: number, chunkSize: number): Promise<Buffer[]> {
  const byChunkSize = chunkCaches.get(db) ?? new Map<number, Buffer[]>();
  chunkCaches.set(db, byChunkSize);
  const roots = byChunkSize.get(chunkSize) ?? [];
  byChunkSize.set(chunkSize, roots);
  while (roots.length < chunks) {
    const first = roots.length;
    const count = Math.min(chunks - first, CHUNKS_PER_READ);
    const leaves = await storedLeafRange(db, first * chunkSize, (first + count) * chunkSize);
    // Another request of this instance may have added the same chunks meanwhile.
    if (roots.length !== first) continue;
    for (let c = 0; c < count; c++) roots.push(rootOf(leaves.slice(c * chunkSize, (c + 1) * chunkSize)));
  }
  return roots;
}

const PLACEHOLDER = Buffer.alloc(32);

/** The RFC 6962 consistency proof from the tree of `from` leaves to that of `to`, over the stored leaves. */
export async function consistencyBetween(db: DbOrTx, from: number, to: number, chunkSize = CHUNK_LEAVES): Promise<Buffer[]> {
  const roots = await fullChunkRoots(db, Math.floor(to / chunkSize), chunkSize);
  // A first pass finds which chunks' single leaves the proof needs; the second reads only those.
  const needed = new Set<number>();
  const noteNeeded = (index: number) => {
    needed.add(Math.floor(index / chunkSize));
    return PLACEHOLDER;
  };
  consistencyProofOver(from, to, chunkedSubtreeRoot(chunkSize, (chunk) => roots[chunk]!, noteNeeded));
  const leaves = new Map<number, Buffer>();
  for (const chunk of needed) {
    const start = chunk * chunkSize;
    for (const [i, leaf] of (await storedLeafRange(db, start, Math.min(start + chunkSize, to))).entries()) leaves.set(start + i, leaf);
  }
  return consistencyProofOver(from, to, chunkedSubtreeRoot(chunkSize, (chunk) => roots[chunk]!, (index) => leaves.get(index)!));
}

export interface LogLeaf {
  index: number;
  villageCode: string;
  period: string;
  contentHash: string;
}

/** Leaves [start, end) with the period each stands for: what a monitor needs to recompute the root from open data. */
export async function listLeaves(db: DbOrTx, start: number, end: number): Promise<LogLeaf[]> {
  const rows = await db
    .select({ index: ledgerLog.leafIndex, villageCode: disclosures.villageCode, period: disclosures.period, contentHash: ledgerLog.contentHash })
    .from(ledgerLog)
    .innerJoin(disclosures, eq(disclosures.id, ledgerLog.disclosureId))
    .where(and(gte(ledgerLog.leafIndex, start), lt(ledgerLog.leafIndex, end)))
    .orderBy(asc(ledgerLog.leafIndex));
  return rows;
}
