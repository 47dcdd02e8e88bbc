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
