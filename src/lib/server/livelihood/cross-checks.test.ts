/**
 * The cross-check rules with crafted registries, each with a hit and its near-miss, in 柳岗县 (the
 * demo's hits are 桑河县's): deceased before the payment date (not on or after it), official, close
 * relative of the certifying cadre, two villages or twice in one period (not in two periods, not
 * from a withdrawn batch), above the standard (not equal to it), a shared account (not one person
 * twice), a vehicle or a business where the item forbids it (not where it does not, not a business
 * registered after the payment). Reruns are idempotent, a replaced registry clears its hits, a
 * failing check never loses the batch, and the hits are listed for the commission and the paying
 * department only. On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { livelihoodHits, registryImports } from '../../../../db/schema/livelihood-checks.ts';
import { paymentBatches } from '../../../../db/schema/livelihood.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { logger } from '../logger.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { withdrawBatch } from './batch-steps.ts';
import { hitCountsByVillage, hitRuleLabel, hitScopeFor, listHits, rerunCrossChecks, runCrossChecks } from './cross-checks.ts';
import { checkCharacter } from './id-number.ts';
import { addItem } from './items.ts';
import { importRegistry } from './registries.ts';
import type { PaymentRowInput } from './payment-row.ts';

const KEY = Buffer.from('dGVzdC1saXZlbGlob29kLWlkLWtleS0zMmJ5dGVzISE=', 'base64');
const TODAY = '2026-12-02';
const LIUGANG = '990122000000';
const LIUGANG_CUN = '990122001201';
const BEIJIE = '990122001202';
const LUWEIYING = '990122002201';
let test: TestDatabase;
let commission: Actor;
let mzj: Actor;
let cjl: Actor;
let dibao = '';
let linshi = '';
let canji = '';

/** A valid ID number of 柳岗县 (address code 431122 of the demo) born on `birth` with sequence `seq`. */
const id = (birth: string, seq: number) => {
  const first17 = `431122${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
let seq = 100;
const person = (name: string) => ({ name, idNumber: id('19600101', seq++) });
const row = (who: { name: string; idNumber: string }, extra: Partial<PaymentRowInput> = {}): PaymentRowInput => ({ ...who, amount: '300', paidOn: '2026-11-10', ...extra });
let fileNo = 0;
const sha = () => (fileNo++).toString(16).padStart(64, 'a');

async function actor(username: string): Promise<Actor> {
  const [found] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: found!.id, username: found!.username, role: found!.role, scopeCode: found!.scopeCode };
}
async function batch(who: Actor, itemId: string, rows: PaymentRowInput[], villageCode = LIUGANG_CUN, period = '2026-11'): Promise<string> {
  const result = await importBatch(test.db, who, { itemId, villageCode, period, sourceSha256: sha(), rows }, { key: KEY, today: TODAY });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value.id;
}
async function registry(kind: string, rows: Array<Record<string, string>>) {
  const result = await importRegistry(test.db, commission, { kind, sourceSha256: sha(), rows }, { key: KEY, today: TODAY });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}
/** The standing hits of a batch as [rule, spreadsheet line, detail]. */
async function hitsOf(batchId: string) {
  const rows = await queryRows<{ rule: string; line: number; detail: Record<string, unknown> }>(
    test.db,
    sql`select h.rule, p.line, h.detail from livelihood_hits h join payments p on p.id = h.payment_id where h.batch_id = ${batchId} and h.cleared_at is null order by p.line, h.rule`,
  );
  return rows.map((hit) => [hit.rule, hit.line, hit.detail] as const);
}
const rulesOf = async (batchId: string) => (await hitsOf(batchId)).map(([rule, line]) => [rule, line]);

beforeAll(async () => {
  test = await createTestDatabase();
  const admin = await actor('demo.admin');
  for (const input of [
    { username: 'liugang.jw', displayName: '柳岗县纪委监委', role: 'commission' as const, scopeCode: LIUGANG, password: 'cross-check-password-1' },
    { username: 'liugang.mzj', displayName: '柳岗县民政局经办人', role: 'department' as const, scopeCode: LIUGANG, department: '柳岗县民政局', password: 'cross-check-password-1' },
    { username: 'liugang.cjl', displayName: '柳岗县残联经办人', role: 'department' as const, scopeCode: LIUGANG, department: '柳岗县残疾人联合会', password: 'cross-check-password-1' },
  ]) {
    const created = await createUser(test.db, admin, input);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
  }
  commission = await actor('liugang.jw');
  mzj = await actor('liugang.mzj');
  cjl = await actor('liugang.cjl');
  const basis = '《社会救助暂行办法》（国务院令第649号）';
  for (const [who, input, set] of [
    [mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', standardYuan: '520', legalBasis: basis, forbidsVehicle: 'on', forbidsBusiness: 'on' }, (value: string) => (dibao = value)],
    [mzj, { name: '临时救助金', standardText: '按困难程度一次性发放', legalBasis: basis }, (value: string) => (linshi = value)],
    [cjl, { name: '困难残疾人生活补贴', standardText: '每人每月80元', standardYuan: '80', legalBasis: '国发〔2015〕52号' }, (value: string) => (canji = value)],
  ] as const) {
    const added = await addItem(test.db, who, input);
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    set(added.value.id);
  }
});
afterAll(async () => test?.dispose());

describe('the cross-check rules', () => {
  it('(a) finds a payment after the recorded death, not one on the day of death or the day before it', async () => {
    const [dead, diesNextDay, diesThatDay] = [person('周德海'), person('吴桂英'), person('郑长林')];
    await registry('deaths', [
      { 身份证号码: dead.idNumber, 死亡日期: '2026-11-01' },
      { 身份证号码: diesNextDay.idNumber, 死亡日期: '2026-11-11' },
      { 身份证号码: diesThatDay.idNumber, 死亡日期: '2026/11/10' },
    ]);
    const batchId = await batch(mzj, dibao, [row(dead), row(diesNextDay), row(diesThatDay)]);
    expect(await hitsOf(batchId)).toEqual([['deceased', 2, { diedOn: '2026-11-01' }]]);
  });

  it('(b) finds a public employee or village cadre, not anyone else', async () => {
    const [cadre, clerk, farmer] = [person('冯建军'), person('陈晓燕'), person('褚大勇')];
    await registry('officials', [
      { 身份证号码: cadre.idNumber, 工作单位: '柳岗村民委员会', 人员类别: '村干部' },
      { 身份证号码: clerk.idNumber, 工作单位: '柳岗县水利局', 人员类别: '公职人员' },
    ]);
    const batchId = await batch(mzj, linshi, [row(cadre), row(farmer), row(clerk)]);
    expect(await hitsOf(batchId)).toEqual([
      ['official', 2, { officialKind: 'village_cadre', employer: '柳岗村民委员会' }],
      ['official', 4, { officialKind: 'public_employee', employer: '柳岗县水利局' }],
    ]);
    // Near-miss: the same two paid an item officials may lawfully receive (the farmland subsidy on their contracted land).
    const gengdi = await addItem(test.db, mzj, { name: '耕地地力保护补贴', standardText: '按确权承包地面积每亩每年112.5元', legalBasis: '财农〔2016〕26号', officials: 'allowed' });
    if (!gengdi.ok) throw new Error(JSON.stringify(gengdi.errors));
    expect(await hitsOf(await batch(mzj, gengdi.value.id, [row(cadre), row(clerk)]))).toEqual([]);
    // A department refused a value the form does not offer.
    expect(await addItem(test.db, mzj, { name: '高龄津贴', standardText: '80周岁以上每人每月50元', legalBasis: '桑政办发〔2024〕12号', officials: 'sometimes' })).toMatchObject({ ok: false, errors: { officials: '请选择公职人员、村干部能否享受该项补贴' } });
  });

  it('(c) finds a close relative of the cadre who certified the application, and a cadre certifying their own; not a relative certified by another cadre', async () => {
    const [cadre, otherCadre, wife, brother, neighbour] = [person('卫国强'), person('蒋志明'), person('沈秀芳'), person('卫国富'), person('韩小军')];
    await registry('relatives', [
      { 村干部身份证号码: cadre.idNumber, 亲属身份证号码: wife.idNumber, 关系: '妻子' },
      { 村干部身份证号码: cadre.idNumber, 亲属身份证号码: brother.idNumber, 关系: '弟弟' },
    ]);
    const batchId = await batch(mzj, linshi, [
      row(wife, { certifierIdNumber: cadre.idNumber }),
      row(brother, { certifierIdNumber: otherCadre.idNumber }),
      row(neighbour, { certifierIdNumber: cadre.idNumber }),
      row(cadre, { certifierIdNumber: cadre.idNumber }),
      row(person('杨小明')),
    ]);
    expect(await hitsOf(batchId)).toEqual([
      ['cadre_relative', 2, { relation: 'spouse' }],
      ['cadre_relative', 5, { relation: 'self' }],
    ]);
  });

  it('(d) finds the same item for one period in two villages, not in two periods', async () => {
    const [both, twoPeriods] = [person('朱永红'), person('秦德胜')];
    const first = await batch(mzj, dibao, [row(both), row(twoPeriods)], LIUGANG_CUN, '2026-10');
    const second = await batch(mzj, dibao, [row(both)], LUWEIYING, '2026-10');
    const third = await batch(mzj, dibao, [row(twoPeriods)], BEIJIE, '2026-09');
    const detail = (await hitsOf(second))[0]?.[2] as { otherPaymentIds: number[]; villages: number } | undefined;
    expect(await rulesOf(first)).toEqual([['two_villages', 2]]);
    expect(await rulesOf(second)).toEqual([['two_villages', 2]]);
    expect(detail!.villages).toBe(2);
    expect(detail!.otherPaymentIds).toHaveLength(1);
    expect(await rulesOf(third)).toEqual([]);
  });

  it('(d) finds the same item twice for one period in one village — in one batch or with a supplementary batch — and forgets a withdrawn batch', async () => {
    const [twiceInBatch, supplemented, monthly, withdrawnTwin] = [person('尤金花'), person('许长顺'), person('何玉兰'), person('吕大山')];
    const main = await batch(mzj, dibao, [row(twiceInBatch), row(twiceInBatch), row(supplemented), row(monthly), row(withdrawnTwin)], BEIJIE, '2026-11');
    const supplementary = await batch(mzj, dibao, [row(supplemented, { paidOn: '2026-11-25' })], BEIJIE, '2026-11');
    const nextMonth = await batch(mzj, dibao, [row(monthly, { paidOn: '2026-11-30' })], BEIJIE, '2026-12');
    const mistaken = await batch(mzj, dibao, [row(withdrawnTwin)], BEIJIE, '2026-11');
    expect(await rulesOf(main)).toEqual([['paid_twice', 2], ['paid_twice', 3], ['paid_twice', 4], ['paid_twice', 6]]);
    expect(await rulesOf(supplementary)).toEqual([['paid_twice', 2]]);
    expect(await rulesOf(nextMonth)).toEqual([]);
    expect(await rulesOf(mistaken)).toEqual([['paid_twice', 2]]);
    expect((await withdrawBatch(test.db, mzj, mistaken, '名单重复，撤回')).ok).toBe(true);
    expect(await rulesOf(main)).toEqual([['paid_twice', 2], ['paid_twice', 3], ['paid_twice', 4]]);
    expect(await rulesOf(mistaken)).toEqual([]);
    const [kept] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from livelihood_hits where batch_id = ${mistaken} and cleared_at is not null`);
    expect(kept!.n).toBe(1);
  });

  it('(e) finds an amount above the item’s standard, not one equal to it, nor any amount of an item without a figure', async () => {
    const batchId = await batch(mzj, dibao, [row(person('施美玲'), { amount: '520.01' }), row(person('张永福'), { amount: '520' })], LIUGANG_CUN, '2026-08');
    const free = await batch(mzj, linshi, [row(person('孔繁荣'), { amount: '9,999' })], LIUGANG_CUN, '2026-08');
    expect(await hitsOf(batchId)).toEqual([['above_standard', 2, { standardFen: 52_000, amountFen: 52_001 }]]);
    expect(await hitsOf(free)).toEqual([]);
  });

  it('(f) finds several recipients sharing one account across items, not one person paid twice into their own', async () => {
    const account = '6230520110012345678';
    const own = '6230520110098765432';
    const [husband, wife, alone] = [person('曹建设'), person('严淑珍'), person('华明亮')];
    const first = await batch(mzj, linshi, [row(husband, { bankAccount: account }), row(alone, { bankAccount: own })], LIUGANG_CUN, '2026-07');
    const second = await batch(cjl, canji, [row(wife, { bankAccount: account, amount: '80' }), row(alone, { bankAccount: own, amount: '80' })], LIUGANG_CUN, '2026-07');
    expect(await hitsOf(first)).toEqual([['shared_account', 2, { recipients: 2 }]]);
    expect(await hitsOf(second)).toEqual([['shared_account', 2, { recipients: 2 }]]);
  });

  it('(g) finds a vehicle or an earlier business where the item forbids it; not under an item that does not, nor a business registered after the payment', async () => {
    const [driver, trader, lateTrader] = [person('金大路'), person('魏春生'), person('陶秋菊')];
    await registry('vehicles', [{ 身份证号码: driver.idNumber, 号牌后三位: '晋K·12345' }]);
    await registry('businesses', [
      { 身份证号码: trader.idNumber, 登记日期: '2026-01-05' },
      { 身份证号码: lateTrader.idNumber, 登记日期: '2026-11-20' },
    ]);
    const forbidden = await batch(mzj, dibao, [row(driver), row(trader), row(lateTrader)], LIUGANG_CUN, '2026-06');
    const allowed = await batch(mzj, linshi, [row(driver), row(trader)], LIUGANG_CUN, '2026-06');
    expect(await hitsOf(forbidden)).toEqual([['vehicle', 2, { vehicles: 1 }], ['business', 3, { registeredOn: '2026-01-05' }]]);
    expect(await hitsOf(allowed)).toEqual([]);
    const [plate] = await queryRows<{ plate_tail: string }>(test.db, sql`select plate_tail from registry_vehicles where county_code = ${LIUGANG}`);
    expect(plate!.plate_tail).toBe('345');
  });
});

describe('running the checks', () => {
  it('is idempotent: a rerun adds nothing, keeps every hit and its found_at', async () => {
    const before = await test.db.select().from(livelihoodHits).orderBy(livelihoodHits.id);
    const run = await runCrossChecks(test.db, { countyCode: LIUGANG });
    expect(run).toMatchObject({ countyCode: LIUGANG, added: 0, cleared: 0 });
    expect(run!.holding).toBe(before.filter((hit) => hit.countyCode === LIUGANG && hit.clearedAt === null).length);
    expect(await runCrossChecks(test.db, { countyCode: LIUGANG })).toEqual(run);
    expect(await test.db.select().from(livelihoodHits).orderBy(livelihoodHits.id)).toEqual(before);
  });

  it('clears the hits of a registry replaced by a new import, which keeps the earlier import’s record', async () => {
    const before = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from livelihood_hits where county_code = ${LIUGANG} and rule = 'deceased' and cleared_at is null`);
    expect(before[0]!.n).toBe(1);
    const result = await registry('deaths', [{ 身份证号码: id('19300101', 1), 死亡日期: '2026-01-01' }]);
    expect(result.run).toMatchObject({ cleared: 1 });
    const imports = await test.db.select().from(registryImports).where(eq(registryImports.kind, 'deaths'));
    expect(imports.filter((entry) => entry.countyCode === LIUGANG).map((entry) => entry.replacedAt === null).sort()).toEqual([false, true]);
  });

  it('keeps the batch when the checks fail after its import', async () => {
    await queryRows(test.db, sql`alter function livelihood_run_cross_checks(text) rename to livelihood_run_cross_checks_away`);
    const warned = vi.spyOn(logger, 'warn').mockImplementation((() => undefined) as never);
    try {
      const result = await importBatch(test.db, mzj, { itemId: linshi, villageCode: LIUGANG_CUN, period: '2026-05', sourceSha256: sha(), rows: [row(person('邹小红'))] }, { key: KEY, today: TODAY });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(await test.db.select().from(paymentBatches).where(eq(paymentBatches.id, result.value.id))).toHaveLength(1);
      expect(warned).toHaveBeenCalledWith(expect.objectContaining({ batchId: result.value.id }), expect.stringMatching(/the batch stands/));
    } finally {
      warned.mockRestore();
      await queryRows(test.db, sql`alter function livelihood_run_cross_checks_away(text) rename to livelihood_run_cross_checks`);
    }
  });

  it('reruns on the county commission’s demand, audited with counts only; nobody else may', async () => {
    const result = await rerunCrossChecks(test.db, commission);
    expect(result).toMatchObject({ ok: true, value: { countyCode: LIUGANG, added: 0 } });
    const [entry] = await queryRows<{ detail: Record<string, unknown>; scope_code: string }>(test.db, sql`select detail, scope_code from audit_events where action = 'livelihood.checksRun'`);
    expect(entry).toMatchObject({ scope_code: LIUGANG, detail: { added: 0, cleared: 0 } });
    for (const who of [mzj, await actor('demo.admin'), await actor('sanghezhen.jw'), await actor('beiyuan.jw')]) expect(await rerunCrossChecks(test.db, who)).toMatchObject({ ok: false, status: 403 });
  });
});

describe('reading the hits', () => {
  it('lists the county’s hits for its commission and the city’s, each department its own items’ only', async () => {
    const county = await hitScopeFor(test.db, commission);
    const all = await listHits(test.db, county!);
    expect(all.total).toBeGreaterThanOrEqual(14);
    expect(all.hits.every((hit) => hit.villageCode.startsWith('990122'))).toBe(true);
    expect(new Set(all.hits.map((hit) => hit.itemName))).toEqual(new Set(['最低生活保障金', '临时救助金', '困难残疾人生活补贴']));
    const line = all.hits.find((hit) => hit.rule === 'above_standard')!;
    expect(line).toMatchObject({ nameMasked: '施*玲', amountFen: 52_001, period: '2026-08', villageName: '柳岗村' });
    expect(Object.keys(line)).not.toContain('idHash');
    const city = await listHits(test.db, (await hitScopeFor(test.db, await actor('beiyuan.jw')))!);
    expect(city.total).toBeGreaterThanOrEqual(all.total);
    const disability = await listHits(test.db, (await hitScopeFor(test.db, cjl))!);
    expect(disability.hits.map((hit) => [hit.rule, hit.itemName])).toEqual([['shared_account', '困难残疾人生活补贴']]);
    const civil = await listHits(test.db, (await hitScopeFor(test.db, mzj))!);
    expect(civil.total).toBe(all.total - 1);
    for (const who of [await actor('demo.admin'), await actor('sanghezhen.jw'), await actor('qianying.kj')]) expect(await hitScopeFor(test.db, who)).toBeNull();
    expect(hitRuleLabel('zh-CN', 'deceased')).toBe('领取人登记死亡后仍发放');
    expect(hitRuleLabel('en', 'shared_account')).toBe('Several recipients share one bank account');
  });

  it('pages by 50 and counts the standing hits by village and rule', async () => {
    const county = (await hitScopeFor(test.db, commission))!;
    const far = await listHits(test.db, county, 99);
    expect(far.page).toBe(far.pages);
    const counts = await hitCountsByVillage(test.db, [LIUGANG_CUN, BEIJIE, '990122003201']);
    expect(counts.get(BEIJIE)).toEqual({ total: 4, paid_twice: 4 });
    expect(counts.get(LIUGANG_CUN)).toMatchObject({ above_standard: 1, shared_account: 2, vehicle: 1, business: 1, official: 2, cadre_relative: 2, two_villages: 1 });
    expect(counts.has('990122003201')).toBe(false);
  });
});
