/**
 * Generated test data at province scale (`npm run db:scale`, issue 15): for one real village,
 * 36 monthly published periods of funds entries with its asset, resource-contract and debt
 * registers, hashed into the village's chain exactly as approval hashes them (canonical.ts), and a
 * few published livelihood payment batches; complaints spread over many villages in every state.
 *
 * Pure functions of the village code (a seeded generator), so two runs give the same ledgers.
 * Every name, amount and document number is invented; the pages showing them carry the
 * "generated test data" label (areas.generated_data). Nothing here writes: load.ts does.
 */
import type { AssetItemRow, FundEntryRow, ResourceContractRow } from '../../../../db/schema/accounts.ts';
import type { DebtItemRow } from '../../../../db/schema/debts.ts';
import type { ComplaintStatus } from '../../../../db/schema/complaints.ts';
import { chainHash, CONTENT_VERSION, disclosureContent, GENESIS_HASH } from '../accounts/canonical.ts';
import { parsePeriod, type Period } from '../accounts/periods.ts';
import { checkCharacter } from '../livelihood/id-number.ts';

/** A small, fast, seeded generator (mulberry32). */
export function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const between = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const pad = (n: number) => String(n).padStart(2, '0');
/** Yuan to fen, rounded to whole yuan (village books mostly are) or to 10 fen. */
const yuan = (r: Rand, lo: number, hi: number) => between(r, lo, hi) * 100;

/** The `count` months ending with the last month finished before `today` (YYYY-MM-DD), oldest first. */
export function lastMonths(today: string, count: number): Period[] {
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7)) - 1;
  const periods: Period[] = [];
  for (let i = 0; i < count; i++) {
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    periods.unshift(parsePeriod(`${year}-${pad(month)}`)!);
    month -= 1;
  }
  return periods;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '郑', '梁', '宋', '韩', '冯', '董', '田', '曹', '袁', '邓', '许'];
const GIVEN = ['建国', '秀英', '桂兰', '志强', '玉兰', '国强', '淑珍', '海燕', '振华', '丽娟', '文明', '春生', '凤英', '德胜', '金凤', '红梅', '永刚', '素芳', '长林', '彩霞', '保国', '月华', '树林', '小军'];
export const personName = (r: Rand) => pick(r, SURNAMES) + pick(r, GIVEN);

export type FundLine = Omit<FundEntryRow, 'id' | 'disclosureId'>;
export type AssetLine = Omit<AssetItemRow, 'id' | 'disclosureId'>;
export type ResourceLine = Omit<ResourceContractRow, 'id' | 'disclosureId'>;
export type DebtLine = Omit<DebtItemRow, 'id' | 'disclosureId'>;

export interface GeneratedPeriod {
  period: Period;
  openingBalanceFen: number;
  chainSeq: number;
  prevHash: string;
  contentHash: string;
  contentVersion: number;
  /** When it was published: the 8th of the next month, 10:00 Beijing time (or `now`, if that is later than now). */
  publishedAt: Date;
  funds: FundLine[];
  assets: AssetLine[];
  resources: ResourceLine[];
  debts: DebtLine[];
}

function registers(r: Rand, villageName: string, firstDay: string) {
  const year = Number(firstDay.slice(0, 4));
  const lessee = `${pick(r, SURNAMES)}某${pick(r, ['农机合作社', '养殖场', '家庭农场', '商店'])}`;
  const contractor = personName(r);
  const assets: AssetLine[] = [
    { lineNo: 1, name: `${villageName}村委会办公楼`, assetType: '房屋建筑物', quantity: between(r, 260, 620), unit: '平方米', originalValueFen: yuan(r, 300_000, 900_000), acquiredOn: `${year - between(r, 6, 20)}-0${between(r, 3, 9)}-15`, location: `${villageName}村中心街`, useStatus: '自用', lessee: null, leaseStart: null, leaseEnd: null, annualRentFen: null, bookAmountFen: 0, actualAmountFen: 0, gapReason: null },
    { lineNo: 2, name: '集体厂房', assetType: '房屋建筑物', quantity: between(r, 300, 1_200), unit: '平方米', originalValueFen: yuan(r, 200_000, 800_000), acquiredOn: `${year - between(r, 5, 15)}-10-01`, location: `${villageName}村北`, useStatus: '出租', lessee, leaseStart: `${year - 1}-01-01`, leaseEnd: `${year + 4}-12-31`, annualRentFen: yuan(r, 12_000, 60_000), bookAmountFen: 0, actualAmountFen: 0, gapReason: null },
  ];
  for (const asset of assets) {
    asset.bookAmountFen = asset.originalValueFen;
    asset.actualAmountFen = asset.originalValueFen;
  }
  const landFee = yuan(r, 8_000, 40_000);
  const resources: ResourceLine[] = [
    { lineNo: 1, name: '集体机动地', landClass: '耕地', areaMu: between(r, 20, 180), location: `${villageName}村西洼`, contractor, termStart: `${year - 2}-10-01`, termEnd: `${year + 8}-09-30`, annualFeeFen: landFee, awardMethod: '公开招标', feeStatus: 'paid', arrearsFen: 0 },
  ];
  const debts: DebtLine[] = [
    { lineNo: 1, kind: 'receivable', counterparty: lessee, subject: '应收款', summary: '集体厂房租金尚未收齐', amountFen: yuan(r, 2_000, 12_000), incurredOn: `${year}-01-10`, dueOn: `${year}-12-31` },
  ];
  return { assets, resources, debts, landFee, rent: assets[1]!.annualRentFen! };
}

/** One month's funds entries, 2 to 10 of them (5.5 on average), in date order. */
function monthFunds(r: Rand, period: Period, names: { village: string; township: string }, ctx: { landFee: number; rent: number; cadres: string }): FundLine[] {
  const [year, month] = [Number(period.start.slice(0, 4)), Number(period.start.slice(5, 7))];
  const lastDay = Number(period.end.slice(8, 10));
  const day = (d: number) => `${period.start.slice(0, 8)}${pad(Math.min(d, lastDay))}`;
  const lines: Array<Omit<FundLine, 'lineNo'>> = [];
  const voucher = (n: number) => `${year}${pad(month)}-${pad(n)}`;
  const add = (line: Omit<FundLine, 'lineNo' | 'voucherNo' | 'adjustsEntryId' | 'decisionRef'> & { decisionRef?: string | null }) =>
    lines.push({ decisionRef: null, ...line, voucherNo: voucher(lines.length + 1), adjustsEntryId: null });
  add({ entryDate: day(between(r, 3, 9)), direction: 'income', amountFen: yuan(r, 6_000, 16_000), subject: '补助收入', summary: `${names.township}拨付村级组织运转经费`, counterparty: `${names.township}财政所`, method: 'transfer' });
  add({ entryDate: day(between(r, 10, 14)), direction: 'expense', amountFen: yuan(r, 3_000, 9_000), subject: '管理费用', summary: `支付${month === 1 ? 12 : month - 1}月村干部误工补贴`, counterparty: ctx.cadres, method: 'transfer' });
  if (month % 3 === 0) {
    add({ entryDate: day(21), direction: 'income', amountFen: between(r, 3_000, 60_000), subject: '其他收入', summary: '银行存款结息', counterparty: '河北省农村信用社', method: 'transfer' });
  }
  if (month === 10 || month === 11) {
    add({ entryDate: day(between(r, 5, 25)), direction: 'income', amountFen: month === 10 ? ctx.landFee : ctx.rent, subject: '经营收入', summary: month === 10 ? '收取集体机动地承包费' : '收取集体厂房年租金', counterparty: month === 10 ? '机动地承包户' : '厂房承租方', method: 'transfer' });
  }
  const extra = between(r, 0, 6);
  for (let i = 0; i < extra; i++) {
    const kind = between(r, 0, 5);
    if (kind === 0) add({ entryDate: day(between(r, 1, 28)), direction: 'expense', amountFen: yuan(r, 200, 1_800), subject: '管理费用', summary: '支付村委会办公用电电费', counterparty: '国网河北省电力有限公司', method: 'transfer' });
    else if (kind === 1) add({ entryDate: day(between(r, 1, 28)), direction: 'expense', amountFen: yuan(r, 80, 1_500), subject: '管理费用', summary: '购买办公用品', counterparty: `${names.township}文具店`, method: 'cash' });
    else if (kind === 2) add({ entryDate: day(between(r, 1, 28)), direction: 'expense', amountFen: yuan(r, 1_500, 6_000), subject: '公益支出', summary: '村内街道保洁', counterparty: `${names.village}保洁服务队`, method: 'transfer' });
    else if (kind === 3) add({ entryDate: day(between(r, 1, 28)), direction: 'expense', amountFen: yuan(r, 2_000, 20_000), subject: '经营支出', summary: '机井维修', counterparty: `${pick(r, SURNAMES)}记水泵维修部`, method: 'transfer' });
    else if (kind === 4) {
      const amount = yuan(r, 20_000, 80_000);
      add({ entryDate: day(between(r, 1, 28)), direction: 'expense', amountFen: amount, subject: '公益支出', summary: pick(r, ['村内道路修补', '文化广场照明改造', '排水沟清淤']), counterparty: `${pick(r, ['恒达', '兴业', '宏远', '利民'])}建筑工程有限公司`, method: 'transfer', decisionRef: amount >= 5_000_000 ? `${names.village}村民代表会议决议〔${year}〕${between(r, 1, 9)}号` : null });
    } else add({ entryDate: day(between(r, 1, 28)), direction: 'income', amountFen: yuan(r, 500, 5_000), subject: '其他收入', summary: '收取村集体闲置场地临时占用费', counterparty: personName(r), method: 'transfer' });
  }
  lines.sort((a, b) => (a.entryDate < b.entryDate ? -1 : a.entryDate > b.entryDate ? 1 : 0));
  return lines.map((line, index) => ({ ...line, lineNo: index + 1, voucherNo: voucher(index + 1) }));
}

/**
 * The village's 36 (or `months.length`) published monthly periods, chained from the genesis hash
 * as approveDisclosure chains them: each opens with the previous closing balance, and its hash
 * covers its canonical content (version CONTENT_VERSION, with the debts register).
 */
export function villageLedger(village: { code: string; name: string; townshipName: string }, months: Period[], now: Date): GeneratedPeriod[] {
  const r = rng(`ledger:${village.code}`);
  const regs = registers(r, village.name, months[0]!.start);
  const cadres = `${personName(r)}等${between(r, 3, 6)}名村干部`;
  let balance = yuan(r, 30_000, 400_000);
  let prevHash = GENESIS_HASH;
  return months.map((period, index) => {
    const funds = monthFunds(r, period, { village: village.name, township: village.townshipName }, { landFee: regs.landFee, rent: regs.rent, cadres });
    const openingBalanceFen = balance;
    for (const line of funds) balance += line.direction === 'income' ? line.amountFen : -line.amountFen;
    // A year's land fee paid late in its first year, then settled: the register says so.
    const resources = regs.resources.map((line) => (line.lineNo === 1 && index < 2 ? { ...line, feeStatus: 'arrears' as const, arrearsFen: line.annualFeeFen } : line));
    const lines = { funds: funds as FundEntryRow[], assets: regs.assets as AssetItemRow[], resources: resources as ResourceContractRow[], debts: regs.debts as DebtItemRow[] };
    const contentHash = chainHash(prevHash, disclosureContent({ villageCode: village.code, period: period.code, openingBalanceFen, contentVersion: CONTENT_VERSION }, lines));
    const next = parsePeriod(period.code)!.dueOn.slice(0, 8) + '08';
    const publishedAt = new Date(Math.min(new Date(`${next}T10:00:00+08:00`).getTime(), now.getTime()));
    const generated: GeneratedPeriod = { period, openingBalanceFen, chainSeq: index + 1, prevHash, contentHash, contentVersion: CONTENT_VERSION, publishedAt, funds, assets: regs.assets, resources, debts: regs.debts };
    prevHash = contentHash;
    return generated;
  });
}

// ------------------------------------------------------------------ livelihood

export interface GeneratedRecipient {
  name: string;
  idNumber: string;
  /** 耕地地力保护补贴: the contracted area (mu). */
  mu: number;
}

/** The village's recipients: ten households with land, the first three also on 低保. ID numbers under the county's address code. */
export function villageRecipients(villageCode: string): GeneratedRecipient[] {
  const r = rng(`people:${villageCode}`);
  return Array.from({ length: 10 }, (_, i) => {
    const birth = `${between(r, 1940, 1990)}${pad(between(r, 1, 12))}${pad(between(r, 1, 28))}`;
    const first17 = `${villageCode.slice(0, 6)}${birth}${String(between(r, 0, 99) * 10 + (i % 10)).padStart(3, '0')}`;
    return { name: personName(r), idNumber: first17 + checkCharacter(first17), mu: between(r, 2, 14) };
  });
}

export interface GeneratedBatch {
  item: 'land' | 'dibao';
  period: string;
  paidOn: string;
  rows: Array<{ recipient: number; amountFen: number }>;
}

/** Three yearly 耕地地力保护补贴 batches (112.5 元 a mu) and the last four quarters' 最低生活保障金. */
export function villageBatches(villageCode: string, today: string): GeneratedBatch[] {
  const r = rng(`batches:${villageCode}`);
  const people = villageRecipients(villageCode);
  const year = Number(today.slice(0, 4));
  const batches: GeneratedBatch[] = [];
  for (const y of [year - 2, year - 1, year]) {
    if (`${y}-06-15` > today) continue;
    batches.push({ item: 'land', period: String(y), paidOn: `${y}-06-15`, rows: people.map((person, i) => ({ recipient: i, amountFen: person.mu * 11_250 })) });
  }
  let q = Math.floor((Number(today.slice(5, 7)) - 1) / 3); // the current quarter, 0-based; start with the one before
  let qy = year;
  for (let n = 0; n < 4; n++) {
    q -= 1;
    if (q < 0) {
      q = 3;
      qy -= 1;
    }
    const paidOn = `${qy}-${pad(q * 3 + 3)}-20`;
    batches.push({ item: 'dibao', period: `${qy}-Q${q + 1}`, paidOn, rows: [0, 1, 2].map((i) => ({ recipient: i, amountFen: between(r, 500, 900) * 300 })) });
  }
  return batches;
}

// ------------------------------------------------------------------ complaints

/** The share of complaints in each state (every state is present). */
export const COMPLAINT_MIX: Array<[ComplaintStatus, number]> = [
  ['received', 0.1],
  ['accepted', 0.15],
  ['declined', 0.08],
  ['transferred', 0.07],
  ['in_progress', 0.25],
  ['concluded', 0.35],
];

const TOPICS = [
  { category: 'assets', title: '村集体机动地承包费去向不明', content: '本村集体机动地发包多年，承包费一直没有公开，村民多次询问村委会都说还在统计，请上级核查承包费的收取和使用情况。' },
  { category: 'assets', title: '集体厂房出租未经村民代表会议', content: '村北集体厂房出租给外村老板，租金多少、租期多长都没有经过村民代表会议讨论，也没有张榜公布。' },
  { category: 'conduct', title: '村干部优亲厚友评定低保', content: '今年评定低保时，村干部把自己的亲戚评上了，真正困难的几户没有评上，评议过程也没有公示。' },
  { category: 'item', title: '宅基地审批迟迟没有答复', content: '去年提交了宅基地申请材料，村里说报到镇上了，到现在也没有任何答复，多次去问都说再等等。' },
  { category: 'other', title: '道路硬化工程质量差', content: '村内道路去年刚硬化，今年就出现大面积开裂，施工单位是谁、花了多少钱都不清楚，请核查。' },
] as const;

export interface GeneratedComplaint {
  status: ComplaintStatus;
  category: (typeof TOPICS)[number]['category'];
  title: string;
  content: string;
  filedOn: string;
  anonymous: boolean;
  finding: 'substantiated' | 'partly' | 'unsubstantiated' | 'unverifiable' | null;
  rating: number | null;
}

/** The n-th generated complaint: its state by COMPLAINT_MIX, a filing day within three years before `today`. */
export function complaintAt(n: number, today: string): GeneratedComplaint {
  const r = rng(`complaint:${n}`);
  const x = r();
  let acc = 0;
  let status: ComplaintStatus = 'concluded';
  for (const [s, share] of COMPLAINT_MIX) {
    acc += share;
    if (x < acc) {
      status = s;
      break;
    }
  }
  const topic = pick(r, TOPICS);
  const back = between(r, status === 'received' ? 0 : 10, status === 'received' ? 20 : 3 * 365);
  const filed = new Date(`${today}T00:00:00Z`);
  filed.setUTCDate(filed.getUTCDate() - back);
  const concluded = status === 'concluded';
  return {
    status,
    category: topic.category,
    title: topic.title,
    content: topic.content,
    filedOn: filed.toISOString().slice(0, 10),
    anonymous: r() < 0.7,
    finding: concluded ? pick(r, ['substantiated', 'partly', 'unsubstantiated', 'unverifiable'] as const) : null,
    rating: concluded && r() < 0.5 ? between(r, 1, 5) : null,
  };
}

/** The public case steps each state has been through, after 'received'. */
export function complaintSteps(status: ComplaintStatus): Array<{ kind: 'accepted' | 'declined' | 'transferred' | 'in_progress' | 'concluded' | 'replied'; text: string | null }> {
  switch (status) {
    case 'received':
      return [];
    case 'accepted':
      return [{ kind: 'accepted', text: null }];
    case 'declined':
      return [{ kind: 'declined', text: '反映的问题不属于纪检监察机关受理范围，已告知向相关部门反映。' }];
    case 'transferred':
      return [{ kind: 'transferred', text: '已转送县自然资源和规划局办理。' }];
    case 'in_progress':
      return [{ kind: 'accepted', text: null }, { kind: 'in_progress', text: null }];
    default:
      return [{ kind: 'accepted', text: null }, { kind: 'in_progress', text: null }, { kind: 'concluded', text: null }, { kind: 'replied', text: '经核查，已责成村委会公开相关账目并整改。' }];
  }
}
