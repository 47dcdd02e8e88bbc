/**
 * Demo livelihood payments (issue 14): two invented county departments of 桑河县 with three subsidy
 * items, and published batches for two demo villages (东岭村, 白杨村), so the village page shows a
 * 公示 and the personal lookup has something to find. The recipients are the textbook placeholder
 * names (张小三, 李小四 …) with ID numbers made up under a real-looking address code (431121) and
 * correct check digits; stored as every payment is (masked, keyed hashes), never in the clear.
 *
 * Written directly, not through importBatch: a seed is no one's action, so it leaves no audit
 * entries. The departments are not 桑河县民政局 (the demo department account's), whose page starts
 * empty for the walk-through of adding items and importing a batch.
 *
 * Try the lookup with 张小三 / 431121195603120249 (paid in both villages) — DEMO_LOOKUP below.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db.ts';
import { getConfig } from '../../src/lib/server/config.ts';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { checkPaymentRow } from '../../src/lib/server/livelihood/payment-row.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../schema/livelihood.ts';

const SANGHE = '990121000000';
const DONGLING = '990121002201';
const BAIYANG = '990121003201';

/** An invented ID number: 431121, the birth date, a sequence, the GB 11643 check character. */
function demoId(birth: string, sequence: number): string {
  const first17 = `431121${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

const PEOPLE = {
  zhang: { name: '张小三', idNumber: demoId('19560312', 24) },
  li: { name: '李小四', idNumber: demoId('19630705', 11) },
  wang: { name: '王小五', idNumber: demoId('19481120', 36) },
  zhao: { name: '赵小六', idNumber: demoId('19710218', 53) },
  qian: { name: '钱小七', idNumber: demoId('19520909', 62) },
};

/** One recipient to look up on the demo site. */
export const DEMO_LOOKUP = PEOPLE.zhang;

type Person = (typeof PEOPLE)[keyof typeof PEOPLE];
const DEPARTMENTS: Array<{
  name: string;
  items: Array<{ name: string; standardText: string; standardFen: number | null; legalBasis: string; batches: Array<{ village: string; period: string; paidOn: string; rows: Array<[Person, string]> }> }>;
}> = [
  {
    name: '桑河县残疾人联合会',
    items: [
      {
        name: '困难残疾人生活补贴',
        standardText: '低保家庭中的残疾人每人每月80元',
        standardFen: 8_000,
        legalBasis: '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）',
        batches: [
          { village: DONGLING, period: '2026-Q3', paidOn: '2026-09-20', rows: [[PEOPLE.zhang, '240'], [PEOPLE.wang, '240']] },
        ],
      },
      {
        name: '重度残疾人护理补贴',
        standardText: '一级、二级重度残疾人每人每月90元',
        standardFen: 9_000,
        legalBasis: '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）',
        batches: [{ village: BAIYANG, period: '2026-Q3', paidOn: '2026-09-20', rows: [[PEOPLE.qian, '270']] }],
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
        legalBasis: '《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）',
        batches: [
          { village: DONGLING, period: '2026', paidOn: '2026-06-15', rows: [[PEOPLE.zhang, '675'], [PEOPLE.li, '1,012.50'], [PEOPLE.zhao, '450']] },
          { village: BAIYANG, period: '2026', paidOn: '2026-06-15', rows: [[PEOPLE.qian, '562.50'], [PEOPLE.zhang, '225']] },
        ],
      },
    ],
  },
];

/** Inserts the demo departments, items and published batches that are not there yet. */
export async function seedDemoLivelihood(db: Db): Promise<void> {
  const key = getConfig().livelihoodIdKey;
  for (const department of DEPARTMENTS) {
    const [existing] = await db.select({ id: livelihoodDepartments.id }).from(livelihoodDepartments).where(eq(livelihoodDepartments.name, department.name));
    if (existing) continue;
    const departmentId = crypto.randomUUID();
    await db.insert(livelihoodDepartments).values({ id: departmentId, countyCode: SANGHE, name: department.name });
    for (const item of department.items) {
      const itemId = crypto.randomUUID();
      await db.insert(subsidyItems).values({ id: itemId, departmentId, name: item.name, standardText: item.standardText, standardFen: item.standardFen, legalBasis: item.legalBasis, createdBy: 'demo-seed' });
      for (const batch of item.batches) {
        const batchId = crypto.randomUUID();
        const at = new Date(`${batch.paidOn}T10:00:00+08:00`);
        const sha = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${item.name}${batch.village}${batch.period}`))).toString('hex');
        await db.insert(paymentBatches).values({ id: batchId, itemId, villageCode: batch.village, period: batch.period, status: 'published', sourceSha256: sha, importedBy: 'demo-seed', importedAt: at, publishedAt: at, publishedBy: 'demo-seed' });
        const rows = batch.rows.map(([person, amount], index) => {
          const checked = checkPaymentRow(key, { ...person, amount, paidOn: batch.paidOn }, '2026-12-01');
          if (!checked.ok) throw new Error(`demo payment ${item.name} row ${index + 2} is invalid`);
          return { ...checked.payment, batchId, line: index + 2 };
        });
        await db.insert(payments).values(rows);
      }
    }
  }
}
