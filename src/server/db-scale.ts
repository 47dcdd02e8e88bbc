/**
 * `npm run db:scale -- --province 13 [--villages N] [--complaints N] [--months N]`: fills a
 * PostgreSQL database with generated test data at province scale on a real imported province
 * (`npm run areas:import -- --province 13` first): a published list for every county, 36 monthly
 * published periods of funds entries with their registers for every village, livelihood payment
 * batches and 200,000 complaints in every state (src/lib/server/scale/). Every page showing them
 * says "generated test data". Refuses PGlite and production. Running it again carries on where it
 * stopped and skips what is done. Exit code 0 on success, 1 on refusal.
 */
import { parseArgs } from 'node:util';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase, queryRows } from '../lib/server/db.ts';
import { getConfig } from '../lib/server/config.ts';
import { loadScale, scaleWriter } from '../lib/server/scale/load.ts';
import { sql } from 'drizzle-orm';

const STAGES = { lists: '县级清单', villages: '村账目', complaints: '信访举报', analyze: '统计信息（ANALYZE）' } as const;

const { values } = parseArgs({
  options: { province: { type: 'string', default: '13' }, villages: { type: 'string' }, complaints: { type: 'string' }, months: { type: 'string' }, batch: { type: 'string' } },
});
const count = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`--${name} 应为非负整数\n`);
    process.exit(1);
  }
  return Number(value);
};
const options = {
  province: values.province!,
  villages: count('villages', values.villages),
  complaints: count('complaints', values.complaints),
  months: count('months', values.months),
  batch: count('batch', values.batch),
};
if (!/^\d{2}$/.test(options.province)) {
  process.stderr.write('用法：npm run db:scale -- --province 13 [--villages N] [--complaints N]\n');
  process.exit(1);
}
const config = getConfig();
if (config.isProduction) {
  process.stderr.write('db:scale 写入生成的测试数据，不能在生产环境（APP_ENV=production）运行。\n');
  process.exit(1);
}
if (!config.databaseUrl) {
  process.stderr.write('db:scale 只写入 PostgreSQL：请设置 DATABASE_URL（例如 createdb ydt_scale 后 DATABASE_URL=postgres://…/ydt_scale）。嵌入式数据库（PGlite）装不下一个省。\n');
  process.exit(1);
}

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const { handle } = await bootstrap();
const writer = await scaleWriter(handle);
let lastLine = 0;
const result = await loadScale(handle.db, writer, options, (stage, done, total) => {
  if (done < total && Date.now() - lastLine < 1000) return;
  lastLine = Date.now();
  process.stderr.write(`\r${STAGES[stage]}：${done} / ${total}（${elapsed()}）   ${done === total ? '\n' : ''}`);
});
if (!result.ok) {
  process.stderr.write(
    result.error.reason === 'no-province'
      ? `没有省级区划 ${result.error.province}：请先运行 npm run areas:import -- --province ${options.province}\n`
      : `省 ${result.error.province} 下没有村：请先运行 npm run areas:import -- --province ${options.province}\n`,
  );
  await writer.close();
  await closeDatabase();
  process.exit(1);
}
const s = result.value;
const [size] = await queryRows<{ size: string }>(handle.db, sql`select pg_size_pretty(pg_database_size(current_database())) as size`);
process.stdout.write(
  `${s.province.name}（${s.province.code}）：县 ${s.counties}（新发布清单 ${s.listsPublished}），本次生成村 ${s.villages}（此前已生成 ${s.villagesSkipped}），` +
    `公开期 ${s.disclosures}，资金收支 ${s.fundEntries}，台账行 ${s.registerLines}，补贴发放 ${s.payments}，信访举报共 ${s.complaints}；` +
    `用时 ${elapsed()}，数据库 ${size?.size}\n`,
);
await writer.close();
await closeDatabase();
