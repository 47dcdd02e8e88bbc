/**
 * Subsidy items: a county department defines and changes its own, nobody else does, and every
 * refusal writes nothing. The demo seed has 桑河县民政局 (sanghe.mzj); this test adds 桑河县农业农村局
 * and a second 民政局 account, which shares its department's items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { subsidyItems } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { createUser, disableUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { addItem, departmentOf, getOwnItem, listItems, updateItem } from './items.ts';

const SANGHE = '990121000000';
let test: TestDatabase;
const actors: Record<'mzj' | 'mzj2' | 'nyj' | 'county' | 'admin', Actor> = {} as never;

const DIBAO = {
  name: '最低生活保障金',
  standardText: '农村低保标准每人每月不低于520元，按家庭月人均收入低于标准的差额发放',
  standardYuan: '520',
  legalBasis: '《社会救助暂行办法》（国务院令第649号）；《最低生活保障审核确认办法》（民发〔2021〕57号）',
  catalogCode: 'FW-01',
  forbidsVehicle: 'on',
  forbidsBusiness: 'on',
};

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}
async function auditCount(action?: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(test.db, action ? sql`select count(*)::int as n from audit_events where action = ${action}` : sql`select count(*)::int as n from audit_events`);
  return row!.n;
}

beforeAll(async () => {
  test = await createTestDatabase();
  actors.admin = await actor('demo.admin');
  actors.county = await actor('sanghe.jw');
  actors.mzj = await actor('sanghe.mzj');
  for (const [username, department] of [['sanghe.mzj2', '桑河县民政局'], ['sanghe.nyj', '桑河县农业农村局']] as const) {
    const created = await createUser(test.db, actors.county, { username, displayName: `${department}经办人`, role: 'department', scopeCode: SANGHE, department, password: 'livelihood-test-password-1' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
  }
  actors.mzj2 = await actor('sanghe.mzj2');
  actors.nyj = await actor('sanghe.nyj');
});
afterAll(async () => test?.dispose());

describe('subsidy items', () => {
  it('are added by a department to its own list, with an audit entry naming the item', async () => {
    const before = await auditCount('livelihood.itemAdded');
    const added = await addItem(test.db, actors.mzj, DIBAO);
    expect(added.ok).toBe(true);
    const department = (await departmentOf(test.db, actors.mzj))!;
    expect(department.name).toBe('桑河县民政局');
    const [item] = await listItems(test.db, department.id);
    expect(item).toMatchObject({ name: '最低生活保障金', standardFen: 52_000, catalogCode: 'FW-01', forbidsVehicle: true, forbidsBusiness: true, active: true, createdBy: actors.mzj.id });
    expect(await auditCount('livelihood.itemAdded')).toBe(before + 1);
    const [entry] = await queryRows<{ detail: { name: string; department: string }; scope_code: string }>(test.db, sql`select detail, scope_code from audit_events where action = 'livelihood.itemAdded' order by id desc limit 1`);
    expect(entry).toMatchObject({ detail: { name: '最低生活保障金', department: '桑河县民政局' }, scope_code: SANGHE });
  });

  it('are shared by the accounts of one department and hidden from another department', async () => {
    const mzj = (await departmentOf(test.db, actors.mzj))!;
    expect((await departmentOf(test.db, actors.mzj2))!.id).toBe(mzj.id);
    const nyj = (await departmentOf(test.db, actors.nyj))!;
    expect(nyj.id).not.toBe(mzj.id);
    const [item] = await listItems(test.db, mzj.id);
    expect(await getOwnItem(test.db, actors.mzj2, item!.id)).toMatchObject({ name: '最低生活保障金' });
    expect(await getOwnItem(test.db, actors.nyj, item!.id)).toBeUndefined();
    expect(await listItems(test.db, nyj.id)).toEqual([]);
  });

  it('refuse what is missing or malformed, in Chinese, writing nothing', async () => {
    const before = await auditCount();
    const empty = await addItem(test.db, actors.nyj, { name: ' ', standardText: '', legalBasis: '' });
    expect(empty.ok).toBe(false);
    if (empty.ok) return;
    expect(empty.errors.name).toMatch(/请填写补贴项目名称/);
    expect(empty.errors.standardText).toMatch(/请写明补助标准/);
    expect(empty.errors.legalBasis).toMatch(/请写明政策依据/);
    const bad = await addItem(test.db, actors.nyj, { ...DIBAO, name: '耕地地力保护补贴', standardYuan: '12.345', catalogCode: 'ZZ-99' });
    expect(bad.ok === false && bad.errors).toMatchObject({ standardYuan: expect.stringMatching(/最多两位小数/), catalogCode: expect.stringMatching(/ZZ-99/) });
    const zero = await addItem(test.db, actors.nyj, { ...DIBAO, name: '耕地地力保护补贴', standardYuan: '0' });
    expect(zero.ok === false && zero.errors.standardYuan).toMatch(/大于0/);
    // One emoji is two UTF-16 units but one character to the database's length check (was a 500).
    const emoji = await addItem(test.db, actors.nyj, { ...DIBAO, name: '😀', legalBasis: '🏠🏠🏠' });
    expect(emoji.ok === false && emoji.errors).toMatchObject({ name: expect.stringMatching(/至少2个字/), legalBasis: expect.stringMatching(/请写明政策依据/) });
    expect(await auditCount()).toBe(before);
  });

  it('take a rule without a single figure, and no catalog item', async () => {
    const added = await addItem(test.db, actors.nyj, { name: '耕地地力保护补贴', standardText: '按第二轮土地承包面积，每亩每年105元', standardYuan: '', legalBasis: '《关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）', catalogCode: '' });
    expect(added.ok).toBe(true);
    const [item] = await listItems(test.db, (await departmentOf(test.db, actors.nyj))!.id);
    expect(item).toMatchObject({ standardFen: null, catalogCode: null, forbidsVehicle: false, forbidsBusiness: false });
  });

  it('have one name per department; another department may use the same name', async () => {
    const twice = await addItem(test.db, actors.mzj2, { ...DIBAO, name: ' 最低生活保障金 ' });
    expect(twice.ok === false && twice.errors.name).toBe('本部门已有同名的补贴项目');
    expect((await addItem(test.db, actors.nyj, DIBAO)).ok).toBe(true);
  });

  it('are changed and retired by their department, the audit entry listing what changed', async () => {
    const department = (await departmentOf(test.db, actors.mzj))!;
    const [item] = await listItems(test.db, department.id);
    const changed = await updateItem(test.db, actors.mzj2, item!.id, { ...DIBAO, standardYuan: '560', forbidsBusiness: '', active: 'no' });
    expect(changed.ok).toBe(true);
    const [after] = await test.db.select().from(subsidyItems).where(eq(subsidyItems.id, item!.id));
    expect(after).toMatchObject({ standardFen: 56_000, forbidsBusiness: false, active: false, updatedBy: actors.mzj2.id });
    const [entry] = await queryRows<{ detail: { changed: string[] } }>(test.db, sql`select detail from audit_events where action = 'livelihood.itemChanged' order by id desc limit 1`);
    expect(entry!.detail.changed.sort()).toEqual(['active', 'forbidsBusiness', 'standardFen']);
    const same = await updateItem(test.db, actors.mzj, item!.id, { ...DIBAO, standardYuan: '560', forbidsBusiness: '', active: 'no' });
    expect(same.ok === false && same.errors.form).toBe('没有改动');
  });

  it('of another department, or by anyone but a department, are refused, writing nothing', async () => {
    const department = (await departmentOf(test.db, actors.mzj))!;
    const [item] = await listItems(test.db, department.id);
    const before = await auditCount();
    const foreign = await updateItem(test.db, actors.nyj, item!.id, { ...DIBAO, name: '改名' });
    expect(foreign).toMatchObject({ ok: false, status: 404 });
    for (const who of [actors.admin, actors.county]) {
      expect(await addItem(test.db, who, { ...DIBAO, name: '高龄津贴' })).toMatchObject({ ok: false, status: 403 });
      expect(await updateItem(test.db, who, item!.id, { ...DIBAO, name: '改名' })).toMatchObject({ ok: false, status: 403 });
    }
    expect(await updateItem(test.db, actors.mzj, 'not-an-id', DIBAO)).toMatchObject({ ok: false, status: 404 });
    expect(await auditCount()).toBe(before);
    expect((await test.db.select().from(subsidyItems).where(and(eq(subsidyItems.departmentId, department.id), eq(subsidyItems.name, '高龄津贴')))).length).toBe(0);
  });

  it('refuse an account disabled a moment ago (the department is re-read inside the transaction)', async () => {
    const disabled = await disableUser(test.db, actors.county, { userId: actors.mzj2.id, reason: '经办人调离民政局' });
    expect(disabled.ok).toBe(true);
    expect(await addItem(test.db, actors.mzj2, { ...DIBAO, name: '高龄津贴' })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('department accounts', () => {
  it('are created by the county or city commission and administrators, at county level, naming the department', async () => {
    const township = await actor('sanghezhen.jw');
    const base = { displayName: '桑河县残联经办人', role: 'department' as const, scopeCode: SANGHE, department: '桑河县残疾人联合会', password: 'livelihood-test-password-2' };
    expect(await createUser(test.db, township, { ...base, username: 'sanghe.cl1' })).toMatchObject({ ok: false, status: 403 });
    const noName = await createUser(test.db, actors.county, { ...base, username: 'sanghe.cl2', department: '' });
    expect(noName.ok === false && noName.errors.department).toMatch(/请填写部门全称/);
    const emoji = await createUser(test.db, actors.county, { ...base, username: 'sanghe.cl2', department: '😀😀' });
    expect(emoji.ok === false && emoji.errors.department).toMatch(/请填写部门全称/);
    const village = await createUser(test.db, actors.county, { ...base, username: 'sanghe.cl3', scopeCode: '990121001201' });
    expect(village.ok === false && village.errors.scopeCode).toBe('县直部门账号的辖区应为县');
    const cadre = await createUser(test.db, actors.county, { ...base, username: 'sanghe.cl4', role: 'cadre', scopeCode: '990121001201' });
    expect(cadre.ok === false && cadre.errors.department).toMatch(/只有县直部门账号/);
    expect((await createUser(test.db, await actor('beiyuan.jw'), { ...base, username: 'sanghe.cl5' })).ok).toBe(true);
    expect((await createUser(test.db, actors.admin, { ...base, username: 'sanghe.cl6', department: '　桑河县残疾人联合会 ' })).ok).toBe(true);
    const [a, b] = await Promise.all([departmentOf(test.db, await actor('sanghe.cl5')), departmentOf(test.db, await actor('sanghe.cl6'))]);
    expect(a!.id).toBe(b!.id);
  });

  it('cannot exist without a department, nor can another role have one (database check)', async () => {
    const [row] = await test.db.select().from(users).where(eq(users.username, 'sanghe.cl5'));
    await expect(test.db.update(users).set({ departmentId: null }).where(eq(users.id, row!.id))).rejects.toThrow();
    await expect(test.db.update(users).set({ departmentId: row!.departmentId }).where(eq(users.username, 'qianying.kj'))).rejects.toThrow();
  });
});
