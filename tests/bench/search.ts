/**
 * `npm run bench`: how fast the public searches are at province scale. Builds an in-memory
 * PGlite database with the real migrations and catalog, adds 50,000 villages with generated
 * two-to-four-character names and a county list adopting the whole catalog, and times village and
 * item searches, also confined to that county (median of repeated runs).
 * A measurement, not a test: nothing here can fail a build.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase } from '../../src/lib/server/db.ts';
import { seedCatalog } from '../../db/seed/index.ts';
import { searchVillages } from '../../src/lib/server/accounts/ledger.ts';
import { searchItems } from '../../src/lib/server/catalog/search.ts';
import { listCatalogItems } from '../../src/lib/server/catalog/index.ts';
import { createDraftList, publishList } from '../../src/lib/server/county-lists/index.ts';

const VILLAGES = 50_000;
const RUNS = 30;
const syllables = '东西南北前后上下大小新老高低杨柳桑枣梨桃李张王刘陈赵孙周吴郑冯马营屯庄堡沟河湾坡岭塘井泉山林田庙店集桥';

const handle = await openDatabase({ driver: 'pglite' });
await migrateDatabase(handle);
await seedCatalog(handle.db);
await handle.db.execute(sql`insert into areas (code, level, name, parent_code) values
  ('980000000000','province','基准省',null), ('980100000000','city','基准市','980000000000'),
  ('980121000000','county','基准县','980100000000'), ('980121001000','township','基准镇','980121000000')`);
let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const rows: string[] = [];
for (let i = 0; i < VILLAGES; i++) {
  const length = 2 + Math.floor(random() * 3);
  const name = Array.from({ length }, () => syllables[Math.floor(random() * syllables.length)]).join('') + '村';
  const township = `98${String(Math.floor(i / 1000)).padStart(4, '0')}${String(1 + (Math.floor(i / 100) % 10)).padStart(3, '0')}`;
  rows.push(`('${township}${String(i % 1000).padStart(3, '0')}', 'village', '${name}', null)`);
}
for (let i = 0; i < rows.length; i += 5000) {
  await handle.db.execute(sql.raw(`insert into areas (code, level, name, parent_code) values ${rows.slice(i, i + 5000).join(',')} on conflict do nothing`));
}
const list = await createDraftList(handle.db, '980121000000', (await listCatalogItems(handle.db)).map((item) => ({ itemCode: item.code })));
if (!list.ok || !(await publishList(handle.db, list.value.listId, { effectiveOn: '2026-01-01', publishedBy: 'bench' })).ok) throw new Error('bench list');
await handle.db.execute(sql`analyze`);

async function median(label: string, run: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  await run();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} median ${times[Math.floor(RUNS / 2)]!.toFixed(2)} ms   p90 ${times[Math.floor(RUNS * 0.9)]!.toFixed(2)} ms`);
}

console.log(`PGlite, ${VILLAGES.toLocaleString()} villages, ${RUNS} runs each`);
await median('village search, 2 characters (柳庄)', () => searchVillages(handle.db, '柳庄'));
await median('village search, 3 characters (柳庄村)', () => searchVillages(handle.db, '柳庄村'));
await median('item search, 2 characters (低保)', () => searchItems(handle.db, '低保'));
await median('item search, 3 characters (宅基地)', () => searchItems(handle.db, '宅基地'));
await median('county named, 2 characters (基准县 低保)', () => searchItems(handle.db, '基准县 低保'));
await median('county page box, 3 characters (宅基地)', () => searchItems(handle.db, '宅基地', { countyCode: '980121000000' }));
await handle.close();
