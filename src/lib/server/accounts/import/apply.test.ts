import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { attachments } from '../../../../../db/schema/attachments.ts';
import { auditEvents } from '../../../../../db/schema/audit.ts';
import { users } from '../../../../../db/schema/auth.ts';
import { createTestDatabase, type TestDatabase } from '../../../../../tests/support/test-db.ts';
import { csv, HEADER, importRowCounts, line } from '../../../../../tests/support/ledger-import.ts';
import { signOff } from '../../../../../tests/support/ledgers.ts';
import { raceBehindLock } from '../../../../../tests/support/race.ts';
import { disclosures } from '../../../../../db/schema/accounts.ts';
import type { Actor } from '../../result.ts';
import { addFundEntry, getLines, openDraft, updateFundEntry } from '../disclosures.ts';
import { addVoucher } from '../vouchers.ts';
import { confirmImport, previewImport, STALE_MESSAGE, sweepImportPreviews, type ImportPreview } from './apply.ts';

const QIANYING = '990121001201'; // 前营村; this file's own database, so its 2024 periods are free
let test: TestDatabase;
let cadre: Actor;
let photo: Uint8Array;

/** The 2024 quarter's file of the village's accounting software: three rows, one 凭证号 shared with the draft. */
const FILE = csv(
  HEADER,
  line({ 日期: '2024-04-08', 收支: '收入', '金额（元）': '18600.00', 会计科目: '经营收入', 摘要: '收取村北机动地承包费', 对方单位或个人: '王建军（承包户）', 凭证号: '记-2024Q2-001', 结算方式: '转账' }),
  line({ 日期: '2024-05-12', 收支: '支出', '金额（元）': '2350.50', 会计科目: '管理费用', 摘要: '村委会办公用品及打印耗材', 对方单位或个人: '桑河镇文化用品店', 凭证号: '记-2024Q2-002', 结算方式: '现金' }),
  line({ 日期: '2024-06-20', 收支: '支出', '金额（元）': '800', 会计科目: '公益支出', 摘要: '端午节慰问五保户', 对方单位或个人: '五保户张玉兰等4户', 凭证号: '记-2024Q2-003', 结算方式: '现金' }),
);

const existing = (overrides: Record<string, unknown>) => ({
  entryDate: '2024-04-03',
  direction: 'expense',
  amountFen: 120_000,
  subject: '管理费用',
  summary: '村委会电费',
  counterparty: '国网桑河县供电公司',
  method: 'transfer',
  ...overrides,
});

async function draft(period: string, entries: Array<Record<string, unknown>> = []): Promise<number> {
  const opened = await openDraft(test.db, null, QIANYING, period);
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  for (const entry of entries) {
    const added = await addFundEntry(test.db, null, { disclosureId: opened.value.id, entry: existing(entry) });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
  }
  return opened.value.id;
}

async function preview(disclosureId: number, mode: string, bytes = FILE, fileName = '前营村2024年第二季度.csv'): Promise<ImportPreview> {
  const result = await previewImport(test.db, cadre, { disclosureId, mode, fileName, bytes });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const confirm = (disclosureId: number, shown: Pick<ImportPreview, 'token' | 'fileSha256' | 'draftState'>, now?: Date) =>
  confirmImport(test.db, cadre, { disclosureId, token: shown.token, fileSha256: shown.fileSha256, draftState: shown.draftState }, now);

const fundsOf = async (id: number) =>
  (await getLines(test.db, id)).funds.map(({ lineNo, entryDate, direction, amountFen, summary, voucherNo }) => ({ lineNo, entryDate, direction, amountFen: Number(amountFen), summary, voucherNo }));

beforeAll(async () => {
  test = await createTestDatabase();
  const [row] = await test.db.select().from(users).where(eq(users.username, 'qianying.kj'));
  cadre = { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
  photo = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#eee' } }).jpeg().toBuffer());
});
afterAll(async () => test?.dispose());

describe('import preview', () => {
  it('追加: the rows to add and the totals before and after, writing nothing to the draft', async () => {
    const id = await draft('2024-Q2', [{ voucherNo: '记-2024Q2-090' }]);
    const before = await importRowCounts(test.db, { stash: false });
    const shown = await preview(id, 'add');
    expect(await importRowCounts(test.db, { stash: false })).toEqual(before);
    expect(shown.mode).toBe('add');
    expect(shown.rows.map((row) => [row.sourceRow, row.amountFen])).toEqual([[2, 1_860_000], [3, 235_050], [4, 80_000]]);
    expect(shown.deleted).toEqual([]);
    expect(shown.before).toEqual({ openingBalanceFen: 0, incomeFen: 0, expenseFen: 120_000, closingBalanceFen: -120_000 });
    expect(shown.after).toEqual({ openingBalanceFen: 0, incomeFen: 1_860_000, expenseFen: 120_000 + 235_050 + 80_000, closingBalanceFen: 1_860_000 - 435_050 });
    expect(shown.fileSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('替换: the entries it would delete with their vouchers, and what becomes of each', async () => {
    const id = await draft('2024-Q3', [
      { entryDate: '2024-07-03', voucherNo: '记-2024Q3-001', amountFen: 50_000 },
      { entryDate: '2024-07-09', voucherNo: '记-2024Q3-077', amountFen: 60_000, summary: '购买防汛沙袋' },
      { entryDate: '2024-07-15', voucherNo: null, amountFen: 70_000, summary: '村部维修' },
    ]);
    const kept = await addVoucher(test.db, cadre, id, 1, photo);
    const lost1 = await addVoucher(test.db, cadre, id, 2, photo);
    const lost2 = await addVoucher(test.db, cadre, id, 3, photo);
    expect([kept.ok, lost1.ok, lost2.ok]).toEqual([true, true, true]);
    const file = csv(
      HEADER,
      line({ 日期: '2024-07-03', 收支: '支出', '金额（元）': '500.00', 会计科目: '管理费用', 摘要: '村委会电费（7月）', 对方单位或个人: '国网桑河县供电公司', 凭证号: '记-2024Q3-001' }),
      line({ 日期: '2024-08-20', 收支: '收入', '金额（元）': '30000', 会计科目: '补助收入', 摘要: '村级组织运转经费', 对方单位或个人: '桑河镇财政所', 凭证号: '记-2024Q3-002' }),
    );
    const before = await importRowCounts(test.db, { stash: false });
    const shown = await preview(id, 'replace', file);
    expect(await importRowCounts(test.db, { stash: false })).toEqual(before);
    expect(shown.deleted.map((entry) => [entry.lineNo, entry.voucherNo, entry.vouchers.map((voucher) => voucher.toRow)])).toEqual([
      [1, '记-2024Q3-001', [2]],
      [2, '记-2024Q3-077', [null]],
      [3, null, [null]],
    ]);
    expect(shown.vouchers).toEqual({ moved: 1, deleted: 2 });
    expect(shown.before).toMatchObject({ incomeFen: 0, expenseFen: 180_000 });
    // The opening balance is carried (provisionally) from 2024-Q2's draft: the same before and after.
    expect(shown.after).toEqual({ openingBalanceFen: shown.before.openingBalanceFen, incomeFen: 3_000_000, expenseFen: 50_000, closingBalanceFen: shown.before.openingBalanceFen + 2_950_000 });

    // Confirmed: exactly the preview's rows, numbered from 1; the scan with a matching 凭证号 moved, the others went.
    const done = await confirm(id, shown);
    expect(done).toEqual({ ok: true, value: { kind: 'written', mode: 'replace', added: 2, removed: 3, vouchersMoved: 1, vouchersDeleted: 2, notices: 0 } });
    expect(await fundsOf(id)).toEqual([
      { lineNo: 1, entryDate: '2024-07-03', direction: 'expense', amountFen: 50_000, summary: '村委会电费（7月）', voucherNo: '记-2024Q3-001' },
      { lineNo: 2, entryDate: '2024-08-20', direction: 'income', amountFen: 3_000_000, summary: '村级组织运转经费', voucherNo: '记-2024Q3-002' },
    ]);
    const scans = await test.db.select({ id: attachments.id, fundEntryId: attachments.fundEntryId, sha256: attachments.sha256 }).from(attachments).where(eq(attachments.disclosureId, id));
    const lines = (await getLines(test.db, id)).funds;
    expect(scans).toHaveLength(1);
    expect(scans[0]!.fundEntryId).toBe(lines[0]!.id);
    const after = await importRowCounts(test.db, { stash: false });
    expect(after.fund_entries).toBe(before.fund_entries! - 3 + 2);
    expect(after.attachments).toBe(before.attachments! - 2);
    // One edit event and one audit row, which says what was done.
    expect(after.disclosure_events).toBe(before.disclosure_events! + 1);
    const audits = await test.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, String(id)), eq(auditEvents.action, 'disclosure.edited'))).orderBy(asc(auditEvents.id));
    expect(audits.at(-1)?.detail).toMatchObject({ change: 'fundEntries.importReplaced', added: 2, removed: 3, vouchersMoved: 1, vouchersDeleted: 2, file: shown.fileSha256 });
  });
});

describe('import confirmation', () => {
  it('追加 writes exactly the preview after the entries already there, once', async () => {
    const id = await draft('2024-Q4', [{ entryDate: '2024-10-09', voucherNo: '记-2024Q4-090' }]);
    const file = csv(
      HEADER,
      line({ 日期: '2024-11-08', 凭证号: '记-2024Q4-001' }),
      line({ 日期: '2024-12-12', 收支: '支出', '金额（元）': '2350.50', 会计科目: '管理费用', 摘要: '村委会办公用品', 对方单位或个人: '桑河镇文化用品店', 凭证号: '记-2024Q4-002', 结算方式: '现金' }),
    );
    const shown = await preview(id, 'add', file);
    const done = await confirm(id, shown);
    expect(done).toEqual({ ok: true, value: { kind: 'written', mode: 'add', added: 2, removed: 0, vouchersMoved: 0, vouchersDeleted: 0, notices: 0 } });
    expect((await fundsOf(id)).map((entry) => [entry.lineNo, entry.voucherNo, entry.amountFen])).toEqual([
      [1, '记-2024Q4-090', 120_000],
      [2, '记-2024Q4-001', 1_200_000],
      [3, '记-2024Q4-002', 235_050],
    ]);
    // The written rows are the previewed ones, field by field.
    const written = (await getLines(test.db, id)).funds.slice(1);
    expect(written.map(({ entryDate, direction, amountFen, subject, summary, counterparty, voucherNo, method, decisionRef }) => ({ entryDate, direction, amountFen: Number(amountFen), subject, summary, counterparty, voucherNo, method, decisionRef }))).toEqual(
      shown.rows.map(({ entryDate, direction, amountFen, subject, summary, counterparty, voucherNo, method, decisionRef }) => ({ entryDate, direction, amountFen, subject, summary, counterparty, voucherNo: voucherNo ?? null, method, decisionRef: decisionRef ?? null })),
    );
    // The stash is consumed: the same confirmation again is refused and writes nothing.
    const counts = await importRowCounts(test.db);
    const again = await confirm(id, shown);
    expect(again).toMatchObject({ ok: false, status: 409, errors: { field: 'file', message: expect.stringContaining('预览已失效') } });
    expect(await importRowCounts(test.db)).toEqual(counts);
  });

  it('refuses when the draft was edited after the preview, writes nothing, and shows the new preview', async () => {
    const id = await draft('2025-Q1', [{ entryDate: '2025-01-06', voucherNo: '记-2025Q1-090' }]);
    const file = csv(HEADER, line({ 日期: '2025-02-03', 凭证号: '记-2025Q1-001' }));
    const shown = await preview(id, 'replace', file);
    expect(shown.before.expenseFen).toBe(120_000);
    const edited = await updateFundEntry(test.db, cadre, { disclosureId: id, lineNo: 1, entry: existing({ entryDate: '2025-01-06', voucherNo: '记-2025Q1-090', amountFen: 130_000 }) });
    expect(edited.ok).toBe(true);
    const counts = await importRowCounts(test.db, { stash: false });
    const stale = await confirm(id, shown);
    expect(await importRowCounts(test.db, { stash: false })).toEqual(counts);
    if (!stale.ok || stale.value.kind !== 'stale') throw new Error(`expected stale, got ${JSON.stringify(stale)}`);
    expect(STALE_MESSAGE).toContain('没有导入');
    const fresh = stale.value.preview;
    expect(fresh.token).not.toBe(shown.token);
    expect(fresh.draftState).not.toBe(shown.draftState);
    expect(fresh.before.expenseFen).toBe(130_000);
    expect(fresh.deleted.map((entry) => entry.amountFen)).toEqual([130_000]);
    // The old confirmation stays refused; the new one writes.
    expect((await confirm(id, shown)).ok).toBe(false);
    expect(await confirm(id, fresh)).toMatchObject({ ok: true, value: { kind: 'written', added: 1, removed: 1 } });
    expect((await fundsOf(id)).map((entry) => entry.voucherNo)).toEqual(['记-2025Q1-001']);
  });

  it('a voucher added after the preview makes it stale too', async () => {
    const id = await draft('2025-Q2', [{ entryDate: '2025-04-06', voucherNo: '记-2025Q2-090' }]);
    const shown = await preview(id, 'replace', csv(HEADER, line({ 日期: '2025-05-03', 凭证号: '记-2025Q2-001' })));
    expect((await addVoucher(test.db, cadre, id, 1, photo)).ok).toBe(true);
    const stale = await confirm(id, shown);
    expect(stale.ok && stale.value.kind).toBe('stale');
    if (stale.ok && stale.value.kind === 'stale') expect(stale.value.preview.vouchers).toEqual({ moved: 0, deleted: 1 });
    expect((await fundsOf(id)).map((entry) => entry.voucherNo)).toEqual(['记-2025Q2-090']);
  });

  it('refuses a confirmation for another file, a forged draft state or an expired preview, writing nothing', async () => {
    const id = await draft('2025-Q3', [{ entryDate: '2025-07-06', voucherNo: '记-2025Q3-090' }]);
    const shown = await preview(id, 'replace', csv(HEADER, line({ 日期: '2025-08-03', 凭证号: '记-2025Q3-001' })));
    const other = await preview(id, 'replace', csv(HEADER, line({ 日期: '2025-08-04', 凭证号: '记-2025Q3-002' })), '另一个文件.csv');
    const counts = await importRowCounts(test.db, { stash: false });
    // The second upload replaced the first preview of this person and draft.
    expect(await confirm(id, shown)).toMatchObject({ ok: false, errors: { message: expect.stringContaining('预览已失效') } });
    // The form of one preview with the file hash of the other.
    expect(await confirm(id, { ...other, fileSha256: shown.fileSha256 })).toMatchObject({ ok: false, status: 409, errors: { field: 'file', message: expect.stringContaining('不是预览过的文件') } });
    const forged = await confirm(id, { ...other, draftState: '0'.repeat(64) });
    expect(forged.ok && forged.value.kind).toBe('stale');
    if (!forged.ok || forged.value.kind !== 'stale') throw new Error('expected stale');
    const later = await confirm(id, forged.value.preview, new Date(Date.now() + 31 * 60_000));
    expect(later).toMatchObject({ ok: false, errors: { message: expect.stringContaining('超过30分钟') } });
    // The hourly sweep forgets expired previews (and only those).
    expect((await importRowCounts(test.db)).ledger_import_previews).toBeGreaterThan(0);
    await sweepImportPreviews(test.db);
    expect((await importRowCounts(test.db)).ledger_import_previews).toBeGreaterThan(0);
    await sweepImportPreviews(test.db, new Date(Date.now() + 31 * 60_000));
    expect((await importRowCounts(test.db)).ledger_import_previews).toBe(0);
    expect(await importRowCounts(test.db, { stash: false })).toEqual(counts);
    expect((await fundsOf(id)).map((entry) => entry.voucherNo)).toEqual(['记-2025Q3-090']);
  });

  it('refuses files with problems, a missing mode and a period that is not a draft, writing nothing at all', async () => {
    const id = await draft('2023-Q2', [{ entryDate: '2023-04-06', voucherNo: '记-2025Q4-001' }]);
    const counts = await importRowCounts(test.db);
    const missing = await previewImport(test.db, cadre, { disclosureId: id, mode: '', fileName: 'a.csv', bytes: FILE });
    expect(missing).toMatchObject({ ok: false, errors: { field: 'mode' } });
    // Out of the period, and (adding) an entry and a 凭证号 already in the draft: one line per row.
    const file = csv(
      HEADER,
      line({ 日期: '2023-03-31', 凭证号: '记-2025Q4-002' }),
      line({ 日期: '2023-04-06', 收支: '支出', '金额（元）': '1200', 会计科目: '管理费用', 摘要: '村委会电费', 对方单位或个人: '国网桑河县供电公司', 凭证号: '记-2025Q4-001' }),
      line({ 日期: '2023-05-06', 凭证号: '记-2025Q4-001' }),
    );
    const refused = await previewImport(test.db, cadre, { disclosureId: id, mode: 'add', fileName: 'a.csv', bytes: file });
    if (refused.ok) throw new Error('expected a refusal');
    expect(refused.errors.field).toBe('file');
    expect(refused.errors.problems.map((problem) => problem.row)).toEqual([2, 3, 4]);
    expect(refused.errors.problems[0]!.message).toContain('2023-03-31不在本期（2023-04-01 至 2023-06-30）之内');
    expect(refused.errors.problems[1]!.message).toContain('与本期草稿已有的第1笔重复');
    expect(refused.errors.problems[1]!.message).toContain('请选择“替换”');
    expect(refused.errors.problems[2]!.message).toContain('与本期草稿已有的第1笔的凭证号相同');
    // Replacing, the same rows clash with nothing but the period.
    const replacing = await previewImport(test.db, cadre, { disclosureId: id, mode: 'replace', fileName: 'a.csv', bytes: file });
    expect(!replacing.ok && replacing.errors.problems.map((problem) => problem.row)).toEqual([2, 4]);
    expect(await importRowCounts(test.db)).toEqual(counts);

    const submitted = await draft('2023-Q1', [{ entryDate: '2023-02-06', voucherNo: '记-2023Q1-001' }]);
    expect((await signOff(test.db, submitted, 'submitted')).ok).toBe(true);
    const late = await previewImport(test.db, cadre, { disclosureId: submitted, mode: 'add', fileName: 'a.csv', bytes: FILE });
    expect(late).toMatchObject({ ok: false, errors: { field: 'form', message: expect.stringContaining('只有草稿状态可以修改') } });
  });

  it('two confirmations of one preview at the same moment (a double click) write it once', async () => {
    const id = await draft('2022-Q4', [{ entryDate: '2022-10-06', voucherNo: '记-2022Q4-090' }]);
    const shown = await preview(id, 'add', csv(HEADER, line({ 日期: '2022-11-03', 凭证号: '记-2022Q4-001' })));
    const [one, two] = await raceBehindLock(
      test,
      (tx) => tx.select().from(disclosures).where(eq(disclosures.id, id)).for('update'),
      () => confirm(id, shown),
      () => confirm(id, shown),
    );
    expect(one).toMatchObject({ ok: true, value: { kind: 'written', added: 1 } });
    expect(two).toMatchObject({ ok: false, status: 409, errors: { field: 'file', message: expect.stringContaining('预览已失效') } });
    expect((await fundsOf(id)).map((entry) => entry.voucherNo)).toEqual(['记-2022Q4-090', '记-2022Q4-001']);
  });
});
