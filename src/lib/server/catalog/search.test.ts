import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { normaliseQuery, searchItems } from './search.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

async function codesFor(query: string): Promise<string[]> {
  const result = await searchItems(test.db, query);
  if (result.status !== 'ok') throw new Error(`unexpected ${result.status}`);
  return result.items.map((hit) => hit.code);
}

describe('item search', () => {
  it('finds items by a 2-character query', async () => {
    const codes = await codesFor('低保');
    expect(codes.length).toBeGreaterThan(0);
    const result = await searchItems(test.db, '低保');
    if (result.status === 'ok') expect(result.items.some((hit) => hit.name.includes('最低生活保障') || hit.name.includes('低保'))).toBe(true);
  });

  it('ranks name matches first for longer queries', async () => {
    const result = await searchItems(test.db, '宅基地审批');
    expect(result.status).toBe('ok');
    if (result.status === 'ok') {
      expect(result.items[0]!.name).toContain('宅基地审批');
      const firstBodyOnly = result.items.findIndex((hit) => !hit.matchedName);
      const lastName = result.items.map((hit) => hit.matchedName).lastIndexOf(true);
      if (firstBodyOnly !== -1) expect(lastName).toBeLessThan(firstBodyOnly);
    }
  });

  it('searches the body too, not only names', async () => {
    const result = await searchItems(test.db, '入户调查');
    expect(result.status === 'ok' && result.items.length).toBeGreaterThan(0);
  });

  it('finds counties by name', async () => {
    const result = await searchItems(test.db, '桑河');
    expect(result.status === 'ok' && result.counties.map((county) => county.name)).toEqual(['桑河县']);
  });

  it("finds counties' own items in lists in force", async () => {
    const result = await searchItems(test.db, '光伏');
    expect(result.status).toBe('ok');
    if (result.status === 'ok') {
      const countyHit = result.items.find((hit) => hit.kind === 'county-item');
      expect(countyHit?.countyName).toBe('桑河县');
    }
  });

  it('asks for at least 2 characters, and treats blank input as no search', async () => {
    expect(await searchItems(test.db, '保')).toEqual({ status: 'too-short', query: '保' });
    expect(await searchItems(test.db, '   ')).toEqual({ status: 'empty' });
    expect(await searchItems(test.db, null)).toEqual({ status: 'empty' });
  });

  it('treats LIKE wildcards as plain characters', async () => {
    expect(await codesFor('%%')).toEqual([]);
    expect(await codesFor('__')).toEqual([]);
    expect(await codesFor("低保' or '1'='1")).toEqual([]);
  });

  it('finds nothing for words that are nowhere in the catalog', async () => {
    expect(await codesFor('量子计算机')).toEqual([]);
  });

  it('normalises full-width characters and whitespace', () => {
    expect(normaliseQuery('  宅基地　审批  ')).toBe('宅基地 审批');
    expect(normaliseQuery('ＡＢＣ')).toBe('ABC');
    expect(normaliseQuery('长'.repeat(100))).toHaveLength(40);
  });

  it('can answer 3+ character queries from the trigram index', async () => {
    const plan = await test.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<Record<string, string>>(tx, sql`explain select code from catalog_items where search_text like '%宅基地%'`);
    });
    expect(plan.map((row) => Object.values(row)[0]).join('\n')).toContain('catalog_items_search_trgm_idx');
  });
});

const SANGHE = '990121000000';

describe('a search that names a county (issue 12 item 9)', () => {
  it.each(['桑河县 低保', '桑河县低保', '桑河 低保', '低保 桑河县'])('%s searches 桑河县’s list in force, as the county publishes it', async (query) => {
    const result = await searchItems(test.db, query);
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.county).toEqual({ code: SANGHE, name: '桑河县', cityName: '北原市', version: 2 });
    expect(result.terms).toBe('低保');
    expect(result.counties.map((county) => county.code)).toEqual([SANGHE]);
    const dibao = result.items.find((hit) => hit.code === 'FW-01')!;
    // 桑河's version: its shorter limit, its phone, its unit (the catalog's is 20 working days, no phone).
    expect(dibao).toMatchObject({ kind: 'county-version', countyCode: SANGHE, timeLimit: { unit: 'workingDays', days: 16 }, contactPhone: '0399-6210345', responsibleUnit: '桑河县民政局社会救助股' });
    expect(result.items.every((hit) => hit.countyCode === SANGHE)).toBe(true);
  });

  it('the county page’s own box confines the search to the county by its code', async () => {
    const result = await searchItems(test.db, '光伏', { countyCode: SANGHE });
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.items.map((hit) => [hit.kind, hit.countyCode])).toContainEqual(['county-item', SANGHE]);
    expect(result.items.every((hit) => hit.countyCode === SANGHE)).toBe(true);
  });

  it('a county named alone is what was asked for; a township that starts like one is not that county', async () => {
    const alone = await searchItems(test.db, '桑河县');
    expect(alone.status === 'ok' && [alone.terms, alone.counties.map((county) => county.name), alone.items]).toEqual(['', ['桑河县'], []]);
    const township = await searchItems(test.db, '桑河镇');
    expect(township.status === 'ok' && township.county).toBeUndefined();
  });

  it('a county without a list in force searches the catalog, and says so', async () => {
    const result = await searchItems(test.db, '枣林县 低保');
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.county).toMatchObject({ name: '枣林县', version: null });
    expect(result.items.length).toBeGreaterThan(0);
    expect(result.items.every((hit) => hit.kind === 'catalog')).toBe(true);
  });

  it('asks for 2 characters after the county name', async () => {
    expect(await searchItems(test.db, '桑河县 保')).toMatchObject({ status: 'too-short', county: { code: SANGHE } });
  });
});

describe('grouped results: items, counties, villages', () => {
  it('finds villages by name, everywhere or in the county named', async () => {
    const everywhere = await searchItems(test.db, '营村');
    expect(everywhere.status === 'ok' && everywhere.villages.map((village) => village.name).sort()).toEqual(['前营村', '后营村', '张官营村', '芦苇营村'].sort());
    const inLiugang = await searchItems(test.db, '柳岗县 营村');
    expect(inLiugang.status === 'ok' && inLiugang.villages).toEqual([{ code: '990122002201', name: '芦苇营村', townshipName: '芦苇营乡', countyName: '柳岗县' }]);
  });
});
