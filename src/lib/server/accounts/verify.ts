/**
 * Verifying the ledgers: recompute every published period's hash from the stored lines and check
 * that each period chains onto the one before. Used by `npm run verify-ledgers`, the public
 * per-village verification page and the daily province-wide head hash.
 */
import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import { chainHeads, type ChainHeadRow } from '../../../../db/schema/accounts.ts';
import { translator, type MessageKey } from '../../../i18n/index.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { chainHash, disclosureContent, GENESIS_HASH } from './canonical.ts';
import { getLines, listPublished } from './disclosures.ts';

export interface PeriodCheck {
  disclosureId: number;
  period: string;
  chainSeq: number;
  storedHash: string;
  recomputedHash: string;
  prevHash: string;
  ok: boolean;
  /** What is wrong with this period, in the reader's language: `t(problem.key, problem.vars)`. */
  problem?: { key: MessageKey; vars?: Record<string, number> };
}

export interface ChainReport {
  villageCode: string;
  ok: boolean;
  periods: PeriodCheck[];
}

export async function verifyVillageChain(db: DbOrTx, villageCode: string): Promise<ChainReport> {
  const published = await listPublished(db, villageCode);
  const periods: PeriodCheck[] = [];
  let expectedPrev = GENESIS_HASH;
  for (const [index, disclosure] of published.entries()) {
    const lines = await getLines(db, disclosure.id);
    const prevHash = disclosure.prevHash ?? '';
    const recomputed = chainHash(prevHash, disclosureContent(disclosure, lines));
    let problem: PeriodCheck['problem'];
    if (disclosure.chainSeq !== index + 1) problem = { key: 'verify.problem.sequence', vars: { expected: index + 1, actual: disclosure.chainSeq ?? 0 } };
    else if (prevHash !== expectedPrev) problem = { key: 'verify.problem.chain' };
    else if (recomputed !== disclosure.contentHash) problem = { key: 'verify.problem.content' };
    periods.push({
      disclosureId: disclosure.id,
      period: disclosure.period,
      chainSeq: disclosure.chainSeq ?? 0,
      storedHash: disclosure.contentHash ?? '',
      recomputedHash: recomputed,
      prevHash,
      ok: !problem,
      ...(problem ? { problem } : {}),
    });
    expectedPrev = disclosure.contentHash ?? '';
  }
  return { villageCode, ok: periods.every((check) => check.ok), periods };
}

export async function villagesWithPublished(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ village_code: string }>(
    db,
    sql`select distinct village_code from disclosures where status = 'published' order by village_code`,
  );
  return rows.map((row) => row.village_code);
}

export async function verifyAllChains(db: DbOrTx): Promise<ChainReport[]> {
  const reports: ChainReport[] = [];
  for (const village of await villagesWithPublished(db)) reports.push(await verifyVillageChain(db, village));
  return reports;
}

/** sha256 over "village:latest hash" lines of every village with a published period, in code order. */
export async function computeHeadHash(db: DbOrTx): Promise<{ headHash: string; villages: number }> {
  const heads = await queryRows<{ village_code: string; content_hash: string }>(
    db,
    sql`select distinct on (village_code) village_code, content_hash
          from disclosures where status = 'published'
         order by village_code, chain_seq desc`,
  );
  const text = heads.map((row) => `${row.village_code}:${row.content_hash}`).join('\n');
  return { headHash: createHash('sha256').update(text).digest('hex'), villages: heads.length };
}

/** Today's head hash, computed and stored once (the first call of the day wins; later calls read it). */
export async function ensureDailyHead(db: DbOrTx, day: string): Promise<ChainHeadRow> {
  const [existing] = await db.select().from(chainHeads).where(eq(chainHeads.day, day));
  if (existing) return existing;
  const { headHash, villages } = await computeHeadHash(db);
  await db.insert(chainHeads).values({ day, headHash, villages }).onConflictDoNothing();
  const [stored] = await db.select().from(chainHeads).where(eq(chainHeads.day, day));
  return stored!;
}

export async function listDailyHeads(db: DbOrTx, limit = 30): Promise<ChainHeadRow[]> {
  return db.select().from(chainHeads).orderBy(desc(chainHeads.day)).limit(limit);
}


export interface VerificationResult {
  ok: boolean;
  reports: ChainReport[];
  head: { headHash: string; villages: number };
}

export async function runVerification(db: DbOrTx): Promise<VerificationResult> {
  const reports = await verifyAllChains(db);
  return { ok: reports.every((report) => report.ok), reports, head: await computeHeadHash(db) };
}

/** Plain-text report for the command line (in English, as its other lines): one line per broken period, then a summary. */
export function formatVerification(result: VerificationResult): string {
  const say = translator('en');
  const lines: string[] = [];
  for (const report of result.reports) {
    for (const check of report.periods.filter((period) => !period.ok)) {
      lines.push(`BROKEN ${report.villageCode} ${check.period} (#${check.chainSeq}): ${check.problem ? say(check.problem.key, check.problem.vars) : ''}`);
      lines.push(`  stored     ${check.storedHash}`);
      lines.push(`  recomputed ${check.recomputedHash}`);
    }
  }
  const periods = result.reports.reduce((sum, report) => sum + report.periods.length, 0);
  lines.push(`${result.ok ? 'OK' : 'FAILED'}: ${result.reports.length} villages, ${periods} published periods checked`);
  lines.push(`head ${result.head.headHash} (${result.head.villages} villages)`);
  return lines.join('\n') + '\n';
}
