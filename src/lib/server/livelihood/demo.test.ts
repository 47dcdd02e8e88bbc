/**
 * The demo livelihood data (db/seed/demo-livelihood.ts) as the seeded database holds it: published
 * batches of three items in 东岭村 and 白杨村, masked on the village list, found by the personal
 * lookup for the demo recipient, and nothing for 桑河县民政局 (whose page starts empty).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { DEMO_LOOKUP, seedDemoLivelihood } from '../../../../db/seed/demo-livelihood.ts';
import { paymentBatches } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { listBatches } from './batch-steps.ts';
import { departmentOf } from './items.ts';
import { lookupOwnPayments } from './lookup.ts';
import { villageLivelihood } from './public-list.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('the demo livelihood data', () => {
  it('publishes three items in two demo villages, masked', async () => {
    const dongling = await villageLivelihood(test.db, '990121002201');
    expect(dongling.map((group) => [group.itemName, group.period, group.count])).toEqual(expect.arrayContaining([['困难残疾人生活补贴', '2026-Q3', 2], ['耕地地力保护补贴', '2026', 3]]));
    expect(dongling.flatMap((group) => group.lines.map((line) => line.nameMasked))).toContain('张*三');
    expect(JSON.stringify(dongling)).not.toContain(DEMO_LOOKUP.name);
    expect((await villageLivelihood(test.db, '990121003201')).map((group) => group.itemName).sort()).toEqual(['耕地地力保护补贴', '重度残疾人护理补贴'].sort());
    const all = await test.db.select().from(paymentBatches);
    expect(all.every((batch) => batch.status === 'published')).toBe(true);
  });

  it('lets the demo recipient find their payments in both villages', async () => {
    // The template was seeded in another process, under another key: seed again under this one.
    for (const table of ['payments', 'payment_batches', 'subsidy_items']) await queryRows(test.db, sql.raw(`delete from ${table}`));
    await queryRows(test.db, sql`delete from livelihood_departments d where not exists (select 1 from users u where u.department_id = d.id)`);
    await seedDemoLivelihood(test.db);
    const found = await lookupOwnPayments(test.db, 'demo-test', DEMO_LOOKUP);
    expect(found.kind === 'found' && found.payments.map((payment) => payment.villageName).sort()).toEqual(['东岭村', '东岭村', '白杨村'].sort());
  });

  it('leaves 桑河县民政局 empty and is not seeded twice', async () => {
    const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
    expect(await listBatches(test.db, (await departmentOf(test.db, row!))!.id)).toEqual([]);
    const before = (await test.db.select().from(paymentBatches)).length;
    await seedDemoLivelihood(test.db);
    expect((await test.db.select().from(paymentBatches)).length).toBe(before);
  });
});
