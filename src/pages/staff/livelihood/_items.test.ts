/**
 * /staff/livelihood through the page, in Chinese and English: a department adds an item with a
 * plain form (no JavaScript), a refused form comes back in Chinese with what was typed and an error
 * summary whose links land on fields of the page, an item is changed and retired through ?item=,
 * and another department's item is "not found".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { subsidyItems } from '../../../../db/schema/livelihood.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import { createUser } from '../../../lib/server/auth/users.ts';
import Items from './index.astro';
import StaffHome from '../index.astro';
import NewUser from '../users/new.astro';
import UserDetail from '../users/[id].astro';

let pages: StaffPageTester;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const GAOLING = {
  name: '高龄津贴',
  standardText: '80至89周岁每人每月50元，90至99周岁每人每月100元，100周岁以上每人每月300元',
  standardYuan: '300',
  legalBasis: '《桑河县高龄津贴发放管理办法》（桑政办发〔2024〕12号）',
  catalogCode: 'FW-13',
};

beforeAll(async () => {
  pages = await createStaffPageTester();
  const [county] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  const created = await createUser(pages.test.db, county!, { username: 'sanghe.rsj', displayName: '桑河县人社局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县人力资源和社会保障局', password: 'livelihood-page-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
});
afterAll(async () => pages?.test.dispose());

describe('the subsidy items page', () => {
  it('asks whether officials may receive an item (not, unless chosen) and lists the answer', async () => {
    const blank = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.rsj' });
    expect(blank.html).toContain('<option value="forbidden" selected>不得享受（与公职人员、村干部登记比对）</option>');
    const saved = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.rsj', body: form({ name: '耕地地力保护补贴', standardText: '按确权承包地面积每亩每年112.5元', legalBasis: '财农〔2016〕26号', officials: 'allowed' }) });
    expect(saved.status).toBe(303);
    const listed = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.rsj' });
    expect(listed.html).toContain('可以依法享受（不比对）');
    const refused = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.rsj', body: form({ name: '城乡居民养老保险补贴', standardText: '按缴费档次补贴', legalBasis: '国发〔2014〕8号', officials: 'maybe' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请选择公职人员、村干部能否享受该项补贴');
    expect(refused.html).toContain('城乡居民养老保险补贴');
  });

  it('greets a department with no items, an empty form and the catalog to link to; the staff home links it and not the ledgers', async () => {
    const { status, html } = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.mzj' });
    expect(status).toBe(200);
    expect(html).toContain('桑河县民政局的补贴项目');
    expect(html).toContain('本部门还没有补贴项目');
    expect(html).toContain('<option value="FW-13">FW-13 高龄津贴发放</option>');
    expect(html).toMatch(/<form method="post" action="\/staff\/livelihood" novalidate>/);
    const home = await pages.render(StaffHome, '/staff', { as: 'sanghe.mzj' });
    expect(home.html).toContain('href="/staff/livelihood"');
    expect(home.html).not.toContain('href="/staff/ledgers"');
    expect(home.html).not.toContain('href="/staff/complaints"');
  });

  it('sends a refused form back in Chinese, keeping what was typed, with summary links that land on the fields', async () => {
    const { status, html } = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.mzj', body: form({ ...GAOLING, name: '', standardYuan: '三百', catalogCode: 'FW-99', forbidsVehicle: 'on' }) });
    expect(status).toBe(400);
    expect(html).toContain('请填写补贴项目名称');
    expect(html).toContain('标准金额应为大于0、最多两位小数的金额');
    expect(html).toContain('事项目录中没有编码为 FW-99 的事项');
    expect(html).toContain('value="三百"');
    expect(html).toContain('80至89周岁每人每月50元');
    expect(html).toMatch(/name="forbidsVehicle" checked/);
    const { links, missing } = summaryTargets(html);
    expect(links.length).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
  });

  it('adds an item and lists it with its standard, basis, catalog item and exclusions', async () => {
    const added = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.mzj', body: form({ ...GAOLING, forbidsBusiness: 'on' }) });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/staff/livelihood?done=added');
    const { html } = await pages.render(Items, '/staff/livelihood?done=added', { as: 'sanghe.mzj' });
    expect(html).toContain('已添加补贴项目');
    expect(html).toContain('<h3>高龄津贴');
    expect(html).toContain('300.00');
    expect(html).toContain('FW-13 高龄津贴发放');
    const list = html.match(/<ul class="result-list livelihood-items"[\s\S]*?<\/ul>/)![0];
    expect(list).toContain('名下有登记的企业或个体工商户');
    expect(list).not.toContain('名下有机动车');
  });

  it('changes and retires an item through ?item=, the form filled with what is stored', async () => {
    const [item] = await pages.test.db.select().from(subsidyItems).where(eq(subsidyItems.name, '高龄津贴'));
    const url = `/staff/livelihood?item=${item!.id}`;
    const edit = await pages.render(Items, url, { as: 'sanghe.mzj' });
    expect(edit.html).toContain('修改：高龄津贴');
    expect(edit.html).toContain('value="300.00"');
    expect(edit.html).toMatch(/name="forbidsBusiness" checked/);
    const saved = await pages.render(Items, url, { as: 'sanghe.mzj', body: form({ ...GAOLING, standardYuan: '350', active: 'no' }) });
    expect(saved).toMatchObject({ status: 303, location: '/staff/livelihood?done=changed' });
    const [after] = await pages.test.db.select().from(subsidyItems).where(eq(subsidyItems.id, item!.id));
    expect(after).toMatchObject({ standardFen: 35_000, active: false, forbidsBusiness: false });
    const { html } = await pages.render(Items, '/staff/livelihood?done=changed', { as: 'sanghe.mzj' });
    expect(html).toContain('已停用');
  });

  it('answers "not found" for another department’s item, on GET and POST, changing nothing', async () => {
    const [item] = await pages.test.db.select().from(subsidyItems).where(eq(subsidyItems.name, '高龄津贴'));
    const url = `/staff/livelihood?item=${item!.id}`;
    expect((await pages.render(Items, url, { as: 'sanghe.rsj' })).status).toBe(404);
    expect((await pages.render(Items, url, { as: 'sanghe.rsj', body: form({ ...GAOLING, name: '改名' }) })).status).toBe(404);
    const list = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.rsj' });
    expect(list.html).toContain('桑河县人力资源和社会保障局的补贴项目');
    expect(list.html).not.toContain('<h3>高龄津贴');
    const [after] = await pages.test.db.select().from(subsidyItems).where(eq(subsidyItems.id, item!.id));
    expect(after!.name).toBe('高龄津贴');
  });

  it('reads in English', async () => {
    const { html } = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.mzj', language: 'en' });
    expect(html).toContain('Subsidy items of 桑河县民政局');
    expect(html).toContain('Who may not receive it');
  });
});

describe('department accounts through the account pages', () => {
  const account = { role: 'department', scopeCode: '990121000000', displayName: '桑河县医保局经办人', username: 'sanghe.ybj', password: 'livelihood-page-password-2' };

  it('are offered to the county commission, and refused without the department, keeping what was typed', async () => {
    const blank = await pages.render(NewUser, '/staff/users/new', { as: 'sanghe.jw' });
    expect(blank.html).toContain('<option value="department">县直部门（惠民惠农补贴）</option>');
    expect(blank.html).toContain('name="department"');
    const refused = await pages.render(NewUser, '/staff/users/new', { as: 'sanghe.jw', body: form({ ...account, department: '医保' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请填写部门全称（3至40个字）');
    expect(refused.html).toContain('value="sanghe.ybj"');
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const township = await pages.render(NewUser, '/staff/users/new', { as: 'sanghezhen.jw' });
    expect(township.html).not.toContain('<option value="department">');
  });

  it('are created naming their department, which the account page shows', async () => {
    const created = await pages.render(NewUser, '/staff/users/new', { as: 'sanghe.jw', body: form({ ...account, department: '桑河县医疗保障局' }) });
    expect(created.status).toBe(303);
    const id = created.location!.match(/\/staff\/users\/([0-9a-f-]{36})/)![1]!;
    const detail = await pages.render(UserDetail, `/staff/users/${id}`, { as: 'sanghe.jw', params: { id } });
    expect(detail.html).toContain('所属部门');
    expect(detail.html).toContain('桑河县医疗保障局');
    const page = await pages.render(Items, '/staff/livelihood', { as: 'sanghe.ybj' });
    expect(page.html).toContain('桑河县医疗保障局的补贴项目');
  });
});
