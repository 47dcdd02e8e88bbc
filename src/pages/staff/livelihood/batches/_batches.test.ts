/**
 * /staff/livelihood/batches and /staff/livelihood/batches/<id> through the page, in Chinese and
 * English: a department uploads a recipient list as a plain multipart form (no JavaScript); a file
 * with problems imports nothing and lists each row's problem without the name, ID number or
 * account, keeping the item, village and period; a good file imports and the batch is published
 * and withdrawn on its own page; another department gets "not found". The template downloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../../db/schema/auth.ts';
import { paymentBatches } from '../../../../../db/schema/livelihood.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../../tests/support/error-summary.ts';
import { createUser } from '../../../../lib/server/auth/users.ts';
import { checkCharacter } from '../../../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../../../lib/server/livelihood/items.ts';
import Batches from './index.astro';
import Batch from './[id].astro';

let pages: StaffPageTester;
let itemId = '';
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const WANG = id('19560312', 24);
const LI = id('19630705', 11);
const ACCOUNT = '6217000010001234567';
const BAD_ID = WANG.slice(0, 17) + (WANG[17] === '1' ? '2' : '1');

function upload(fields: Record<string, string>, csv: string | null): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (csv !== null) form.set('file', new File([new TextEncoder().encode(csv)], '前营村低保名单.csv', { type: 'text/csv' }));
  return form;
}

beforeAll(async () => {
  pages = await createStaffPageTester();
  const [mzj] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
  const [county] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  const created = await createUser(pages.test.db, county!, { username: 'sanghe.rsj', displayName: '桑河县人社局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县人力资源和社会保障局', password: 'livelihood-page-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const item = await addItem(pages.test.db, mzj!, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', standardYuan: '520', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  itemId = item.value.id;
});
afterAll(async () => pages?.test.dispose());

describe('the payment batches page', () => {
  it('offers the department’s items, its county’s villages, the period, the file and the templates', async () => {
    const { status, html } = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj' });
    expect(status).toBe(200);
    expect(html).toContain('桑河县民政局的发放批次');
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain(`<option value="${itemId}">最低生活保障金</option>`);
    expect(html).toContain('<option value="990121001201">桑河镇 前营村</option>');
    expect(html).not.toContain('990122001201');
    expect(html).toContain('href="/staff/livelihood/template?format=xlsx"');
    expect(html).toContain('还没有导入发放批次');
  });

  it('sends a file with problems back: nothing imported, each row’s problem listed without the cell, the choices kept', async () => {
    const csv = `姓名,身份证号码,金额（元）,发放日期,银行账号\n王秀兰,${BAD_ID},520,2026-11-10,${ACCOUNT}\n李建国,${LI},五百,2026-11-10,\n`;
    const { status, html } = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ itemId, villageCode: '990121001201', period: '2026-11' }, csv) });
    expect(status).toBe(400);
    expect(html).toContain('有 2 处需要修改，整批未导入');
    expect(html).toContain('第2行“身份证号码”：身份证号码第18位校验码不对，请核对');
    expect(html).toContain('第3行“金额（元）”：发放金额应为大于0');
    for (const secret of ['王秀兰', '李建国', BAD_ID, LI, ACCOUNT]) expect(html).not.toContain(secret);
    expect(html).toContain(`<option value="${itemId}" selected>`);
    expect(html).toContain('<option value="990121001201" selected>');
    expect(html).toContain('value="2026-11"');
    expect(summaryTargets(html).missing).toEqual([]);
    expect(await pages.test.db.select().from(paymentBatches).where(eq(paymentBatches.itemId, itemId))).toEqual([]);
  });

  it('asks for a file, a period and a village of its county, in Chinese', async () => {
    const none = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ itemId, villageCode: '990121001201', period: '2026-11' }, null) });
    expect(none.status).toBe(400);
    expect(none.html).toContain('请选择要导入的发放名单文件');
    const csv = `姓名,身份证号码,金额（元）,发放日期\n王秀兰,${WANG},520,2026-11-10\n`;
    const wrong = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ itemId, villageCode: '990122001201', period: '十一月' }, csv) });
    expect(wrong.html).toContain('请填写发放期间');
    expect(wrong.html).toContain('value="十一月"');
    const other = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ itemId, villageCode: '990122001201', period: '2026-11' }, csv) });
    expect(other.html).toContain('该村不在本县，请选择本县的村');
    expect(summaryTargets(other.html).missing).toEqual([]);
  });

  it('imports a good file, shows the batch masked, publishes it and withdraws it with a reason', async () => {
    const csv = `户主姓名,公民身份号码,发放金额,发放日期,银行卡号\n王秀兰,${WANG},520,2026-11-10,${ACCOUNT}\n李建国,${LI},480.50,2026-11-10,\n`;
    const done = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', body: upload({ itemId, villageCode: '990121001201', period: '2026-11' }, csv) });
    expect(done.status).toBe(303);
    const batchId = done.location!.match(/batches\/([0-9a-f-]{36})\?done=imported/)![1]!;
    const url = `/staff/livelihood/batches/${batchId}`;
    const shown = await pages.render(Batch, `${url}?done=imported`, { as: 'sanghe.mzj', params: { id: batchId } });
    expect(shown.html).toContain('已导入 2 人');
    expect(shown.html).toContain('王*兰');
    expect(shown.html).toContain(`…${WANG.slice(-4)}`);
    expect(shown.html).toContain('1,000.50');
    for (const secret of ['王秀兰', WANG, ACCOUNT]) expect(shown.html).not.toContain(secret);
    expect((await pages.render(Batch, url, { as: 'sanghe.rsj', params: { id: batchId } })).status).toBe(404);
    expect((await pages.render(Batch, url, { as: 'sanghe.rsj', params: { id: batchId }, body: new URLSearchParams({ action: 'publish' }) })).status).toBe(404);
    const published = await pages.render(Batch, url, { as: 'sanghe.mzj', params: { id: batchId }, body: new URLSearchParams({ action: 'publish' }) });
    expect(published).toMatchObject({ status: 303, location: `${url}?done=published` });
    const refused = await pages.render(Batch, url, { as: 'sanghe.mzj', params: { id: batchId }, body: new URLSearchParams({ action: 'withdraw', reason: '错' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请写明撤回的原因');
    expect(refused.html).toContain('>错</textarea>');
    const withdrawn = await pages.render(Batch, url, { as: 'sanghe.mzj', params: { id: batchId }, body: new URLSearchParams({ action: 'withdraw', reason: '名单有误，更正后重新导入' }) });
    expect(withdrawn).toMatchObject({ status: 303, location: `${url}?done=withdrawn` });
    const list = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj' });
    expect(list.html).toContain('最低生活保障金 · 前营村 · 2026-11');
    expect(list.html).toContain('已撤回');
    expect((await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.rsj' })).html).not.toContain('前营村 · 2026-11');
  });

  it('reads in English', async () => {
    const { html } = await pages.render(Batches, '/staff/livelihood/batches', { as: 'sanghe.mzj', language: 'en' });
    expect(html).toContain('Payment batches of 桑河县民政局');
    expect(html).toContain('Import a recipient list');
  });
});
