/**
 * The public side of livelihood payments, on PGlite and PostgreSQL: the village's published
 * batches grouped by item and period (a supplementary batch joins its group) with totals, counts
 * and masked names only, imported and withdrawn batches left out, the API's totals without
 * recipients; and the personal lookup — both hashes must match, an unknown ID number and a wrong
 * name get the same answer, the check digit is checked, misses are throttled per client and per ID.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { publishBatch, withdrawBatch } from './batch-steps.ts';
import { checkCharacter } from './id-number.ts';
import { addItem } from './items.ts';
import { checkLookup, lookupClientThrottle, lookupOwnPayments, LOOKUP_MISSES_PER_HOUR, LOOKUP_MISSES_PER_ID_PER_DAY } from './lookup.ts';
import { villageLivelihood, villageLivelihoodTotals } from './public-list.ts';

const KEY = Buffer.alloc(32, 9);
const TODAY = '2026-12-02';
const QIANYING = '990121001201';
const HOUZHUANG = '990121001202';
let test: TestDatabase;
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const WANG = { name: '王秀兰', idNumber: id('19560312', 24) };
const LI = { name: '李建国', idNumber: id('19630705', 11) };
async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}
async function batch(who: Actor, itemId: string, villageCode: string, period: string, rows: Array<{ name: string; idNumber: string; amount: string }>): Promise<string> {
  const result = await importBatch(test.db, who, { itemId, villageCode, period, sourceSha256: createHash('sha256').update(`${itemId}${villageCode}${period}${rows.length}`).digest('hex'), rows: rows.map((row) => ({ ...row, paidOn: '2026-11-10' })) }, { key: KEY, today: TODAY });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value.id;
}

beforeAll(async () => {
  test = await createTestDatabase();
  const mzj = await actor('sanghe.mzj');
  const created = await createUser(test.db, await actor('sanghe.jw'), { username: 'sanghe.nyj', displayName: '农业农村局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县农业农村局', password: 'livelihood-public-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const nyj = await actor('sanghe.nyj');
  const dibao = await addItem(test.db, mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  const gengdi = await addItem(test.db, nyj, { name: '耕地地力保护补贴', standardText: '每亩每年112.5元，按确权面积发放', legalBasis: '《关于调整完善农业三项补贴政策的指导意见》（财农〔2015〕31号）' });
  if (!dibao.ok || !gengdi.ok) throw new Error('items');
  const published: Array<[Actor, string]> = [
    [mzj, await batch(mzj, dibao.value.id, QIANYING, '2026-11', [{ ...WANG, amount: '520' }, { ...LI, amount: '480.50' }])],
    [mzj, await batch(mzj, dibao.value.id, QIANYING, '2026-11', [{ name: '赵桂芝', idNumber: id('19411109', 42), amount: '260' }])],
    [nyj, await batch(nyj, gengdi.value.id, HOUZHUANG, '2026', [{ ...WANG, amount: '1,125' }])],
  ];
  for (const [who, batchId] of published) expect((await publishBatch(test.db, who, batchId)).ok).toBe(true);
  await batch(mzj, dibao.value.id, QIANYING, '2026-10', [{ ...WANG, amount: '520' }]);
  const withdrawn = await batch(mzj, dibao.value.id, QIANYING, '2026-09', [{ ...WANG, amount: '520' }]);
  await publishBatch(test.db, mzj, withdrawn);
  expect((await withdrawBatch(test.db, mzj, withdrawn, '名单有误，更正后重新导入')).ok).toBe(true);
});
afterAll(async () => test?.dispose());

describe('the village’s public list', () => {
  it('groups the published batches by item and period with totals and counts, names masked, nothing else', async () => {
    const groups = await villageLivelihood(test.db, QIANYING);
    expect(groups.map(({ publishedAt: _at, ...group }) => group)).toEqual([
      {
        itemName: '最低生活保障金',
        departmentName: '桑河县民政局',
        legalBasis: '《社会救助暂行办法》（国务院令第649号）',
        period: '2026-11',
        count: 3,
        totalFen: 126_050,
        lines: [
          { nameMasked: '王*兰', amountFen: 52_000, paidOn: '2026-11-10' },
          { nameMasked: '李*国', amountFen: 48_050, paidOn: '2026-11-10' },
          { nameMasked: '赵*芝', amountFen: 26_000, paidOn: '2026-11-10' },
        ],
      },
    ]);
    const dump = JSON.stringify(groups);
    for (const secret of [WANG.name, WANG.idNumber, WANG.idNumber.slice(-4), LI.idNumber.slice(-4)]) expect(dump).not.toContain(secret);
    expect(await villageLivelihood(test.db, '990121001203')).toEqual([]);
    expect(await villageLivelihood(test.db, 'x')).toEqual([]);
  });

  it('gives the open data API totals and counts without recipients', async () => {
    const totals = await villageLivelihoodTotals(test.db, HOUZHUANG);
    expect(totals).toEqual([{ itemName: '耕地地力保护补贴', departmentName: '桑河县农业农村局', legalBasis: expect.any(String), period: '2026', count: 1, totalFen: 112_500, publishedAt: expect.stringMatching(/^\d{4}-/) }]);
    expect(JSON.stringify(totals)).not.toContain('*');
  });
});

describe('the personal lookup', () => {
  it('finds the person’s published payments across villages and departments with ID number and name', async () => {
    const found = await lookupOwnPayments(test.db, 'client-a', { idNumber: WANG.idNumber.toLowerCase().replace(/^(.{6})/, '$1 '), name: ' 王 秀兰' }, { key: KEY, today: TODAY });
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    expect(found.payments.map((payment) => [payment.itemName, payment.villageName, payment.period, payment.amountFen, payment.departmentName])).toEqual([
      ['最低生活保障金', '前营村', '2026-11', 52_000, '桑河县民政局'],
      ['耕地地力保护补贴', '后营村', '2026', 112_500, '桑河县农业农村局'],
    ]);
  });

  it('answers an unknown ID number and a wrong name alike, and counts both as misses', async () => {
    const wrongName = await lookupOwnPayments(test.db, 'client-b', { idNumber: WANG.idNumber, name: '王秀英' }, { key: KEY, today: TODAY });
    const unknownId = await lookupOwnPayments(test.db, 'client-b', { idNumber: id('19700101', 15), name: '王秀兰' }, { key: KEY, today: TODAY });
    const otherPerson = await lookupOwnPayments(test.db, 'client-b', { idNumber: LI.idNumber, name: WANG.name }, { key: KEY, today: TODAY });
    expect(wrongName).toEqual({ kind: 'none' });
    expect(unknownId).toEqual(wrongName);
    expect(otherPerson).toEqual(wrongName);
    expect(lookupClientThrottle.heldKeys().length).toBeGreaterThan(0);
  });

  it('checks the ID number’s check digit and asks for a name, in Chinese', () => {
    const bad = WANG.idNumber.slice(0, 17) + (WANG.idNumber[17] === '1' ? '2' : '1');
    expect(checkLookup({ idNumber: bad, name: '王秀兰' }, { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { idNumber: '身份证号码第18位校验码不对，请核对' } });
    expect(checkLookup({ idNumber: WANG.idNumber.slice(0, 15), name: '' }, { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { idNumber: '身份证号码应为18位，现为15位，请核对', name: '请填写姓名' } });
  });

  it('holds a client back after ten misses an hour, and one ID number after ten misses a day from anywhere', async () => {
    for (let i = 0; i < LOOKUP_MISSES_PER_HOUR; i++) await lookupOwnPayments(test.db, 'client-c', { idNumber: id('19800101', 100 + i), name: '张伟' }, { key: KEY, today: TODAY });
    expect(await lookupOwnPayments(test.db, 'client-c', WANG, { key: KEY, today: TODAY })).toMatchObject({ kind: 'throttled', waitMs: expect.any(Number) });
    expect((await lookupOwnPayments(test.db, 'client-d', WANG, { key: KEY, today: TODAY })).kind).toBe('found');
    for (let i = 0; i < LOOKUP_MISSES_PER_ID_PER_DAY; i++) await lookupOwnPayments(test.db, `client-e${i}`, { idNumber: LI.idNumber, name: `李建${'一二三四五六七八九十'[i]}` }, { key: KEY, today: TODAY });
    expect(await lookupOwnPayments(test.db, 'client-f', LI, { key: KEY, today: TODAY })).toMatchObject({ kind: 'throttled' });
  });

  it('does not show imported or withdrawn batches', async () => {
    const found = await lookupOwnPayments(test.db, 'client-g', WANG, { key: KEY, today: TODAY });
    expect(found.kind === 'found' && found.payments.map((payment) => payment.period)).toEqual(['2026-11', '2026']);
  });
});
