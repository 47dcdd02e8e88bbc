/**
 * /staff/livelihood/registries and /staff/livelihood/hits through the pages, without JavaScript, in
 * Chinese and English: the county commission uploads a registry as a plain multipart form; a file
 * with problems comes back 400 listing each problem by row and column without the cell, and
 * nothing is written; a workbook with a title row above its header imports and the page says how
 * many rows and what the rerun found; a department, a township, the city and the administrator get
 * 403 on the registries page and its POST, which writes nothing. The hits page shows the hit the
 * import raised with the masked name and the ID number's last four only, to the commission and to
 * the paying department (its own items); another department sees none of it, a township gets 403.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import { createUser } from '../../../lib/server/auth/users.ts';
import { queryRows } from '../../../lib/server/db.ts';
import { importBatch } from '../../../lib/server/livelihood/batches.ts';
import { checkCharacter } from '../../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../../lib/server/livelihood/items.ts';
import Registries from './registries/index.astro';
import Hits from './hits/index.astro';

let pages: StaffPageTester;
const QIANYING = '990121001201';
const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const SUN = { name: '孙德旺', idNumber: id('19361122', 73) };
const QIAN = { name: '钱玉珍', idNumber: id('19440918', 28) };
const BAD = SUN.idNumber.slice(0, 17) + (SUN.idNumber[17] === '1' ? '2' : '1');
const secrets = [SUN.name, SUN.idNumber, SUN.idNumber.slice(0, 14), QIAN.name, QIAN.idNumber, QIAN.idNumber.slice(0, 14), BAD];

function upload(kind: string, file: { bytes: Uint8Array; name: string; type: string } | null): FormData {
  const form = new FormData();
  form.set('action', 'import');
  form.set('kind', kind);
  if (file) form.set('file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
  return form;
}
const csv = (text: string) => ({ bytes: new TextEncoder().encode(text), name: '桑河县死亡登记.csv', type: 'text/csv' });
async function xlsx(rows: unknown[][], merge?: string) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  for (const row of rows) sheet.addRow(row);
  if (merge) sheet.mergeCells(merge);
  return { bytes: new Uint8Array(await book.xlsx.writeBuffer()), name: '死亡注销名单.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
}
async function written() {
  const [row] = await queryRows<{ imports: number; deaths: number; audits: number }>(
    pages.test.db,
    sql`select (select count(*)::int from registry_imports) as imports, (select count(*)::int from registry_deaths) as deaths,
               (select count(*)::int from audit_events where action = 'livelihood.registryImported') as audits`,
  );
  return row!;
}

beforeAll(async () => {
  pages = await createStaffPageTester();
  const [mzj] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.mzj'));
  const [county] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
  const created = await createUser(pages.test.db, county!, { username: 'sanghe.rsj', displayName: '桑河县人社局经办人', role: 'department', scopeCode: '990121000000', department: '桑河县人力资源和社会保障局', password: 'livelihood-page-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const item = await addItem(pages.test.db, mzj!, { name: '特困人员救助供养金', standardText: '基本生活标准每人每月780元', standardYuan: '780', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const rows = [SUN, QIAN].map((person) => ({ ...person, amount: '780', paidOn: '2026-11-10' }));
  const batch = await importBatch(pages.test.db, mzj!, { itemId: item.value.id, villageCode: QIANYING, period: '2026-11', sourceSha256: 'c'.repeat(64), rows });
  if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
});
afterAll(async () => pages?.test.dispose());

describe('the registries page', () => {
  it('is the county commission’s: everyone else gets 403 on the page and on its POST, which writes nothing', async () => {
    const page = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('桑河县比对用登记信息');
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain('href="/staff/livelihood/registries/template?kind=deaths&amp;format=xlsx"');
    const before = await written();
    const file = csv(`身份证号码,死亡日期\r\n${SUN.idNumber},2026-10-01\r\n`);
    for (const as of ['sanghe.mzj', 'sanghezhen.jw', 'beiyuan.jw', 'demo.admin', 'qianying.kj']) {
      expect((await pages.render(Registries, '/staff/livelihood/registries', { as })).status, as).toBe(403);
      expect((await pages.render(Registries, '/staff/livelihood/registries', { as, body: upload('deaths', file) })).status, as).toBe(403);
    }
    expect(await written()).toEqual(before);
  });

  it('sends a file with problems back with each problem by row and column, never the cell, and writes nothing', async () => {
    const before = await written();
    const bad = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload('deaths', csv(`身份证号码,姓名,死亡日期\r\n${BAD},${SUN.name},2026-10-01\r\n${QIAN.idNumber},${QIAN.name},2026-02-30\r\n`)) });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('有 2 处需要修改，整个文件未导入；改正后请重新上传');
    expect(bad.html).toContain('第2行“身份证号码”：身份证号码第18位校验码不对，请核对');
    expect(bad.html).toContain('第3行“死亡日期”：死亡日期应写成 2026-11-10 这样的格式，并且是真实的日期');
    for (const secret of secrets) expect(bad.html).not.toContain(secret);
    expect(bad.html).toMatch(/<option value="deaths" selected/);
    expect(summaryTargets(bad.html).missing).toEqual([]);
    const header = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload('deaths', csv(`身份证号码,户籍地址\r\n${SUN.idNumber},前营村二组\r\n`)) });
    expect(header.status).toBe(400);
    expect(header.html).toContain('文件有 2 处问题，整个文件未导入');
    expect(header.html).toContain('第1行B列的表头不是模板中的列');
    expect(header.html).toContain('第1行表头缺少“死亡日期”列');
    expect(header.html).not.toContain('前营村二组');
    const none = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload('deaths', null) });
    expect(none.status).toBe(400);
    expect(none.html).toContain('请选择要导入的登记信息文件（CSV 或 Excel）');
    const kindless = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload('', csv('身份证号码,死亡日期\r\n')) });
    expect(kindless.html).toContain('请选择登记信息的种类');
    expect(await written()).toEqual(before);
  });

  it('imports a workbook with a title row above its header, says how many rows and what the rerun found, and lists the import', async () => {
    const before = await written();
    const file = await xlsx([['桑河县公安局户籍死亡注销人员名单（2026年11月）'], ['序号', '公民身份号码', '姓名', '死亡时间'], [1, SUN.idNumber, SUN.name, new Date(Date.UTC(2026, 9, 1))], [2, QIAN.idNumber, QIAN.name, '2026-11-20']], 'A1:D1');
    const done = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: upload('deaths', file) });
    expect(done.status).toBe(303);
    expect(done.location).toMatch(/^\/staff\/livelihood\/registries\?done=deaths&rows=2&holding=\d+&added=1&cleared=\d+$/);
    expect(await written()).toEqual({ imports: before.imports + 1, deaths: expect.any(Number), audits: before.audits + 1 });
    const shown = await pages.render(Registries, done.location!, { as: 'sanghe.jw' });
    expect(shown.html).toContain('死亡登记：已导入2条，替换了原有的同类登记。');
    expect(shown.html).toMatch(/重新比对完成：现有线索\d+条，其中新发现1条/);
    expect(shown.html).toContain('<td>2</td><td>桑河县纪委监委（演示）</td><td>使用中</td>');
    expect(shown.html).toContain('已被替换');
    for (const secret of secrets) expect(shown.html).not.toContain(secret);
    const english = await pages.render(Registries, done.location!, { as: 'sanghe.jw', language: 'en' });
    expect(english.html).toContain('Registries of 桑河县 for the cross-checks');
    expect(english.html).toContain('2 rows imported, replacing the earlier rows of this kind.');
  });

  it('reruns the county’s checks from its button', async () => {
    const rerun = await pages.render(Registries, '/staff/livelihood/registries', { as: 'sanghe.jw', body: new URLSearchParams({ action: 'rerun' }) });
    expect(rerun.status).toBe(303);
    expect(rerun.location).toMatch(/^\/staff\/livelihood\/registries\?holding=\d+&added=0&cleared=0$/);
  });
});

describe('the hits page', () => {
  it('shows the commission the hit with the masked name and the last four only, in Chinese and English', async () => {
    const page = await pages.render(Hits, '/staff/livelihood/hits?rule=deceased', { as: 'sanghe.jw' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('桑河县惠民惠农补贴比对线索');
    expect(page.html).toContain('<th scope="row">领取人登记死亡后仍发放</th>');
    expect(page.html).toContain('孙*旺');
    expect(page.html).toContain(`…${SUN.idNumber.slice(-4)}`);
    expect(page.html).toContain('特困人员救助供养金');
    expect(page.html).not.toContain('钱*珍'); // died after the payment: no hit
    for (const secret of secrets) expect(page.html).not.toContain(secret);
    const english = await pages.render(Hits, '/staff/livelihood/hits?rule=deceased', { as: 'sanghe.jw', language: 'en' });
    expect(english.html).toContain('Subsidy cross-check hits in 桑河县');
    expect(english.html).toContain('孙*旺');
  });

  it('shows the paying department its own items’ hit, another department none of it, and refuses a township and the administrator', async () => {
    const own = await pages.render(Hits, '/staff/livelihood/hits', { as: 'sanghe.mzj' });
    expect(own.status).toBe(200);
    expect(own.html).toContain('本部门补贴的比对线索');
    expect(own.html).toContain('孙*旺');
    const other = await pages.render(Hits, '/staff/livelihood/hits', { as: 'sanghe.rsj' });
    expect(other.status).toBe(200);
    expect(other.html).toContain('没有比对线索。');
    expect(other.html).not.toContain('孙*旺');
    for (const as of ['sanghezhen.jw', 'demo.admin', 'qianying.kj']) expect((await pages.render(Hits, '/staff/livelihood/hits', { as })).status, as).toBe(403);
  });
});
