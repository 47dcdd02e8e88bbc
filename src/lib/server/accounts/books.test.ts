/**
 * The books beyond income and expense (issue 10 item 5): a funds line carries its subject from the
 * 2023 chart, so a 一事一议 grant is booked to 专项应付款 and a road to 在建工程, and the public page
 * shows the period's income and expense apart from its other cash movements, with
 * opening + all receipts − all payments = closing still holding to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { addFundEntry, getLines, openDraft, periodBreakdown, setOpeningBalance, updateFundEntry } from './disclosures.ts';
import { loadVillagePage } from './ledger.ts';
import { chartSubject, FundEntrySchema, legacySubjectFor, SUBJECTS } from './model.ts';

// 青禾县 (no demo ledgers): 李家堡村 in 青禾镇.
const LIJIAPU = '990123001202';
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

const line = (overrides: Record<string, unknown>) => ({
  entryDate: '2025-05-12',
  direction: 'income',
  amountFen: 100,
  subject: '经营收入',
  summary: '摘要',
  counterparty: '李家堡村股份经济合作社',
  voucherNo: '记-2025Q2-001',
  method: 'transfer',
  decisionRef: '村民代表会议决议〔2025〕3号',
  ...overrides,
});

describe('subjects of the 2023 chart', () => {
  it('lists the first-level subjects with their codes, every category, and keeps the money accounts out of funds lines', () => {
    expect(chartSubject('专项应付款')).toMatchObject({ code: '231', category: 'liability' });
    expect(chartSubject('在建工程')).toMatchObject({ code: '153', category: 'asset' });
    expect(new Set(SUBJECTS.map((name) => chartSubject(name)!.category))).toEqual(new Set(['asset', 'liability', 'equity', 'cost', 'profitLoss']));
    expect(SUBJECTS).not.toContain('库存现金');
    expect(SUBJECTS).not.toContain('银行存款');
  });

  it('refuses a subject against its direction, and cash itself, in Chinese; 投资收益 and balance-sheet subjects go either way', () => {
    const refused = (entry: Record<string, unknown>) => {
      const parsed = FundEntrySchema.safeParse(line(entry));
      return parsed.success ? null : parsed.error.issues.map((issue) => issue.message).join(' ');
    };
    expect(refused({ direction: 'income', subject: '公益支出' })).toContain('会计科目与收支方向不一致');
    expect(refused({ direction: 'expense', subject: '补助收入' })).toContain('会计科目与收支方向不一致');
    expect(refused({ subject: '库存现金' })).toContain('库存现金、银行存款除外');
    expect(refused({ subject: '一事一议资金' })).toContain('一级科目');
    for (const subject of ['投资收益', '专项应付款', '在建工程', '应收款', '应付款', '短期借款']) {
      expect(refused({ direction: 'income', subject })).toBeNull();
      expect(refused({ direction: 'expense', subject })).toBeNull();
    }
  });

  it('maps the legacy 发包及上交收入 by the row: contracting to 经营收入, profits handed over to 投资收益', () => {
    expect(legacySubjectFor('发包及上交收入', '鱼塘承包费 张建国')).toBe('经营收入');
    expect(legacySubjectFor('发包及上交收入', '村办砖厂上交利润 李家堡砖厂')).toBe('投资收益');
    expect(legacySubjectFor('经营收入', '')).toBeUndefined();
  });
});

describe('a 一事一议 grant and a road, through publication', () => {
  it('books the grant to 专项应付款 and the road to 在建工程, shows 损益 and the other movements apart, and the balance holds', async () => {
    const opened = await openDraft(test.db, null, LIJIAPU, '2025-Q2', '2026-11-26');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const disclosureId = opened.value.id;
    expect((await setOpeningBalance(test.db, null, { disclosureId, openingBalanceFen: 5_000_000 })).ok).toBe(true);
    const lines = [
      line({ entryDate: '2025-04-08', direction: 'income', amountFen: 8_000_000, subject: '专项应付款', summary: '收到县财政一事一议财政奖补资金（村内道路硬化）', counterparty: '青禾县财政局', voucherNo: '记-2025Q2-001' }),
      line({ entryDate: '2025-05-20', direction: 'expense', amountFen: 6_250_050, subject: '在建工程', summary: '支付村内道路硬化工程进度款', counterparty: '青禾县路桥工程有限公司', voucherNo: '记-2025Q2-002' }),
      line({ entryDate: '2025-05-28', direction: 'expense', amountFen: 1_280_000, subject: '固定资产', summary: '购置村文化广场健身器材', counterparty: '青禾县体育用品有限公司', voucherNo: '记-2025Q2-003' }),
      line({ entryDate: '2025-06-03', direction: 'income', amountFen: 1_200_000, subject: '经营收入', summary: '收取村集体鱼塘承包费', counterparty: '张建国', voucherNo: '记-2025Q2-004' }),
      line({ entryDate: '2025-06-10', direction: 'expense', amountFen: 300_000, subject: '投资收益', summary: '承担入股合作社本年经营亏损', counterparty: '青禾县禾丰农机专业合作社', voucherNo: '记-2025Q2-005' }),
      line({ entryDate: '2025-06-15', direction: 'expense', amountFen: 48_030, subject: '管理费用', summary: '购买办公用品', counterparty: '青禾镇文具店', voucherNo: '记-2025Q2-006' }),
      line({ entryDate: '2025-06-18', direction: 'income', amountFen: 200_000, subject: '应付款', summary: '代收村民新农合参保费', counterparty: '李家堡村村民', voucherNo: '记-2025Q2-007' }),
      line({ entryDate: '2025-06-25', direction: 'expense', amountFen: 200_000, subject: '应付款', summary: '代缴村民新农合参保费', counterparty: '青禾县医疗保障局', voucherNo: '记-2025Q2-008' }),
    ];
    for (const entry of lines) {
      const added = await addFundEntry(test.db, null, { disclosureId, entry });
      expect(added.ok, JSON.stringify(added)).toBe(true);
    }
    // A line first booked the old way (the grant as 补助收入) is corrected in the draft.
    expect((await updateFundEntry(test.db, null, { disclosureId, lineNo: 1, entry: { ...lines[0]!, subject: '补助收入' } })).ok).toBe(true);
    expect((await updateFundEntry(test.db, null, { disclosureId, lineNo: 1, entry: lines[0]! })).ok).toBe(true);

    const breakdown = periodBreakdown((await getLines(test.db, disclosureId)).funds);
    expect(breakdown).toEqual({
      profitLoss: { incomeFen: 1_200_000 - 300_000, expenseFen: 48_030, netFen: 900_000 - 48_030 },
      other: { receiptsFen: 8_000_000 + 200_000, paymentsFen: 6_250_050 + 1_280_000 + 200_000 },
    });

    expect((await signOff(test.db, disclosureId, 'published')).ok).toBe(true);
    const page = await loadVillagePage(test.db, LIJIAPU, '2025-Q2');
    const shown = page!.shown!;
    expect(shown.breakdown).toEqual(breakdown);
    const { profitLoss, other } = shown.breakdown;
    const opening = Number(shown.disclosure.openingBalanceFen);
    expect(opening).toBe(5_000_000);
    expect(opening + profitLoss.incomeFen - profitLoss.expenseFen + other.receiptsFen - other.paymentsFen).toBe(shown.closingBalanceFen);
    expect(opening + shown.incomeFen - shown.expenseFen).toBe(shown.closingBalanceFen);
    expect(shown.closingBalanceFen).toBe(5_000_000 + 8_000_000 + 1_200_000 + 200_000 - 6_250_050 - 1_280_000 - 300_000 - 48_030 - 200_000);
    expect(shown.bySubject.find((row) => row.subject === '专项应付款')).toEqual({ subject: '专项应付款', direction: 'income', amountFen: 8_000_000 });
    expect(shown.bySubject.find((row) => row.subject === '在建工程')).toEqual({ subject: '在建工程', direction: 'expense', amountFen: 6_250_050 });
    expect(shown.bySubject.map((row) => row.subject)).not.toContain('补助收入');
  });
});
