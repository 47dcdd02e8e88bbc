import { sql, type SQL } from 'drizzle-orm';

/**
 * A village's ledger lock, held to the end of the transaction: opening a period, publishing one and
 * changing the village's cadence take it in turn (one module, so every taker names the same lock).
 */
export function ledgerLockSql(villageCode: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtext(${'ledger-chain:' + villageCode}))`;
}
