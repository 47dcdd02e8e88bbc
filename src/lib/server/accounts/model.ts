/**
 * The three-assets ledger model shared by the workspace forms, the spreadsheet import, the seed
 * and the open-data API. Money is integer fen (分); dates are YYYY-MM-DD in Asia/Shanghai.
 *
 * Accounting subjects follow 《农村集体经济组织会计制度》(财会〔2023〕14号, in force 2024-01-01).
 * The 2004 system's 发包及上交收入 no longer exists; imports accept it only as a legacy name and
 * map it (by substance it is mostly contracting income, i.e. 经营收入).
 */
import { z } from 'zod';
import { isIsoDate } from '../time.ts';

export const INCOME_SUBJECTS = ['经营收入', '投资收益', '补助收入', '其他收入'] as const;
export const EXPENSE_SUBJECTS = ['经营支出', '税金及附加', '管理费用', '公益支出', '其他支出', '所得税费用'] as const;
export const SUBJECTS = [...INCOME_SUBJECTS, ...EXPENSE_SUBJECTS] as const;
export type Subject = (typeof SUBJECTS)[number];

/** Legacy names accepted on import only, with the current subject they map to. */
export const LEGACY_SUBJECTS: Record<string, Subject> = {
  发包及上交收入: '经营收入',
};

export const DIRECTIONS = ['income', 'expense'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PAYMENT_METHODS = ['transfer', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const ASSET_TYPES = ['房屋建筑物', '机器设备', '农业基础设施', '林木', '其他'] as const;
export const ASSET_USE_STATUSES = ['自用', '出租', '出借', '闲置', '报废'] as const;
export const LAND_CLASSES = ['耕地', '园地', '林地', '草地', '水域', '宅基地/建设用地', '未利用地'] as const;
export const AWARD_METHODS = ['公开招标', '竞争性谈判', '协商'] as const;
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
    subject: z.enum(SUBJECTS, { message: `会计科目应为：${SUBJECTS.join('、')}` }),
    summary: text('摘要', 200),
    counterparty: text('对方单位或个人', 100),
    voucherNo: optionalText('凭证号', 40),
    method: z.enum(PAYMENT_METHODS, { message: '结算方式应为“转账”或“现金”' }),
    decisionRef: optionalText('决议文号', 100),
    /** For corrections: the published entry this one adjusts. */
    adjustsEntryId: z.number().int().positive().nullable().optional(),
  })
  .refine(
    (entry) =>
      entry.direction === 'income'
        ? (INCOME_SUBJECTS as readonly string[]).includes(entry.subject)
        : (EXPENSE_SUBJECTS as readonly string[]).includes(entry.subject),
    { message: '会计科目与收支方向不一致（收入科目只能用于收入，支出科目只能用于支出）', path: ['subject'] },
  );
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
