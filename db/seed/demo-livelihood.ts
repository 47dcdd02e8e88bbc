/**
 * Demo livelihood payments (issue 14): two invented county departments of 桑河县 with three subsidy
 * items, published batches for two demo villages (东岭村, 白杨村), the county's five registries, and
 * the cross-check hits they give — so the village page shows a 公示, the personal lookup has
 * something to find, and the hits page a few suspects of every rule.
 *
 * Written directly, not through importBatch or importRegistry: a seed is no one's action, so it
 * leaves no audit entries. The departments are not 桑河县民政局 (the demo department account's),
 * whose page starts empty for the walk-through of adding items and importing a batch.
 *
 * Recipients: the five textbook placeholders (张小三, 李小四 …) are ordinary recipients; the others
 * are invented names, each with a part in the planted hits below. Stored as every payment is
 * (masked, keyed hashes), never in the clear. Try the lookup with 张小三 / 431121195603120249 (two
 * items in 东岭村, no hit) — DEMO_LOOKUP below.
 *
 * The planted hits, after the seed's run of the county's checks (demo.test.ts holds the same list;
 * everyone else, the near-misses included, has none):
 *
 * - deceased: 孙桂芝 (白杨村), 困难残疾人生活补贴 2026-Q3 paid 2026-09-20, recorded dead on 2026-07-14.
 *   Near-miss: 周德福 (白杨村) died 2026-08-30, after his 耕地地力保护补贴 of 2026-06-15.
 * - official: 蒋大伟 (白杨村), a public employee of 桑河县自然资源局, paid 困难残疾人生活补贴.
 *   Near-miss: the village cadres 冯志强 and 邓文斌 are in the register but paid nothing.
 * - cadre_relative: 冯秀兰 (东岭村), 困难残疾人生活补贴 certified by 冯志强, her younger brother and a
 *   cadre of 东岭村. Near-miss: his son 冯建军 (白杨村) is certified by 邓文斌, another cadre.
 * - two_villages (both payments): 卫春花 married from 东岭村 into 白杨村 and both villages kept her on
 *   the 2026 耕地地力保护补贴 list. Near-miss: 张小三 and 王小五, paid two items in one village.
 * - paid_twice (both rows): 韩金山 appears twice in 白杨村's 2026 耕地地力保护补贴 list (a row copied twice).
 *   Near-miss: 钱小七's 重度残疾人护理补贴 for two quarters (2026-Q2, 2026-Q3) of 白杨村.
 * - above_standard: 沈小燕 (白杨村), 重度残疾人护理补贴 2026-Q3 of 2,700 yuan where the quarter's
 *   standard is 270 (a zero too many). Near-miss: every other quarterly amount equals its standard.
 * - shared_account (both payments): 陈玉兰's 护理补贴 and 褚国庆's 耕地地力保护补贴 (东岭村, unrelated)
 *   went into one account. Near-miss: 张小三's two payments into his own account.
 * - vehicle: 杨淑芬 (东岭村) owns a car and is paid 困难残疾人生活补贴 (a 低保 family's subsidy, which
 *   forbids one). Near-miss: 李小四's car, under 耕地地力保护补贴, which does not.
 * - business: 何永福 (白杨村) has had a business registered since 2025-04-18, paid 困难残疾人生活补贴.
 *   Near-miss: 王小五's business registered 2026-10-12, after his payment of 2026-09-20.
 *
 * DEMO_DECEASED (曹秀梅, 东岭村) is in the death registry and paid in no batch: importing
 * demoDeceasedBatchCsv() as 桑河县民政局 shows the deceased rule firing on a fresh import.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db.ts';
import { getConfig } from '../../src/lib/server/config.ts';
import { runCrossChecks } from '../../src/lib/server/livelihood/cross-checks.ts';
import { templateCsv } from '../../src/lib/server/livelihood/file.ts';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { checkPaymentRow } from '../../src/lib/server/livelihood/payment-row.ts';
import { users } from '../schema/auth.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../schema/livelihood.ts';
import { seedDemoRegistries, type DemoPerson, type DemoRegistries } from './demo-registries.ts';

const SANGHE = '990121000000';
const DONGLING = '990121002201';
const BAIYANG = '990121003201';
/** The account the registries are recorded as imported by (db/seed/demo-users.ts). */
const COMMISSION = 'sanghe.jw';
/** The "today" the demo rows are checked against: after every date below. */
const SEED_TODAY = '2026-12-01';

/**
 * An invented ID number of a 桑河县 resident: address code 431121, the birth date, a sequence (odd
 * for men, even for women, as GB 11643 has it), the check character. Why 431121: the demo areas'
 * codes (99…) are no GB/T 2260 province and id-number.ts rightly refuses them, so the demo needs a
 * real prefix; the rule used throughout (here and in every test) is 4311 (湖南省永州市) followed by
 * the demo county's two digits — 桑河县 990121 → 431121, 柳岗县 990122 → 431122 — so a number's
 * county can be told at a glance. The lookup number in the README follows it.
 */
function demoId(birth: string, sequence: number): string {
  const first17 = `431121${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

const PEOPLE = {
  // Ordinary recipients (and near-misses).
  zhang: { name: '张小三', idNumber: demoId('19560312', 24) },
  li: { name: '李小四', idNumber: demoId('19630705', 11) },
  wang: { name: '王小五', idNumber: demoId('19481120', 36) },
  zhao: { name: '赵小六', idNumber: demoId('19710218', 53) },
  qian: { name: '钱小七', idNumber: demoId('19520909', 62) },
  zhou: { name: '周德福', idNumber: demoId('19380125', 71) },
  fengJianjun: { name: '冯建军', idNumber: demoId('19920930', 17) },
  // The two village cadres who certify applications (in the officials register, paid nothing).
  fengZhiqiang: { name: '冯志强', idNumber: demoId('19680411', 13) },
  deng: { name: '邓文斌', idNumber: demoId('19750516', 39) },
  // One planted hit each (two payments for two_villages, paid_twice and shared_account).
  sun: { name: '孙桂芝', idNumber: demoId('19410603', 82) },
  jiang: { name: '蒋大伟', idNumber: demoId('19790814', 35) },
  fengXiulan: { name: '冯秀兰', idNumber: demoId('19650227', 46) },
  wei: { name: '卫春花', idNumber: demoId('19860721', 28) },
  han: { name: '韩金山', idNumber: demoId('19590308', 55) },
  shen: { name: '沈小燕', idNumber: demoId('19830112', 64) },
  chen: { name: '陈玉兰', idNumber: demoId('19570419', 42) },
  chu: { name: '褚国庆', idNumber: demoId('19660905', 57) },
  yang: { name: '杨淑芬', idNumber: demoId('19720630', 48) },
  he: { name: '何永福', idNumber: demoId('19700210', 73) },
  // In the death registry, paid nowhere: the browser test's batch pays her.
  cao: { name: '曹秀梅', idNumber: demoId('19440916', 86) },
  // The other two recipients of that batch, in no registry.
  luo: { name: '罗振华', idNumber: demoId('19510804', 91) },
  xie: { name: '谢美英', idNumber: demoId('19530117', 66) },
} satisfies Record<string, DemoPerson>;

/** One recipient to look up on the demo site. */
export const DEMO_LOOKUP = PEOPLE.zhang;

/** A person in 桑河县's death registry who is paid in no demo batch; died before DEMO_DECEASED_BATCH's payment date. */
export const DEMO_DECEASED = { ...PEOPLE.cao, diedOn: '2026-10-08' } as const;

/**
 * The batch demoDeceasedBatchCsv() is for. 桑河县民政局 owns no item in the seed, so the browser test
 * adds this item first (a name with a suffix, as tests/e2e/livelihood.e2e.ts does, keeps a second
 * run from paying the same people twice under one item); a standard of 520 yuan or none keeps every
 * amount within it. Imported for 东岭村 and this period, it gives exactly one hit: deceased, for
 * DEMO_DECEASED.
 */
export const DEMO_DECEASED_BATCH = {
  itemName: '最低生活保障金',
  standardText: '农村低保标准每人每月520元，按家庭人均收入与标准的差额发放',
  legalBasis: '《社会救助暂行办法》（国务院令第649号）',
  villageCode: DONGLING,
  villageName: '东岭村',
  period: '2026-11',
  paidOn: '2026-11-10',
} as const;

/** A recipient list for DEMO_DECEASED_BATCH as CSV text (UTF-8 with BOM, the template's columns): three recipients, DEMO_DECEASED the second. */
export function demoDeceasedBatchCsv(): string {
  const rows: Array<[DemoPerson, string]> = [[PEOPLE.luo, '480'], [DEMO_DECEASED, '520'], [PEOPLE.xie, '360']];
  return templateCsv(['姓名', '身份证号码', '金额（元）', '发放日期']) + rows.map(([person, amount]) => `${person.name},${person.idNumber},${amount},${DEMO_DECEASED_BATCH.paidOn}\r\n`).join('');
}

/** What 桑河县's commission imported (see the planted hits above); registryCsv gives each kind's file. */
export const DEMO_REGISTRIES: DemoRegistries = {
  deaths: [
    { person: PEOPLE.sun, diedOn: '2026-07-14' },
    { person: PEOPLE.zhou, diedOn: '2026-08-30' },
    { person: DEMO_DECEASED, diedOn: DEMO_DECEASED.diedOn },
  ],
  officials: [
    { person: PEOPLE.jiang, employer: '桑河县自然资源局', kind: 'public_employee' },
    { person: PEOPLE.fengZhiqiang, employer: '东岭村民委员会', kind: 'village_cadre' },
    { person: PEOPLE.deng, employer: '白杨村民委员会', kind: 'village_cadre' },
  ],
  relatives: [
    { cadre: PEOPLE.fengZhiqiang, relative: PEOPLE.fengXiulan, relation: 'sibling' },
    { cadre: PEOPLE.fengZhiqiang, relative: PEOPLE.fengJianjun, relation: 'child' },
  ],
  vehicles: [
    { person: PEOPLE.yang, plateTail: '7Q8' },
    { person: PEOPLE.li, plateTail: '26K' },
  ],
  businesses: [
    { person: PEOPLE.he, registeredOn: '2025-04-18' },
    { person: PEOPLE.wang, registeredOn: '2026-10-12' },
  ],
};

/** Invented account numbers: 张小三's own, and the one 陈玉兰 and 褚国庆 share. */
const ZHANG_ACCOUNT = '6230521420001188765';
const SHARED_ACCOUNT = '6230521420003377102';

type Row = { person: DemoPerson; amount: string; bankAccount?: string };
interface DemoBatch {
  village: string;
  period: string;
  paidOn: string;
  /** The village cadre who certified the applications (审核村干部), for every row. */
  certifier?: DemoPerson;
  rows: Row[];
}
interface DemoItem {
  name: string;
  standardText: string;
  /** The most one payment may be: the standard for the period the item is paid by (a quarter here). */
  standardFen: number | null;
  forbidsVehicle: boolean;
  forbidsBusiness: boolean;
  /** Officials and village cadres may lawfully receive it (the official rule passes over it); absent: they may not. */
  officialsMayReceive?: boolean;
  legalBasis: string;
  batches: DemoBatch[];
}

const DISABILITY_BASIS = '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）';
const Q3 = { period: '2026-Q3', paidOn: '2026-09-20' };

const DEPARTMENTS: Array<{ name: string; items: DemoItem[] }> = [
  {
    name: '桑河县残疾人联合会',
    items: [
      {
        name: '困难残疾人生活补贴',
        standardText: '低保家庭中的残疾人每人每月80元，按季度发放，每季度240元',
        standardFen: 24_000,
        // Only 低保 families' members receive it, and 低保 is refused to a household with a car or a business.
        forbidsVehicle: true,
        forbidsBusiness: true,
        legalBasis: DISABILITY_BASIS,
        batches: [
          {
            village: DONGLING,
            ...Q3,
            certifier: PEOPLE.fengZhiqiang,
            rows: [
              { person: PEOPLE.zhang, amount: '240', bankAccount: ZHANG_ACCOUNT },
              { person: PEOPLE.wang, amount: '240' },
              { person: PEOPLE.fengXiulan, amount: '240' }, // cadre_relative: certified by her brother
              { person: PEOPLE.yang, amount: '240' }, // vehicle
            ],
          },
          {
            village: BAIYANG,
            ...Q3,
            certifier: PEOPLE.deng,
            rows: [
              { person: PEOPLE.qian, amount: '240' },
              { person: PEOPLE.sun, amount: '240' }, // deceased
              { person: PEOPLE.jiang, amount: '240' }, // official
              { person: PEOPLE.he, amount: '240' }, // business
            ],
          },
        ],
      },
      {
        name: '重度残疾人护理补贴',
        standardText: '一级、二级重度残疾人每人每月90元，按季度发放，每季度270元',
        standardFen: 27_000,
        forbidsVehicle: false,
        forbidsBusiness: false,
        legalBasis: DISABILITY_BASIS,
        batches: [
          { village: DONGLING, ...Q3, rows: [{ person: PEOPLE.wang, amount: '270' }, { person: PEOPLE.chen, amount: '270', bankAccount: SHARED_ACCOUNT }] }, // shared_account (陈玉兰)
          { village: BAIYANG, period: '2026-Q2', paidOn: '2026-06-20', rows: [{ person: PEOPLE.qian, amount: '270' }] },
          { village: BAIYANG, ...Q3, rows: [{ person: PEOPLE.qian, amount: '270' }, { person: PEOPLE.shen, amount: '2,700' }] }, // above_standard (沈小燕)
        ],
      },
    ],
  },
  {
    name: '桑河县农业农村和水利局',
    items: [
      {
        name: '耕地地力保护补贴',
        standardText: '按确权承包地面积每亩每年112.5元',
        standardFen: null,
        forbidsVehicle: false,
        forbidsBusiness: false,
        // Paid on contracted farmland, whoever farms it: an official's own land is no hit.
        officialsMayReceive: true,
        legalBasis: '《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）',
        batches: [
          {
            village: DONGLING,
            period: '2026',
            paidOn: '2026-06-15',
            rows: [
              { person: PEOPLE.zhang, amount: '675', bankAccount: ZHANG_ACCOUNT },
              { person: PEOPLE.li, amount: '1,012.50' },
              { person: PEOPLE.zhao, amount: '450' },
              { person: PEOPLE.wei, amount: '337.50' }, // two_villages
              { person: PEOPLE.chu, amount: '900', bankAccount: SHARED_ACCOUNT }, // shared_account
            ],
          },
          {
            village: BAIYANG,
            period: '2026',
            paidOn: '2026-06-15',
            certifier: PEOPLE.deng,
            rows: [
              { person: PEOPLE.qian, amount: '562.50' },
              { person: PEOPLE.zhou, amount: '450' },
              { person: PEOPLE.fengJianjun, amount: '787.50' },
              { person: PEOPLE.wei, amount: '337.50' }, // two_villages
              { person: PEOPLE.han, amount: '1,125' }, // paid_twice
              { person: PEOPLE.han, amount: '1,125' }, // paid_twice: the same row again
            ],
          },
        ],
      },
    ],
  },
];

/**
 * Inserts the demo departments, items, published batches and 桑河县's registries, then runs the
 * county's cross-checks — all in one transaction, and only when the demo departments are not there
 * yet, so a second run adds nothing and a database seeded before the registries keeps what it had.
 */
export async function seedDemoLivelihood(db: Db): Promise<void> {
  const key = getConfig().livelihoodIdKey;
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: livelihoodDepartments.id }).from(livelihoodDepartments).where(eq(livelihoodDepartments.name, DEPARTMENTS[0]!.name));
    if (existing) return;
    for (const department of DEPARTMENTS) {
      const departmentId = crypto.randomUUID();
      await tx.insert(livelihoodDepartments).values({ id: departmentId, countyCode: SANGHE, name: department.name });
      for (const item of department.items) {
        const itemId = crypto.randomUUID();
        const { batches, ...fields } = item;
        await tx.insert(subsidyItems).values({ id: itemId, departmentId, ...fields, createdBy: 'demo-seed' });
        for (const batch of batches) {
          const batchId = crypto.randomUUID();
          const at = new Date(`${batch.paidOn}T10:00:00+08:00`);
          const sha = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${item.name}${batch.village}${batch.period}`))).toString('hex');
          await tx.insert(paymentBatches).values({ id: batchId, itemId, villageCode: batch.village, period: batch.period, status: 'published', sourceSha256: sha, importedBy: 'demo-seed', importedAt: at, publishedAt: at, publishedBy: 'demo-seed' });
          const rows = batch.rows.map(({ person, amount, bankAccount }, index) => {
            const checked = checkPaymentRow(key, { ...person, amount, paidOn: batch.paidOn, bankAccount, certifierIdNumber: batch.certifier?.idNumber }, SEED_TODAY);
            if (!checked.ok) throw new Error(`demo payment ${item.name} row ${index + 2} is invalid`);
            return { ...checked.payment, batchId, line: index + 2 };
          });
          await tx.insert(payments).values(rows);
        }
      }
    }
    const [commission] = await tx.select({ id: users.id }).from(users).where(eq(users.username, COMMISSION));
    if (!commission) throw new Error(`demo account ${COMMISSION} is missing: the demo users are seeded first`);
    await seedDemoRegistries(tx, key, SANGHE, commission.id, DEMO_REGISTRIES, new Date(`${SEED_TODAY}T09:00:00+08:00`));
    await runCrossChecks(tx, { countyCode: SANGHE });
  });
}
