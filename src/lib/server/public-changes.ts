/**
 * "Something the public sees has changed": a NOTIFY that front caches in every instance listen for
 * (src/server/front-cache.ts). Sent inside the publishing transaction, so PostgreSQL delivers it
 * only if, and when, the publication commits — never for a rolled-back one, never before readers
 * could see the new state.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from './db.ts';

export const PUBLIC_CHANGED_CHANNEL = 'ydt_public_changed';

export async function announcePublicChange(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_notify(${PUBLIC_CHANGED_CHANNEL}, '')`);
}
