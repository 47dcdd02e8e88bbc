import { describe, expect, it } from 'vitest';
import type { AssetItemRow, FundEntryRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import { translator } from '../../../i18n/index.ts';
import { computeFlags } from './flags.ts';

const thresholds = { decisionFen: 5_000_000, cashFen: 200_000 };
let nextLine = 1;
const fund = (overrides: Partial<FundEntryRow>): FundEntryRow => ({
  id: nextLine,
  disclosureId: 1,
  lineNo: nextLine++,
  entryDate: '2026-08-01',
  direction: 'expense',
  amountFen: 100_000,
  subject: '公益支出',
  summary: '村道维修',
  counterparty: '桑河县福通建材经营部',
  voucherNo: `记-${nextLine}`,
  method: 'transfer',
  decisionRef: null,
  adjustsEntryId: null,
  ...overrides,
});
const contract = (overrides: Partial<ResourceContractRow>): ResourceContractRow => ({
  id: 1, disclosureId: 1, lineNo: 1, name: '村北机动地', landClass: '耕地', areaMu: 42, location: '村北', contractor: '王建军',
  termStart: '2021-01-01', termEnd: '2030-12-31', annualFeeFen: 2_520_000, awardMethod: '公开招标', feeStatus: 'paid', arrearsFen: 0, ...overrides,
});
const asset = (overrides: Partial<AssetItemRow>): AssetItemRow => ({
  id: 1, disclosureId: 1, lineNo: 1, name: '村集体临街门面房', assetType: '房屋建筑物', quantity: 3, unit: '间', originalValueFen: 36_000_000, acquiredOn: '2012-06-01',
  location: '村委会东侧', useStatus: '出租', lessee: '刘春花', leaseStart: '2023-01-01', leaseEnd: '2027-12-31', annualRentFen: 1_800_000,
  bookAmountFen: 36_000_000, actualAmountFen: 36_000_000, gapReason: null, ...overrides,
});
const kinds = (flags: ReturnType<typeof computeFlags>) => flags.map((flag) => flag.kind);
const periodEnd = '2026-09-30';

describe('red flags', () => {
  it('finds nothing in a clean period', () => {
    const flags = computeFlags({ funds: [fund({}), fund({ direction: 'income', subject: '经营收入', amountFen: 2_520_000 })], assets: [asset({})], resources: [contract({})], periodEnd }, thresholds);
    expect(flags).toEqual([]);
  });

  it('flags a large expense without a meeting decision, and not one with it', () => {
    expect(kinds(computeFlags({ funds: [fund({ amountFen: 18_600_000 })], assets: [], resources: [], periodEnd }, thresholds))).toEqual(['noDecision']);
    expect(computeFlags({ funds: [fund({ amountFen: 18_600_000, decisionRef: '前营村村民代表会议决议〔2026〕3号' })], assets: [], resources: [], periodEnd }, thresholds)).toEqual([]);
  });

  it('flags cash above the threshold and an expense without a voucher', () => {
    const flags = computeFlags({ funds: [fund({ method: 'cash', amountFen: 350_000 }), fund({ voucherNo: null })], assets: [], resources: [], periodEnd }, thresholds);
    expect(kinds(flags).sort()).toEqual(['largeCash', 'noVoucher']);
    expect(flags.find((flag) => flag.kind === 'noVoucher')!.lines).toEqual([{ kind: 'fund', lineNo: expect.any(Number) }]);
  });

  it('flags payments split under the threshold to one counterparty within 30 days, naming every line', () => {
    const split = [fund({ entryDate: '2026-08-02', amountFen: 4_600_000 }), fund({ entryDate: '2026-08-15', amountFen: 4_800_000 }), fund({ entryDate: '2026-08-29', amountFen: 4_500_000 })];
    const flags = computeFlags({ funds: split, assets: [], resources: [], periodEnd }, thresholds);
    expect(kinds(flags)).toEqual(['splitPayments']);
    expect(flags[0]!.lines.map((line) => line.lineNo)).toEqual(split.map((entry) => entry.lineNo));
    const { key, vars } = flags[0]!.message;
    expect(translator('zh-CN')(key, vars)).toMatch(/合计139,000.00元/);
    expect(translator('en')(key, vars)).toMatch(/139,000.00 yuan in all/);
  });

  it('does not flag the same payments spread over more than 30 days', () => {
    const spread = [fund({ entryDate: '2026-07-01', amountFen: 4_600_000 }), fund({ entryDate: '2026-08-15', amountFen: 4_800_000 })];
    expect(computeFlags({ funds: spread, assets: [], resources: [], periodEnd }, thresholds)).toEqual([]);
  });

  it('counts a split across the quarter boundary', () => {
    const earlier = [{ ...fund({ entryDate: '2026-06-25', amountFen: 4_900_000 }), period: '2026-Q2' }];
    const flags = computeFlags({ funds: [fund({ entryDate: '2026-07-05', amountFen: 4_900_000 })], assets: [], resources: [], periodEnd, earlierExpenses: earlier }, thresholds);
    expect(kinds(flags)).toEqual(['splitPayments']);
    expect(flags[0]!.lines[0]).toMatchObject({ period: '2026-Q2' });
  });

  it('flags expired contracts and leases still listed as earning, and arrears', () => {
    const flags = computeFlags(
      {
        funds: [],
        assets: [asset({ leaseEnd: '2026-06-30' })],
        resources: [contract({ termEnd: '2026-03-31' }), contract({ lineNo: 2, name: '东沟鱼塘', feeStatus: 'arrears', arrearsFen: 800_000 })],
        periodEnd,
      },
      thresholds,
    );
    expect(kinds(flags).sort()).toEqual(['arrears', 'expiredListed', 'expiredListed']);
  });

  it('flags a contract renewed without a public tender, not one renewed by tender nor one carried unchanged', () => {
    const before = contract({ termStart: '2016-01-01', termEnd: '2025-12-31' });
    const renewed = (awardMethod: string) => contract({ termStart: '2026-01-01', termEnd: '2035-12-31', awardMethod });
    const flagsOf = (current: ResourceContractRow) => computeFlags({ funds: [], assets: [], resources: [current], periodEnd, earlierResources: [before] }, thresholds);
    const flags = flagsOf(renewed('协商'));
    expect(kinds(flags)).toEqual(['renewedWithoutTender']);
    expect(translator('zh-CN')(flags[0]!.message.key, flags[0]!.message.vars)).toBe('资源合同“村北机动地”续签（新承包期自2026-01-01起，王建军）未经公开招标，发包方式为“协商”：请说明为什么没有公开招租');
    expect(kinds(flagsOf(renewed('竞争性谈判')))).toEqual(['renewedWithoutTender']);
    expect(kinds(flagsOf(renewed('公开招标')))).toEqual([]);
    expect(kinds(flagsOf(contract({ termStart: '2016-01-01', termEnd: '2025-12-31', awardMethod: '协商' })))).not.toContain('renewedWithoutTender');
  });
});
