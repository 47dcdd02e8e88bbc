/**
 * The three-assets ledger model shared by the workspace forms, the spreadsheet import, the seed
 * and the open-data API. Money is integer fen (分); dates are YYYY-MM-DD in Asia/Shanghai.
 *
 * Accounting subjects follow 《农村集体经济组织会计制度》(财会〔2023〕14号, in force 2024-01-01).
 * A funds line is one receipt or payment of the collective's money, booked to the subject on the
 * other side: a profit-and-loss subject (income and expense of the period) or an asset, liability,
 * equity or cost subject (a grant held for its project in 专项应付款, a road in 在建工程, a loan,
 * a deposit, money collected for others). The 2004 system's 发包及上交收入 no longer exists;
 * imports accept it only as a legacy name and map it by row (`legacySubjectFor`).
 */
import { z } from 'zod';
import { isIsoDate } from '../time.ts';

export const SUBJECT_CATEGORIES = ['asset', 'liability', 'equity', 'cost', 'profitLoss'] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

export interface ChartSubject {
  code: string;
  name: string;
  category: SubjectCategory;
  /**
   * Whether a funds line (one receipt or payment of the collective's money) can carry it: not the
   * money accounts themselves (库存现金, 银行存款, the other side of every line) and not the
   * contra and closing accounts no money moves through (累计折旧, 本年收益 …).
   */
  cash: boolean;
}

/**
 * The first-level subjects of the 2023 system's chart (附录 会计科目名称和编号), in its order. The
 * codes are as the chart numbers them: check them against the gazetted text before a report
 * relies on them (the subject names are what is stored and hashed, never the codes).
 */
export const CHART: readonly ChartSubject[] = [
  { code: '101', name: '库存现金', category: 'asset', cash: false },
  { code: '102', name: '银行存款', category: 'asset', cash: false },
  { code: '111', name: '短期投资', category: 'asset', cash: true },
  { code: '112', name: '应收款', category: 'asset', cash: true },
  { code: '113', name: '内部往来', category: 'asset', cash: true },
  { code: '121', name: '库存物资', category: 'asset', cash: true },
  { code: '131', name: '消耗性生物资产', category: 'asset', cash: true },
  { code: '132', name: '生产性生物资产', category: 'asset', cash: true },
  { code: '133', name: '生产性生物资产累计折旧', category: 'asset', cash: false },
  { code: '134', name: '公益性生物资产', category: 'asset', cash: true },
  { code: '141', name: '长期投资', category: 'asset', cash: true },
  { code: '151', name: '固定资产', category: 'asset', cash: true },
  { code: '152', name: '累计折旧', category: 'asset', cash: false },
  { code: '153', name: '在建工程', category: 'asset', cash: true },
  { code: '154', name: '固定资产清理', category: 'asset', cash: true },
  { code: '161', name: '无形资产', category: 'asset', cash: true },
  { code: '162', name: '累计摊销', category: 'asset', cash: false },
  { code: '171', name: '长期待摊费用', category: 'asset', cash: true },
  { code: '181', name: '待处理财产损溢', category: 'asset', cash: true },
  { code: '201', name: '短期借款', category: 'liability', cash: true },
  { code: '202', name: '应付款', category: 'liability', cash: true },
  { code: '211', name: '应付工资', category: 'liability', cash: true },
  { code: '212', name: '应付劳务费', category: 'liability', cash: true },
  { code: '213', name: '应交税费', category: 'liability', cash: true },
  { code: '221', name: '长期借款及应付款', category: 'liability', cash: true },
  { code: '231', name: '专项应付款', category: 'liability', cash: true },
  { code: '301', name: '资本', category: 'equity', cash: true },
  { code: '311', name: '公积公益金', category: 'equity', cash: true },
  { code: '321', name: '本年收益', category: 'equity', cash: false },
  { code: '322', name: '收益分配', category: 'equity', cash: true },
  { code: '401', name: '生产（劳务）成本', category: 'cost', cash: true },
  { code: '501', name: '经营收入', category: 'profitLoss', cash: true },
  { code: '502', name: '经营支出', category: 'profitLoss', cash: true },
  { code: '503', name: '税金及附加', category: 'profitLoss', cash: true },
  { code: '511', name: '投资收益', category: 'profitLoss', cash: true },
  { code: '521', name: '补助收入', category: 'profitLoss', cash: true },
  { code: '522', name: '其他收入', category: 'profitLoss', cash: true },
  { code: '531', name: '管理费用', category: 'profitLoss', cash: true },
  { code: '532', name: '公益支出', category: 'profitLoss', cash: true },
  { code: '533', name: '其他支出', category: 'profitLoss', cash: true },
  { code: '541', name: '所得税费用', category: 'profitLoss', cash: true },
];

/** Profit-and-loss subjects on the income side: booked with receipts (投资收益 also with payments: a loss). */
export const INCOME_SUBJECTS = ['经营收入', '投资收益', '补助收入', '其他收入'] as const;
/** Profit-and-loss subjects on the expense side: booked with payments only. */
export const EXPENSE_SUBJECTS = ['经营支出', '税金及附加', '管理费用', '公益支出', '其他支出', '所得税费用'] as const;
/** The subject that may go either way among profit and loss: an investment loss is negative income. */
export const EITHER_WAY_PROFIT_LOSS = '投资收益';

/** Every subject a funds line may carry, in the chart's order. */
export const SUBJECTS = CHART.filter((subject) => subject.cash).map((subject) => subject.name) as [string, ...string[]];
export type Subject = string;

const BY_NAME = new Map(CHART.map((subject) => [subject.name, subject]));
export function chartSubject(name: string): ChartSubject | undefined {
  return BY_NAME.get(name);
}

/** Whether a subject may be booked with a line of this direction (balance-sheet and cost subjects go either way). */
export function subjectAllowed(subject: string, direction: 'income' | 'expense'): boolean {
  const found = BY_NAME.get(subject);
  if (!found?.cash) return false;
  if (found.category !== 'profitLoss' || subject === EITHER_WAY_PROFIT_LOSS) return true;
  return direction === 'income' ? (INCOME_SUBJECTS as readonly string[]).includes(subject) : (EXPENSE_SUBJECTS as readonly string[]).includes(subject);
}

/** The subjects a line of this direction may carry, in the chart's order. */
export function subjectsFor(direction: 'income' | 'expense'): string[] {
  return SUBJECTS.filter((subject) => subjectAllowed(subject, direction));
}

/**
 * Legacy names accepted on import only. 发包及上交收入 (2004) is split in 2023 by substance:
 * contracting and rent are 经营收入, profits handed over by enterprises the collective invested in
 * are 投资收益 (`legacySubjectFor` decides by the row's words).
 */
export const LEGACY_SUBJECTS: Record<string, Subject> = {
  发包及上交收入: '经营收入',
};

const HANDED_OVER_PROFIT = /上交|上缴|分红|利润|红利|股金|入股|投资/;

/** The current subject of a row booked to a legacy subject, from its summary and counterparty. */
export function legacySubjectFor(legacy: string, words: string): Subject | undefined {
  if (!Object.hasOwn(LEGACY_SUBJECTS, legacy)) return undefined;
  return legacy === '发包及上交收入' && HANDED_OVER_PROFIT.test(words) ? '投资收益' : LEGACY_SUBJECTS[legacy];
}

/**
 * A period's lines as people read them: funds entries by date, then line number (an import or a late
 * entry may be numbered out of date order). Only for showing: the hashed content keeps line order.
 */
export function inDateOrder<L extends { funds: Array<{ entryDate: string; lineNo: number }> }>(lines: L): L {
  const funds = [...lines.funds].sort((a, b) => (a.entryDate < b.entryDate ? -1 : a.entryDate > b.entryDate ? 1 : a.lineNo - b.lineNo));
  return { ...lines, funds };
}

export const DIRECTIONS = ['income', 'expense'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PAYMENT_METHODS = ['transfer', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const ASSET_TYPES = ['房屋建筑物', '机器设备', '农业基础设施', '林木', '其他'] as const;
export const ASSET_USE_STATUSES = ['自用', '出租', '出借', '闲置', '报废'] as const;
export const LAND_CLASSES = ['耕地', '园地', '林地', '草地', '水域', '宅基地/建设用地', '未利用地'] as const;
export const AWARD_METHODS = ['公开招标', '竞争性谈判', '协商'] as const;
/** The award method that is a public tender (公开招租 / 公开招标): a renewal by any other is flagged. */
export const PUBLIC_TENDER = '公开招标';
export const FEE_STATUSES = ['paid', 'arrears'] as const;
export type FeeStatus = (typeof FEE_STATUSES)[number];

/** Largest single amount accepted: 10 亿元, far above any village transaction, far below bigint. */
export const MAX_AMOUNT_FEN = 100_000_000_000;

/**
 * Parses an amount in yuan as people write it ("1,234.5", "１２３４.５６", "¥800") into fen.
 * Returns null for anything that is not a plain non-negative amount with at most 2 decimals.
 */
export function parseYuanToFen(raw: string | number): number | null {
  const text = String(raw).normalize('NFKC').replace(/[,，\s¥￥元]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  const [whole, fraction = ''] = text.split('.');
  const fen = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen <= MAX_AMOUNT_FEN ? fen : null;
}

/** 123456 → "1,234.56" (yuan, two decimals, grouped). */
export function formatFen(fen: number | bigint): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

const isoDate = z.string().refine(isIsoDate, '日期应写成 2026-07-15 这样的格式');
const text = (label: string, max: number) => z.string().trim().min(1, `请填写${label}`).max(max, `${label}不超过${max}个字`);
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label}不超过${max}个字`)
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .optional();
const fen = (label: string) => z.number({ message: `${label}应为金额` }).int().min(1, `${label}应大于0`).max(MAX_AMOUNT_FEN, `${label}过大`);
const fenOrZero = (label: string) => z.number({ message: `${label}应为金额` }).int().min(0, `${label}不能为负数`).max(MAX_AMOUNT_FEN, `${label}过大`);

export const FundEntrySchema = z
  .object({
    entryDate: isoDate,
    direction: z.enum(DIRECTIONS, { message: '收支方向应为“收入”或“支出”' }),
    amountFen: fen('金额'),
    subject: z.enum(SUBJECTS, { message: '会计科目应为《农村集体经济组织会计制度》科目表中的一级科目（库存现金、银行存款除外：每笔收付本身就是它们的变动）' }),
    summary: text('摘要', 200),
    counterparty: text('对方单位或个人', 100),
    voucherNo: optionalText('凭证号', 40),
    method: z.enum(PAYMENT_METHODS, { message: '结算方式应为“转账”或“现金”' }),
    decisionRef: optionalText('决议文号', 100),
    /** For corrections: the published entry this one adjusts. */
    adjustsEntryId: z.number().int().positive().nullable().optional(),
  })
  .refine((entry) => subjectAllowed(entry.subject, entry.direction), {
    message: '会计科目与收支方向不一致（收入类损益科目只能用于收款，费用类损益科目只能用于付款；投资收益和资产、负债、所有者权益、成本科目收付均可）',
    path: ['subject'],
  });
export type FundEntryInput = z.infer<typeof FundEntrySchema>;

export const AssetItemSchema = z.object({
  name: text('资产名称', 100),
  assetType: z.enum(ASSET_TYPES, { message: `资产类别应为：${ASSET_TYPES.join('、')}` }),
  quantity: z.number({ message: '数量应为数字' }).positive('数量应大于0').max(1_000_000, '数量过大'),
  unit: text('计量单位', 10),
  originalValueFen: fenOrZero('原值'),
  acquiredOn: isoDate.nullable().optional(),
  location: text('存放地点', 100),
  useStatus: z.enum(ASSET_USE_STATUSES, { message: `使用状态应为：${ASSET_USE_STATUSES.join('、')}` }),
  lessee: optionalText('承租（借用）方', 100),
  leaseStart: isoDate.nullable().optional(),
  leaseEnd: isoDate.nullable().optional(),
  annualRentFen: fenOrZero('年租金').nullable().optional(),
  bookAmountFen: fenOrZero('账面金额'),
  actualAmountFen: fenOrZero('实有金额'),
  gapReason: optionalText('账实不符原因', 200),
}).superRefine((asset, context) => {
  if (asset.bookAmountFen !== asset.actualAmountFen && !asset.gapReason) {
    context.addIssue({ code: 'custom', path: ['gapReason'], message: '账面金额与实有金额不一致时，须写明原因' });
  }
  if (asset.leaseStart && asset.leaseEnd && asset.leaseEnd < asset.leaseStart) {
    context.addIssue({ code: 'custom', path: ['leaseEnd'], message: '租期结束日期不能早于开始日期' });
  }
  if ((asset.useStatus === '出租' || asset.useStatus === '出借') && !asset.lessee) {
    context.addIssue({ code: 'custom', path: ['lessee'], message: '出租或出借的资产须写明承租（借用）方' });
  }
});
export type AssetItemInput = z.infer<typeof AssetItemSchema>;

export const ResourceContractSchema = z.object({
  name: text('资源名称', 100),
  landClass: z.enum(LAND_CLASSES, { message: `资源类别应为：${LAND_CLASSES.join('、')}` }),
  areaMu: z.number({ message: '面积应为数字' }).positive('面积应大于0').max(1_000_000, '面积过大'),
  location: text('坐落', 100),
  contractor: text('承包（租赁）方', 100),
  termStart: isoDate,
  termEnd: isoDate,
  annualFeeFen: fenOrZero('年承包费'),
  awardMethod: z.enum(AWARD_METHODS, { message: `发包方式应为：${AWARD_METHODS.join('、')}` }),
  feeStatus: z.enum(FEE_STATUSES, { message: '缴费情况应为“已缴清”或“欠缴”' }),
  arrearsFen: fenOrZero('欠缴金额').default(0),
}).superRefine((contract, context) => {
  if (contract.termEnd < contract.termStart) {
    context.addIssue({ code: 'custom', path: ['termEnd'], message: '承包期结束日期不能早于开始日期' });
  }
  if (contract.feeStatus === 'arrears' && contract.arrearsFen <= 0) {
    context.addIssue({ code: 'custom', path: ['arrearsFen'], message: '欠缴时须填写欠缴金额' });
  }
  if (contract.feeStatus === 'paid' && contract.arrearsFen > 0) {
    context.addIssue({ code: 'custom', path: ['arrearsFen'], message: '已缴清时欠缴金额应为0' });
  }
});
export type ResourceContractInput = z.infer<typeof ResourceContractSchema>;

export const DEBT_KINDS = ['receivable', 'payable'] as const;
/** The subjects a debt is kept in, by side (内部往来 goes either way). */
export const DEBT_SUBJECTS = {
  receivable: ['应收款', '内部往来'],
  payable: ['应付款', '应付工资', '应付劳务费', '短期借款', '长期借款及应付款', '内部往来'],
} as const;

export const DebtItemSchema = z
  .object({
    kind: z.enum(DEBT_KINDS, { message: '类别应为“债权（应收）”或“债务（应付）”' }),
    counterparty: text('债务人或债权人', 100),
    subject: z.string().trim().min(1, '请选择会计科目'),
    summary: text('事由', 200),
    amountFen: fen('金额'),
    incurredOn: isoDate,
    dueOn: isoDate.nullable().optional(),
  })
  .superRefine((debt, context) => {
    const allowed: readonly string[] = DEBT_SUBJECTS[debt.kind];
    if (!allowed.includes(debt.subject)) {
      context.addIssue({ code: 'custom', path: ['subject'], message: `${debt.kind === 'receivable' ? '债权' : '债务'}的科目应为：${allowed.join('、')}` });
    }
    if (debt.dueOn && debt.dueOn < debt.incurredOn) {
      context.addIssue({ code: 'custom', path: ['dueOn'], message: '约定归还日期不能早于发生日期' });
    }
  });
export type DebtItemInput = z.infer<typeof DebtItemSchema>;

/** Whole months from `from` to `asOf` (YYYY-MM-DD): a debt's age at a period's end. */
export function monthsBetweenDates(from: string, asOf: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = asOf.split('-').map(Number) as [number, number, number];
  return Math.max(0, (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0));
}
