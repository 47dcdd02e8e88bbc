/**
 * Importing a payment batch: all or nothing, every row problem with its spreadsheet row number, the
 * department's own active item and a village of its county only, and no name, ID number or account
 * anywhere in the database or the audit log (marker sweep), on PGlite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { paymentBatches, payments } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { importBatch, MAX_REPORTED_ISSUES } from './batches.ts';
import { checkCharacter } from './id-number.ts';
import { addItem, departmentOf, listItems, updateItem } from './items.ts';
import { logger } from '../logger.ts';
import { publishBatch, withdrawBatch } from './batch-steps.ts';
import { readPaymentFile } from './file.ts';
import { lookupOwnPayments } from './lookup.ts';

const KEY = Buffer.alloc(32, 5);
const TODAY = '2026-12-02';
const QIANYING = '990121001201';
let test: TestDatabase;
let mzj: Actor;
let nyj: Actor;
let itemId = '';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A valid ID number born on `birth` (YYYYMMDD) with sequence `seq`. */
function idNumber(birth: string, seq: number): string {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
const ROWS = [
  { name: '王秀兰', idNumber: idNumber('19560312', 24), amount: '520', paidOn: '2026-11-10', bankAccount: '6217000010001234567' },
  { name: '李建国', idNumber: idNumber('19630705', 11), amount: '480.50', paidOn: '2026-11-10', bankAccount: '6217000010007654321' },
  { name: '赵桂芝', idNumber: idNumber('19411109', 42), amount: '520', paidOn: '2026-11-10' },
];
const batch = (overrides: Partial<Parameters<typeof importBatch>[2]> = {}) => ({ itemId, villageCode: QIANYING, period: '2026-11', sourceSha256: sha('前营村2026年11月低保'), rows: ROWS, ...overrides });

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}
const count = async (table: 'payments' | 'payment_batches') => (await queryRows<{ n: number }>(test.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

beforeAll(async () => {
  test = await createTestDatabase();
  mzj = await actor('sanghe.mzj');
  const created = await createUser(test.db, await actor('sanghe.jw'), { username: 'sanghe.nyj', displayName: '农业农村局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县农业农村局', password: 'livelihood-batch-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  nyj = await actor('sanghe.nyj');
  const added = await addItem(test.db, mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元，按差额发放', standardYuan: '520', legalBasis: '《社会救助暂行办法》（国务院令第649号）', catalogCode: 'FW-01' });
  if (!added.ok) throw new Error(JSON.stringify(added.errors));
  itemId = added.value.id;
});
afterAll(async () => test?.dispose());

describe('importing a payment batch', () => {
  it('stores the batch and every payment, masked and hashed, with an audit entry of counts and totals only', async () => {
    const result = await importBatch(test.db, mzj, batch(), { key: KEY, today: TODAY });
    expect(result).toMatchObject({ ok: true, value: { count: 3, totalFen: 152_050 } });
    if (!result.ok) return;
    const [stored] = await test.db.select().from(paymentBatches).where(eq(paymentBatches.id, result.value.id));
    expect(stored).toMatchObject({ itemId, villageCode: QIANYING, period: '2026-11', status: 'imported', importedBy: mzj.id });
    const rows = await test.db.select().from(payments).where(eq(payments.batchId, result.value.id)).orderBy(payments.line);
    expect(rows.map((row) => [row.line, row.nameMasked, row.idLast4, row.amountFen, row.bankAccountHash === null])).toEqual([
      [2, '王*兰', ROWS[0]!.idNumber.slice(-4), 52_000, false],
      [3, '李*国', ROWS[1]!.idNumber.slice(-4), 48_050, false],
      [4, '赵*芝', ROWS[2]!.idNumber.slice(-4), 52_000, true],
    ]);
    const [entry] = await queryRows<{ detail: Record<string, unknown>; scope_code: string }>(test.db, sql`select detail, scope_code from audit_events where action = 'livelihood.batchImported'`);
    expect(entry).toMatchObject({ scope_code: QIANYING, detail: { item: '最低生活保障金', period: '2026-11', count: 3, totalFen: 152_050 } });
  });

  it('leaves no name, ID number or account anywhere in the database', async () => {
    const dump = JSON.stringify(await queryRows(test.db, sql`select row_to_json(t)::text as r from (select * from payments) t union all select row_to_json(a)::text from (select * from audit_events) a union all select row_to_json(b)::text from (select * from payment_batches) b`));
    for (const row of ROWS) for (const value of [row.name, row.idNumber, row.bankAccount].filter(Boolean)) expect(dump).not.toContain(value);
  });

  it('imports nothing when one row is wrong, naming each problem by spreadsheet row and field', async () => {
    const before = [await count('payment_batches'), await count('payments')];
    const rows = [...ROWS, { name: '孙', idNumber: ROWS[0]!.idNumber.slice(0, 17) + (ROWS[0]!.idNumber[17] === '1' ? '2' : '1'), amount: '-5', paidOn: '2026-11-10' }];
    const result = await importBatch(test.db, mzj, batch({ rows }), { key: KEY, today: TODAY });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.fields.rows).toBe('有 3 处需要修改，整批未导入；改正后请重新上传');
    expect(result.errors.rows).toEqual([
      { line: 5, field: 'name', message: '姓名应为2至20个汉字或字母（少数民族姓名中间用“·”）' },
      { line: 5, field: 'idNumber', message: '身份证号码第18位校验码不对，请核对' },
      { line: 5, field: 'amount', message: '发放金额应为大于0、最多两位小数的金额（元），如：520 或 1,250.50' },
    ]);
    expect([await count('payment_batches'), await count('payments')]).toEqual(before);
  });

  it('reports at most the first hundred row problems and counts the rest', async () => {
    const rows = Array.from({ length: 120 }, () => ({ name: '钱', idNumber: ROWS[0]!.idNumber, amount: '520', paidOn: '2026-11-10' }));
    const result = await importBatch(test.db, mzj, batch({ rows }), { key: KEY, today: TODAY });
    expect(result.ok === false && [result.errors.rows.length, result.errors.moreRows]).toEqual([MAX_REPORTED_ISSUES, 20]);
  });

  it('refuses a malformed period, a missing file, an empty list, a village of another county and a township', async () => {
    const before = await count('payment_batches');
    expect(await importBatch(test.db, mzj, batch({ period: '2026-13' }), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { period: expect.stringMatching(/发放期间/) } } });
    expect(await importBatch(test.db, mzj, batch({ sourceSha256: '' }), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { form: expect.stringMatching(/没有收到导入文件/) } } });
    expect(await importBatch(test.db, mzj, batch({ rows: [] }), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { rows: expect.stringMatching(/没有领取人/) } } });
    expect(await importBatch(test.db, mzj, batch({ villageCode: '990122001201' }), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { villageCode: '该村不在本县，请选择本县的村' } } });
    expect(await importBatch(test.db, mzj, batch({ villageCode: '990121001000' }), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { villageCode: '该村不在本县，请选择本县的村' } } });
    expect(await importBatch(test.db, mzj, batch({ period: '2026-q4' }), { key: KEY, today: TODAY })).toMatchObject({ ok: true });
    expect(await count('payment_batches')).toBe(before + 1);
  });

  it('is for the item’s own department only, and not for a retired item', async () => {
    const before = await count('payment_batches');
    expect(await importBatch(test.db, nyj, batch(), { key: KEY, today: TODAY })).toMatchObject({ ok: false, status: 404 });
    for (const who of [await actor('sanghe.jw'), await actor('demo.admin'), await actor('qianying.kj')]) {
      expect(await importBatch(test.db, who, batch(), { key: KEY, today: TODAY })).toMatchObject({ ok: false, status: 403 });
    }
    const [item] = await listItems(test.db, (await departmentOf(test.db, mzj))!.id);
    const retired = await updateItem(test.db, mzj, itemId, { name: item!.name, standardText: item!.standardText, standardYuan: '520', legalBasis: item!.legalBasis, catalogCode: 'FW-01', active: 'no' });
    expect(retired.ok).toBe(true);
    expect(await importBatch(test.db, mzj, batch(), { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { itemId: '该补贴项目已停用，不能再导入发放批次' } } });
    expect(await count('payment_batches')).toBe(before);
  });
});

describe('the marker sweep', () => {
  it('lets no name, ID number or account reach a log line or any table, through file, import, steps and lookup', async () => {
    const seen: string[] = [];
    const grab = (...args: unknown[]) => void seen.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg) ?? String(arg))).join(' '));
    const spies = [
      ...(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).map((level) => vi.spyOn(logger, level).mockImplementation(grab as never)),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(grab)),
      vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => (grab(String(chunk)), true)) as never),
      vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown) => (grab(String(chunk)), true)) as never),
    ];
    const marked = { name: '标记人甲', idNumber: idNumber('19700101', 777), amount: '520', paidOn: '2026-11-10', bankAccount: '6299887766554433221' };
    try {
      const added = await addItem(test.db, mzj, { name: '临时救助金', standardText: '按困难程度一次性发放', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
      expect(added.ok).toBe(true);
      if (!added.ok) return;
      const csv = `姓名,身份证号码,金额（元）,发放日期,银行账号\n${marked.name},${marked.idNumber},${marked.amount},${marked.paidOn},${marked.bankAccount}\n${marked.name},${marked.idNumber.slice(0, 17)}0,x,y,${marked.bankAccount}9z\n`;
      expect((await readPaymentFile(new TextEncoder().encode(csv))).ok).toBe(true);
      expect((await importBatch(test.db, mzj, batch({ itemId: added.value.id, rows: [marked, { ...marked, idNumber: `${marked.idNumber.slice(0, 17)}0`, amount: 'x' }] }), { key: KEY, today: TODAY })).ok).toBe(false);
      const imported = await importBatch(test.db, mzj, batch({ itemId: added.value.id, rows: [marked] }), { key: KEY, today: TODAY });
      expect(imported.ok).toBe(true);
      if (!imported.ok) return;
      expect((await publishBatch(test.db, mzj, imported.value.id)).ok).toBe(true);
      expect((await lookupOwnPayments(test.db, 'sweep-client', marked, { key: KEY, today: TODAY })).kind).toBe('found');
      expect((await lookupOwnPayments(test.db, 'sweep-client', { ...marked, name: '标记人乙' }, { key: KEY, today: TODAY })).kind).toBe('none');
      expect((await withdrawBatch(test.db, mzj, imported.value.id, '核对后撤回重新导入')).ok).toBe(true);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const tables = await queryRows<{ name: string }>(test.db, sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
    const dump: string[] = [];
    for (const { name } of tables) dump.push(JSON.stringify(await queryRows(test.db, sql.raw(`select row_to_json(t)::text as r from "${name}" t`))));
    for (const text of [seen.join('\n'), dump.join('\n')]) {
      for (const secret of [marked.name, '标记人乙', marked.idNumber, marked.idNumber.slice(0, 17), marked.bankAccount]) expect(text).not.toContain(secret);
    }
  });
});
