/**
 * The payment tables hold no identifier in the clear and no impossible state: the database itself
 * refuses a clear ID number or name, an unmasked name, a non-village batch, a malformed period, a
 * zero amount, and a batch whose status disagrees with its dates (on PGlite and PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { paymentBatches, payments } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { addItem, departmentOf, listItems } from './items.ts';
import { bankAccountHash, idHash, idLast4, maskName, nameHash } from './id-number.ts';

const KEY = Buffer.alloc(32, 3);
let test: TestDatabase;
let itemId = '';
let importedBy = '';
const batch = () => ({ id: crypto.randomUUID(), itemId, villageCode: '990121001201', period: '2026-11', sourceSha256: 'a'.repeat(64), importedBy });
const payment = (batchId: string, line: number) => ({
  batchId,
  line,
  nameHash: nameHash(KEY, '王秀兰'),
  nameMasked: maskName('王秀兰'),
  idHash: idHash(KEY, '11010519491231002X'),
  idLast4: idLast4('11010519491231002X'),
  amountFen: 52_000,
  paidOn: '2026-11-10',
});

beforeAll(async () => {
  test = await createTestDatabase();
  const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
  importedBy = row!.id;
  const actor = { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
  const added = await addItem(test.db, actor, { name: '最低生活保障金', standardText: '按家庭月人均收入与低保标准的差额发放', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!added.ok) throw new Error(JSON.stringify(added.errors));
  itemId = (await listItems(test.db, (await departmentOf(test.db, actor))!.id))[0]!.id;
});
afterAll(async () => test?.dispose());

describe('payment batches and payments', () => {
  it('store a batch and its payments in hashed and masked form', async () => {
    const b = batch();
    await test.db.insert(paymentBatches).values(b);
    await test.db.insert(payments).values([payment(b.id, 2), { ...payment(b.id, 3), bankAccountHash: bankAccountHash(KEY, '6217000010001234567') }]);
    const rows = await test.db.select().from(payments).where(eq(payments.batchId, b.id));
    expect(rows.map((r) => [r.line, r.nameMasked, r.idLast4])).toEqual([[2, '王*兰', '002X'], [3, '王*兰', '002X']]);
    expect(JSON.stringify(rows)).not.toMatch(/11010519491231002X|王秀兰|6217000010001234567/);
  });

  it('refuse identifiers in the clear, unmasked names, zero amounts and a line twice', async () => {
    const b = batch();
    await test.db.insert(paymentBatches).values(b);
    for (const bad of [
      { idHash: '11010519491231002X' },
      { nameHash: '王秀兰' },
      { nameMasked: '王秀兰' },
      { idLast4: '02X1' },
      { amountFen: 0 },
      { bankAccountHash: '6217000010001234567' },
    ]) {
      await expect(test.db.insert(payments).values({ ...payment(b.id, 2), ...bad }), JSON.stringify(bad)).rejects.toThrow();
    }
    await test.db.insert(payments).values(payment(b.id, 2));
    await expect(test.db.insert(payments).values(payment(b.id, 2))).rejects.toThrow();
  });

  it('refuse a batch for a township, a malformed period, and a status that disagrees with its dates', async () => {
    for (const bad of [
      { villageCode: '990121001000' },
      { period: '2026-13' },
      { period: '2026Q4' },
      { sourceSha256: 'not-a-hash' },
      { status: 'published' as const },
      { status: 'withdrawn' as const, withdrawnAt: new Date() },
      { status: 'imported' as const, publishedAt: new Date() },
    ]) {
      await expect(test.db.insert(paymentBatches).values({ ...batch(), ...bad }), JSON.stringify(bad)).rejects.toThrow();
    }
    for (const good of [{ period: '2026' }, { period: '2026-Q4' }, { period: '2026-H2' }, { status: 'published' as const, publishedAt: new Date(), publishedBy: importedBy }, { status: 'withdrawn' as const, withdrawnAt: new Date(), withdrawReason: '导入时选错了村，已重新导入' }]) {
      await test.db.insert(paymentBatches).values({ ...batch(), ...good });
    }
  });
});
