/**
 * The cross-checks of livelihood payments (issue 14 item 4) and the hits they leave: the module the
 * suspect workflow, the statistics and the village integrity picture build on.
 *
 * The rules are SQL functions (migration 0036, one `livelihood_check_<rule>(county)` each, the
 * README lists them); `livelihood_run_cross_checks(county)` runs them all over one county and
 * writes `livelihood_hits` — one row per (rule, payment), never duplicated, never deleted; a hit no
 * run finds any more gets `cleared_at`. Only batches that are not withdrawn count.
 *
 * - runCrossChecks(db, { countyCode } | { batchId }): the run itself, for code (the import, the
 *   seed); a batch's run is its county's, because a new batch changes the hits of others (the
 *   second village, the shared account).
 * - runChecksAfter(db, batchId): what the import and a withdrawal call once their transaction has
 *   committed; a failing check is logged (the batch id only) and never takes the batch with it.
 * - rerunCrossChecks(db, actor): the county commission's button, audited.
 * - hitScopeFor(db, actor), listHits(db, scope, page), hitCountsByVillage(db, villageCodes).
 * - HIT_RULES and hitRuleLabel(lang, rule) (zh-CN and English, from the i18n dictionaries).
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { HIT_RULES, livelihoodHits, type HitRule } from '../../../../db/schema/livelihood-checks.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import { translator, type Lang, type MessageKey } from '../../../i18n/index.ts';
import { levelOfCode, subtreeRange } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { queryRows, type Db, type DbOrTx } from '../db.ts';
import { describeError, logger } from '../logger.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { departmentOf } from './items.ts';

export { HIT_RULES, type HitRule };

/** The i18n key of each rule's label (livelihood.rule.<rule>, in both dictionaries). */
export const HIT_RULE_KEYS: Record<HitRule, MessageKey> = {
  deceased: 'livelihood.rule.deceased',
  official: 'livelihood.rule.official',
  cadre_relative: 'livelihood.rule.cadre_relative',
  two_villages: 'livelihood.rule.two_villages',
  paid_twice: 'livelihood.rule.paid_twice',
  above_standard: 'livelihood.rule.above_standard',
  shared_account: 'livelihood.rule.shared_account',
  vehicle: 'livelihood.rule.vehicle',
  business: 'livelihood.rule.business',
};

/** A rule's name for people: 领取人登记死亡后仍发放 / Paid after the recipient's recorded death … */
export function hitRuleLabel(lang: Lang, rule: HitRule): string {
  return translator(lang)(HIT_RULE_KEYS[rule]);
}

export interface CrossCheckRun {
  countyCode: string;
  /** Hits the rules find now. */
  holding: number;
  /** Of those, the ones no earlier run had found. */
  added: number;
  /** Hits an earlier run found that hold no more (cleared_at set). */
  cleared: number;
}

/** Runs every rule over the county (or the county of the batch's item) and writes the hits. Undefined when the batch does not exist. */
export async function runCrossChecks(db: DbOrTx, scope: { countyCode: string } | { batchId: string }): Promise<CrossCheckRun | undefined> {
  let countyCode: string | undefined;
  if ('countyCode' in scope) countyCode = /^[0-9]{12}$/.test(scope.countyCode) && levelOfCode(scope.countyCode) === 'county' ? scope.countyCode : undefined;
  else if (/^[0-9a-f-]{36}$/.test(scope.batchId)) {
    const [row] = await db
      .select({ countyCode: livelihoodDepartments.countyCode })
      .from(paymentBatches)
      .innerJoin(subsidyItems, eq(subsidyItems.id, paymentBatches.itemId))
      .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
      .where(eq(paymentBatches.id, scope.batchId));
    countyCode = row?.countyCode;
  }
  if (!countyCode) return undefined;
  const [row] = await queryRows<{ hits_holding: number; hits_added: number; hits_cleared: number }>(db, sql`select * from livelihood_run_cross_checks(${countyCode})`);
  return { countyCode, holding: Number(row?.hits_holding ?? 0), added: Number(row?.hits_added ?? 0), cleared: Number(row?.hits_cleared ?? 0) };
}

/**
 * The checks after a batch's import or withdrawal, in a transaction of their own once the batch's
 * has committed: a failing check leaves the batch as it is (the commission reruns the county).
 */
export async function runChecksAfter(db: Db, batchId: string): Promise<CrossCheckRun | null> {
  try {
    return (await runCrossChecks(db, { batchId })) ?? null;
  } catch (error) {
    logger.warn({ ...describeError(error), batchId }, 'livelihood cross-checks failed after a batch; the batch stands');
    return null;
  }
}

/** The county commission reruns its county's checks (the button on the registries page), audited. */
export async function rerunCrossChecks(db: Db, actor: Actor): Promise<Result<CrossCheckRun>> {
  if (!actor.scopeCode || !can(actor, 'livelihood.registries', { scopeCode: actor.scopeCode })) return fail({ form: '只有本县纪委监委可以重新比对本县的发放名单' }, 403);
  const countyCode = actor.scopeCode;
  return db.transaction(async (tx) => {
    const run = (await runCrossChecks(tx, { countyCode }))!;
    await recordAudit(tx, { actor, action: 'livelihood.checksRun', subjectType: 'county', subjectId: countyCode, scopeCode: countyCode, detail: { holding: run.holding, added: run.added, cleared: run.cleared } });
    return ok(run);
  });
}

/** Whose hits a viewer reads: a commission its area's (county or above), a department its own items', or nobody. */
export type HitScope = { kind: 'area'; areaCode: string } | { kind: 'department'; departmentId: string; countyCode: string };

export async function hitScopeFor(db: DbOrTx, actor: Actor): Promise<HitScope | null> {
  if (!can(actor, 'livelihood.hits') || !actor.scopeCode) return null;
  if (actor.role === 'department') {
    const department = await departmentOf(db, actor);
    if (!department || !can({ ...actor, departmentId: department.id }, 'livelihood.hits', { scopeCode: department.countyCode, departmentId: department.id })) return null;
    return { kind: 'department', departmentId: department.id, countyCode: department.countyCode };
  }
  return { kind: 'area', areaCode: actor.scopeCode };
}

export interface HitLine {
  id: number;
  rule: HitRule;
  paymentId: number;
  batchId: string;
  itemId: string;
  itemName: string;
  departmentName: string;
  villageCode: string;
  villageName: string;
  period: string;
  nameMasked: string;
  idLast4: string;
  amountFen: number;
  paidOn: string;
  foundAt: Date;
  clearedAt: Date | null;
  detail: Record<string, unknown>;
}

export const HITS_PAGE_SIZE = 50;

function scopeCondition(scope: HitScope): SQL {
  if (scope.kind === 'department') return eq(livelihoodHits.departmentId, scope.departmentId);
  if (levelOfCode(scope.areaCode) === 'county') return eq(livelihoodHits.countyCode, scope.areaCode);
  const { from, to } = subtreeRange(scope.areaCode);
  return and(gte(livelihoodHits.countyCode, from), lt(livelihoodHits.countyCode, to))!;
}

/**
 * The hits in scope, newest first (then by id), a page of HITS_PAGE_SIZE; the ones that still hold
 * unless `includeCleared`. Each line carries what a staff list may show: the masked name and the
 * last four characters of the ID number, never a hash.
 */
export async function listHits(
  db: DbOrTx,
  scope: HitScope,
  page = 1,
  options: { includeCleared?: boolean; rule?: HitRule; hitId?: number } = {},
): Promise<{ hits: HitLine[]; total: number; page: number; pages: number }> {
  const conditions = [scopeCondition(scope)];
  if (!options.includeCleared) conditions.push(isNull(livelihoodHits.clearedAt));
  if (options.rule) conditions.push(eq(livelihoodHits.rule, options.rule));
  if (options.hitId !== undefined) conditions.push(eq(livelihoodHits.id, options.hitId));
  const where = and(...conditions);
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(livelihoodHits).where(where);
  const pages = Math.max(1, Math.ceil(Number(total) / HITS_PAGE_SIZE));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const rows = await db
    .select({
      id: livelihoodHits.id,
      rule: livelihoodHits.rule,
      paymentId: livelihoodHits.paymentId,
      batchId: livelihoodHits.batchId,
      itemId: livelihoodHits.itemId,
      itemName: subsidyItems.name,
      departmentName: livelihoodDepartments.name,
      villageCode: livelihoodHits.villageCode,
      villageName: areas.name,
      period: livelihoodHits.period,
      nameMasked: payments.nameMasked,
      idLast4: payments.idLast4,
      amountFen: payments.amountFen,
      paidOn: payments.paidOn,
      foundAt: livelihoodHits.foundAt,
      clearedAt: livelihoodHits.clearedAt,
      detail: livelihoodHits.detail,
    })
    .from(livelihoodHits)
    .innerJoin(payments, eq(payments.id, livelihoodHits.paymentId))
    .innerJoin(subsidyItems, eq(subsidyItems.id, livelihoodHits.itemId))
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, livelihoodHits.departmentId))
    .innerJoin(areas, eq(areas.code, livelihoodHits.villageCode))
    .where(where)
    .orderBy(desc(livelihoodHits.foundAt), asc(livelihoodHits.id))
    .limit(HITS_PAGE_SIZE)
    .offset((current - 1) * HITS_PAGE_SIZE);
  return { hits: rows.map((row) => ({ ...row, amountFen: Number(row.amountFen) })), total: Number(total), page: current, pages };
}

export type VillageHitCounts = { total: number } & Partial<Record<HitRule, number>>;

/** The hits that still hold, per village and rule, for the villages asked (the integrity picture reads this). Villages without hits are absent. */
export async function hitCountsByVillage(db: DbOrTx, villageCodes: readonly string[]): Promise<Map<string, VillageHitCounts>> {
  const result = new Map<string, VillageHitCounts>();
  if (villageCodes.length === 0) return result;
  const rows = await db
    .select({ villageCode: livelihoodHits.villageCode, rule: livelihoodHits.rule, n: count() })
    .from(livelihoodHits)
    .where(and(inArray(livelihoodHits.villageCode, [...villageCodes]), isNull(livelihoodHits.clearedAt)))
    .groupBy(livelihoodHits.villageCode, livelihoodHits.rule);
  for (const row of rows) {
    const counts = result.get(row.villageCode) ?? { total: 0 };
    counts[row.rule] = Number(row.n);
    counts.total += Number(row.n);
    result.set(row.villageCode, counts);
  }
  return result;
}
