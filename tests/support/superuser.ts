/**
 * What a superuser with direct database access could do to a village's published history, the
 * triggers bypassed (session_replication_role = replica), for the ledger log's tests and the
 * witness drill: no Astro here, so a plain Node script can use it too.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { disclosures, fundEntries } from '../../db/schema/accounts.ts';
import { chainHash, disclosureContent, GENESIS_HASH } from '../../src/lib/server/accounts/canonical.ts';
import { getLines, listPublished } from '../../src/lib/server/accounts/disclosures.ts';
import type { Db } from '../../src/lib/server/db.ts';

/**
 * A superuser's rewrite of a village's whole history, the triggers bypassed: one payment in its
 * first published period grows by `extraFen` (money taken), every later opening balance follows,
 * and every content hash and link is recomputed by the published rule, so the chain verifies again.
 */
export async function rewriteVillageHistory(db: Db, villageCode: string, extraFen: number): Promise<void> {
  const published = await listPublished(db, villageCode);
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    const [payment] = await tx
      .select()
      .from(fundEntries)
      .where(sql`${fundEntries.disclosureId} = ${published[0]!.id} and ${fundEntries.direction} = 'expense'`)
      .orderBy(asc(fundEntries.lineNo))
      .limit(1);
    await tx.update(fundEntries).set({ amountFen: payment!.amountFen + extraFen }).where(eq(fundEntries.id, payment!.id));
    let prevHash = GENESIS_HASH;
    for (const [index, period] of published.entries()) {
      const openingBalanceFen = index === 0 ? period.openingBalanceFen : period.openingBalanceFen - extraFen;
      const contentHash = chainHash(prevHash, disclosureContent({ ...period, openingBalanceFen }, await getLines(tx, period.id)));
      await tx.update(disclosures).set({ openingBalanceFen, prevHash, contentHash }).where(eq(disclosures.id, period.id));
      prevHash = contentHash;
    }
  });
}

/** The rest of the cover-up: the ledger log's stored hashes made to agree with the rewritten periods. */
export async function rewriteLogHashes(db: Db, villageCode: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`update ledger_log l set content_hash = d.content_hash from disclosures d where d.id = l.disclosure_id and d.village_code = ${villageCode}`);
  });
}

/** And the portal's own memory of what it signed: every stored checkpoint deleted. */
export async function deleteStoredCheckpoints(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`delete from ledger_checkpoints`);
  });
}
