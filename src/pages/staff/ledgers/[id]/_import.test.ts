/**
 * The funds import through the workspace page, as a browser without JavaScript does it: one POST
 * uploads the file and shows the preview (nothing written), a second POST confirms it. Refusals
 * come back in Chinese with the chosen mode kept and an error summary whose links land on fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { users } from '../../../../../db/schema/auth.ts';
import { summaryTargets } from '../../../../../tests/support/error-summary.ts';
import { csv, HEADER, importRowCounts, line, xlsx } from '../../../../../tests/support/ledger-import.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../../tests/support/pages.ts';
import type { TestDatabase } from '../../../../../tests/support/test-db.ts';
import LedgerWorkspace from './index.astro';
import { GET as templateRoute } from '../template.ts';
import { addFundEntry, getLines, openDraft } from '../../../../lib/server/accounts/disclosures.ts';
import { addVoucher } from '../../../../lib/server/accounts/vouchers.ts';
import { FUND_COLUMNS } from '../../../../lib/server/accounts/import/index.ts';

const QIANYING = '990121001201'; // 前营村
const CADRE = 'qianying.kj';
let pages: StaffPageTester;
let test: TestDatabase;

async function render(id: number, url: string, body?: FormData, language: 'zh-CN' | 'en' = 'zh-CN') {
  const response = await pages.render(LedgerWorkspace, url, { as: CADRE, params: { id: String(id) }, language, ...(body ? { body } : {}) });
  return { ...response, text: response.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
}

const post = (id: number, fields: Record<string, string | File>) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return render(id, `/staff/ledgers/${id}`, body);
};
const get = (location: string, id: number) => render(id, location);

const upload = (bytes: Uint8Array, name = '前营村2024年第四季度收支明细.csv') => new File([new Uint8Array(bytes)], name, { type: 'text/csv' });

/** The preview form's hidden fields, as the browser posts them back. */
function confirmation(html: string): Record<string, string> {
  const form = html.match(/<form[^>]*>(?:(?!<\/form>)[\s\S])*value="import-confirm"[\s\S]*?<\/form>/)?.[0] ?? '';
  const fields = Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
  expect(Object.keys(fields).sort()).toEqual(['action', 'draftState', 'fileSha256', 'mode', 'token']);
  return fields;
}

function expectSummaryLinksLand(html: string) {
  const { links, missing } = summaryTargets(html);
  expect(links.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
  return links;
}

const FILE = csv(
  '前营村2024年第四季度收支明细,,,,,,,,',
  HEADER.replace('收支', '收支类型').replace('对方单位或个人', '往来单位').replace('结算方式', '支付方式').replace('决议文号', '决议编号'),
  line({ 日期: '2024-10-08', 凭证号: '记-2024Q4-001', 摘要: '收取村北机动地承包费' }),
  line({ 日期: '2024-11-12', 收支: '支出', '金额（元）': '2350.50', 会计科目: '管理费用', 摘要: '村委会办公用品及打印耗材', 对方单位或个人: '桑河镇文化用品店', 凭证号: '记-2024Q4-002', 结算方式: '现金' }),
  line({ 日期: '2024-12-20', 收支: '支出', '金额（元）': '800', 会计科目: '公益支出', 摘要: '重阳节慰问五保户', 对方单位或个人: '五保户张玉兰等4户', 凭证号: '记-2024Q4-003', 结算方式: '现金' }),
  '合计,,"15,150.50",,,,,,',
);

let draftId = 0;

beforeAll(async () => {
  pages = await createStaffPageTester();
  test = pages.test;
  const opened = await openDraft(test.db, null, QIANYING, '2024-Q4');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  draftId = opened.value.id;
  for (const [index, voucherNo] of ['记-2024Q4-001', '记-2024Q4-050'].entries()) {
    const added = await addFundEntry(test.db, null, {
      disclosureId: draftId,
      entry: { entryDate: `2024-10-0${index + 3}`, direction: 'expense', amountFen: 90_000, subject: '管理费用', summary: `村委会电费（第${index + 1}笔）`, counterparty: '国网桑河县供电公司', voucherNo, method: 'transfer' },
    });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
  }
  const photo = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#eee' } }).jpeg().toBuffer());
  const [cadre] = await test.db.select().from(users).where(eq(users.username, CADRE));
  for (const lineNo of [1, 2]) expect((await addVoucher(test.db, cadre!, draftId, lineNo, photo)).ok).toBe(true);
});
afterAll(async () => test?.dispose());

describe('importing through the workspace page, without JavaScript', () => {
  it('替换: the preview says what is deleted and what becomes of each voucher; the confirmation writes it', async () => {
    const before = await importRowCounts(test.db, { stash: false });
    const previewed = await post(draftId, { action: 'import', mode: 'replace', file: upload(FILE) });
    expect(previewed.status).toBe(200);
    expect(await importRowCounts(test.db, { stash: false })).toEqual(before);
    expect(previewed.text).toContain('导入预览（尚未写入）');
    expect(previewed.text).toContain('导入方式：替换');
    expect(previewed.text).toContain('将导入3笔收支');
    expect(previewed.text).toContain('将删除本期已有的2笔收支');
    expect(previewed.text).toContain('被删除的明细共有2个凭证：1个按相同的凭证号转到导入的明细上，1个将随明细一并删除');
    expect(previewed.text).toMatch(/凭证1（JPEG，\d+ KB）转到导入文件第3行/);
    expect(previewed.text).toMatch(/凭证1（JPEG，\d+ KB）将被删除/);
    // The title row and the 合计 row are skipped, each with a notice; the synonyms were read.
    expect(previewed.text).toContain('第1行“前营村2024年第四季度收支明细”在表头（第2行）上方，是标题或说明行，已跳过');
    expect(previewed.text).toContain('第6行是“合计”行，不是一笔收支，已跳过');
    // Totals before (two payments of 900) and after (the file).
    expect(previewed.text).toMatch(/本期支出 1,800\.00 3,150\.50/);
    expect(previewed.text).toContain('确认替换：删除2笔和1个凭证，导入3笔');
    const ids = [...previewed.html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);

    const confirmed = await post(draftId, confirmation(previewed.html));
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe(`/staff/ledgers/${draftId}?imported=3&notices=2&removed=2&vouchers=1`);
    const after = await get(confirmed.location!, draftId);
    expect(after.text).toContain('已导入3笔收支，替换了本期原有的2笔（随原明细删除的凭证1个）。');
    const { funds } = await getLines(test.db, draftId);
    expect(funds.map((entry) => [entry.lineNo, entry.voucherNo, Number(entry.amountFen)])).toEqual([
      [1, '记-2024Q4-001', 1_200_000],
      [2, '记-2024Q4-002', 235_050],
      [3, '记-2024Q4-003', 80_000],
    ]);
  });

  it('追加 after an edit of the draft: the confirmation is refused (409) with the new preview, which then confirms', async () => {
    const file = csv(HEADER, line({ 日期: '2024-12-28', 凭证号: '记-2024Q4-010', 摘要: '收取鱼塘承包费', 对方单位或个人: '李二柱' }));
    const previewed = await post(draftId, { action: 'import', mode: 'add', file: upload(file) });
    expect(previewed.status).toBe(200);
    expect(previewed.text).toContain('确认追加1笔');
    const shown = confirmation(previewed.html);
    // Someone edits the draft between the preview and the confirmation.
    const added = await addFundEntry(test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-12-01', direction: 'expense', amountFen: 5_000, subject: '管理费用', summary: '邮寄费', counterparty: '桑河镇邮政所', method: 'cash' } });
    expect(added.ok).toBe(true);
    const counts = await importRowCounts(test.db, { stash: false });
    const stale = await post(draftId, shown);
    expect(stale.status).toBe(409);
    expect(await importRowCounts(test.db, { stash: false })).toEqual(counts);
    expect(stale.text).toContain('预览之后本期草稿有了改动，没有导入。下面是按草稿现状重新生成的预览');
    const fresh = confirmation(stale.html);
    expect(fresh.token).not.toBe(shown.token);
    expect(fresh.draftState).not.toBe(shown.draftState);
    const confirmed = await post(draftId, fresh);
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe(`/staff/ledgers/${draftId}?imported=1&notices=0`);
    expect((await getLines(test.db, draftId)).funds.map((entry) => entry.voucherNo)).toEqual(['记-2024Q4-001', '记-2024Q4-002', '记-2024Q4-003', null, '记-2024Q4-010']);
  });

  it('a confirmation for another file is refused in Chinese, writing nothing, with the form open and the mode kept', async () => {
    const previewed = await post(draftId, { action: 'import', mode: 'add', file: upload(csv(HEADER, line({ 日期: '2024-12-29', 凭证号: '记-2024Q4-020', 对方单位或个人: '王五' }))) });
    const shown = confirmation(previewed.html);
    const counts = await importRowCounts(test.db);
    const refused = await post(draftId, { ...shown, fileSha256: 'a'.repeat(64) });
    expect(refused.status).toBe(400);
    expect(await importRowCounts(test.db)).toEqual(counts);
    expect(refused.text).toContain('确认的不是预览过的文件，没有导入');
    expect(expectSummaryLinksLand(refused.html)).toEqual(['field-file']);
    expect(refused.html).toMatch(/<details open[^>]*id="import"/);
    expect(refused.html).toMatch(/<input type="radio" name="mode" value="add" checked/);
  });

  it('a file with problems: one line per row, in Chinese, the chosen mode kept, and nothing written', async () => {
    const counts = await importRowCounts(test.db);
    const file = await xlsx([
      [...FUND_COLUMNS],
      ['2024-09-30', '收', '一百元', '经营收入', '承包费', '张三', '记-9', '转账', null],
      ['2024-11-03', '收入', 100, '经营收入', '承包费', '李四', '记-10', '支付宝', null],
    ]);
    const refused = await post(draftId, { action: 'import', mode: 'replace', file: new File([new Uint8Array(file)], '明细.xlsx') });
    expect(refused.status).toBe(400);
    expect(await importRowCounts(test.db)).toEqual(counts);
    expect(expectSummaryLinksLand(refused.html)).toEqual(['field-file']);
    expect(refused.text).toContain('文件未导入，共发现2处问题');
    const problems = [...refused.html.matchAll(/<li>(第\d+行[^<]*)<\/li>/g)].map((match) => match[1]!);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^第2行有3处问题：“日期”：2024-09-30不在本期（2024-10-01 至 2024-12-31）之内.*；“收支”：.*；“金额（元）”：/);
    expect(problems[1]).toMatch(/^第3行“结算方式”：/);
    expect(refused.html).toMatch(/<input type="radio" name="mode" value="replace" checked/);
  });

  it('no file and no mode: both are said, and each link lands on its field', async () => {
    const refused = await post(draftId, { action: 'import' });
    expect(refused.status).toBe(400);
    expect(expectSummaryLinksLand(refused.html).sort()).toEqual(['field-file', 'field-mode']);
    expect(refused.text).toContain('请选择要导入的文件');
    expect(refused.text).toContain('请选择导入方式：追加或替换');
  });

  it('a sample row of the template left in the file is skipped with a notice on the preview', async () => {
    const [cadre] = await test.db.select().from(users).where(eq(users.username, CADRE));
    const response = await templateRoute({
      url: new URL('http://localhost/staff/ledgers/template?format=csv&period=2024-Q4'),
      request: new Request('http://localhost/staff/ledgers/template?format=csv&period=2024-Q4'),
      locals: { user: { ...cadre!, mustChangePassword: false } },
    } as never);
    expect(response.headers.get('Content-Disposition')).toContain('zijin-mingxi-moban-2024-Q4.csv');
    const template = await response.text();
    const withReal = `${template}${line({ 日期: '2024-12-30', 凭证号: '记-2024Q4-030', 对方单位或个人: '赵六' })},\r\n`;
    const previewed = await post(draftId, { action: 'import', mode: 'add', file: upload(new TextEncoder().encode(withReal)) });
    expect(previewed.status).toBe(200);
    expect(previewed.text).toContain('将导入1笔收支');
    expect(previewed.text).toContain('第2行是模板的示例行（“示例”列写有“示例”），已跳过');
    expect(previewed.text).toContain('第3行是模板的示例行');
  });

  it('the preview in English: the page’s words translated, the file’s notices in Chinese as the file is', async () => {
    const body = new FormData();
    body.set('action', 'import');
    body.set('mode', 'add');
    body.set('file', upload(csv('前营村2024年第四季度收支明细', HEADER, line({ 日期: '2024-12-30', 凭证号: '记-2024Q4-040', 对方单位或个人: '钱七' }))));
    const previewed = await render(draftId, `/staff/ledgers/${draftId}`, body, 'en');
    expect(previewed.status).toBe(200);
    expect(previewed.text).toContain('Import preview (nothing written yet)');
    expect(previewed.text).toContain('1 entries will be imported');
    expect(previewed.text).toContain('mode: add');
    expect(previewed.text).toContain('Add 1 entries');
    expect(previewed.text).toContain('是标题或说明行，已跳过');
  });
});
