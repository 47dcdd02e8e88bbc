/**
 * Generated test data (npm run db:scale) hangs on real place names, so every public page of a place
 * flagged `generated_data` says so, in both languages; a place without the flag says nothing of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { areas } from '../../db/schema/areas.ts';
import { createPageTester, type PageTester } from '../../tests/support/pages.ts';
import County from './counties/[code]/index.astro';
import Changes from './counties/[code]/changes.astro';
import Overdue from './counties/[code]/overdue.astro';
import Village from './villages/[code]/index.astro';
import Verify from './villages/[code]/verify.astro';
import Statistics from './statistics/[code].astro';

const SANGHE = '990121000000';
const HOUYING = '990121001202';
let pages: PageTester;

beforeAll(async () => {
  pages = await createPageTester();
});
afterAll(async () => pages?.test.dispose());

const cases = [
  ['the county list', County, `/counties/${SANGHE}`, SANGHE],
  ['the county’s changes', Changes, `/counties/${SANGHE}/changes`, SANGHE],
  ['the county’s overdue villages', Overdue, `/counties/${SANGHE}/overdue`, SANGHE],
  ['the statistics', Statistics, `/statistics/${SANGHE}`, SANGHE],
  ['the village page', Village, `/villages/${HOUYING}`, HOUYING],
  ['the village’s chain check', Verify, `/villages/${HOUYING}/verify`, HOUYING],
] as const;

describe('the generated-data banner', () => {
  it.each(cases)('is absent on %s of a place without generated data', async (_name, page, url, code) => {
    const { status, html } = await pages.render(page, url, { code }, 'zh-CN');
    expect(status).toBe(200);
    expect(html).not.toContain('生成的测试数据');
  });

  it.each(cases)('is shown on %s once the place carries generated data, in Chinese and English', async (_name, page, url, code) => {
    await pages.test.db.update(areas).set({ generatedData: true }).where(inArray(areas.code, [SANGHE, HOUYING]));
    try {
      const zh = await pages.render(page, url, { code }, 'zh-CN');
      expect(zh.status).toBe(200);
      expect(zh.html).toContain('生成的测试数据：本页的账目');
      const en = await pages.render(page, url, { code }, 'en');
      expect(en.html).toContain('Generated test data: the accounts');
      expect(en.html).not.toContain('生成的测试数据');
    } finally {
      await pages.test.db.update(areas).set({ generatedData: false }).where(eq(areas.generatedData, true));
    }
  });
});
