/**
 * For the query-plan test (tests/plans/public-queries.test.ts): a moderate-scale database and a way
 * to see the plans of exactly the statements the code issues.
 *
 * The areas are two real provinces imported as `npm run areas:import` does, from the packaged NBS
 * 2023 edition: 河北 (~54,000 villages, the areas table a province deployment has) and 宁夏 (22
 * counties, ~2,900 villages, the smallest full province). 宁夏 is filled with `npm run db:scale`'s
 * own data (src/lib/server/scale/load.ts) at three monthly periods a village and 10,000 complaints,
 * and the tables db:scale leaves empty get rows in proportion (fillQuieterTables). That makes
 * fund_entries ~50,000 rows, payments ~120,000, complaint events ~30,000, areas ~60,000: big enough
 * for the planner to prefer a sequential scan wherever no index serves a query. Every kind of row is
 * spread over 22 counties and 5 cities, so one village, county or city is the small share of each
 * table it is at province scale.
 */
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import * as schema from '../../db/schema/index.ts';
import { areas } from '../../db/schema/areas.ts';
import { disclosures } from '../../db/schema/accounts.ts';
import { countyLists, countyListItems } from '../../db/schema/county-lists.ts';
import { livelihoodDepartments, subsidyItems } from '../../db/schema/livelihood.ts';
import { bundledDivisionDir, importDivisions } from '../../src/lib/server/areas/import.ts';
import { subtreeRange } from '../../src/lib/server/areas/codes.ts';
import type { Db, DbHandle } from '../../src/lib/server/db.ts';
import { loadScale, scaleWriter, type ScaleSummary } from '../../src/lib/server/scale/load.ts';
import { villageRecipients } from '../../src/lib/server/scale/generate.ts';

/** 石嘴山市 and its 惠农区: a city with ~11 % of the province's villages, a county with ~3 %. */
export const PLAN_CITY = '640200000000';
export const PLAN_COUNTY = '640205000000';

export interface PlanData {
  summary: ScaleSummary;
  city: string;
  county: string;
  township: string;
  /** A generated village of the county, with its published periods, oldest first. */
  village: { code: string; name: string; periods: string[] };
  /** One of its recipients, as the personal lookup is asked. */
  recipient: { name: string; idNumber: string };
  /** The county's generated 最低生活保障金 item. */
  itemId: string;
  /** A catalog item the county's list adopts. */
  catalogItem: string;
}

/** Imports 河北 and 宁夏, fills 宁夏 at moderate scale, analyzes every table and says what was made. */
export async function loadPlanData(handle: DbHandle): Promise<PlanData> {
  for (const province of ['13', '64']) {
    const imported = await importDivisions(handle.db, { dir: bundledDivisionDir(), province });
    if (!imported.ok) throw new Error(`areas import: ${JSON.stringify(imported.errors)}`);
  }
  const writer = await scaleWriter(handle);
  let summary: ScaleSummary;
  try {
    const loaded = await loadScale(handle.db, writer, { province: '64', months: 3, complaints: 10_000 });
    if (!loaded.ok) throw new Error(`scale data: ${JSON.stringify(loaded.error)}`);
    summary = loaded.value;
  } finally {
    await writer.close();
  }

  await fillQuieterTables(handle);
  // loadScale analyzes the tables it writes; the rest (departments, items, the demo's tables) too.
  await handle.db.execute(sql`analyze`);


  const { from, to } = subtreeRange(PLAN_COUNTY);
  const [village] = await handle.db
    .select({ code: areas.code, name: areas.name, parentCode: areas.parentCode })
    .from(areas)
    .where(and(eq(areas.level, 'village'), eq(areas.generatedData, true), sql`${areas.code} >= ${from} and ${areas.code} < ${to}`))
    .orderBy(asc(areas.code))
    .limit(1);
  if (!village?.parentCode) throw new Error('no generated village in the plan county');
  const periods = await handle.db
    .select({ period: disclosures.period })
    .from(disclosures)
    .where(and(eq(disclosures.villageCode, village.code), eq(disclosures.status, 'published')))
    .orderBy(asc(disclosures.periodEnd));
  const [item] = await handle.db
    .select({ id: subsidyItems.id })
    .from(subsidyItems)
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
    .where(and(eq(livelihoodDepartments.countyCode, PLAN_COUNTY), eq(subsidyItems.name, '最低生活保障金')));
  const [adopted] = await handle.db
    .select({ code: countyListItems.itemCode })
    .from(countyListItems)
    .innerJoin(countyLists, eq(countyLists.id, countyListItems.listId))
    .where(and(eq(countyLists.countyCode, PLAN_COUNTY), eq(countyLists.status, 'published'), like(countyListItems.itemCode, 'FW-%')))
    .orderBy(asc(countyListItems.itemCode))
    .limit(1);
  if (!item || !adopted?.code || periods.length === 0) throw new Error('the plan county lacks an item, a list or periods');
  const [person] = villageRecipients(village.code);
  return {
    summary,
    city: PLAN_CITY,
    county: PLAN_COUNTY,
    township: village.parentCode,
    village: { code: village.code, name: village.name, periods: periods.map((row) => row.period) },
    recipient: { name: person!.name, idNumber: person!.idNumber },
    itemId: item.id,
    catalogItem: adopted.code,
  };
}

/**
 * The public pages also read tables db:scale leaves empty: supervision opinions and their answers,
 * major matters, objections to replies, cross-check hits and suspects. Empty, any plan is as good as
 * another; with rows in the proportions a province would have, the planner's choice means something.
 * Written straight from the generated rows (each in its table's rules: published notices, answered
 * objections, suspects of standing hits), every text one a commission or an agency would write.
 */
async function fillQuieterTables(handle: DbHandle): Promise<void> {
  const statements = [
    // An opinion on every fourth published period, half of them answered.
    sql`insert into supervision_opinions (disclosure_id, village_code, body, due_on, raised_at)
        select id, village_code, '本期“购买办公用品”现金支出未附审批单，请补充说明并改为转账支付。', period_end + 30, published_at + interval '5 days'
          from disclosures where status = 'published' and id % 4 = 0`,
    sql`insert into opinion_answers (opinion_id, body, answered_at)
        select id, '已补充村务监督委员会审核意见和发票，此后办公用品一律转账支付。', raised_at + interval '3 days'
          from supervision_opinions where id % 2 = 0`,
    // Every entry of 20,000 yuan or more disclosed at once as a major matter.
    sql`insert into major_matters (village_code, disclosure_id, line_no, entry_date, direction, amount_fen, subject, summary, counterparty, decision_ref, status, reported_at, published_at)
        select d.village_code, e.disclosure_id, e.line_no, e.entry_date, e.direction, e.amount_fen, e.subject, e.summary, e.counterparty, e.decision_ref, 'published',
               (e.entry_date + time '10:00')::timestamptz, (e.entry_date + time '16:00')::timestamptz
          from fund_entries e join disclosures d on d.id = e.disclosure_id
         where e.amount_fen >= 2000000`,
    // An objection to the reply on about one concluded case in two, answered.
    sql`insert into complaint_objections (id, complaint_id, filed_on, reasons, due_on, state, answer, answer_text, answered_on)
        select gen_random_uuid()::text, id, filed_on + 40, '答复没有说明承包费的去向，村里至今没有公开账目。', filed_on + 55, 'answered', 'explained',
               '经复核，承包费已全额入账，账目已在村务公开栏公布。', filed_on + 50
          from complaints where status = 'concluded' and right(id, 1) in ('0', '2', '4', '6', '8')`,
    // A shared-account hit on one payment in forty, one in eighty cleared again.
    sql`insert into livelihood_hits (rule, payment_id, batch_id, item_id, department_id, village_code, county_code, period, found_at, detail, cleared_at)
        select 'shared_account', p.id, b.id, b.item_id, i.department_id, b.village_code, substr(b.village_code, 1, 6) || '000000', b.period, b.imported_at,
               jsonb_build_object('recipients', 2), case when p.id % 80 = 0 then b.imported_at + interval '10 days' end
          from payments p join payment_batches b on b.id = p.batch_id join subsidy_items i on i.id = b.item_id
         where p.id % 40 = 0
        on conflict (rule, payment_id) do nothing`,
    // One standing hit in five sent to its department as a suspect.
    sql`insert into livelihood_suspects (id, hit_id, county_code, department_id, rule, state, due_on, sent_by, sent_at, updated_at)
        select gen_random_uuid()::text, h.id, h.county_code, h.department_id, h.rule, 'sent', (h.found_at + interval '15 days')::date,
               (select id from users order by username limit 1), h.found_at, h.found_at
          from livelihood_hits h
         where h.id % 5 = 0 and h.cleared_at is null and not exists (select 1 from livelihood_suspects s where s.hit_id = h.id)`,
  ];
  for (const statement of statements) await handle.db.execute(statement);
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * A second drizzle instance on the handle's own client whose logger records every statement with
 * its parameters (drizzle logs each one as it sends it, transactions included). Put it behind
 * getDb() with useDatabaseForTests({ ...handle, db }) and every page and endpoint runs through it.
 */
export function recordingDb(handle: DbHandle): { db: Db; take(): Statement[] } {
  let statements: Statement[] = [];
  const logger = { logQuery: (query: string, params: unknown[]) => void statements.push({ sql: query, params: [...params] }) };
  const client = (handle.db as unknown as { $client: never }).$client;
  const db = (handle.driver === 'pglite' ? drizzlePglite({ client, schema, logger }) : drizzlePostgres({ client, schema, logger })) as unknown as Db;
  return {
    db,
    take() {
      const taken = statements;
      statements = [];
      return taken;
    },
  };
}

/** One node of an EXPLAIN (FORMAT JSON) plan, as much of it as the test reads. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

type Client = {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  transaction<T>(fn: (tx: Client) => Promise<T>): Promise<T>;
};
type PostgresClient = {
  unsafe(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  begin<T>(fn: (tx: PostgresClient) => Promise<T>): Promise<T>;
};

/**
 * The planner's plan for a recorded statement with its own parameters (EXPLAIN runs nothing).
 * With `seqscanOff`, in a transaction of its own with `enable_seqscan = off`: the plan the planner
 * makes when it may not scan a table whole, which uses an index only where one serves the query.
 */
export async function explain(handle: DbHandle, statement: Statement, options: { seqscanOff?: boolean } = {}): Promise<PlanNode> {
  const client = (handle.db as unknown as { $client: unknown }).$client;
  const text = `explain (format json) ${statement.sql}`;
  let rows: Array<Record<string, unknown>>;
  if (handle.driver === 'pglite') {
    const pg = client as Client;
    rows = options.seqscanOff
      ? await pg.transaction(async (tx) => {
          await tx.query('set local enable_seqscan = off');
          return (await tx.query(text, statement.params)).rows;
        })
      : (await pg.query(text, statement.params)).rows;
  } else {
    const pg = client as PostgresClient;
    rows = options.seqscanOff
      ? await pg.begin(async (tx) => {
          await tx.unsafe('set local enable_seqscan = off');
          return tx.unsafe(text, statement.params);
        })
      : await pg.unsafe(text, statement.params);
  }
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
  return plan[0]!.Plan;
}

/** Nodes that collect their whole input before giving a row: a Limit above them does not stop the scan below. */
const COLLECTING = new Set(['Sort', 'Hash', 'Aggregate', 'Materialize', 'WindowAgg', 'SetOp']);

/**
 * The tables a plan reads whole: a Seq Scan, or an index scan with no index condition (every entry
 * of the index, in its order) unless a Limit stops it early. A bitmap scan always has a condition.
 */
export function wholeReads(plan: PlanNode, limited = false): Array<{ table: string; node: string }> {
  const type = plan['Node Type'];
  const table = plan['Relation Name'];
  const found: Array<{ table: string; node: string }> = [];
  if (table && type === 'Seq Scan') found.push({ table, node: type });
  if (table && (type === 'Index Scan' || type === 'Index Only Scan') && !plan['Index Cond'] && !limited) found.push({ table, node: `${type} using ${plan['Index Name']} without a condition` });
  const below = type === 'Limit' ? true : COLLECTING.has(type) ? false : limited;
  for (const child of plan.Plans ?? []) found.push(...wholeReads(child, below));
  return found;
}

/** A plan as indented lines (node, relation, index, condition), for failure messages. */
export function formatPlan(plan: PlanNode, depth = 0): string {
  const parts = [plan['Node Type'], plan['Relation Name'] && `on ${plan['Relation Name']}`, plan['Index Name'] && `using ${plan['Index Name']}`, plan['Index Cond'], plan.Filter && `filter ${plan.Filter}`];
  return [`${'  '.repeat(depth)}${parts.filter(Boolean).join(' ')}`, ...(plan.Plans ?? []).map((child) => formatPlan(child, depth + 1))].join('\n');
}

/** Rows per table as ANALYZE counted them. */
export async function tableRows(handle: DbHandle): Promise<Map<string, number>> {
  const result = await handle.db.execute(sql`select relname, reltuples::bigint as n from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`);
  const rows = ((result as { rows?: unknown[] }).rows ?? (result as unknown[])) as Array<{ relname: string; n: number | string }>;
  return new Map(rows.map((row) => [row.relname, Number(row.n)]));
}
