/**
 * The demo livelihood data (db/seed/demo-livelihood.ts) as the seeded database holds it: published
 * batches of three items in 东岭村 and 白杨村, masked on the village list; 桑河县's five registries,
 * one import each by the county commission; exactly the planted cross-check hits (at least one of
 * every rule) and none for anyone else; the same after reseeding under this process's key, where
 * the personal lookup finds the demo recipient, the registries equal what importRegistry stores
 * from the same files, and a batch paying DEMO_DECEASED (demoDeceasedBatchCsv) hits the deceased
 * rule and nothing else. Nothing for 桑河县民政局 (whose page starts empty); never seeded twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { HIT_RULES, REGISTRY_KINDS, registryImports } from '../../../../db/schema/livelihood-checks.ts';
import { DEMO_DECEASED, DEMO_DECEASED_BATCH, DEMO_LOOKUP, DEMO_REGISTRIES, demoDeceasedBatchCsv, seedDemoLivelihood } from '../../../../db/seed/demo-livelihood.ts';
import { registryCsv } from '../../../../db/seed/demo-registries.ts';
import { paymentBatches } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { getConfig } from '../config.ts';
import { queryRows } from '../db.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { listBatches } from './batch-steps.ts';
import { runCrossChecks } from './cross-checks.ts';
import { readPaymentFile } from './file.ts';
import { idHash, idNumberProblem } from './id-number.ts';
import { addItem, departmentOf } from './items.ts';
import { lookupOwnPayments } from './lookup.ts';
import { villageLivelihood } from './public-list.ts';
import { importRegistry, readRegistryFile } from './registries.ts';

const SANGHE = '990121000000';
const TODAY = '2026-12-02';

/**
 * The plan, written out here rather than read from the seed: [rule, village, masked name], one per
 * payment hit. Every rule at least once; two_villages, paid_twice and shared_account hit both payments.
 */
const PLANNED: Array<[string, string, string]> = [
  ['deceased', '白杨村', '孙*芝'],
  ['official', '白杨村', '蒋*伟'],
  ['cadre_relative', '东岭村', '冯*兰'],
  ['two_villages', '东岭村', '卫*花'],
  ['two_villages', '白杨村', '卫*花'],
  ['paid_twice', '白杨村', '韩*山'],
  ['paid_twice', '白杨村', '韩*山'],
  ['above_standard', '白杨村', '沈*燕'],
  ['shared_account', '东岭村', '陈*兰'],
  ['shared_account', '东岭村', '褚*庆'],
  ['vehicle', '东岭村', '杨*芬'],
  ['business', '白杨村', '何*福'],
];
/** The ordinary recipients, near-misses included (in a registry, or paid twice in a way no rule minds). */
const ORDINARY = ['张*三', '李*四', '王*五', '赵*六', '钱*七', '周*福', '冯*军'];

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

const sorted = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

/** The county's standing hits as [rule, village, masked name]. */
async function standingHits(): Promise<Array<[string, string, string]>> {
  const rows = await queryRows<{ rule: string; village: string; name: string }>(
    test.db,
    sql`select h.rule, a.name as village, p.name_masked as name from livelihood_hits h join payments p on p.id = h.payment_id join areas a on a.code = h.village_code
        where h.county_code = ${SANGHE} and h.cleared_at is null`,
  );
  return rows.map((row) => [row.rule, row.village, row.name]);
}

async function counts(): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number>>(
    test.db,
    sql`select (select count(*)::int from payment_batches) as batches, (select count(*)::int from payments) as payments, (select count(*)::int from registry_imports) as imports,
               (select count(*)::int from registry_deaths) + (select count(*)::int from registry_officials) + (select count(*)::int from registry_relatives)
                 + (select count(*)::int from registry_vehicles) + (select count(*)::int from registry_businesses) as registry_rows,
               (select count(*)::int from livelihood_hits) as hits`,
  );
  return row!;
}

async function actor(username: string): Promise<Actor> {
  const [found] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: found!.id, username: found!.username, role: found!.role, scopeCode: found!.scopeCode };
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
}
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Each registry table's rows without their import id, in line order. */
async function registryRows(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const kind of REGISTRY_KINDS) out[kind] = (await queryRows<Record<string, unknown>>(test.db, sql.raw(`select * from registry_${kind} where county_code = '${SANGHE}' order by line`))).map(({ import_id: _, ...row }) => row);
  return out;
}

describe('the demo livelihood data', () => {
  it('publishes three items in two demo villages, masked, with the standard per quarter the quarterly items are paid by', async () => {
    const groups = async (village: string) => (await villageLivelihood(test.db, village)).map((group) => [group.itemName, group.period, group.count]);
    expect(sorted(await groups('990121002201'))).toEqual(sorted([['困难残疾人生活补贴', '2026-Q3', 4], ['重度残疾人护理补贴', '2026-Q3', 2], ['耕地地力保护补贴', '2026', 5]]));
    expect(sorted(await groups('990121003201'))).toEqual(sorted([['困难残疾人生活补贴', '2026-Q3', 4], ['重度残疾人护理补贴', '2026-Q2', 1], ['重度残疾人护理补贴', '2026-Q3', 2], ['耕地地力保护补贴', '2026', 6]]));
    const dongling = await villageLivelihood(test.db, '990121002201');
    expect(dongling.flatMap((group) => group.lines.map((line) => line.nameMasked))).toContain('张*三');
    expect(JSON.stringify(dongling)).not.toContain(DEMO_LOOKUP.name);
    expect((await test.db.select().from(paymentBatches)).every((batch) => batch.status === 'published')).toBe(true);
    const standards = await queryRows<{ name: string; standard_fen: number | null }>(test.db, sql`select name, standard_fen from subsidy_items order by name`);
    expect(standards.map((item) => [item.name, item.standard_fen === null ? null : Number(item.standard_fen)])).toEqual(
      expect.arrayContaining([['困难残疾人生活补贴', 24_000], ['重度残疾人护理补贴', 27_000], ['耕地地力保护补贴', null]]),
    );
  });

  it('has one registry import of each kind in 桑河县, by its commission', async () => {
    const jw = await actor('sanghe.jw');
    const imports = await test.db.select().from(registryImports).where(eq(registryImports.countyCode, SANGHE));
    expect(imports.map((entry) => [entry.kind, entry.rowCount, entry.importedBy, entry.replacedAt]).sort()).toEqual(
      [['businesses', 2, jw.id, null], ['deaths', 3, jw.id, null], ['officials', 3, jw.id, null], ['relatives', 2, jw.id, null], ['vehicles', 2, jw.id, null]],
    );
    for (const entry of imports) expect(entry.sourceSha256).toBe(await sha256(utf8(registryCsv(entry.kind, DEMO_REGISTRIES[entry.kind] as never))));
  });

  it('holds exactly the planned hits — every rule, none for the ordinary recipients — and a rerun changes nothing', async () => {
    const hits = await standingHits();
    expect(sorted(hits)).toEqual(sorted(PLANNED));
    expect(new Set(hits.map(([rule]) => rule))).toEqual(new Set(HIT_RULES));
    for (const name of ORDINARY) expect(hits.filter((hit) => hit[2] === name)).toEqual([]);
    // The ordinary ones are paid: their absence above is the rules', not the seed's.
    const paid = await queryRows<{ name: string }>(test.db, sql`select distinct name_masked as name from payments`);
    expect(paid.map((row) => row.name)).toEqual(expect.arrayContaining(ORDINARY));
    expect(await runCrossChecks(test.db, { countyCode: SANGHE })).toEqual({ countyCode: SANGHE, holding: PLANNED.length, added: 0, cleared: 0 });
  });

  it('reseeds under this process’s key: the lookup finds the demo recipient, the hits are the planned ones, the registries are what their import stores', async () => {
    // The template was seeded in another process, under another key: seed again under this one.
    // Hits go before payments; a hit sent on as a suspect (livelihood_suspects, never deleted) would pin it.
    const [suspects] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from livelihood_suspects`);
    expect(suspects!.n).toBe(0);
    for (const table of ['livelihood_hits', 'registry_deaths', 'registry_officials', 'registry_relatives', 'registry_vehicles', 'registry_businesses', 'registry_imports', 'payments', 'payment_batches', 'subsidy_items']) {
      await queryRows(test.db, sql.raw(`delete from ${table}`));
    }
    await queryRows(test.db, sql`delete from livelihood_departments d where not exists (select 1 from users u where u.department_id = d.id)`);
    await seedDemoLivelihood(test.db);
    expect(sorted(await standingHits())).toEqual(sorted(PLANNED));
    const found = await lookupOwnPayments(test.db, 'demo-test', DEMO_LOOKUP);
    expect(found.kind === 'found' && found.payments.map((payment) => [payment.villageName, payment.itemName]).sort()).toEqual([['东岭村', '困难残疾人生活补贴'], ['东岭村', '耕地地力保护补贴']]);

    // The same files through the commission's import store the same rows and leave the hits as they are.
    const seeded = await registryRows();
    const commission = await actor('sanghe.jw');
    for (const kind of REGISTRY_KINDS) {
      const bytes = utf8(registryCsv(kind, DEMO_REGISTRIES[kind] as never));
      const read = await readRegistryFile(bytes, kind);
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      const imported = await importRegistry(test.db, commission, { kind, sourceSha256: await sha256(bytes), rows: read.rows, lines: read.lines }, { today: TODAY });
      expect(imported).toMatchObject({ ok: true, value: { count: DEMO_REGISTRIES[kind].length, run: { added: 0, cleared: 0 } } });
    }
    expect(await registryRows()).toEqual(seeded);
    expect(sorted(await standingHits())).toEqual(sorted(PLANNED));
  });

  it('leaves 桑河县民政局 empty and is not seeded twice', async () => {
    const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
    expect(await listBatches(test.db, (await departmentOf(test.db, row!))!.id)).toEqual([]);
    const before = await counts();
    await seedDemoLivelihood(test.db);
    expect(await counts()).toEqual(before);
  });

  it('gives a batch for 桑河县民政局 that pays DEMO_DECEASED, in the death registry and paid nowhere before: the import hits the deceased rule for that row only', async () => {
    const key = getConfig().livelihoodIdKey;
    expect(idNumberProblem(DEMO_DECEASED.idNumber, TODAY)).toBeNull();
    const hash = idHash(key, DEMO_DECEASED.idNumber);
    expect(await queryRows(test.db, sql`select died_on::text from registry_deaths where id_hash = ${hash}`)).toEqual([{ died_on: DEMO_DECEASED.diedOn }]);
    expect(await queryRows(test.db, sql`select id from payments where id_hash = ${hash}`)).toEqual([]);

    const mzj = await actor('sanghe.mzj');
    const item = await addItem(test.db, mzj, { name: DEMO_DECEASED_BATCH.itemName, standardText: DEMO_DECEASED_BATCH.standardText, standardYuan: '520', legalBasis: DEMO_DECEASED_BATCH.legalBasis, forbidsVehicle: 'on', forbidsBusiness: 'on' });
    if (!item.ok) throw new Error(JSON.stringify(item.errors));
    const bytes = utf8(demoDeceasedBatchCsv());
    const read = await readPaymentFile(bytes);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.rows).toHaveLength(3);
    const batch = await importBatch(test.db, mzj, { itemId: item.value.id, villageCode: DEMO_DECEASED_BATCH.villageCode, period: DEMO_DECEASED_BATCH.period, sourceSha256: await sha256(bytes), rows: read.rows, lines: read.lines }, { today: TODAY });
    if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
    const hits = await queryRows<{ rule: string; line: number; detail: unknown }>(test.db, sql`select h.rule, p.line, h.detail from livelihood_hits h join payments p on p.id = h.payment_id where h.batch_id = ${batch.value.id}`);
    expect(hits).toEqual([{ rule: 'deceased', line: 3, detail: { diedOn: DEMO_DECEASED.diedOn } }]);
    expect(sorted(await standingHits())).toEqual(sorted([...PLANNED, ['deceased', DEMO_DECEASED_BATCH.villageName, '曹*梅']]));
  });
});
