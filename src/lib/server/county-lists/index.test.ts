import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import { countyLists } from '../../../../db/schema/county-lists.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { createDraftList, getPublishedList, listCurrentVersions, loadCountyList, publishList } from './index.ts';
import { compareWithCatalog } from './resolve.ts';
import { listCatalogItems } from '../catalog/index.ts';

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const QINGHE = '990123000000';
const ZAOLIN = '990221000000';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('published county lists (demo seed)', () => {
  it('picks the version in force on a given day', async () => {
    expect((await getPublishedList(test.db, SANGHE, { today: '2026-11-26' }))?.list.version).toBe(2);
    expect((await getPublishedList(test.db, SANGHE, { today: '2026-03-01' }))?.list.version).toBe(1);
    expect(await getPublishedList(test.db, SANGHE, { today: '2025-12-31' })).toBeUndefined();
  });

  it('keeps older versions viewable', async () => {
    const v1 = await getPublishedList(test.db, SANGHE, { version: 1 });
    expect(v1?.items).toHaveLength(110);
    expect(v1?.items.every((item) => item.origin === 'catalog')).toBe(true);
  });

  it('gives each demo county a different list, and one county none', async () => {
    const current = await listCurrentVersions(test.db, '2026-11-26');
    expect(current.get(SANGHE)?.itemCount).toBe(112);
    expect(current.get(LIUGANG)?.itemCount).toBe(110 - 7 + 3);
    expect(current.get(QINGHE)?.itemCount).toBeLessThan(100);
    expect(current.has(ZAOLIN)).toBe(false);
    const zaolin = await loadCountyList(test.db, ZAOLIN);
    expect(zaolin?.county.name).toBe('枣林县');
    expect(zaolin?.shown).toBeUndefined();
  });

  it('applies overrides in the published snapshot', async () => {
    const list = await getPublishedList(test.db, SANGHE, { today: '2026-11-26' });
    const dibao = list!.items.find((item) => item.code === 'FW-01')!;
    expect(dibao.contactPhone).toBe('0399-6210345');
    expect(dibao.catalogTimeLimitDays).toBeGreaterThan(dibao.timeLimit.days!);
  });

  it('reports what a county changed against the catalog', async () => {
    const list = await getPublishedList(test.db, LIUGANG, { today: '2026-11-26' });
    const comparison = compareWithCatalog(list!.items, await listCatalogItems(test.db));
    expect(comparison.notAdopted.map((item) => item.code)).toEqual(['ZF-20', 'ZF-21', 'ZF-22', 'ZF-23', 'ZF-24', 'SP-21', 'SP-22']);
    expect(comparison.countyItems).toHaveLength(3);
    expect(comparison.localised.length).toBeGreaterThanOrEqual(4);
  });

  it('returns undefined for a code that is not a county', async () => {
    expect(await loadCountyList(test.db, '990121001000')).toBeUndefined();
    expect(await loadCountyList(test.db, 'not-a-code')).toBeUndefined();
  });
});

describe('creating and publishing a list', () => {
  it('refuses invalid entries and writes nothing', async () => {
    const before = await test.db.select().from(countyLists).where(eq(countyLists.countyCode, ZAOLIN));
    const result = await createDraftList(test.db, ZAOLIN, [
      { itemCode: 'FW-01', overrides: { timeLimitDays: 999 } },
      { itemCode: 'FW-01' },
      { itemCode: 'XX-99' },
      { itemCode: 'FW-02', overrides: { contactPhone: 'abc' } },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.some((error) => error.includes('只能缩短'))).toBe(true);
      expect(result.errors.some((error) => error.includes('重复'))).toBe(true);
      expect(result.errors.some((error) => error.includes('XX-99'))).toBe(true);
      expect(result.errors.some((error) => error.includes('电话'))).toBe(true);
    }
    const after = await test.db.select().from(countyLists).where(eq(countyLists.countyCode, ZAOLIN));
    expect(after).toHaveLength(before.length);
  });

  it('refuses an empty list and an incomplete county item', async () => {
    expect((await createDraftList(test.db, ZAOLIN, [])).ok).toBe(false);
    const incomplete = await createDraftList(test.db, ZAOLIN, [
      { custom: { code: 'DF-01', name: '自设', categoryCode: 'service' } as never },
    ]);
    expect(incomplete.ok).toBe(false);
  });

  it('publishes a draft, and the published version ignores later catalog edits', async () => {
    // Counts of published lists are remembered per handle: read them before the new list exists.
    const before = await listCurrentVersions(test.db, '2026-11-26');
    expect(before.has(ZAOLIN)).toBe(false);
    const draft = await createDraftList(test.db, ZAOLIN, [{ itemCode: 'SP-01' }, { itemCode: 'FW-01', overrides: { contactPhone: '12345' } }]);
    expect(draft.ok).toBe(true);
    if (!draft.ok) return;
    // A draft is not in force: it is neither shown nor counted (its items may still change).
    expect((await listCurrentVersions(test.db, '2026-11-26')).has(ZAOLIN)).toBe(false);
    expect((await publishList(test.db, draft.value.listId, { effectiveOn: '2026-13-01', publishedBy: 'test' })).ok).toBe(false);
    const published = await publishList(test.db, draft.value.listId, { effectiveOn: '2026-08-01', publishedBy: 'test' });
    expect(published).toEqual({ ok: true, value: { version: draft.value.version } });
    const after = await listCurrentVersions(test.db, '2026-11-26');
    expect(after.get(ZAOLIN)).toEqual({ version: draft.value.version, effectiveOn: '2026-08-01', itemCount: 2 });
    expect(after.get(SANGHE)).toEqual(before.get(SANGHE));
    expect((await publishList(test.db, draft.value.listId, { effectiveOn: '2026-08-01', publishedBy: 'test' })).ok).toBe(false);

    const [original] = await test.db.select().from(catalogItems).where(eq(catalogItems.code, 'SP-01'));
    await test.db.update(catalogItems).set({ name: `${original!.name}（修订）` }).where(eq(catalogItems.code, 'SP-01'));
    const list = await getPublishedList(test.db, ZAOLIN, { today: '2026-11-26' });
    expect(list?.items.map((item) => item.name)).toContain(original!.name);
    expect(list?.items.find((item) => item.code === 'FW-01')?.contactPhone).toBe('12345');
    await test.db.update(catalogItems).set({ name: original!.name }).where(eq(catalogItems.code, 'SP-01'));
  });

  it('numbers versions per county without gaps', async () => {
    const a = await createDraftList(test.db, QINGHE, [{ itemCode: 'FW-01' }]);
    const b = await createDraftList(test.db, QINGHE, [{ itemCode: 'FW-02' }]);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(b.value.version).toBe(a.value.version + 1);
  });
});

/** The database's own message (drizzle wraps driver errors in a DrizzleQueryError with a cause). */
async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('the database protects published lists', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of a published list and its items', async () => {
    const [published] = await test.db.select().from(countyLists).where(eq(countyLists.countyCode, SANGHE)).limit(1);
    const id = published!.id;
    expect(await databaseError(test.db.execute(sql`update county_lists set note = 'x' where id = ${id}`))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`delete from county_lists where id = ${id}`))).toMatch(/cannot be deleted/);
    expect(await databaseError(test.db.execute(sql`update county_list_items set overrides = '{}' where list_id = ${id}`))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`delete from county_list_items where list_id = ${id}`))).toMatch(/cannot be changed/);
    expect(
      await databaseError(test.db.execute(sql`insert into county_list_items (list_id, item_code) values (${id}, 'ZF-01')`)),
    ).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`truncate county_list_items`))).toMatch(/cannot be truncated/);
    const [after] = await test.db.select().from(countyLists).where(eq(countyLists.id, id));
    expect(after).toEqual(published);
  });
});
