/**
 * A batch's steps after the import: the department's list with counts and totals, publishing an
 * imported batch, withdrawing with a reason, each recorded on the batch and in the audit log — and
 * refused for another department, for other roles, twice, without a reason, after withdrawal.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { paymentBatches } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { getOwnBatch, listBatches, publishBatch, withdrawBatch } from './batch-steps.ts';
import { checkCharacter } from './id-number.ts';
import { addItem, departmentOf } from './items.ts';

const KEY = Buffer.alloc(32, 7);
let test: TestDatabase;
let mzj: Actor;
let nyj: Actor;
let batchId = '';
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

beforeAll(async () => {
  test = await createTestDatabase();
  mzj = await actor('sanghe.mzj');
  const created = await createUser(test.db, await actor('sanghe.jw'), { username: 'sanghe.nyj', displayName: '农业农村局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县农业农村局', password: 'livelihood-steps-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  nyj = await actor('sanghe.nyj');
  const item = await addItem(test.db, mzj, { name: '特困人员救助供养金', standardText: '基本生活标准每人每月700元', standardYuan: '700', legalBasis: '《特困人员认定办法》（民发〔2021〕43号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const imported = await importBatch(test.db, mzj, {
    itemId: item.value.id,
    villageCode: '990121001201',
    period: '2026-11',
    sourceSha256: createHash('sha256').update('特困11月').digest('hex'),
    rows: [
      { name: '周长海', idNumber: id('19480210', 31), amount: '700', paidOn: '2026-11-05' },
      { name: '吴凤英', idNumber: id('19520818', 22), amount: '700', paidOn: '2026-11-05' },
    ],
    lines: [3, 5],
  }, { key: KEY, today: '2026-12-02' });
  if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
  batchId = imported.value.id;
});
afterAll(async () => test?.dispose());

describe('a batch after the import', () => {
  it('is listed for its department with count and total, rows masked with the file’s own row numbers', async () => {
    const department = await departmentOf(test.db, mzj);
    expect(await listBatches(test.db, department!.id)).toMatchObject([{ id: batchId, itemName: '特困人员救助供养金', villageName: '前营村', period: '2026-11', status: 'imported', count: 2, totalFen: 140_000 }]);
    const own = await getOwnBatch(test.db, mzj, batchId);
    expect(own?.lines.map((line) => [line.line, line.nameMasked, line.idLast4])).toEqual([[3, '周*海', id('19480210', 31).slice(-4)], [5, '吴*英', id('19520818', 22).slice(-4)]]);
    expect(await getOwnBatch(test.db, nyj, batchId)).toBeUndefined();
    expect(await listBatches(test.db, (await departmentOf(test.db, nyj))!.id)).toEqual([]);
  });

  it('is published by its own department only, once, with the step recorded and audited', async () => {
    expect(await publishBatch(test.db, nyj, batchId)).toMatchObject({ ok: false, status: 404 });
    for (const who of ['sanghe.jw', 'demo.admin', 'qianying.kj']) expect(await publishBatch(test.db, await actor(who), batchId)).toMatchObject({ ok: false, status: 403 });
    expect(await publishBatch(test.db, mzj, 'not-a-batch')).toMatchObject({ ok: false, status: 404 });
    expect(await publishBatch(test.db, mzj, batchId)).toMatchObject({ ok: true });
    const [row] = await test.db.select().from(paymentBatches).where(eq(paymentBatches.id, batchId));
    expect(row).toMatchObject({ status: 'published', publishedBy: mzj.id });
    expect(row!.publishedAt).toBeInstanceOf(Date);
    expect(await publishBatch(test.db, mzj, batchId)).toMatchObject({ ok: false, errors: { form: '该批次已经公示' } });
    const audit = await queryRows<{ detail: Record<string, unknown> }>(test.db, sql`select detail from audit_events where action = 'livelihood.batchPublished' and subject_id = ${batchId}`);
    expect(audit).toEqual([{ detail: { item: '特困人员救助供养金', period: '2026-11' } }]);
  });

  it('is withdrawn with a reason only, once, and cannot be published again', async () => {
    expect(await withdrawBatch(test.db, mzj, batchId, '有误')).toMatchObject({ ok: false, errors: { reason: expect.stringMatching(/请写明撤回的原因/) } });
    expect(await withdrawBatch(test.db, nyj, batchId, '名单有误，更正后重新导入')).toMatchObject({ ok: false, status: 404 });
    expect(await withdrawBatch(test.db, await actor('sanghe.jw'), batchId, '名单有误，更正后重新导入')).toMatchObject({ ok: false, status: 403 });
    expect(await withdrawBatch(test.db, mzj, batchId, '名单有误，更正后重新导入')).toMatchObject({ ok: true });
    const [row] = await test.db.select().from(paymentBatches).where(eq(paymentBatches.id, batchId));
    expect(row).toMatchObject({ status: 'withdrawn', withdrawnBy: mzj.id, withdrawReason: '名单有误，更正后重新导入' });
    expect(await withdrawBatch(test.db, mzj, batchId, '名单有误，更正后重新导入')).toMatchObject({ ok: false, errors: { form: '该批次已经撤回' } });
    expect(await publishBatch(test.db, mzj, batchId)).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/已撤回/) } });
    const audit = await queryRows<{ detail: Record<string, unknown> }>(test.db, sql`select detail from audit_events where action = 'livelihood.batchWithdrawn'`);
    expect(audit).toEqual([{ detail: { item: '特困人员救助供养金', period: '2026-11', from: 'published', reason: '名单有误，更正后重新导入' } }]);
  });
});
