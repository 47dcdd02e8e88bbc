/**
 * A voucher scan goes with an entry from every place an entry is written — the add form, the edit
 * page and the inline editor — saved with the entry or refused with it; and the workspace reads in
 * date order, keeping the add form open for the next entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { fundEntries } from '../../../../../db/schema/accounts.ts';
import { attachments } from '../../../../../db/schema/attachments.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../../tests/support/pages.ts';
import { addFundEntry, getLines, openDraft } from '../../../../lib/server/accounts/disclosures.ts';
import LedgerWorkspace from './index.astro';
import EntryPage from './entries/[line].astro';
import EntryPartial from '../../../partials/staff/ledgers/[id]/entries/[line].astro';

const QIANYING = '990121001201'; // 前营村: its cadre is qianying.kj
let pages: StaffPageTester;
let draftId = 0;
let photo: Uint8Array<ArrayBuffer>;

const ENTRY = { entryDate: '2024-11-20', direction: 'expense', amount: '1260.00', subject: '管理费用', summary: '购买村委会打印纸和墨盒', counterparty: '桑河县文化用品店', method: 'transfer', voucherNo: '记-2024Q4-031' };

function multipart(fields: Record<string, string>, file?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  if (file) form.set('voucher', new File([file.bytes], file.name, { type: file.type }));
  return form;
}

/** The page as 前营村's cadre sees it; with a form, posted. */
const render = (page: Parameters<StaffPageTester['render']>[0], url: string, params: Record<string, string>, body?: FormData) =>
  pages.render(page, url, { as: 'qianying.kj', params, body, partial: page === EntryPartial });

const scansOf = async (lineNo: number) => {
  const [entry] = await pages.test.db.select({ id: fundEntries.id }).from(fundEntries).where(and(eq(fundEntries.disclosureId, draftId), eq(fundEntries.lineNo, lineNo)));
  const [row] = await pages.test.db.select({ n: count() }).from(attachments).where(eq(attachments.fundEntryId, entry!.id));
  return row!.n;
};

beforeAll(async () => {
  pages = await createStaffPageTester();
  const opened = await openDraft(pages.test.db, null, QIANYING, '2024-Q4');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  draftId = opened.value.id;
  photo = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#eee' } }).jpeg().toBuffer());
});
afterAll(async () => pages?.test.dispose());
describe('a voucher scan with the entry', () => {
  it('the add form saves the entry and its scan together, then opens again dated like that entry', async () => {
    const saved = await render(LedgerWorkspace, `/staff/ledgers/${draftId}`, { id: String(draftId) }, multipart({ action: 'add-entry', ...ENTRY }, { bytes: photo, name: '发票.jpg', type: 'image/jpeg' }));
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/staff/ledgers/${draftId}?done=add-entry#add-entry`);
    const { funds } = await getLines(pages.test.db, draftId);
    const added = funds.find((entry) => entry.summary === ENTRY.summary)!;
    expect(await scansOf(added.lineNo)).toBe(1);

    const page = await render(LedgerWorkspace, `/staff/ledgers/${draftId}?done=add-entry`, { id: String(draftId) });
    expect(page.html).toMatch(/<details id="add-entry" open/);
    expect(page.html).toMatch(/id="field-entryDate"[^>]*value="2024-11-20"|value="2024-11-20"[^>]*id="field-entryDate"/);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain(`/staff/ledgers/${draftId}/vouchers/`); // the scan's link in the entry's row
  });

  it('a file that is not a voucher refuses the whole entry, keeps what was typed and links to the file field', async () => {
    const before = (await getLines(pages.test.db, draftId)).funds.length;
    const refused = await render(
      LedgerWorkspace,
      `/staff/ledgers/${draftId}`,
      { id: String(draftId) },
      multipart({ action: 'add-entry', ...ENTRY, summary: '支付村道保洁员十一月工资' }, { bytes: new TextEncoder().encode('not a picture'), name: '工资表.txt', type: 'text/plain' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('文件“工资表.txt”');
    expect(refused.html).toContain('href="#field-voucher"');
    expect(refused.html).toContain('id="field-voucher"');
    expect(refused.html).toContain('value="支付村道保洁员十一月工资"');
    expect((await getLines(pages.test.db, draftId)).funds.length).toBe(before);
  });

  it('the edit page saves the fields with a scan; at the limit the field is gone and a forged upload saves nothing', async () => {
    const added = await addFundEntry(pages.test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-10-08', direction: 'income', amountFen: 300_000, subject: '其他收入', summary: '收回村民借用水泵押金', counterparty: '前营村村民', method: 'cash' } });
    if (!added.ok) throw new Error('entry failed');
    const { lineNo } = added.value;
    const url = `/staff/ledgers/${draftId}/entries/${lineNo}`;
    const params = { id: String(draftId), line: String(lineNo) };
    const fields = { entryDate: '2024-10-08', direction: 'income', amount: '3000', subject: '其他收入', summary: '收回村民借用水泵押金', counterparty: '前营村村民', method: 'cash' };
    for (let n = 1; n <= 5; n++) {
      const saved = await render(EntryPage, url, params, multipart(fields, { bytes: photo, name: `收据${n}.jpg`, type: 'image/jpeg' }));
      expect(saved.status).toBe(303);
    }
    expect(await scansOf(lineNo)).toBe(5);
    const full = await render(EntryPage, url, params);
    expect(full.html).not.toContain('id="field-voucher"');
    const forged = await render(EntryPage, url, params, multipart({ ...fields, summary: '改过的摘要' }, { bytes: photo, name: '第六张.jpg', type: 'image/jpeg' }));
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('每笔分录最多上传5个凭证文件');
    const stored = (await getLines(pages.test.db, draftId)).funds.find((entry) => entry.lineNo === lineNo)!;
    expect(stored.summary).toBe('收回村民借用水泵押金'); // the fields were not saved without the scan either
    expect(await scansOf(lineNo)).toBe(5);
  });

  it('the inline editor takes a scan too and answers with the row, its scan linked', async () => {
    const added = await addFundEntry(pages.test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-12-02', direction: 'expense', amountFen: 45_000, subject: '管理费用', summary: '村委会冬季取暖煤', counterparty: '桑河县煤炭经销部', method: 'transfer' } });
    if (!added.ok) throw new Error('entry failed');
    const { lineNo } = added.value;
    const form = await render(EntryPartial, `/partials/staff/ledgers/${draftId}/entries/${lineNo}`, { id: String(draftId), line: String(lineNo) });
    expect(form.html).toContain('enctype="multipart/form-data"');
    expect(form.html).toContain(`id="line${lineNo}-field-voucher"`);
    const saved = await render(
      EntryPartial,
      `/partials/staff/ledgers/${draftId}/entries/${lineNo}`,
      { id: String(draftId), line: String(lineNo) },
      multipart({ entryDate: '2024-12-02', direction: 'expense', amount: '450', subject: '管理费用', summary: '村委会冬季取暖煤', counterparty: '桑河县煤炭经销部', method: 'transfer' }, { bytes: photo, name: '煤款收据.jpg', type: 'image/jpeg' }),
    );
    expect(saved.status).toBe(200);
    expect(saved.html).toContain(`<tr id="line-${lineNo}"`);
    expect(saved.html).toMatch(/class="voucher-link" href="\/staff\/ledgers\/\d+\/vouchers\/[0-9a-f-]{36}">凭证1<\/a>/);
    expect(await scansOf(lineNo)).toBe(1);
  });
});

describe('the workspace’s funds table', () => {
  it('lists the entries by date, whatever order they were entered in', async () => {
    const page = await render(LedgerWorkspace, `/staff/ledgers/${draftId}`, { id: String(draftId) });
    const tbody = page.html.slice(page.html.indexOf('<tbody>'), page.html.indexOf('</tbody>'));
    const dates = [...tbody.matchAll(/<td data-label="日期" class="short">(\d{4}-\d{2}-\d{2})<\/td>/g)].map((match) => match[1]);
    expect(dates).toEqual(['2024-10-08', '2024-11-20', '2024-12-02']);
    expect(dates).toEqual([...dates].sort());
    expect(page.html).toContain('class="ledger stacked workspace"');
  });
});
