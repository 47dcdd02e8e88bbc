/**
 * The history an officer reads (history.ts): staff steps with their minute (Asia/Shanghai, from the
 * audit entry of the same transaction) and officer, zone assignment as its own step, the citizen's
 * timeline day-only and nameless; and the trace a commission keeps of cases it forwarded, escalated
 * or handed down — for the sender only, without the case's text once it is out of reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { complaintReferrals } from '../../../../db/schema/complaint-casework.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { commissionPair } from '../../../../tests/support/complaint-steps.ts';
import type { Actor } from '../result.ts';
import { formatShanghaiMinute } from '../time.ts';
import { forwardComplaint, handDown } from './casework.ts';
import { actOnComplaint } from './console.ts';
import { getSentTrace, listSent, loadCaseHistory } from './history.ts';
import { trackComplaint } from './tracking.ts';
import { assignZone, listZones } from './zones.ts';
import { actorOf, fileCase, WATER_CHANNEL_CONTENT } from '../../../../tests/support/complaint-cases.ts';

const SANGHE = '990121000000';
const content = WATER_CHANNEL_CONTENT;
let test: TestDatabase;
let county: Actor;
let township: Actor;
let liugang: Actor;

const account = (username: string) => actorOf(test.db, username);

const file = (title: string, extra: Record<string, unknown> = {}) => fileCase(test.db, title, extra);

beforeAll(async () => {
  test = await createTestDatabase();
  county = await account('sanghe.jw');
  township = await account('sanghezhen.jw');
  liugang = (await commissionPair(test.db, '990122000000')).approver;
});
afterAll(async () => test?.dispose());

describe('the history on the staff case page', () => {
  it('gives each staff step its minute and officer, and zone assignment a step of its own', async () => {
    const { id, receipt } = await file('历史：水渠集资案');
    await actOnComplaint(test.db, county, { complaintId: id, action: 'accept' });
    const [zone] = await listZones(test.db, SANGHE);
    expect((await assignZone(test.db, county, { complaintId: id, zoneId: zone!.id })).ok).toBe(true);
    await actOnComplaint(test.db, county, { complaintId: id, action: 'note', text: '已调取村集体账户流水' });
    const history = await loadCaseHistory(test.db, id);
    expect(history.map((step) => step.kind)).toEqual(['received', 'accepted', 'zoneAssigned', 'note']);
    expect(history[0]).toMatchObject({ at: null, officer: null }); // the filing: its day only, no one named
    const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, 'complaint.accept')));
    expect(history[1]).toMatchObject({ at: formatShanghaiMinute(audit[0]!.at), officer: '桑河县纪委监委（演示）', public: true });
    for (const step of history.slice(1)) expect(step.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(history[2]).toMatchObject({ kind: 'zoneAssigned', public: false, text: `分派至${zone!.name}` });

    // The citizen's timeline: days only, no officer, no internal step.
    const tracked = JSON.stringify(await trackComplaint(test.db, receipt));
    expect(tracked).not.toMatch(/\d{2}:\d{2}/);
    expect(tracked).not.toContain('桑河县纪委监委（演示）');
    expect(tracked).not.toContain('zoneAssigned');
    expect(tracked).not.toContain(zone!.name);
  });
});

describe('the sender’s trace', () => {
  it('keeps an escalation: where it went, by whom, how it stands — without the case once out of reach', async () => {
    const { id } = await file('历史：提级到市里的案件');
    await actOnComplaint(test.db, county, { complaintId: id, action: 'accept' });
    expect((await actOnComplaint(test.db, county, { complaintId: id, action: 'escalate', text: '涉及县领导班子成员，按规定提级办理' })).ok).toBe(true);
    const [referral] = await test.db.select().from(complaintReferrals).where(eq(complaintReferrals.complaintId, id));
    expect(referral).toMatchObject({ kind: 'escalate', fromScopeCode: SANGHE, toScopeCode: '990100000000', state: 'closed', report: '涉及县领导班子成员，按规定提级办理' });
    const trace = await getSentTrace(test.db, county, referral!.id);
    expect(trace).toMatchObject({ reason: '涉及县领导班子成员，按规定提级办理', sentBy: '桑河县纪委监委（演示）', to: '北原市', holder: '北原市', status: 'accepted', caseLink: null });
    expect(trace!.caseNumber).toMatch(/^桑纪举〔\d{4}〕\d+号$/);
    expect(trace!.deadline?.kind).toBe('conclude');
    expect(JSON.stringify(trace)).not.toContain('提级到市里');
    expect(JSON.stringify(trace)).not.toContain(content);
    expect((await listSent(test.db, county)).map((entry) => entry.referral.id)).toContain(referral!.id);
    // Nobody else reads it: another county, the township, or the city it went to (which has the case itself).
    expect(await getSentTrace(test.db, liugang, referral!.id)).toBeUndefined();
    expect(await getSentTrace(test.db, township, referral!.id)).toBeUndefined();
    expect(await listSent(test.db, township)).toEqual([]);
  });

  it('keeps a forward and a hand-down, the hand-down linking to the case the county still holds', async () => {
    const forwarded = await file('历史：转送柳岗县的案件');
    expect((await forwardComplaint(test.db, county, { complaintId: forwarded.id, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' })).ok).toBe(true);
    const handed = await file('历史：交办桑河镇的案件');
    await actOnComplaint(test.db, county, { complaintId: handed.id, action: 'accept' });
    expect((await handDown(test.db, county, { complaintId: handed.id, townshipCode: '990121001000' })).ok).toBe(true);
    const sent = await listSent(test.db, county);
    const forward = sent.find((entry) => entry.referral.kind === 'forward' && entry.holder === '柳岗县')!;
    expect(forward).toMatchObject({ to: '柳岗县', status: 'received', caseLink: null, reason: '被反映人系柳岗县管理的干部，按管理权限转送' });
    expect(forward.deadline?.kind).toBe('accept');
    const handDownTrace = sent.find((entry) => entry.referral.kind === 'hand_down' && entry.caseLink === `/staff/complaints/${handed.id}`)!;
    expect(handDownTrace).toMatchObject({ to: '桑河镇', holder: '桑河县', reason: null, referral: { state: 'open' } });
    expect(handDownTrace.deadline?.kind).toBe('handDown');
  });
});
