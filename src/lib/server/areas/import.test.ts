/**
 * Loading real division codes: a whole province from the packaged NBS 2023 edition (宁夏, the
 * smallest full province, ~2,900 villages), idempotence, a newer edition that renames and drops
 * places, and the codes that cannot nest (儋州-style counties coded like their city).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, gte, lt } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { bundledDivisionDir, importDivisions } from './import.ts';
import { getAncestors, subtreeRange } from './index.ts';

let test: TestDatabase;
let dir: string;

async function countIn(code: string, level?: (typeof areas.$inferSelect)['level']) {
  const { from, to } = subtreeRange(code);
  const [row] = await test.db
    .select({ n: count() })
    .from(areas)
    .where(and(gte(areas.code, from), lt(areas.code, to), level ? eq(areas.level, level) : undefined));
  return row!.n;
}

/** A small edition in the package's CSV layout. */
function edition(name: string, files: Record<string, string>): string {
  const target = path.join(dir, name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(target, file), text);
  return target;
}

beforeAll(async () => {
  test = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-areas-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await test?.dispose();
});

describe('importing a province from the packaged NBS codes', () => {
  it('loads 宁夏 whole: 5 cities, 22 counties, every township and village, none marked demo', async () => {
    const seen: string[] = [];
    const result = await importDivisions(test.db, { dir: bundledDivisionDir(), province: '64' }, (level) => seen.push(level));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { written, skipped, province } = result.value;
    expect(province).toEqual({ code: '640000000000', name: '宁夏回族自治区' });
    expect(written.province).toBe(1);
    expect(written.city).toBe(5);
    expect(written.county).toBe(22);
    expect(written.village).toBe(2912);
    expect(skipped).toBe(0);
    expect(seen).toContain('village');
    expect(await countIn('640000000000', 'village')).toBe(2912);
    const [demo] = await test.db.select({ n: count() }).from(areas).where(and(eq(areas.isDemo, true), gte(areas.code, '640000000000'), lt(areas.code, '650000000000')));
    expect(demo!.n).toBe(0);
    // A village hangs on its township, county, city and province.
    const [village] = await test.db.select().from(areas).where(and(eq(areas.level, 'village'), gte(areas.code, '640104000000'), lt(areas.code, '640105000000'))).limit(1);
    expect((await getAncestors(test.db, village!.code)).map((area) => area.level)).toEqual(['province', 'city', 'county', 'township']);
    const audit = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'areas.imported'));
    expect(audit).toHaveLength(1);
  });

  it('is idempotent: a second run writes the same rows and adds none', async () => {
    const before = await countIn('640000000000');
    const again = await importDivisions(test.db, { dir: bundledDivisionDir(), province: '64' });
    expect(again.ok && again.value.notInEdition).toBe(0);
    expect(await countIn('640000000000')).toBe(before);
  });

  it('leaves the demo areas alone', async () => {
    expect(await countIn('990000000000')).toBeGreaterThan(10);
    const [demo] = await test.db.select().from(areas).where(eq(areas.code, '990121000000'));
    expect(demo).toMatchObject({ isDemo: true, name: '桑河县' });
  });
});

describe('editions and codes that do not fit', () => {
  const header = {
    'provinces.csv': 'code,name\n46,"海南省"\n',
    'cities.csv': 'code,name,provinceCode\n4601,"海口市",46\n4604,"儋州市",46\n',
    'areas.csv': 'code,name,cityCode,provinceCode\n460105,"秀英区",4601,46\n460400,"儋州市",4604,46\n',
    'streets.csv': 'code,name,areaCode,provinceCode,cityCode\n460105100,"长流镇",460105,46,4601\n460400100,"那大镇",460400,46,4604\n',
    'villages.csv': 'code,name,streetCode,provinceCode,cityCode,areaCode\n460105100201,"长流村委会",460105100,46,4601,460105\n460105100202,"博养村委会",460105100,46,4601,460105\n460400100201,"屋基村委会",460400100,46,4604,460400\n',
  };

  it('skips a county coded like its city, with its subtree, and counts it', async () => {
    const result = await importDivisions(test.db, { dir: edition('2023', header), province: '46' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.written).toMatchObject({ city: 2, county: 1, township: 1, village: 2 });
    expect(result.value.skipped).toBe(3); // 儋州 as a county, 那大镇, 屋基村
    const [city] = await test.db.select().from(areas).where(eq(areas.code, '460400000000'));
    expect(city).toMatchObject({ level: 'city', name: '儋州市' });
  });

  it('a newer edition renames in place and keeps (and counts) places it no longer lists', async () => {
    const newer = edition('2024', {
      ...header,
      'villages.csv': 'code,name,streetCode,provinceCode,cityCode,areaCode\n460105100201,"长流社区居委会",460105100,46,4601,460105\n',
    });
    const result = await importDivisions(test.db, { dir: newer, province: '46' });
    expect(result.ok && result.value.notInEdition).toBe(1);
    const rows = await test.db.select().from(areas).where(and(gte(areas.code, '460105100000'), lt(areas.code, '460105101000'), eq(areas.level, 'village')));
    expect(rows.map((row) => [row.code, row.name])).toEqual([
      ['460105100201', '长流社区居委会'],
      ['460105100202', '博养村委会'],
    ]);
  });

  it('refuses a province code that is not two digits, a missing file, or a province the edition lacks', async () => {
    expect(await importDivisions(test.db, { dir: bundledDivisionDir(), province: '130000' })).toMatchObject({ ok: false, errors: { province: expect.stringContaining('2位数字') } });
    const partial = edition('partial', { 'provinces.csv': header['provinces.csv'] });
    expect(await importDivisions(test.db, { dir: partial, province: '46' })).toMatchObject({ ok: false, errors: { dir: expect.stringContaining('cities.csv') } });
    expect(await importDivisions(test.db, { dir: edition('2023', header), province: '13' })).toMatchObject({ ok: false, errors: { province: expect.stringContaining('13') } });
  });
});
