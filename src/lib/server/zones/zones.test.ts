import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { complaintIdentities, complaints, zones } from '../../../../db/schema/complaints.ts';
import { supervisionOpinions } from '../../../../db/schema/supervision.ts';
import { zoneChanges, zoneCrossCheckFindings, zoneCrossChecks, zoneTasks } from '../../../../db/schema/zones.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { zoneAccount, zonePeople } from '../../../../tests/support/zones.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { fileComplaint } from '../complaints/filing.ts';
import { listAuditEvents } from '../audit.ts';
import { users } from '../../../../db/schema/auth.ts';
import type { Actor } from '../result.ts';
import { assessment, periodLabel, periodRange, recordShares, setTargets } from './assessment.ts';
import { listCrossChecks, OWN_TOWNSHIP_REFUSED, OWN_ZONE_REFUSED, recordFinding, scheduleCrossCheck } from './cross-checks.ts';
import { createZone, listZonesWithMembers, updateZone, zoneHistory } from './members.ts';
import { assignTask, countyTasks, myZoneTasks, recordTaskResult, villageZoneTasks } from './tasks.ts';

// 柳岗县 and its townships 柳岗镇 (001), 002, 003: the demo seed sets up zones for 桑河县 only.
const COUNTY = '990122000000';
const T1 = '990122001000';
const T2 = '990122002000';
const T3 = '990122003000';
let test: TestDatabase;
let county: Actor;
let people: Awaited<ReturnType<typeof zonePeople>>;
let firstZone: string;
let secondZone: string;

beforeAll(async () => {
  test = await createTestDatabase();
  county = await zoneAccount(test.db, COUNTY, { approver: true, name: '县纪委监委' });
  people = await zonePeople(test.db, COUNTY, T1);
});
afterAll(async () => test?.dispose());

describe('zone members are staff accounts', () => {
  it('refuses too many deputies, none, a non-commission account, another county’s account, a head without approval rights, a disabled account, one account twice', async () => {
    const base = { name: '第一片区', townshipCodes: [T1, T2], ...people.zone };
    const tryZone = (zone: object) => createZone(test.db, county, { countyCode: COUNTY, zone: { ...base, ...zone } });
    const extra = await zoneAccount(test.db, T2);
    const other = await zoneAccount(test.db, COUNTY);
    expect(await tryZone({ deputies: [people.deputy.id, extra.id, other.id] })).toEqual({ ok: false, errors: { deputies: '副片区长最多2名' } });
    expect(await tryZone({ deputies: [] })).toEqual({ ok: false, errors: { deputies: '请选择1至2名副片区长' } });
    const agency = await zoneAccount(test.db, T1, { role: 'agency' });
    expect(await tryZone({ liaison: agency.id })).toEqual({ ok: false, errors: { liaison: '联络员只能选择本县纪委监委或本片区乡镇纪委的账号' } });
    const sangheCounty = await zoneAccount(test.db, '990121000000', { approver: true });
    const sangheTownship = await zoneAccount(test.db, '990121001000');
    expect(await tryZone({ head: sangheCounty.id })).toEqual({ ok: false, errors: { head: '片区长应为本县纪委监委有审批权限的领导账号' } });
    expect(await tryZone({ deputies: [sangheTownship.id] })).toEqual({ ok: false, errors: { deputies: '副片区长只能选择本县纪委监委或本片区乡镇纪委的账号' } });
    // A township commission of the county, but of a township outside the zone.
    const outside = await zoneAccount(test.db, T3);
    expect((await tryZone({ deputies: [outside.id] })).ok).toBe(false);
    expect(await tryZone({ head: people.liaison.id, liaison: other.id })).toEqual({ ok: false, errors: { head: '片区长应为本县纪委监委有审批权限的领导账号' } });
    const disabled = await zoneAccount(test.db, COUNTY, { approver: true, disabled: true });
    expect((await tryZone({ head: disabled.id })).ok).toBe(false);
    expect(await tryZone({ liaison: people.deputy.id })).toEqual({ ok: false, errors: { liaison: '同一账号在片区中只能担任一个职务' } });
    expect(await listZonesWithMembers(test.db, COUNTY)).toEqual([]);
    const created = await tryZone({ deputies: [people.deputy.id, extra.id] });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    firstZone = created.value.id;
    const [listed] = await listZonesWithMembers(test.db, COUNTY);
    expect(listed!.members.map((m) => [m.post, m.displayName])).toEqual([
      ['head', '刘振华'],
      ['deputy', '陈晓梅'],
      ['deputy', expect.any(String)],
      ['liaison', '王磊'],
    ]);
    expect(listed!.zone.head).toBeNull();
  });

  it('are edited with history: each change a recorded step with who made it', async () => {
    const liaison = await zoneAccount(test.db, T2, { name: '周强' });
    const edited = await updateZone(test.db, county, { zoneId: firstZone, zone: { name: '第一片区', townshipCodes: [T1, T2], ...people.zone, liaison: liaison.id } });
    expect(edited).toEqual({ ok: true, value: null });
    const refused = await updateZone(test.db, county, { zoneId: firstZone, zone: { name: '第一片区', townshipCodes: [T1], ...people.zone, liaison: liaison.id } });
    expect(refused).toEqual({ ok: false, errors: { liaison: '联络员只能选择本县纪委监委或本片区乡镇纪委的账号' } });
    const history = await zoneHistory(test.db, firstZone);
    expect(history.map((h) => h.kind)).toEqual(['created', 'edited']);
    expect(history[0]!.snapshot.members.find((m) => m.post === 'liaison')!.displayName).toBe('王磊');
    expect(history[1]!.snapshot.members.find((m) => m.post === 'liaison')!.displayName).toBe('周强');
    expect(history[1]!.by).toBe('县纪委监委');
    people.zone.liaison = liaison.id;
    people.liaison = liaison;
    const township = await zoneAccount(test.db, T1);
    expect(await updateZone(test.db, township, { zoneId: firstZone, zone: { name: '改名', townshipCodes: [T1], ...people.zone } })).toMatchObject({ ok: false, status: 403 });
    expect((await test.db.select().from(zoneChanges).where(eq(zoneChanges.zoneId, firstZone))).length).toBe(2);
    const second = await createZone(test.db, county, { countyCode: COUNTY, zone: { name: '第二片区', townshipCodes: [T3], head: people.head.id, deputies: [await zoneAccount(test.db, T3).then((a) => a.id)], liaison: await zoneAccount(test.db, COUNTY).then((a) => a.id) } });
    if (!second.ok) throw new Error(JSON.stringify(second.errors));
    secondZone = second.value.id;
  });
});

describe('zone tasks', () => {
  it('are assigned by the county with a date or working days, to its zone, on its village or its case', async () => {
    const base = { zoneId: firstZone, kind: 'inspection', subject: '柳岗镇集体资产出租合同专项检查' };
    expect(await assignTask(test.db, county, { ...base, due: '10' }, '2026-11-02')).toMatchObject({ ok: true });
    const [task] = await test.db.select().from(zoneTasks).where(eq(zoneTasks.zoneId, firstZone));
    expect(task!.dueOn).toBe('2026-11-16'); // ten working days
    expect(await assignTask(test.db, county, { ...base, due: '2026-10-01' }, '2026-11-02')).toMatchObject({ ok: false, errors: { due: expect.stringMatching(/一年内/) } });
    expect(await assignTask(test.db, county, { ...base, kind: 'audit', due: '5' })).toMatchObject({ ok: false, errors: { kind: '请选择任务类型' } });
    expect(await assignTask(test.db, county, { ...base, villageCode: '990121001201', due: '5' })).toEqual({ ok: false, errors: { villageCode: '请选择本县的村（社区）' } });
    expect(await assignTask(test.db, county, { ...base, caseNumber: '桑纪举〔2026〕1号', due: '5' })).toMatchObject({ ok: false, errors: { caseNumber: expect.stringMatching(/没有找到/) } });
    expect(await assignTask(test.db, county, { ...base, villageCode: '990122001201', due: '5' })).toMatchObject({ ok: true });
    expect(await assignTask(test.db, people.deputy, { ...base, due: '5' })).toMatchObject({ ok: false, status: 403 });
  });

  it('take a result from a member of that zone only, once; overdue shown; members see their zone’s tasks', async () => {
    const tasks = await countyTasks(test.db, COUNTY, '2026-11-20');
    const early = tasks.find((t) => t.task.dueOn === '2026-11-16')!;
    expect(early.overdue).toBe(true);
    const outsider = await zoneAccount(test.db, COUNTY);
    expect(await recordTaskResult(test.db, outsider, { taskId: early.task.id, result: '已检查合同12份，发现2份未经民主决策' })).toMatchObject({ ok: false, status: 403 });
    expect(await recordTaskResult(test.db, county, { taskId: early.task.id, result: '已检查合同12份，发现2份未经民主决策' })).toMatchObject({ ok: false, status: 403 });
    expect(await recordTaskResult(test.db, people.deputy, { taskId: early.task.id, result: '好' })).toMatchObject({ ok: false, errors: { result: '办理结果至少4个字' } });
    expect(await recordTaskResult(test.db, people.deputy, { taskId: early.task.id, result: '已检查合同12份，发现2份未经民主决策' }, '2026-11-20')).toEqual({ ok: true, value: null });
    expect(await recordTaskResult(test.db, people.liaison, { taskId: early.task.id, result: '再次填报' })).toEqual({ ok: false, errors: { form: '该任务已填报结果' } });
    const mine = await myZoneTasks(test.db, people.deputy, '2026-11-20');
    expect(mine.length).toBe(2);
    expect(mine.map((t) => t.villageName).filter(Boolean)).toHaveLength(1);
    expect(mine.find((t) => t.task.id === early.task.id)!.overdue).toBe(false);
    expect(await myZoneTasks(test.db, outsider)).toEqual([]);
    // The hook for a designated village's supervision: the zone tasks about the village.
    expect((await villageZoneTasks(test.db, '990122001201', '2026-11-20')).map((t) => [t.zoneName, t.villageName !== null])).toEqual([['第一片区', true]]);
    expect(await villageZoneTasks(test.db, '990121001201')).toEqual([]);
  });
});

describe('zone writes checked inside their lock', () => {
  it('records one result when two members answer one task at once', async () => {
    const assigned = await assignTask(test.db, county, { zoneId: firstZone, kind: 'investigation', subject: '根据授权对柳岗镇某村主任开展审查调查', due: '20' });
    if (!assigned.ok) throw new Error(JSON.stringify(assigned.errors));
    const taskId = assigned.value.id;
    const [one, two] = await raceBehindLock(
      test,
      (tx) => tx.select({ id: zoneTasks.id }).from(zoneTasks).where(eq(zoneTasks.id, taskId)).for('update'),
      // Answered outside the assessed quarter (2026Q4) below.
      () => recordTaskResult(test.db, people.deputy, { taskId, result: '已完成审查调查，移送审理' }, '2027-01-05'),
      () => recordTaskResult(test.db, people.liaison, { taskId, result: '同一任务的第二份结果' }, '2027-01-05'),
    );
    expect([one.ok, two]).toEqual([true, { ok: false, errors: { form: '该任务已填报结果' } }]);
    const [row] = await test.db.select().from(zoneTasks).where(eq(zoneTasks.id, taskId));
    expect(row!.result).toBe('已完成审查调查，移送审理');
  });

  it('drops a member removed by an edit queued ahead of the result', async () => {
    const assigned = await assignTask(test.db, county, { zoneId: secondZone, kind: 'inspection', subject: '第二片区乡镇集体资产专项检查', due: '20' });
    if (!assigned.ok) throw new Error(JSON.stringify(assigned.errors));
    const [second] = (await listZonesWithMembers(test.db, COUNTY)).filter((z) => z.zone.id === secondZone);
    const deputy = second!.members.find((m) => m.post === 'deputy')!;
    const replacement = await zoneAccount(test.db, T3);
    const zone = { name: '第二片区', townshipCodes: [T3], head: people.head.id, deputies: [replacement.id], liaison: second!.members.find((m) => m.post === 'liaison')!.userId };
    const removed = { id: deputy.userId, username: deputy.username, role: 'commission' as const, scopeCode: T3 };
    const [edited, answered] = await raceBehindLock(
      test,
      (tx) => tx.select({ id: zones.id }).from(zones).where(eq(zones.id, secondZone)).for('update'),
      () => updateZone(test.db, county, { zoneId: secondZone, zone }),
      () => recordTaskResult(test.db, removed, { taskId: assigned.value.id, result: '已检查完毕，未发现问题' }, '2027-01-05'),
    );
    expect(edited.ok).toBe(true);
    expect(answered).toMatchObject({ ok: false, status: 403 });
  });
});

describe('cross-checks (地地交叉检查)', () => {
  it('are refused for the zone’s own township and a township commission’s own township (回避)', async () => {
    const base = { countyCode: COUNTY, subject: '交叉检查村级财务公开', dueOn: '2026-12-31' };
    const own = await scheduleCrossCheck(test.db, county, { ...base, inspector: `zone:${firstZone}`, inspectedTownshipCode: T2 }, '2026-11-02');
    expect(own).toEqual({ ok: false, errors: { inspectedTownshipCode: OWN_ZONE_REFUSED } });
    const ownTownship = await scheduleCrossCheck(test.db, county, { ...base, inspector: `township:${T3}`, inspectedTownshipCode: T3 }, '2026-11-02');
    expect(ownTownship).toEqual({ ok: false, errors: { inspectedTownshipCode: OWN_TOWNSHIP_REFUSED } });
    expect(await scheduleCrossCheck(test.db, county, { ...base, inspector: `zone:${firstZone}`, inspectedTownshipCode: '990121002000' }, '2026-11-02')).toEqual({ ok: false, errors: { inspectedTownshipCode: '请选择本县的乡镇' } });
    expect(await scheduleCrossCheck(test.db, people.deputy, { ...base, inspector: `zone:${firstZone}`, inspectedTownshipCode: T3 }, '2026-11-02')).toMatchObject({ ok: false, status: 403 });
    expect(await test.db.select().from(zoneCrossChecks).where(eq(zoneCrossChecks.countyCode, COUNTY))).toEqual([]);
    // The database refuses a township inspecting itself even past the domain.
    await expect(
      test.db.execute(sql`insert into zone_cross_checks (id, county_code, inspecting_township_code, inspected_township_code, subject, scheduled_on, due_on) values ('x', ${COUNTY}, ${T3}, ${T3}, '自查', '2026-11-02', '2026-12-31')`),
    ).rejects.toThrow();
  });

  it('are scheduled for another township, and the inspecting members record findings', async () => {
    const base = { countyCode: COUNTY, subject: '交叉检查村级财务公开', dueOn: '2026-12-31' };
    const scheduled = await scheduleCrossCheck(test.db, county, { ...base, inspector: `zone:${firstZone}`, inspectedTownshipCode: T3 }, '2026-11-02');
    if (!scheduled.ok) throw new Error(JSON.stringify(scheduled.errors));
    const byTownship = await scheduleCrossCheck(test.db, county, { ...base, inspector: `township:${T3}`, inspectedTownshipCode: T1 }, '2026-11-02');
    expect(byTownship.ok).toBe(true);
    const finding = { crossCheckId: scheduled.value.id, body: '3个村的第三季度公开缺少工程款明细', caseNote: '已移交县纪委监委第二审查调查室' };
    const t3Account = await zoneAccount(test.db, T3);
    expect(await recordFinding(test.db, t3Account, finding)).toMatchObject({ ok: false, status: 403 });
    expect(await recordFinding(test.db, people.head, { ...finding, opinionId: '999999' })).toEqual({ ok: false, errors: { opinionId: '没有找到被检查乡镇的这条监督意见' } });
    expect(await recordFinding(test.db, people.head, finding)).toMatchObject({ ok: true });
    const mine = await listCrossChecks(test.db, COUNTY, { actor: people.deputy, today: '2026-11-20' });
    expect(mine.map((c) => [c.inspector, c.findings.map((f) => f.caseNote)])).toEqual([['第一片区', ['已移交县纪委监委第二审查调查室']]]);
    const theirs = await listCrossChecks(test.db, COUNTY, { actor: t3Account });
    expect(theirs.map((c) => c.inspector)).toEqual([expect.stringMatching(/纪委$/)]);
  });
});

describe('assessment per zone (考核到片)', () => {
  it('knows its periods', () => {
    expect(periodRange('2026Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('2026Q1')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(periodRange('2026')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodRange('2026Q5')).toBeNull();
    expect(periodLabel('2026Q4')).toBe('2026年第四季度');
  });

  it('refuses contribution shares that do not sum to 100%, and adds up on crafted data', async () => {
    expect(await setTargets(test.db, county, { countyCode: COUNTY, period: '2026Q4', targets: [{ zoneId: firstZone, tasks: -1, cases: 1 }] })).toEqual({ ok: false, errors: { [`tasks-${firstZone}`]: '请填写0至999的整数' } });
    expect(await setTargets(test.db, people.deputy, { countyCode: COUNTY, period: '2026Q4', targets: [{ zoneId: firstZone, tasks: 1, cases: 1 }] })).toMatchObject({ ok: false, status: 403 });
    expect(
      await setTargets(test.db, county, {
        countyCode: COUNTY,
        period: '2026Q4',
        targets: [
          { zoneId: firstZone, tasks: 1, cases: 1 },
          { zoneId: secondZone, tasks: 2, cases: 0 },
        ],
      }),
    ).toEqual({ ok: true, value: null });
    // Four cases of the first zone concluded in the quarter: three substantiated (one beyond the
    // target... two beyond), one not; one of the second zone substantiated (beyond its target 0);
    // one of the first zone concluded in the third quarter (outside the period).
    const craft = async (zoneId: string, finding: string, on: string) => {
      const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990122001201', title: `考核测试${on}${finding}`, content: '村集体鱼塘承包合同未经村民代表会议表决，承包费长期未公示，群众反映强烈。', anonymous: true });
      if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
      const [row] = await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, `考核测试${on}${finding}`));
      await test.db.update(complaints).set({ zoneId, status: 'concluded', finding: finding as 'substantiated' }).where(eq(complaints.id, row!.id));
      await test.db.execute(sql`insert into complaint_events (complaint_id, "on", kind, public) values (${row!.id}, ${on}, 'concluded', true)`);
      return row!.id;
    };
    await craft(firstZone, 'substantiated', '2026-10-10');
    const second = await craft(firstZone, 'partly', '2026-10-20');
    const third = await craft(firstZone, 'substantiated', '2026-11-05');
    await craft(firstZone, 'unsubstantiated', '2026-11-06');
    await craft(firstZone, 'substantiated', '2026-09-30');
    const other = await craft(secondZone, 'substantiated', '2026-12-01');
    expect(await recordShares(test.db, county, { complaintId: third, shares: [{ zoneId: firstZone, percent: 60 }, { zoneId: secondZone, percent: 30 }] })).toEqual({ ok: false, errors: { shares: '各片区贡献率合计应为100%，现为90%' } });
    expect(await recordShares(test.db, county, { complaintId: third, shares: [{ zoneId: secondZone, percent: 100 }] })).toEqual({ ok: false, errors: { shares: '承办片区应在贡献片区之中' } });
    expect(await recordShares(test.db, people.deputy, { complaintId: third, shares: [{ zoneId: firstZone, percent: 100 }] })).toMatchObject({ ok: false, status: 404 });
    expect(await recordShares(test.db, county, { complaintId: third, shares: [{ zoneId: firstZone, percent: 60 }, { zoneId: secondZone, percent: 40 }] })).toEqual({ ok: true, value: null });
    expect(await recordShares(test.db, county, { complaintId: other, shares: [{ zoneId: secondZone, percent: 75 }, { zoneId: firstZone, percent: 25 }] })).toEqual({ ok: true, value: null });
    void second;
    const table = (await assessment(test.db, COUNTY, '2026Q4'))!;
    const [first, secondRow] = table.rows;
    // First zone: 1 task completed (2026-11-20) of target 1; 4 concluded in the quarter, 3 substantiated, target 1 → 2 extra.
    expect(first).toMatchObject({ zoneName: '第一片区', taskTarget: 1, tasksCompleted: 1, caseTarget: 1, casesConcluded: 4, casesSubstantiated: 3, extraCases: 2, targetsMet: true });
    // Extra cases: the second (no shares: 1 point to the first zone) and the third (0.6 / 0.4); the second zone's one (0.75 / 0.25).
    expect(first!.points).toBe(1.85);
    expect(secondRow).toMatchObject({ zoneName: '第二片区', taskTarget: 2, tasksCompleted: 0, casesSubstantiated: 1, extraCases: 1, points: 1.15, targetsMet: false });
    expect(table.totals).toEqual({ taskTarget: 3, tasksCompleted: 1, caseTarget: 1, casesConcluded: 5, casesSubstantiated: 4, extraCases: 3, points: 3 });
    for (const key of Object.keys(table.totals) as (keyof typeof table.totals)[]) {
      expect(table.rows.reduce((sum, row) => sum + row[key], 0)).toBeCloseTo(table.totals[key], 10);
    }
    expect(table.totals.points).toBe(table.totals.extraCases);
    expect(await assessment(test.db, COUNTY, '2026Q9')).toBeNull();
    expect((await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'zone.targetsSet'))).length).toBe(1);
  });
});

describe('what a cross-check finding leads to: a supervision opinion, a case', () => {
  const SANDAOHE = '990122003201'; // 三道河村, in the inspected township
  const LIUGANG = '990122001201'; // 柳岗村, in the zone's own township
  const TODAY = '2026-11-20';
  const BODY = '三道河村第三季度公开的村部维修工程款三万五千元以现金支付，无村民代表会议决议';
  let checkId = '';
  let periodId = 0;
  let otherPeriod = 0;
  const counts = async () => ({
    findings: (await test.db.select().from(zoneCrossCheckFindings)).length,
    opinions: (await test.db.select().from(supervisionOpinions)).length,
    cases: (await test.db.select().from(complaints).where(eq(complaints.channel, 'cross_check'))).length,
  });

  beforeAll(async () => {
    const scheduled = await scheduleCrossCheck(test.db, county, { countyCode: COUNTY, inspector: `zone:${firstZone}`, inspectedTownshipCode: T3, subject: '交叉检查村级工程款支付', dueOn: '2026-12-31' }, '2026-11-02');
    if (!scheduled.ok) throw new Error(JSON.stringify(scheduled.errors));
    checkId = scheduled.value.id;
    // A submitted period of each village, the demo's own where it has one.
    const periodOf = async (villageCode: string) => {
      const [existing] = await test.db.select({ id: disclosures.id }).from(disclosures).where(eq(disclosures.villageCode, villageCode)).limit(1);
      if (existing) return existing.id;
      const [created] = await test.db.insert(disclosures).values({ villageCode, period: '2026-Q3', periodStart: '2026-07-01', periodEnd: '2026-09-30', status: 'submitted' }).returning({ id: disclosures.id });
      return created!.id;
    };
    periodId = await periodOf(SANDAOHE);
    otherPeriod = await periodOf(LIUGANG);
  });

  const opinion = () => ({ opinionDisclosureId: String(periodId), opinionBody: '请核实工程款现金支付的原因，补充村民代表会议决议并说明资金去向。', opinionDueOn: '2026-12-05' });
  const caseFields = { caseTitle: '三道河村工程款现金支付无决议', caseAreaCode: SANDAOHE, caseCategory: 'assets', caseSubjectLevel: 'village_cadre' };

  it('raises the opinion through supervision and opens the case through the one intake, in one step', async () => {
    const done = await recordFinding(test.db, people.head, { crossCheckId: checkId, body: BODY, ...opinion(), ...caseFields }, TODAY);
    if (!done.ok) throw new Error(JSON.stringify(done.errors));
    const { opinionId, complaintId } = done.value;
    const [raised] = await test.db.select().from(supervisionOpinions).where(eq(supervisionOpinions.id, opinionId!));
    expect(raised).toMatchObject({ disclosureId: periodId, villageCode: SANDAOHE, dueOn: '2026-12-05', raisedBy: people.head.id });
    const [opened] = await test.db.select().from(complaints).where(eq(complaints.id, complaintId!));
    expect(opened).toMatchObject({ channel: 'cross_check', areaCode: SANDAOHE, villageCode: SANDAOHE, routedScopeCode: COUNTY, content: BODY, anonymous: true, category: 'assets', subjectLevel: 'village_cadre', status: 'received' });
    expect(await test.db.select().from(complaintIdentities).where(eq(complaintIdentities.complaintId, complaintId!))).toEqual([]);
    const [row] = await test.db.select().from(zoneCrossCheckFindings).where(eq(zoneCrossCheckFindings.id, done.value.id));
    expect(row).toMatchObject({ opinionId, complaintId, body: BODY });
    const audited = await test.db.select().from(auditEvents).where(eq(auditEvents.action, 'disclosure.opinionRaised'));
    expect(audited.map((event) => event.detail)).toContainEqual(expect.objectContaining({ opinion: opinionId }));
    // The case is in the complaint log, seen by the county that handles it; the zone's entry, which
    // administrators read, carries no trace of it.
    const [adminRow] = await test.db.select().from(users).where(eq(users.username, 'demo.admin'));
    const admin = { id: adminRow!.id, username: adminRow!.username, role: adminRow!.role, scopeCode: adminRow!.scopeCode };
    const adminLog = JSON.stringify((await listAuditEvents(test.db, admin, {})).rows);
    expect(adminLog).toContain('zone.crossCheckFinding');
    expect(adminLog).not.toContain(complaintId!);
    expect(adminLog).not.toContain('complaint.openedOnFinding');
    const countyLog = (await listAuditEvents(test.db, people.head, { action: 'complaint.openedOnFinding' })).rows;
    expect(countyLog.map((row) => row.subjectId)).toEqual([complaintId]);
    // The list names the case by its number, for the page to link for those who may open it.
    const [view] = (await listCrossChecks(test.db, COUNTY, { actor: people.head, today: TODAY })).filter((c) => c.check.id === checkId);
    expect(view!.findings.map((f) => [f.opinionId, f.case?.id, f.case?.number])).toEqual([[opinionId, complaintId, expect.stringMatching(/〔2026〕\d+号$/)]]);
    expect(view!.findings[0]!.case).toMatchObject({ routedScopeCode: COUNTY, areaCode: SANDAOHE });
  });

  it('writes nothing when any part is refused: the opinion is rolled back with a refused case', async () => {
    const before = await counts();
    const refused = async (input: object, actor: Actor = people.head) => recordFinding(test.db, actor, { crossCheckId: checkId, body: `${BODY}（复查）`, ...input }, TODAY);
    expect(await refused({ ...opinion(), ...caseFields, caseTitle: '工程' })).toMatchObject({ ok: false, errors: { caseTitle: expect.stringContaining('标题') } });
    expect(await refused({ ...caseFields, caseAreaCode: LIUGANG })).toEqual({ ok: false, errors: { caseAreaCode: '请选择被检查乡镇或它的村' } });
    expect(await refused({ ...caseFields, caseCategory: 'weather' })).toEqual({ ok: false, errors: { caseCategory: '请选择问题类别' } });
    expect(await refused({ ...caseFields, caseSubjectLevel: '' })).toEqual({ ok: false, errors: { caseSubjectLevel: '请选择被反映人的层级' } });
    expect(await recordFinding(test.db, people.head, { crossCheckId: checkId, body: '工程款现金支付', ...caseFields }, TODAY)).toMatchObject({ ok: false, errors: { body: expect.stringMatching(/^立案时/) } });
    expect(await refused({ ...opinion(), opinionDisclosureId: String(otherPeriod) })).toEqual({ ok: false, errors: { opinionDisclosureId: '请选择被检查乡镇的村和账期' } });
    expect(await refused({ ...opinion(), opinionDueOn: '2026-11-19' })).toMatchObject({ ok: false, errors: { opinionDueOn: expect.stringContaining('答复期限') } });
    expect(await refused({ ...opinion(), opinionBody: '请核实' })).toMatchObject({ ok: false, errors: { opinionBody: expect.stringContaining('至少10个字') } });
    expect(await refused({ ...opinion(), opinionId: '1' })).toEqual({ ok: false, errors: { opinionId: '已填写新的监督意见时，不再填写已有意见的编号' } });
    // A township commission inspecting another township may record and open a case, but not raise an opinion there.
    expect(await refused(opinion(), people.deputy)).toEqual({ ok: false, errors: { opinionBody: expect.stringContaining('由县纪委监委提出') } });
    // Not on the inspecting side: refused before anything.
    expect(await refused(caseFields, await zoneAccount(test.db, T3))).toMatchObject({ ok: false, status: 403 });
    // The same finding again: a second click opens no second case.
    expect(await recordFinding(test.db, people.head, { crossCheckId: checkId, body: BODY, ...caseFields }, TODAY)).toEqual({ ok: false, status: 409, errors: { body: '这条检查发现已经记录过了' } });
    expect(await counts()).toEqual(before);
  });

  it('lets a township member of the zone open the case; the county holds it', async () => {
    const before = await counts();
    const done = await recordFinding(test.db, people.deputy, { crossCheckId: checkId, body: '河西村机动地发包未经村民代表会议，承包费收入未入账', ...caseFields, caseAreaCode: '990122003202', caseTitle: '河西村机动地发包费未入账' }, TODAY);
    if (!done.ok) throw new Error(JSON.stringify(done.errors));
    expect(done.value.opinionId).toBeNull();
    const [opened] = await test.db.select().from(complaints).where(eq(complaints.id, done.value.complaintId!));
    expect(opened).toMatchObject({ channel: 'cross_check', routedScopeCode: COUNTY, areaCode: '990122003202' });
    expect(await counts()).toEqual({ ...before, findings: before.findings + 1, cases: before.cases + 1 });
  });
});
