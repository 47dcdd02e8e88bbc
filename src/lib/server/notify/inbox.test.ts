/**
 * The staff inbox and its digest (inbox.ts): each hook writes notices for the users who must act and
 * no one else, in the step's own transaction; ten events in one round give one message, delivered to
 * a real SMTP server (smtp-server) with case numbers and links but no title, text or reporter; a
 * failing channel leaves the notices pending for the next round and logs no personal data; contacts
 * are validated and never land in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { complaintProposals } from '../../../../db/schema/complaint-casework.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { staffNotices } from '../../../../db/schema/notices.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../../../tests/support/mail.ts';
import { commissionPair, decide } from '../../../../tests/support/complaint-steps.ts';
import { assignHandler, forwardComplaint, handDown, reportBack, reviewReport } from '../complaints/casework.ts';
import { actOnComplaint } from '../complaints/console.ts';
import { decideProposal, propose } from '../complaints/proposals.ts';
import { fileObjection } from '../complaints/tracking.ts';
import { createUser } from '../auth/users.ts';
import { logger } from '../logger.ts';
import type { Actor } from '../result.ts';
import { CONTACT_INVALID, parseContact, setContact } from './contact.ts';
import { countUnread, listInbox, markRead, runDigest } from './inbox.ts';
import { smtpChannel } from './outbound.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';

const SANGHE = '990121000000';
const ORIGIN = 'https://ydt.example.gov.cn';
let test: TestDatabase;
let approver: Actor;
let handler: Actor;
let township: Actor;
let dongling: Actor;
let liugang: Actor;
let catcher: MailCatcher;
let smtpPort = 0;
let received: CaughtMail[] = [];

const account = (username: string) => actorOf(test.db, username);

const file = (title: string, extra: Record<string, unknown> = {}) => fileCase(test.db, title, extra);

async function notices(complaintId: string) {
  const rows = await test.db.select({ userId: staffNotices.userId, kind: staffNotices.kind }).from(staffNotices).where(eq(staffNotices.complaintId, complaintId));
  return rows.map((row) => `${row.kind}:${row.userId}`).sort();
}

beforeAll(async () => {
  test = await createTestDatabase();
  ({ handler, approver } = await commissionPair(test.db, SANGHE));
  township = await account('sanghezhen.jw');
  liugang = (await commissionPair(test.db, '990122000000')).approver;
  const created = await createUser(test.db, null, { username: 'dongling.jw', displayName: '东岭乡纪委', role: 'commission', scopeCode: '990121002000', password: 'inbox-test-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  dongling = await account('dongling.jw');
  catcher = await startMailCatcher();
  smtpPort = catcher.port;
  received = catcher.messages;
});
afterAll(async () => {
  await catcher?.close();
  await test?.dispose();
});

describe('notices written by the case steps', () => {
  it('tells the township of a hand-down, the handler of its report, and no one else', async () => {
    const { id } = await file('提醒：交办桑河镇的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    expect(await notices(id)).toEqual([]);
    expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    expect(await notices(id)).toEqual([`handedDown:${township.id}`]);
    expect((await reportBack(test.db, township, { complaintId: id, text: '经核查，水渠集资款已全部入账，村委会已补开收据并张榜公布收支明细。' })).ok).toBe(true);
    expect(await notices(id)).toEqual([`handedDown:${township.id}`, `reportWaiting:${handler.id}`].sort());
    // Sent back once: the township is told again (its first notice read), the county is not.
    await markRead(test.db, township, { all: true });
    expect((await reviewReport(test.db, approver, { complaintId: id, decision: 'return', text: '请补充收据复印件和张榜照片' })).ok).toBe(true);
    expect((await listInbox(test.db, township)).filter((entry) => entry.complaintId === id && !entry.read).map((entry) => entry.kind)).toEqual(['handedDown']);
    expect((await listInbox(test.db, dongling)).some((entry) => entry.complaintId === id)).toBe(false);
  });

  it('tells the other approvers of a proposal, the proposer of the decision, never the proposer of their own', async () => {
    const { id } = await file('提醒：待审批的处置');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    const proposed = await propose(test.db, handler, { complaintId: id, kind: 'dispose', value: 'preliminary_check' });
    if (!proposed.ok) throw new Error('propose');
    expect(await notices(id)).toEqual([`approvalWaiting:${approver.id}`]);
    expect((await decideProposal(test.db, approver, { complaintId: id, proposalId: proposed.value.id, decision: 'reject', note: '请先调取账目再提请' })).ok).toBe(true);
    expect(await notices(id)).toEqual([`approvalWaiting:${approver.id}`, `proposalRejected:${handler.id}`].sort());
  });

  it('tells the handler of an objection, and the receiving commission of a forward or an escalation', async () => {
    const { id, receipt } = await file('提醒：答复后有异议的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，集资款已入账并公布，收据已补开。');
    await test.db.delete(staffNotices).where(eq(staffNotices.complaintId, id));
    expect((await fileObjection(test.db, receipt, { reasons: '收据只补开了一部分，还有十几户没有拿到，答复不属实。' })).ok).toBe(true);
    expect(await notices(id)).toEqual([`objection:${handler.id}`]);

    const forwarded = await file('提醒：转送柳岗县的案件');
    expect((await forwardComplaint(test.db, approver, { complaintId: forwarded.id, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' })).ok).toBe(true);
    const commissioners = (await test.db.select({ id: users.id, role: users.role }).from(users).where(eq(users.scopeCode, '990122000000'))).filter((row) => row.role === 'commission');
    expect(commissioners.length).toBeGreaterThan(0);
    expect(await notices(forwarded.id)).toEqual(commissioners.map((row) => `forwarded:${row.id}`).sort());

    const city = await commissionPair(test.db, '990100000000');
    const escalated = await file('提醒：提级到市里的案件');
    await actOnComplaint(test.db, approver, { complaintId: escalated.id, action: 'accept' });
    expect((await actOnComplaint(test.db, approver, { complaintId: escalated.id, action: 'escalate', text: '涉及县领导班子成员，按规定提级办理' })).ok).toBe(true);
    const got = await notices(escalated.id);
    expect(got).toContain(`forwarded:${city.approver.id}`);
    expect(got.every((entry) => !entry.endsWith(approver.id) && !entry.endsWith(liugang.id))).toBe(true);
  });

  it('tells the whole holding commission of an objection when the handler’s account is disabled', async () => {
    const { id, receipt } = await file('提醒：承办人已停用的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await decide(test.db, id, 'conclude', '经核实，集资款已入账并公布，收据已补开。');
    const created = await createUser(test.db, null, { username: 'sanghe.cb9', displayName: '已调离的承办人', role: 'commission', scopeCode: SANGHE, password: 'inbox-test-password-9' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const gone = await account('sanghe.cb9');
    await test.db.update(complaints).set({ assigneeId: gone.id }).where(eq(complaints.id, id));
    await test.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, gone.id));
    await test.db.delete(staffNotices).where(eq(staffNotices.complaintId, id));
    expect((await fileObjection(test.db, receipt, { reasons: '收据只补开了一部分，还有十几户没有拿到，答复不属实。' })).ok).toBe(true);
    const active = await test.db.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.scopeCode, SANGHE));
    expect(await notices(id)).toEqual(active.filter((row) => row.role === 'commission' && !row.disabledAt).map((row) => `objection:${row.id}`).sort());
    expect(await notices(id)).not.toContain(`objection:${gone.id}`);
  });

  it('writes nothing when the step is refused (same transaction)', async () => {
    const { id } = await file('提醒：被拒绝的交办');
    // Not accepted yet: the hand-down is refused, and no notice is left behind.
    expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(false);
    expect(await notices(id)).toEqual([]);
  });
});

describe('the inbox', () => {
  it('counts unread notices and marks the user’s own read, never another’s', async () => {
    const before = await countUnread(test.db, township.id);
    expect(before).toBeGreaterThan(0);
    const [first] = await listInbox(test.db, township);
    expect(first!.caseNumber).toMatch(/^桑纪举〔\d{4}〕\d+号$/);
    expect(await markRead(test.db, dongling, { noticeId: first!.id })).toMatchObject({ ok: false, status: 404 });
    expect((await markRead(test.db, township, { noticeId: first!.id })).ok).toBe(true);
    expect(await countUnread(test.db, township.id)).toBe(before - 1);
    expect((await markRead(test.db, township, { all: true })).ok).toBe(true);
    expect(await countUnread(test.db, township.id)).toBe(0);
  });
});

describe('the digest', () => {
  it('sends ten hand-downs of one round as one message, with numbers and links only; retries a failed round', async () => {
    // Everything so far goes nowhere (no contacts): skipped, not piled up.
    await runDigest(test.db, { smtp: smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' }) }, ORIGIN);
    expect(received).toHaveLength(0);
    expect((await setContact(test.db, township, { userId: township.id, contact: 'sanghezhen@sanghe.example.gov.cn' })).ok).toBe(true);
    const titles: string[] = [];
    for (let n = 1; n <= 10; n++) {
      const title = `提醒汇总：第${n}件交办案件`;
      titles.push(title);
      const { id } = await file(title);
      await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
      expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    }

    const warn = vi.spyOn(logger, 'warn');
    const down = await runDigest(test.db, { smtp: smtpChannel({ url: 'smtp://127.0.0.1:1', from: 'noreply@ydt.example.gov.cn', timeoutMs: 2_000 }) }, ORIGIN);
    expect(down).toMatchObject({ sent: 0, failed: 1 });
    const logged = JSON.stringify(warn.mock.calls);
    warn.mockRestore();
    expect(logged).toContain('smtp');
    expect(logged).not.toContain('sanghezhen@');
    expect(logged).not.toContain('桑纪举');
    expect((await test.db.select().from(staffNotices).where(and(eq(staffNotices.userId, township.id), eq(staffNotices.outbound, 'pending')))).length).toBe(10);

    const up = await runDigest(test.db, { smtp: smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' }) }, ORIGIN);
    expect(up).toMatchObject({ sent: 1, failed: 0 });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['sanghezhen@sanghe.example.gov.cn']);
    const body = received[0]!.body;
    expect(body).toMatch(/桑纪举〔\d{4}〕\d+号：已交办给本级，待承办 https:\/\/ydt\.example\.gov\.cn\/staff\/complaints\/[0-9a-f-]{36}/);
    expect(body).toContain('另有5件，请登录查看：https://ydt.example.gov.cn/staff/inbox');
    for (const title of titles) expect(received[0]!.raw + body).not.toContain(title);
    expect(received[0]!.raw + body).not.toContain('水渠');
    // Nothing new: the next round sends nothing.
    expect(await runDigest(test.db, { smtp: smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' }) }, ORIGIN)).toMatchObject({ sent: 0 });
    expect(received).toHaveLength(1);
  });

  it('does not name a case the user no longer reaches', async () => {
    expect((await setContact(test.db, liugang, { userId: liugang.id, contact: 'liugang@liugang.example.gov.cn' })).ok).toBe(true);
    const { id } = await file('提醒：转来又转走的案件');
    expect((await forwardComplaint(test.db, approver, { complaintId: id, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' })).ok).toBe(true);
    // Before the round, 柳岗县 sends it on to the city: its notice no longer names anything it may handle.
    expect((await actOnComplaint(test.db, liugang, { complaintId: id, action: 'escalate', text: '涉及县领导班子成员，按规定提级办理' })).ok).toBe(true);
    const before = received.length;
    const round = await runDigest(test.db, { smtp: smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' }) }, ORIGIN);
    expect(received.slice(before).some((mail) => mail.to.includes('liugang@liugang.example.gov.cn'))).toBe(false);
    expect(round.sent).toBe(0);
    const [notice] = await test.db.select().from(staffNotices).where(and(eq(staffNotices.complaintId, id), eq(staffNotices.userId, liugang.id)));
    expect(notice!.outbound).toBe('skipped');
    expect((await listInbox(test.db, liugang)).find((entry) => entry.complaintId === id)).toMatchObject({ caseNumber: '', title: null, kind: 'forwarded' });
  });

  it('sends a round once when two run at the same time', async () => {
    const { id } = await file('提醒：两轮同时运行');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    const sent: string[] = [];
    const slow = { name: 'smtp' as const, send: async (message: { to: string }) => (await new Promise((resolve) => setTimeout(resolve, 200)), sent.push(message.to), { ok: true as const }) };
    const rounds = await Promise.all([runDigest(test.db, { smtp: slow }, ORIGIN), runDigest(test.db, { smtp: slow }, ORIGIN)]);
    expect(sent).toEqual(['sanghezhen@sanghe.example.gov.cn']);
    expect(rounds.map((round) => round.sent).sort()).toEqual([0, 1]);
  });

  it('holds no transaction while a message is on its way: a case step in the meantime is not kept waiting', async () => {
    const { id } = await file('提醒：发送期间的办理');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    expect((await handDown(test.db, approver, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    const other = await file('提醒：发送期间交办的另一件');
    await actOnComplaint(test.db, approver, { complaintId: other.id, action: 'accept' });
    let release = () => {};
    const relay = new Promise<void>((resolve) => (release = resolve));
    const stalled = { name: 'smtp' as const, send: async () => (await relay, { ok: true as const }) };
    const round = runDigest(test.db, { smtp: stalled }, ORIGIN);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the round is now waiting on the relay
    const during = await Promise.race([
      handDown(test.db, approver, { complaintId: other.id, townshipCode: '990121001000' }),
      new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 5_000)),
    ]);
    expect(during).toMatchObject({ ok: true });
    release();
    expect((await round).sent).toBe(1);
  });

  it('sends a mobile number’s digest through the webhook only', async () => {
    expect((await setContact(test.db, handler, { userId: handler.id, contact: '138 0013 8000' })).ok).toBe(true);
    const { id } = await file('提醒：短信提醒的案件');
    await actOnComplaint(test.db, approver, { complaintId: id, action: 'accept' });
    await assignHandler(test.db, approver, { complaintId: id, handlerId: handler.id });
    await propose(test.db, handler, { complaintId: id, kind: 'dispose', value: 'shelve' });
    const [proposal] = await test.db.select().from(complaintProposals).where(eq(complaintProposals.complaintId, id));
    await decideProposal(test.db, approver, { complaintId: id, proposalId: proposal!.id, decision: 'approve' });
    const sent: string[] = [];
    const webhook = { name: 'webhook' as const, send: async (message: { to: string; text: string }) => (sent.push(`${message.to}|${message.text}`), { ok: true as const }) };
    // No webhook configured: the phone's notices are skipped, not sent by e-mail.
    const smtpOnly = await runDigest(test.db, { smtp: smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' }) }, ORIGIN);
    expect(smtpOnly.skipped).toBeGreaterThan(0);
    expect(received.some((mail) => mail.to.includes('13800138000'))).toBe(false);
    const { id: second } = await file('提醒：第二件短信提醒的案件');
    await actOnComplaint(test.db, approver, { complaintId: second, action: 'accept' });
    await assignHandler(test.db, approver, { complaintId: second, handlerId: handler.id });
    const again = await propose(test.db, handler, { complaintId: second, kind: 'dispose', value: 'shelve' });
    if (!again.ok) throw new Error('propose');
    await decideProposal(test.db, approver, { complaintId: second, proposalId: again.value.id, decision: 'approve' });
    await runDigest(test.db, { webhook }, ORIGIN);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^13800138000\|桑纪举〔\d{4}〕\d+号：您的提请已审批同意 https:/);
    expect(sent[0]).not.toContain('短信提醒');
  });
});

describe('the contact field', () => {
  it.each([
    ['lihua@sanghe.example.gov.cn', 'lihua@sanghe.example.gov.cn'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['', null],
  ])('accepts %s', (typed, stored) => {
    expect(parseContact(typed)).toEqual({ ok: true, value: stored });
  });

  it.each(['lihua', 'lihua@', '1380013800', '23800138000', '李华@桑河.cn', 'a b@sanghe.gov.cn', `${'a'.repeat(250)}@x.cn`])('refuses %s with a Chinese message', (typed) => {
    expect(parseContact(typed)).toEqual({ ok: false, errors: { contact: CONTACT_INVALID } });
  });

  it('is set by the account’s own user or an administrator, audited without its value', async () => {
    expect(await setContact(test.db, approver, { userId: township.id, contact: 'x@sanghe.example.gov.cn' })).toMatchObject({ ok: false, status: 403 });
    const admin = await account('demo.admin');
    expect((await setContact(test.db, admin, { userId: dongling.id, contact: 'dongling@sanghe.example.gov.cn' })).ok).toBe(true);
    const audit = await test.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'user.contactChanged'), eq(auditEvents.subjectId, dongling.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('dongling@');
    expect(audit[0]!.detail).toEqual({ channel: 'email' });
    expect(await setContact(test.db, dongling, { userId: dongling.id, contact: 'not a contact' })).toEqual({ ok: false, errors: { contact: CONTACT_INVALID } });
  });
});
