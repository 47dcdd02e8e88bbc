/**
 * Livelihood cross-checks (issue 14 item 4): the registries a county imports as CSV (no live
 * connection) and the hits the cross-check rules find in its payments.
 *
 * Registries: each import is a `registry_imports` row (kind, county, rows, the file's SHA-256, who,
 * when), kept for the record; the import's rows go into the kind's own table. A new import of a
 * kind replaces the county's previous rows of that kind (the import rows stay, `replaced_at` set).
 * ID numbers are stored as payments store them (livelihood/id-number.ts: HMAC-SHA256 under
 * LIVELIHOOD_ID_KEY), never in the clear, and no names at all: a registry row is only what a rule
 * compares.
 *
 * Hits: one row per (rule, payment). The rules are SQL functions (migration 0035,
 * `livelihood_check_*`); `livelihood_run_cross_checks(county)` inserts what they find and marks
 * `cleared_at` on a hit a later run no longer finds (a registry replaced, a batch withdrawn), so a
 * rerun never duplicates and never deletes. `detail` holds the rule's evidence without personal
 * data (a date of death, the other payment's id, the standard, how many share an account). The
 * suspect workflow built on a hit is its own table.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { areas } from './areas.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from './livelihood.ts';

export const REGISTRY_KINDS = ['deaths', 'officials', 'relatives', 'vehicles', 'businesses'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

export const registryImports = pgTable(
  'registry_imports',
  {
    id: text('id').primaryKey(),
    countyCode: text('county_code')
      .notNull()
      .references(() => areas.code),
    kind: text('kind', { enum: REGISTRY_KINDS }).notNull(),
    rowCount: integer('row_count').notNull(),
    sourceSha256: text('source_sha256').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    /** When a later import of the same kind and county replaced this one's rows. */
    replacedAt: timestamp('replaced_at', { withTimezone: true }),
  },
  (t) => [
    index('registry_imports_county_idx').on(t.countyCode, t.kind, t.importedAt),
    check('registry_imports_kind', sql`${t.kind} in ('deaths', 'officials', 'relatives', 'vehicles', 'businesses')`),
    check('registry_imports_sha256', sql`${t.sourceSha256} ~ '^[0-9a-f]{64}$'`),
    check('registry_imports_rows', sql`${t.rowCount} > 0`),
  ],
);

const HASH = (column: unknown) => sql`${column} ~ '^[0-9a-f]{64}$'`;

/** 死亡登记: a person recorded as deceased and the date of death. */
export const registryDeaths = pgTable(
  'registry_deaths',
  {
    importId: text('import_id').notNull().references(() => registryImports.id),
    countyCode: text('county_code').notNull(),
    line: integer('line').notNull(),
    idHash: text('id_hash').notNull(),
    diedOn: date('died_on', { mode: 'string' }).notNull(),
  },
  (t) => [unique('registry_deaths_import_line').on(t.importId, t.line), index('registry_deaths_id_idx').on(t.countyCode, t.idHash), check('registry_deaths_hash', HASH(t.idHash))],
);

export const OFFICIAL_KINDS = ['public_employee', 'village_cadre'] as const;
export type OfficialKind = (typeof OFFICIAL_KINDS)[number];

/** 公职人员 and 村干部: a person, the employer as the registry names it, and which of the two. */
export const registryOfficials = pgTable(
  'registry_officials',
  {
    importId: text('import_id').notNull().references(() => registryImports.id),
    countyCode: text('county_code').notNull(),
    line: integer('line').notNull(),
    idHash: text('id_hash').notNull(),
    employer: text('employer').notNull(),
    kind: text('kind', { enum: OFFICIAL_KINDS }).notNull(),
  },
  (t) => [
    unique('registry_officials_import_line').on(t.importId, t.line),
    index('registry_officials_id_idx').on(t.countyCode, t.idHash),
    check('registry_officials_hash', HASH(t.idHash)),
    check('registry_officials_kind', sql`${t.kind} in ('public_employee', 'village_cadre')`),
    check('registry_officials_employer', sql`char_length(${t.employer}) between 2 and 60`),
  ],
);

export const RELATIONS = ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'] as const;
export type Relation = (typeof RELATIONS)[number];

/** 亲属关系: a cadre and one close relative (民法典 第1045条), both as ID hashes. */
export const registryRelatives = pgTable(
  'registry_relatives',
  {
    importId: text('import_id').notNull().references(() => registryImports.id),
    countyCode: text('county_code').notNull(),
    line: integer('line').notNull(),
    cadreIdHash: text('cadre_id_hash').notNull(),
    relativeIdHash: text('relative_id_hash').notNull(),
    relation: text('relation', { enum: RELATIONS }).notNull(),
  },
  (t) => [
    unique('registry_relatives_import_line').on(t.importId, t.line),
    index('registry_relatives_cadre_idx').on(t.countyCode, t.cadreIdHash),
    check('registry_relatives_hashes', sql`${HASH(t.cadreIdHash)} and ${HASH(t.relativeIdHash)}`),
    check('registry_relatives_relation', sql`${t.relation} in ('spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild')`),
  ],
);

/** 车辆登记: a person owning a motor vehicle; of the plate at most its last three characters. */
export const registryVehicles = pgTable(
  'registry_vehicles',
  {
    importId: text('import_id').notNull().references(() => registryImports.id),
    countyCode: text('county_code').notNull(),
    line: integer('line').notNull(),
    idHash: text('id_hash').notNull(),
    plateTail: text('plate_tail'),
  },
  (t) => [
    unique('registry_vehicles_import_line').on(t.importId, t.line),
    index('registry_vehicles_id_idx').on(t.countyCode, t.idHash),
    check('registry_vehicles_hash', HASH(t.idHash)),
    check('registry_vehicles_plate', sql`${t.plateTail} is null or char_length(${t.plateTail}) between 1 and 3`),
  ],
);

/** 市场主体登记: a person registered as (the legal representative of) a business, and since when. */
export const registryBusinesses = pgTable(
  'registry_businesses',
  {
    importId: text('import_id').notNull().references(() => registryImports.id),
    countyCode: text('county_code').notNull(),
    line: integer('line').notNull(),
    idHash: text('id_hash').notNull(),
    registeredOn: date('registered_on', { mode: 'string' }).notNull(),
  },
  (t) => [unique('registry_businesses_import_line').on(t.importId, t.line), index('registry_businesses_id_idx').on(t.countyCode, t.idHash), check('registry_businesses_hash', HASH(t.idHash))],
);

/**
 * The rule codes: deceased (a), official (b), cadre_relative (c), two_villages and paid_twice (d),
 * above_standard (e), shared_account (f), vehicle and business (g).
 */
export const HIT_RULES = ['deceased', 'official', 'cadre_relative', 'two_villages', 'paid_twice', 'above_standard', 'shared_account', 'vehicle', 'business'] as const;
export type HitRule = (typeof HIT_RULES)[number];

export const livelihoodHits = pgTable(
  'livelihood_hits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    rule: text('rule', { enum: HIT_RULES }).notNull(),
    paymentId: bigint('payment_id', { mode: 'number' })
      .notNull()
      .references(() => payments.id),
    batchId: text('batch_id')
      .notNull()
      .references(() => paymentBatches.id),
    itemId: text('item_id')
      .notNull()
      .references(() => subsidyItems.id),
    departmentId: text('department_id')
      .notNull()
      .references(() => livelihoodDepartments.id),
    villageCode: text('village_code').notNull(),
    countyCode: text('county_code').notNull(),
    period: text('period').notNull(),
    foundAt: timestamp('found_at', { withTimezone: true }).notNull().defaultNow(),
    /** The rule's evidence, no personal data: { diedOn }, { otherPaymentIds }, { standardFen }, { recipients } … */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** Set when a later run no longer finds this hit (registry replaced, batch withdrawn); null while it holds. */
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
  },
  (t) => [
    unique('livelihood_hits_rule_payment').on(t.rule, t.paymentId),
    index('livelihood_hits_county_idx').on(t.countyCode, t.foundAt),
    index('livelihood_hits_department_idx').on(t.departmentId, t.foundAt),
    index('livelihood_hits_village_idx').on(t.villageCode),
    check('livelihood_hits_rule', sql`${t.rule} in ('deceased', 'official', 'cadre_relative', 'two_villages', 'paid_twice', 'above_standard', 'shared_account', 'vehicle', 'business')`),
  ],
);

export type RegistryImportRow = typeof registryImports.$inferSelect;
export type LivelihoodHitRow = typeof livelihoodHits.$inferSelect;
