/**
 * Each village's disclosure cadence, set by its township agency: quarterly, or monthly where the
 * collective's finances are busy (村民委员会组织法 Art. 30). A village without a setting follows
 * DISCLOSURE_CADENCE. The cadence decides which periods a cadre opens and when a village is late.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { CADENCES, villageCadences, type Cadence } from '../../../../db/schema/supervision.ts';
import { z } from 'zod';
import { recordAudit } from '../audit.ts';
import { subtreeRange } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { ledgerLockSql } from './ledger-lock.ts';
import type { PeriodKind } from './periods.ts';

export const periodKindOf = (cadence: Cadence): PeriodKind => (cadence === 'monthly' ? 'month' : 'quarter');

export function defaultCadence(): Cadence {
  return getConfig().disclosureCadence;
}

export async function cadenceOf(db: DbOrTx, villageCode: string): Promise<Cadence> {
  const [row] = await db.select({ cadence: villageCadences.cadence }).from(villageCadences).where(eq(villageCadences.villageCode, villageCode));
  return row?.cadence ?? defaultCadence();
}

export interface VillageCadence {
  code: string;
  name: string;
  cadence: Cadence;
  /** False when the village follows the configured default. */
  set: boolean;
}

/** The villages in a scope with their cadence, in code order. */
export async function listVillageCadences(db: DbOrTx, scopeCode: string): Promise<VillageCadence[]> {
  const { from, to } = subtreeRange(scopeCode);
  const rows = await db
    .select({ code: areas.code, name: areas.name, cadence: villageCadences.cadence })
    .from(areas)
    .leftJoin(villageCadences, eq(villageCadences.villageCode, areas.code))
    .where(and(eq(areas.level, 'village'), gte(areas.code, from), lt(areas.code, to)))
    .orderBy(asc(areas.code));
  return rows.map((row) => ({ code: row.code, name: row.name, cadence: row.cadence ?? defaultCadence(), set: row.cadence !== null }));
}

const SetCadence = z.object({
  villageCode: z.string().regex(/^\d{12}$/, '没有这个村'),
  cadence: z.enum(CADENCES, { message: '请选择按季度或按月公开' }),
});

/**
 * The agency sets a village's cadence. Under the village's ledger lock (the one opening a period
 * takes), so a period is opened under the old cadence or the new one, never half of each. Periods
 * already opened keep their kind; the new cadence applies to those opened from now on.
 */
export async function setVillageCadence(db: Db, actor: Actor | null, input: { villageCode: string; cadence: string }): Promise<Result<{ changed: boolean }>> {
  const parsed = SetCadence.safeParse(input);
  if (!parsed.success) return fail({ [parsed.error.issues[0]!.path[0] === 'cadence' ? 'cadence' : 'form']: parsed.error.issues[0]!.message });
  const { villageCode, cadence } = parsed.data;
  if (actor && !can(actor, 'ledger.cadence', { scopeCode: villageCode })) return fail({ form: '只有本乡镇三资代理服务中心可以设定公开频次' }, 403);
  return db.transaction(async (tx) => {
    const [village] = await tx.select({ level: areas.level }).from(areas).where(eq(areas.code, villageCode));
    if (!village || village.level !== 'village') return fail({ form: '没有这个村' }, 404);
    await tx.execute(ledgerLockSql(villageCode));
    const [current] = await tx.select().from(villageCadences).where(eq(villageCadences.villageCode, villageCode)).for('update');
    const before = current?.cadence ?? defaultCadence();
    if (current?.cadence === cadence) return ok({ changed: false });
    await tx
      .insert(villageCadences)
      .values({ villageCode, cadence, setBy: actor?.id ?? null })
      .onConflictDoUpdate({ target: villageCadences.villageCode, set: { cadence, setBy: actor?.id ?? null, setAt: new Date() } });
    await recordAudit(tx, { actor, action: 'disclosure.cadenceSet', subjectType: 'area', subjectId: villageCode, scopeCode: villageCode, detail: { from: before, to: cadence } });
    return ok({ changed: before !== cadence });
  });
}
