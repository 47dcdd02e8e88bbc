/**
 * Escalated supervision (escalated.ts): designation by a county or city commission of a village in
 * its scope, with its refusals; ending as a recorded step (the row stays, the trigger refuses any
 * other change and every delete); the 包联 leader, who must be of the designating commission or the
 * village's township; visits and notes, append-only; and casework's hand-down refused inside its own
 * transaction for a designated village's case, also when the designation lands first in a race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { escalatedDesignations, escalatedEvents } from '../../../../db/schema/escalated.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { createUser } from '../auth/users.ts';
import { handDown } from '../complaints/casework.ts';
import { actOnComplaint } from '../complaints/console.ts';
import type { Actor } from '../result.ts';
import { activeDesignation, assignLeader, designate, designatedAmong, designationEvents, endDesignation, HAND_DOWN_REFUSED, leaderChoices, listDesignations, recordLeaderStep } from './escalated.ts';

const QIANYING = '990121001201';
const HOUYING = '990121001202';
const DONGLING = '990121002201';
const LIUGANG_VILLAGE = '990122001201';
const SANGHE_TOWN = '990121001000';
const REASON = '城郊村，集体资产多，征地补偿款数额大，群众反映集中';
let test: TestDatabase;
let county: Actor;
let handler: Actor;
let city: Actor;
let town: Actor;
let agency: Actor;
let donglingTown: Actor;

beforeAll(async () => {
  test = await createTestDatabase();
  [county, handler, city, town, agency] = (await Promise.all(['sanghe.jw', 'sanghe.cb', 'beiyuan.jw', 'sanghezhen.jw', 'sanghe.jgz'].map((name) => actorOf(test.db, name)))) as [Actor, Actor, Actor, Actor, Actor];
  const created = await createUser(test.db, county, { username: 'dongling.shuji', displayName: '东岭乡纪委书记', role: 'commission', scopeCode: '990121002000', password: 'escalated-test-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  donglingTown = await actorOf(test.db, 'dongling.shuji');
});
afterAll(async () => test?.dispose());

const input = (villageCode: string, extra: Record<string, string> = {}) => ({ villageCode, reason: REASON, startsOn: '2026-10-01', reviewOn: '2027-03-31', ...extra });

describe('designating a village (提级监督)', () => {
  it('checks the form in Chinese, every field at once', async () => {
    const result = await designate(test.db, county, { villageCode: '', reason: '太短', startsOn: '2026-13-01', reviewOn: '' });
    expect(result).toMatchObject({ ok: false, errors: { villageCode: '请选择要提级监督的村', reason: expect.stringContaining('至少6个字'), startsOn: '请填写有效的开始日期', reviewOn: expect.stringContaining('请填写复核日期') } });
    expect(await designate(test.db, county, input(QIANYING, { reviewOn: '2026-09-30' }))).toEqual({ ok: false, errors: { reviewOn: '复核日期不能早于开始日期' } });
    expect(await designate(test.db, county, input('990121001000'))).toEqual({ ok: false, errors: { villageCode: '请选择要提级监督的村' } });
  });

  it('is for county and city commissions, for villages of their scope only', async () => {
    expect(await designate(test.db, county, input(LIUGANG_VILLAGE))).toMatchObject({ ok: false, status: 403, errors: { villageCode: '只能对本级管辖范围内的村提级监督' } });
    expect(await designate(test.db, town, input(QIANYING))).toMatchObject({ ok: false, status: 403 });
    expect(await designate(test.db, agency, input(QIANYING))).toMatchObject({ ok: false, status: 403 });
    expect(await designate(test.db, { ...county, role: 'admin', scopeCode: null }, input(QIANYING))).toMatchObject({ ok: false, status: 403 });
    expect(await test.db.select().from(escalatedDesignations)).toEqual([]);
  });

  it('designates once per village, with an event and an audit entry; the city sees it too', async () => {
    const done = await designate(test.db, county, input(QIANYING));
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(await designate(test.db, city, input(QIANYING))).toEqual({ ok: false, errors: { villageCode: '前营村已在提级监督中，请先结束原有的提级监督' } });
    const row = await activeDesignation(test.db, QIANYING);
    expect(row).toMatchObject({ id: done.value.id, commissionCode: '990121000000', reason: REASON, startsOn: '2026-10-01', reviewOn: '2027-03-31', leaderId: null, endedOn: null });
    expect((await designationEvents(test.db, [done.value.id])).map((e) => [e.kind, e.body])).toEqual([['designated', REASON]]);
    const [entry] = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, done.value.id));
    expect(entry).toMatchObject({ action: 'escalated.designated', actorId: county.id, scopeCode: QIANYING });
    expect((await listDesignations(test.db, city)).map((d) => [d.villageName, d.townshipName])).toEqual([['前营村', '桑河镇']]);
    expect(await listDesignations(test.db, town)).toEqual([]);
    expect(await listDesignations(test.db, agency)).toEqual([]);
    expect(await designatedAmong(test.db, [QIANYING, HOUYING, QIANYING])).toEqual(new Set([QIANYING]));
  });
});

describe('the 包联 leader and their visits (书记提级包联)', () => {
  it('is an account of the designating commission or of the village’s township, never another township', async () => {
    const row = (await activeDesignation(test.db, QIANYING))!;
    const choices = (await leaderChoices(test.db, row)).map((c) => c.id);
    expect(choices).toContain(town.id);
    expect(choices).toContain(handler.id);
    expect(choices).not.toContain(donglingTown.id);
    expect(choices).not.toContain(agency.id);
    expect(await assignLeader(test.db, county, { designationId: row.id, leaderId: donglingTown.id })).toEqual({ ok: false, errors: { leaderId: '包联领导应为本级纪委监委或该村所在乡镇纪委的在用账号' } });
    expect(await assignLeader(test.db, county, { designationId: row.id, leaderId: agency.id })).toMatchObject({ ok: false, errors: { leaderId: expect.any(String) } });
    expect(await assignLeader(test.db, town, { designationId: row.id, leaderId: town.id })).toMatchObject({ ok: false, status: 403 });
    expect(await assignLeader(test.db, county, { designationId: row.id, leaderId: 'x' })).toEqual({ ok: false, errors: { leaderId: '请选择包联领导' } });
    expect((await assignLeader(test.db, county, { designationId: row.id, leaderId: town.id })).ok).toBe(true);
    expect(await assignLeader(test.db, county, { designationId: row.id, leaderId: town.id })).toEqual({ ok: false, errors: { leaderId: '桑河镇纪委（演示）已是该村的包联领导' } });
    expect((await listDesignations(test.db, town)).map((d) => d.villageName)).toEqual(['前营村']);
  });

  it('lets the leader record visits and notes, append-only; nobody else of the township', async () => {
    const row = (await activeDesignation(test.db, QIANYING))!;
    const visit = { designationId: row.id, kind: 'visit', occurredOn: '2026-10-15', body: '到村走访，查阅2026年第三季度收支凭证，与监委会主任谈话。' };
    expect(await recordLeaderStep(test.db, town, { ...visit, occurredOn: '2099-01-01' })).toEqual({ ok: false, errors: { occurredOn: '走访日期不能晚于今天' } });
    expect(await recordLeaderStep(test.db, town, { ...visit, occurredOn: '2026-09-01' })).toEqual({ ok: false, errors: { occurredOn: '走访日期不能早于提级监督开始日期（2026-10-01）' } });
    expect(await recordLeaderStep(test.db, town, { ...visit, body: '走访' })).toMatchObject({ ok: false, errors: { body: '请写明走访或监督情况（至少10个字）' } });
    expect(await recordLeaderStep(test.db, town, { ...visit, kind: 'party' })).toMatchObject({ ok: false, errors: { kind: '请选择记录类型' } });
    expect(await recordLeaderStep(test.db, donglingTown, visit)).toMatchObject({ ok: false, status: 403 });
    expect(await recordLeaderStep(test.db, agency, visit)).toMatchObject({ ok: false, status: 403 });
    expect((await recordLeaderStep(test.db, town, visit)).ok).toBe(true);
    expect((await recordLeaderStep(test.db, county, { designationId: row.id, kind: 'note', body: '督促村监委会对大额现金支出逐笔说明。' })).ok).toBe(true);
    const events = await designationEvents(test.db, [row.id]);
    expect(events.map((e) => [e.kind, e.occurredOn])).toEqual([['designated', null], ['leaderAssigned', null], ['visit', '2026-10-15'], ['note', null]]);
    await expect(test.db.update(escalatedEvents).set({ body: '改写' }).where(eq(escalatedEvents.designationId, row.id))).rejects.toThrow();
    await expect(test.db.delete(escalatedEvents).where(eq(escalatedEvents.designationId, row.id))).rejects.toThrow();
  });
});

describe('a designated village’s complaints stay with the county (问题线索提级处置)', () => {
  it('refuses the hand-down inside its transaction and leaves the case as it was', async () => {
    const { id } = await fileCase(test.db, '提级：前营村征地补偿款');
    await actOnComplaint(test.db, county, { complaintId: id, action: 'accept' });
    expect(await handDown(test.db, county, { complaintId: id, townshipCode: SANGHE_TOWN })).toEqual({ ok: false, errors: { form: HAND_DOWN_REFUSED } });
    const [row] = await test.db.select().from(complaints).where(eq(complaints.id, id));
    expect(row).toMatchObject({ handedDownTo: null, status: 'accepted' });
    expect(await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id))).toEqual([]);
    // Another village of the same township is handed down as before.
    const other = await fileCase(test.db, '提级：后营村的案件', { areaCode: HOUYING });
    await actOnComplaint(test.db, county, { complaintId: other.id, action: 'accept' });
    expect((await handDown(test.db, county, { complaintId: other.id, townshipCode: SANGHE_TOWN })).ok).toBe(true);
  });

  it('refuses it when the designation commits first, both waiting on the village row', async () => {
    const { id } = await fileCase(test.db, '提级：东岭村的案件', { areaCode: DONGLING });
    await actOnComplaint(test.db, county, { complaintId: id, action: 'accept' });
    const [designated, handed] = await raceBehindLock(
      test,
      (tx) => tx.select().from(areas).where(eq(areas.code, DONGLING)).for('update'),
      () => designate(test.db, county, input(DONGLING)),
      () => handDown(test.db, county, { complaintId: id, townshipCode: '990121002000' }),
    );
    expect(designated.ok).toBe(true);
    expect(handed).toEqual({ ok: false, errors: { form: HAND_DOWN_REFUSED } });
  });
});

describe('ending a designation', () => {
  it('is a recorded step: the row stays with who ended it and why, and never changes again', async () => {
    const row = (await activeDesignation(test.db, QIANYING))!;
    expect(await endDesignation(test.db, county, { designationId: row.id, reason: '短' })).toMatchObject({ ok: false, errors: { reason: expect.stringContaining('至少4个字') } });
    expect(await endDesignation(test.db, town, { designationId: row.id, reason: '整改到位，复核通过' })).toMatchObject({ ok: false, status: 403 });
    expect(await endDesignation(test.db, county, { designationId: 'nope', reason: '整改到位，复核通过' })).toMatchObject({ ok: false, status: 404 });
    expect((await endDesignation(test.db, county, { designationId: row.id, reason: '整改到位，复核通过' })).ok).toBe(true);
    expect(await endDesignation(test.db, county, { designationId: row.id, reason: '整改到位，复核通过' })).toEqual({ ok: false, errors: { form: '该村的提级监督已经结束' } });
    expect(await recordLeaderStep(test.db, town, { designationId: row.id, kind: 'note', body: '结束后还想补一条记录的内容。' })).toEqual({ ok: false, errors: { form: '该村的提级监督已经结束' } });
    expect(await activeDesignation(test.db, QIANYING)).toBeUndefined();
    const [ended] = await test.db.select().from(escalatedDesignations).where(eq(escalatedDesignations.id, row.id));
    expect(ended).toMatchObject({ endReason: '整改到位，复核通过', endedBy: county.id, reason: REASON });
    expect(ended!.endedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await designationEvents(test.db, [row.id])).at(-1)).toMatchObject({ kind: 'ended', body: '整改到位，复核通过' });
    await expect(test.db.update(escalatedDesignations).set({ leaderId: null }).where(eq(escalatedDesignations.id, row.id))).rejects.toThrow();
    await expect(test.db.delete(escalatedDesignations).where(eq(escalatedDesignations.id, row.id))).rejects.toThrow();
    await expect(test.db.execute(sql`update escalated_designations set reason = 'x' where ended_on is null`)).rejects.toThrow();
    // Designated again later: a new row beside the old one.
    expect((await designate(test.db, county, input(QIANYING, { startsOn: '2026-11-01' }))).ok).toBe(true);
    expect((await listDesignations(test.db, county)).filter((d) => d.villageCode === QIANYING).map((d) => d.endedOn === null)).toEqual([true, false]);
  });
});
