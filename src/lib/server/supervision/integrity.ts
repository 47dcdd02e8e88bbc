/**
 * The village integrity picture (村级廉情画像, issue 13 §2): for commissions only, never public.
 * What the portal already knows about a village, and a simple score to rank villages by, each
 * point traced to the row it comes from.
 *
 * THE SCORE (the page states it in these words):
 * - +3 for each red flag of the last 4 periods that neither the cadre nor the committee answered
 *   (a period still in draft — the cadre's own work in progress, or returned to them — has no
 *   flags yet: only what was submitted is a finding);
 * - +5 for each complaint about the village concluded as substantiated or partly substantiated;
 * - +2 for each supervision opinion unanswered after its due day;
 * - +1 for each of the last 4 periods published after its due day, and +1 when the last finished
 *   period is missing or unpublished after its due day;
 * - +5 for each livelihood-fund suspect the paying department confirmed and the commission accepted
 *   (livelihood/suspects.ts: a hit checked and found true is a finding, as a substantiated
 *   complaint is), and +2 for each suspect the department left unanswered after its due day (as
 *   an overdue opinion); an explained suspect earns nothing.
 * The number of complaints earns nothing: a village is not worse because people complained
 * (FixMyStreet's maintainers refuse league tables on raw report counts); what was found counts.
 * For the same reason the livelihood-fund cross-check hits standing for the village's payments
 * (livelihood/cross-checks.ts hitCountsByVillage; a cleared hit is gone) are shown by rule and
 * earn nothing: a hit is a rule's suspicion about a payment that the paying department has not
 * yet checked — like a complaint before its finding, or the talks, counted and never scored.
 *
 * Every figure is read for all villages at once (`integrityFigures`: a few grouped queries over
 * indexed columns, then the flags computed in memory from the lines those queries loaded), so
 * the ranked list costs the same few queries for 1 village or 300.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { assetItems, fundEntries, resourceContracts, type AssetItemRow, type FundEntryRow, type ResourceContractRow } from '../../../../db/schema/accounts.ts';
import { areas, type AreaRow } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints, COMPLAINT_CATEGORIES, FINDINGS } from '../../../../db/schema/complaints.ts';
import { debtItems, type DebtItemRow } from '../../../../db/schema/debts.ts';
import { escalatedDesignations } from '../../../../db/schema/escalated.ts';
import { flagAnswers } from '../../../../db/schema/supervision.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import { computeFlags, flagKey, type FlagKind } from '../accounts/flags.ts';
import { listOverdueVillages } from '../accounts/overdue.ts';
import { parsePeriod } from '../accounts/periods.ts';
import { addDays } from '../accounts/supervision.ts';
import { subtreeRange } from '../areas/codes.ts';
import { caseNumberOf, formatCaseNumber } from '../complaints/case-numbers.ts';
import { getConfig } from '../config.ts';
import { queryRows, type DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { hitCountsByVillage, type HitRule } from '../livelihood/cross-checks.ts';
import { suspectFindingsByVillage } from '../livelihood/suspects.ts';

export const POINTS = { unansweredFlag: 3, substantiated: 5, overdueOpinion: 2, lateDisclosure: 1, confirmedSuspect: 5, overdueSuspect: 2 } as const;
export const PERIODS_SHOWN = 4;
/** The window of reminders and talks counted on the picture: the last year, as the four periods shown. */
export const TALKS_DAYS = 365;

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
export type Finding = (typeof FINDINGS)[number];

/** One point of the score and the row it comes from. */
export type ScorePoint =
  | { source: 'flag'; points: number; period: string; disclosureId: number; kind: FlagKind; message: { key: MessageKey; vars: Record<string, string | number> } }
  | { source: 'finding'; points: number; complaintId: string; caseNumber: string; finding: Finding; filedOn: string; routedScopeCode: string; assigneeId: string | null; handedDownTo: string | null; subjectLevel: string; areaCode: string }
  | { source: 'opinion'; points: number; opinionId: number; disclosureId: number; period: string; dueOn: string }
  | { source: 'late'; points: number; period: string; disclosureId: number | null; dueOn: string; status: 'published' | 'missing' | 'draft' | 'submitted' | 'countersigned' }
  | { source: 'suspect'; points: number; suspectId: string; rule: HitRule; period: string; kind: 'confirmed' | 'overdue'; dueOn: string };

export interface PeriodFlags {
  period: string;
  disclosureId: number;
  status: string;
  /** Flags by kind: how many, and how many nobody answered. */
  byKind: Partial<Record<FlagKind, { total: number; unanswered: number }>>;
  returned: number;
}

export interface IntegrityFigures {
  villageCode: string;
  periods: PeriodFlags[];
  opinions: { open: number; overdue: number };
  complaints: { total: number; byCategory: Partial<Record<ComplaintCategory, number>>; byFinding: Partial<Record<Finding, number>>; open: number; substantiated: number };
  /**
   * Reminders and talks (提醒谈话, issue 13 §5) recorded for the village in the last TALKS_DAYS days,
   * by key-personnel category (index into SUBJECT_ROLES). Counts only, never scored: a talk is the
   * commission's own preventive act, not a finding about the village. Optional: judgements written
   * before it was added do not have it.
   */
  talks?: { total: number; byCategory: Partial<Record<number, number>>; since: string };
  /**
   * The livelihood-fund cross-check hits standing for the village's payments (issue 13 §2, issue 14
   * item 4), by rule. Counts only, never scored: a hit is not a finding until the paying department
   * has checked it (a confirmed suspect scores as its own point). Optional: judgements written before it was added do not have it.
   */
  hits?: { total: number; byRule: Partial<Record<HitRule, number>> };
  leader: { id: string; name: string } | null;
  designationId: string | null;
  score: number;
  points: ScorePoint[];
}

const emptyFigures = (villageCode: string): IntegrityFigures => ({
  villageCode,
  periods: [],
  opinions: { open: 0, overdue: 0 },
  complaints: { total: 0, byCategory: {}, byFinding: {}, open: 0, substantiated: 0 },
  talks: { total: 0, byCategory: {}, since: '' },
  hits: { total: 0, byRule: {} },
  leader: null,
  designationId: null,
  score: 0,
  points: [],
});

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}

/**
 * The figures of each village in `villageCodes` (at most a few hundred), with its score. `scope`
 * is the area the villages lie in (a county, city or township), for the one overdue query.
 */
export async function integrityFigures(db: DbOrTx, scope: string, villageCodes: readonly string[], today = todayInShanghai()): Promise<Map<string, IntegrityFigures>> {
  const result = new Map(villageCodes.map((code) => [code, emptyFigures(code)]));
  if (villageCodes.length === 0) return result;
  const codes = [...villageCodes];
  const codeList = sql.join(codes.map((code) => sql`${code}`), sql`, `);

  // 1. Each village's last PERIODS_SHOWN + 1 disclosures (the extra one: the previous period's expenses and contracts).
  const recent = await queryRows<{ id: number; village_code: string; period: string; period_end: string; status: string; published_on: string | null; rank: number; returned: number }>(
    db,
    sql`select d.id, d.village_code, d.period, d.period_end::text as period_end, d.status,
               to_char(d.published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as published_on, d.rank,
               (select count(*)::int from disclosure_events e where e.disclosure_id = d.id and e.kind = 'returned') as returned
          from (select d.*, row_number() over (partition by d.village_code order by d.period_end desc) as rank
                  from disclosures d where d.village_code in (${codeList})) d
         where d.rank <= ${PERIODS_SHOWN + 1}
         order by d.village_code, d.period_end`,
  );
  const ids = recent.map((row) => row.id);
  const [funds, assets, resources, debts, answers] = ids.length
    ? await Promise.all([
        db.select().from(fundEntries).where(inArray(fundEntries.disclosureId, ids)),
        db.select().from(assetItems).where(inArray(assetItems.disclosureId, ids)),
        db.select().from(resourceContracts).where(inArray(resourceContracts.disclosureId, ids)),
        db.select().from(debtItems).where(inArray(debtItems.disclosureId, ids)),
        db.selectDistinct({ disclosureId: flagAnswers.disclosureId, key: flagAnswers.flagKey }).from(flagAnswers).where(inArray(flagAnswers.disclosureId, ids)),
      ])
    : [[] as FundEntryRow[], [] as AssetItemRow[], [] as ResourceContractRow[], [] as DebtItemRow[], [] as Array<{ disclosureId: number; key: string }>];
  const fundsBy = groupBy(funds, (row) => row.disclosureId);
  const assetsBy = groupBy(assets, (row) => row.disclosureId);
  const resourcesBy = groupBy(resources, (row) => row.disclosureId);
  const debtsBy = groupBy(debts, (row) => row.disclosureId);
  const answered = new Set(answers.map((row) => `${row.disclosureId} ${row.key}`));
  const config = getConfig();
  const thresholds = { decisionFen: config.flagDecisionFen, cashFen: config.flagCashFen, debtFen: config.flagDebtFen, debtYears: config.flagDebtYears };

  for (const [villageCode, rows] of groupBy(recent, (row) => row.village_code)) {
    const figures = result.get(villageCode)!;
    rows.forEach((row, index) => {
      if (row.rank > PERIODS_SHOWN) return; // the extra, earlier period: read only as the previous one
      const before = index > 0 ? rows[index - 1] : undefined;
      // A draft is the cadre's own work in progress (or returned to them): its flags are not findings until it is submitted.
      const flags = row.status === 'draft' ? [] : computeFlags(
        {
          funds: fundsBy.get(row.id) ?? [],
          assets: assetsBy.get(row.id) ?? [],
          resources: resourcesBy.get(row.id) ?? [],
          debts: debtsBy.get(row.id) ?? [],
          periodEnd: row.period_end,
          earlierExpenses: before ? (fundsBy.get(before.id) ?? []).filter((entry) => entry.direction === 'expense').map((entry) => ({ ...entry, period: before.period })) : [],
          earlierResources: before ? (resourcesBy.get(before.id) ?? []) : [],
        },
        thresholds,
      );
      const byKind: PeriodFlags['byKind'] = {};
      for (const flag of flags) {
        const isAnswered = answered.has(`${row.id} ${flagKey(flag)}`);
        const count = (byKind[flag.kind] ??= { total: 0, unanswered: 0 });
        count.total++;
        if (!isAnswered) {
          count.unanswered++;
          figures.points.push({ source: 'flag', points: POINTS.unansweredFlag, period: row.period, disclosureId: row.id, kind: flag.kind, message: flag.message });
        }
      }
      figures.periods.push({ period: row.period, disclosureId: row.id, status: row.status, byKind, returned: row.returned });
      const due = parsePeriod(row.period)?.dueOn;
      if (due && row.published_on && row.published_on > due) {
        figures.points.push({ source: 'late', points: POINTS.lateDisclosure, period: row.period, disclosureId: row.id, dueOn: due, status: 'published' });
      }
    });
    figures.periods.reverse(); // newest first
  }

  // 2. The last finished period missing or unpublished after its due day (one query for the scope).
  const overdue = await listOverdueVillages(db, scope, today);
  for (const village of overdue.villages) {
    const figures = result.get(village.code);
    if (!figures) continue;
    const dueOn = parsePeriod(village.period)?.dueOn ?? '';
    const disclosureId = figures.periods.find((p) => p.period === village.period)?.disclosureId ?? null;
    figures.points.push({ source: 'late', points: POINTS.lateDisclosure, period: village.period, disclosureId, dueOn, status: village.status });
  }

  // 3. Supervision opinions: open, and overdue (unanswered after the due day), each overdue one a source row.
  const opinions = await queryRows<{ id: number; village_code: string; disclosure_id: number; period: string; due_on: string }>(
    db,
    sql`select o.id, o.village_code, o.disclosure_id, d.period, o.due_on::text as due_on
          from supervision_opinions o
          join disclosures d on d.id = o.disclosure_id
         where o.village_code in (${codeList})
           and not exists (select 1 from opinion_answers a where a.opinion_id = o.id)
         order by o.id`,
  );
  for (const row of opinions) {
    const figures = result.get(row.village_code)!;
    figures.opinions.open++;
    if (row.due_on < today) {
      figures.opinions.overdue++;
      figures.points.push({ source: 'opinion', points: POINTS.overdueOpinion, opinionId: row.id, disclosureId: row.disclosure_id, period: row.period, dueOn: row.due_on });
    }
  }

  // 4. Complaints about the village (its village_code, or the village as its area): counts by category
  //    and finding in one grouped query; the substantiated ones are read as source rows.
  const counts = await queryRows<{ village: string; category: ComplaintCategory; finding: Finding | null; concluded: boolean; n: number }>(
    db,
    sql`select coalesce(c.village_code, c.area_code) as village, c.category, c.finding, c.status = 'concluded' as concluded, count(*)::int as n
          from complaints c
         where c.merged_into_id is null and (c.village_code in (${codeList}) or c.area_code in (${codeList}))
         group by 1, 2, 3, 4`,
  );
  for (const row of counts) {
    const figures = result.get(row.village);
    if (!figures) continue;
    const c = figures.complaints;
    c.total += row.n;
    c.byCategory[row.category] = (c.byCategory[row.category] ?? 0) + row.n;
    if (row.finding) c.byFinding[row.finding] = (c.byFinding[row.finding] ?? 0) + row.n;
    if (!row.concluded) c.open += row.n;
    if (row.finding === 'substantiated' || row.finding === 'partly') c.substantiated += row.n;
  }
  const found = await db
    .select({
      id: complaints.id,
      villageCode: complaints.villageCode,
      areaCode: complaints.areaCode,
      finding: complaints.finding,
      filedOn: complaints.filedOn,
      casePrefix: complaints.casePrefix,
      caseYear: complaints.caseYear,
      caseSeq: complaints.caseSeq,
      routedScopeCode: complaints.routedScopeCode,
      assigneeId: complaints.assigneeId,
      handedDownTo: complaints.handedDownTo,
      subjectLevel: complaints.subjectLevel,
    })
    .from(complaints)
    .where(
      and(
        isNull(complaints.mergedIntoId),
        inArray(complaints.finding, ['substantiated', 'partly']),
        sql`(${complaints.villageCode} in (${codeList}) or ${complaints.areaCode} in (${codeList}))`,
      ),
    )
    .orderBy(complaints.filedOn);
  for (const row of found) {
    const figures = result.get(row.villageCode ?? row.areaCode);
    if (!figures) continue;
    figures.points.push({
      source: 'finding',
      points: POINTS.substantiated,
      complaintId: row.id,
      caseNumber: formatCaseNumber(caseNumberOf(row)),
      finding: row.finding!,
      filedOn: row.filedOn,
      routedScopeCode: row.routedScopeCode,
      assigneeId: row.assigneeId,
      handedDownTo: row.handedDownTo,
      subjectLevel: row.subjectLevel,
      areaCode: row.areaCode,
    });
  }

  // 5. Reminders and talks recorded for the village in the last year, by category (counted, not scored).
  const since = addDays(today, -TALKS_DAYS);
  const talks = await queryRows<{ area_code: string; category: number; n: number }>(
    db,
    sql`select area_code, category, count(*)::int as n from supervision_acts
         where area_code in (${codeList}) and held_on > ${since}::date group by 1, 2`,
  );
  for (const figures of result.values()) figures.talks = { total: 0, byCategory: {}, since };
  for (const row of talks) {
    const counted = result.get(row.area_code)!.talks!;
    counted.total += row.n;
    counted.byCategory[row.category] = (counted.byCategory[row.category] ?? 0) + row.n;
  }

  // 5b. The livelihood-fund cross-check hits still standing, by rule (counted, not scored), from the
  //     cross-checks module: one grouped query over livelihood_hits by village.
  for (const [villageCode, counted] of await hitCountsByVillage(db, codes)) {
    const { total, ...byRule } = counted;
    const figures = result.get(villageCode);
    if (figures) figures.hits = { total, byRule };
  }

  // 5c. The suspects: confirmed ones are findings, unanswered ones past their day are unanswered flags.
  for (const suspect of await suspectFindingsByVillage(db, codes, today)) {
    const points = suspect.kind === 'confirmed' ? POINTS.confirmedSuspect : POINTS.overdueSuspect;
    result.get(suspect.villageCode)?.points.push({ source: 'suspect', points, suspectId: suspect.suspectId, rule: suspect.rule, period: suspect.period, kind: suspect.kind, dueOn: suspect.dueOn });
  }

  // 6. Who is assigned: the designation in force and its 包联 leader.
  const designations = await db
    .select({ id: escalatedDesignations.id, villageCode: escalatedDesignations.villageCode, leaderId: users.id, leaderName: users.displayName })
    .from(escalatedDesignations)
    .leftJoin(users, eq(users.id, escalatedDesignations.leaderId))
    .where(and(inArray(escalatedDesignations.villageCode, codes), isNull(escalatedDesignations.endedOn)));
  for (const row of designations) {
    const figures = result.get(row.villageCode)!;
    figures.designationId = row.id;
    figures.leader = row.leaderId && row.leaderName ? { id: row.leaderId, name: row.leaderName } : null;
  }

  for (const figures of result.values()) figures.score = figures.points.reduce((sum, point) => sum + point.points, 0);
  return result;
}

export interface RankedVillage {
  village: Pick<AreaRow, 'code' | 'name'>;
  townshipName: string;
  figures: IntegrityFigures;
}

/** The villages of a township, county or city ranked by score (highest first, then by code). At most 300. */
export async function rankVillages(db: DbOrTx, scope: string, today = todayInShanghai()): Promise<RankedVillage[]> {
  const { from, to } = subtreeRange(scope);
  const villages = await queryRows<{ code: string; name: string; township_name: string | null }>(
    db,
    sql`select v.code, v.name, t.name as township_name from areas v left join areas t on t.code = v.parent_code
         where v.level = 'village' and v.code >= ${from} and v.code < ${to} order by v.code limit 300`,
  );
  const figures = await integrityFigures(db, scope, villages.map((v) => v.code), today);
  return villages
    .map((v) => ({ village: { code: v.code, name: v.name }, townshipName: v.township_name ?? '', figures: figures.get(v.code)! }))
    .sort((a, b) => b.figures.score - a.figures.score || a.village.code.localeCompare(b.village.code));
}

/** One village's picture: its area row and figures. */
export async function villagePicture(db: DbOrTx, villageCode: string, today = todayInShanghai()): Promise<{ village: AreaRow; figures: IntegrityFigures } | undefined> {
  const [village] = await db.select().from(areas).where(eq(areas.code, villageCode));
  if (!village || village.level !== 'village') return undefined;
  const figures = (await integrityFigures(db, village.parentCode ?? villageCode, [villageCode], today)).get(villageCode)!;
  return { village, figures };
}
