import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { AUDIT_ACTIONS, auditActionsFor, listAuditEvents, recordAudit, type AuditFilters } from './audit.ts';
import { queryRows } from './db.ts';
import type { Actor } from './auth/permissions.ts';
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/auth.ts';
import { complaints } from '../../../db/schema/complaints.ts';
import { actOnComplaint } from './complaints/console.ts';
import { releaseIdentity } from '../../../tests/support/complaint-steps.ts';
import { fileComplaint } from './complaints/filing.ts';
import { todayInShanghai } from './time.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  const entries = [
    { scopeCode: '990121001201', action: 'user.created', subjectId: 'a' },
    { scopeCode: '990121000000', action: 'countyList.published', subjectId: 'b' },
    { scopeCode: '990122000000', action: 'countyList.published', subjectId: 'c' },
    { scopeCode: null, action: 'user.created', subjectId: 'd' },
  ];
  for (const entry of entries) {
    await recordAudit(test.db, { actor: { id: 'u1', username: 'sanghe.jw' }, subjectType: 'test', reason: '测试', ...entry });
  }
});
afterAll(async () => test?.dispose());

async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('audit log', () => {
  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [before] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events`);
    expect(await databaseError(test.db.execute(sql`update audit_events set reason = '篡改'`))).toMatch(/append-only/);
    expect(await databaseError(test.db.execute(sql`delete from audit_events`))).toMatch(/append-only/);
    expect(await databaseError(test.db.execute(sql`truncate audit_events`))).toMatch(/append-only/);
    const [after] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events`);
    expect(after!.n).toBe(before!.n);
  });

  it('shows a commission only the entries inside its scope', async () => {
    const sanghe: Actor = { id: 'x', role: 'commission', scopeCode: '990121000000' };
    const { rows } = await listAuditEvents(test.db, sanghe, { action: undefined }, 1);
    const scopes = rows.filter((row) => row.subjectType === 'test').map((row) => row.scopeCode);
    expect(scopes.sort()).toEqual(['990121000000', '990121001201']);
  });

  it('shows an administrator everything, including installation-wide entries', async () => {
    const admin: Actor = { id: 'y', role: 'admin', scopeCode: null };
    const { rows } = await listAuditEvents(test.db, admin, {}, 1);
    expect(rows.filter((row) => row.subjectType === 'test')).toHaveLength(4);
  });

  it('filters by action, actor and date (Beijing time)', async () => {
    const admin: Actor = { id: 'y', role: 'admin', scopeCode: null };
    const published = await listAuditEvents(test.db, admin, { action: 'countyList.published' }, 1);
    expect(published.rows.filter((row) => row.subjectType === 'test')).toHaveLength(2);
    expect((await listAuditEvents(test.db, admin, { actorName: 'nobody' }, 1)).rows).toHaveLength(0);
    expect((await listAuditEvents(test.db, admin, { from: '2000-01-01', to: '2000-01-31' }, 1)).rows).toHaveLength(0);
  });
});

describe('complaint activity in the audit log', () => {
  const REASON = '需要当面核实反映人提供的收款白条原件';
  const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
  const township = { id: '', username: 'sanghezhen.jw', role: 'commission' as const, scopeCode: '990121001000' };
  const admin: Actor = { id: 'y', role: 'admin', scopeCode: null };
  const liugang: Actor = { id: 'l', role: 'commission', scopeCode: '990122000000' };
  const city: Actor = { id: 'c', role: 'commission', scopeCode: '990100000000' };
  let routedId = '';
  let assignedId = '';

  beforeAll(async () => {
    sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
    township.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, township.username)))[0]!.id;
    const content = '村里修水渠向每户收了两百元，说是自筹资金，但是没有开收据，也没有公布账目，不知道钱用到哪里去了。';
    const routed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', title: '修水渠集资不开收据', content, anonymous: false, name: '陈玉兰', phone: '13544445555' });
    const assigned = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001202', title: '后营村水渠集资去向不明', content, anonymous: true });
    if (!routed.ok || !assigned.ok) throw new Error('filing failed');
    const idOf = async (title: string) => (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    routedId = await idOf('修水渠集资不开收据');
    assignedId = await idOf('后营村水渠集资去向不明');
    await actOnComplaint(test.db, sanghe, { complaintId: routedId, action: 'accept' });
    await actOnComplaint(test.db, sanghe, { complaintId: routedId, action: 'note', text: '已调取村集体账户流水' });
    await releaseIdentity(test.db, routedId, REASON);
    // Handed down to 桑河镇's commission, which adds a note of its own.
    await test.db.update(complaints).set({ handedDownTo: township.scopeCode }).where(eq(complaints.id, assignedId));
    await actOnComplaint(test.db, township, { complaintId: assignedId, action: 'note', text: '已到后营村走访了解水渠集资情况' });
  });

  const today = todayInShanghai();
  const everyFilter = (): AuditFilters[] => [
    {},
    ...AUDIT_ACTIONS.map((action) => ({ action })),
    { actorName: 'sanghe.jw' },
    { actorName: 'sanghezhen.jw' },
    { scopeCode: '990121000000' },
    { scopeCode: '990121001000' },
    { from: today, to: today },
  ];
  const complaintRows = (rows: Awaited<ReturnType<typeof listAuditEvents>>['rows']) =>
    rows.filter((row) => row.subjectType === 'complaint' || row.action.startsWith('complaint.') || JSON.stringify(row).includes(REASON));

  it('shows an administrator no trace of any complaint, under every filter, and offers no complaint filter', async () => {
    for (const filters of everyFilter()) {
      const { rows } = await listAuditEvents(test.db, admin, filters, 1);
      expect(complaintRows(rows), JSON.stringify(filters)).toEqual([]);
    }
    // The other entries are still there: the log is not simply empty.
    expect((await listAuditEvents(test.db, admin, {}, 1)).rows.length).toBeGreaterThan(0);
    expect(auditActionsFor(admin).filter((action) => action.startsWith('complaint.'))).toEqual([]);
    expect(auditActionsFor(admin)).toContain('user.created');
  });

  it('shows each commission only the cases it may handle: routed into its area, or handed down to it', async () => {
    const seen = async (viewer: Actor) => {
      const subjects = new Set<string>();
      for (const filters of everyFilter()) for (const row of complaintRows((await listAuditEvents(test.db, viewer, filters, 1)).rows)) subjects.add(row.subjectId);
      return [...subjects].sort();
    };
    expect(await seen(sanghe)).toEqual([routedId, assignedId].sort());
    expect(await seen(city)).toEqual([routedId, assignedId].sort());
    expect(await seen(township)).toEqual([assignedId]);
    expect(await seen(liugang)).toEqual([]);
    const reveal = await listAuditEvents(test.db, sanghe, { action: 'complaint.identityRevealed' }, 1);
    expect(reveal.rows.map((row) => row.reason)).toContain(REASON);
    expect(auditActionsFor(sanghe)).toContain('complaint.identityRevealed');
    expect(auditActionsFor(township)).toContain('complaint.note');
  });

  it('follows the case when it moves: after escalation the county no longer sees it', async () => {
    await actOnComplaint(test.db, sanghe, { complaintId: routedId, action: 'escalate', text: '涉及县直部门负责人，按规定提级办理' });
    const subjects = complaintRows((await listAuditEvents(test.db, sanghe, {}, 1)).rows).map((row) => row.subjectId);
    expect(subjects).not.toContain(routedId);
    expect(complaintRows((await listAuditEvents(test.db, city, {}, 1)).rows).map((row) => row.subjectId)).toContain(routedId);
  });
});
