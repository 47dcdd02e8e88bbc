/**
 * A period's red flags with the answers its signers gave them. The cadre answers every flag before
 * submitting, the supervision committee before countersigning (an explanation, or a fix that
 * clears the flag); the agency and the commission read both. The submit and countersign commands
 * ask `unanswered` inside their row lock, so a flag raised by an edit that lands first is caught.
 */
import { and, asc, desc, eq, lt } from 'drizzle-orm';
import { disclosures, fundEntries, resourceContracts, type AssetItemRow, type DisclosureRow, type FundEntryRow, type ResourceContractRow } from '../../../../db/schema/accounts.ts';
import { users } from '../../../../db/schema/auth.ts';
import type { DebtItemRow } from '../../../../db/schema/debts.ts';
import { flagAnswers } from '../../../../db/schema/supervision.ts';
import { getConfig } from '../config.ts';
import type { DbOrTx } from '../db.ts';
import { computeFlags, flagKey, type RedFlag } from './flags.ts';
import { periodContaining, previousPeriod } from './periods.ts';

/** A period's lines (the shape of disclosures.ts `getLines`, which imports this module). */
interface DisclosureLines {
  funds: FundEntryRow[];
  assets: AssetItemRow[];
  resources: ResourceContractRow[];
  debts?: DebtItemRow[];
}

export type SignerRole = 'cadre' | 'supervisor';

export interface FlagAnswer {
  body: string;
  by: string | null;
  at: Date;
}

export interface AnsweredFlag extends RedFlag {
  key: string;
  answers: Partial<Record<SignerRole, FlagAnswer>>;
}

/** The red flags of a period (with the previous period's expenses, for split payments across the boundary). */
export async function periodFlags(db: DbOrTx, disclosure: Pick<DisclosureRow, 'villageCode' | 'period' | 'periodStart' | 'periodEnd'>, lines: DisclosureLines): Promise<RedFlag[]> {
  const previous = previousPeriod(periodContaining(disclosure.periodStart, /Q/.test(disclosure.period) ? 'quarter' : 'month'));
  const earlier = await db
    .select({ entry: fundEntries, period: disclosures.period })
    .from(fundEntries)
    .innerJoin(disclosures, eq(disclosures.id, fundEntries.disclosureId))
    .where(and(eq(disclosures.villageCode, disclosure.villageCode), eq(disclosures.period, previous.code), eq(fundEntries.direction, 'expense')));
  // The register this period's was carried from: the village's latest disclosure before it.
  const [before] = await db
    .select({ id: disclosures.id })
    .from(disclosures)
    .where(and(eq(disclosures.villageCode, disclosure.villageCode), lt(disclosures.periodStart, disclosure.periodStart)))
    .orderBy(desc(disclosures.periodStart))
    .limit(1);
  const earlierResources = before ? await db.select().from(resourceContracts).where(eq(resourceContracts.disclosureId, before.id)) : [];
  const config = getConfig();
  return computeFlags(
    { ...lines, periodEnd: disclosure.periodEnd, earlierExpenses: earlier.map((row) => ({ ...row.entry, period: row.period })), earlierResources },
    { decisionFen: config.flagDecisionFen, cashFen: config.flagCashFen, debtFen: config.flagDebtFen, debtYears: config.flagDebtYears },
  );
}

/** The latest answer of each role to each flag of the period (earlier answers stay in the table). */
export async function latestFlagAnswers(db: DbOrTx, disclosureId: number): Promise<Map<string, Partial<Record<SignerRole, FlagAnswer>>>> {
  const rows = await db
    .select({ key: flagAnswers.flagKey, role: flagAnswers.role, body: flagAnswers.body, at: flagAnswers.answeredAt, by: users.displayName })
    .from(flagAnswers)
    .leftJoin(users, eq(users.id, flagAnswers.answeredBy))
    .where(eq(flagAnswers.disclosureId, disclosureId))
    .orderBy(asc(flagAnswers.id));
  const byKey = new Map<string, Partial<Record<SignerRole, FlagAnswer>>>();
  for (const row of rows) byKey.set(row.key, { ...byKey.get(row.key), [row.role]: { body: row.body, by: row.by, at: row.at } });
  return byKey;
}

export async function answeredFlags(db: DbOrTx, disclosure: DisclosureRow, lines: DisclosureLines): Promise<AnsweredFlag[]> {
  const [flags, answers] = await Promise.all([periodFlags(db, disclosure, lines), latestFlagAnswers(db, disclosure.id)]);
  return flags.map((flag) => {
    const key = flagKey(flag);
    return { ...flag, key, answers: answers.get(key) ?? {} };
  });
}

/** The flags `role` has not answered yet. */
export function unanswered(flags: AnsweredFlag[], role: SignerRole): AnsweredFlag[] {
  return flags.filter((flag) => !flag.answers[role]);
}
