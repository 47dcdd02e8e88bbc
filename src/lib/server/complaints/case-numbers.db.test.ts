/**
 * Case numbers as filing gives them: per commission, per year of the filing day, kept on
 * forwarding, and never the same twice when two filings meet at the counter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { caseNumberOf, formatCaseNumber } from './case-numbers.ts';
import { forwardComplaint } from './casework.ts';
import { actOnComplaint } from './console.ts';
import { fileComplaint } from './filing.ts';
import { trackComplaint } from './tracking.ts';

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const content = '村里修路的工程款公示的和实际干的差了一大截，路面只铺了一半，村委会说钱已经花完了。';
let test: TestDatabase;

async function file(title: string, today: string, extra: Record<string, unknown> = {}) {
  const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content, anonymous: true, ...extra }, { today });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  const [row] = await test.db.select().from(complaints).where(eq(complaints.title, title));
  return row!;
}

beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

describe('case numbers at filing', () => {
  it('counts per commission and per year of the filing day', async () => {
    const first = await file('编号：前营村修路工程款一', '2031-03-02');
    const second = await file('编号：前营村修路工程款二', '2031-03-02');
    const nextYear = await file('编号：前营村修路工程款三', '2032-01-04');
    // 县领导 goes to the city: its own count.
    const city = await file('编号：县领导干预工程发包', '2031-03-02', { subjectLevel: 'county_leader' });
    expect(formatCaseNumber(caseNumberOf(first))).toBe('桑纪举〔2031〕1号');
    expect(formatCaseNumber(caseNumberOf(second))).toBe('桑纪举〔2031〕2号');
    expect(formatCaseNumber(caseNumberOf(nextYear))).toBe('桑纪举〔2032〕1号');
    expect(city.caseScopeCode).toBe('990100000000');
    expect(formatCaseNumber(caseNumberOf(city))).toBe('北纪举〔2031〕1号');
  });

  it('keeps the number when the case is forwarded to another commission (it names the case, not its holder)', async () => {
    const row = await file('编号：转送后编号不变', '2033-05-06');
    const [account] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
    const actor = { id: account!.id, username: account!.username, role: account!.role, scopeCode: account!.scopeCode };
    expect((await forwardComplaint(test.db, actor, { complaintId: row.id, toScopeCode: LIUGANG, reason: '被反映人系柳岗县管理的干部，按管理权限转送' })).ok).toBe(true);
    const [after] = await test.db.select().from(complaints).where(eq(complaints.id, row.id));
    expect(after!.routedScopeCode).toBe(LIUGANG);
    expect(formatCaseNumber(caseNumberOf(after!))).toBe('桑纪举〔2033〕1号');
    // The next 柳岗县 filing is not pushed along by the forwarded case.
    const liugang = await file('编号：柳岗县自己的来信', '2033-05-07', { areaCode: '990122001000' });
    expect(formatCaseNumber(caseNumberOf(liugang))).toBe('柳纪举〔2033〕1号');
  });

  it('keeps the number when the case is escalated to the city', async () => {
    const row = await file('编号：提级后编号不变', '2037-03-03');
    const [account] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
    const actor = { id: account!.id, username: account!.username, role: account!.role, scopeCode: account!.scopeCode };
    expect((await actOnComplaint(test.db, actor, { complaintId: row.id, action: 'escalate', text: '涉及多个乡镇，由市纪委监委提级办理更为妥当' })).ok).toBe(true);
    const [after] = await test.db.select().from(complaints).where(eq(complaints.id, row.id));
    expect(after!.routedScopeCode).toBe('990100000000');
    expect(formatCaseNumber(caseNumberOf(after!))).toBe('桑纪举〔2037〕1号');
  });

  it('shows the reporter the number on /track once the case is accepted, never before', async () => {
    const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title: '编号：回执查询显示编号', content, anonymous: true }, { today: '2036-04-01' });
    if (!filed.ok) throw new Error('filing failed');
    expect((await trackComplaint(test.db, filed.value.receipt))!.caseNumber).toBeNull();
    const [row] = await test.db.select().from(complaints).where(eq(complaints.title, '编号：回执查询显示编号'));
    const [account] = await test.db.select().from(users).where(eq(users.username, 'sanghe.jw'));
    const actor = { id: account!.id, username: account!.username, role: account!.role, scopeCode: account!.scopeCode };
    expect((await actOnComplaint(test.db, actor, { complaintId: row!.id, action: 'accept' })).ok).toBe(true);
    expect(formatCaseNumber((await trackComplaint(test.db, filed.value.receipt))!.caseNumber)).toBe('桑纪举〔2036〕1号');
  });

  it('never gives one number twice when two filings meet at the counter', async () => {
    await file('编号：并发前的一件', '2034-02-03');
    const counter = and(sql`scope_code = ${SANGHE}`, sql`year = 2034`);
    const [a, b] = await raceBehindLock(
      test,
      (tx) => tx.execute(sql`select last_seq from complaint_case_counters where ${counter} for update`),
      () => file('编号：并发甲', '2034-02-03'),
      () => file('编号：并发乙', '2034-02-03'),
    );
    expect([a.caseSeq, b.caseSeq].sort()).toEqual([2, 3]);
    expect(a.caseSeq).not.toBe(b.caseSeq);
  });

  it('gives the first numbers of a new year apart when filings arrive together before any counter row exists', async () => {
    const rows = await Promise.all([1, 2, 3, 4].map((n) => file(`编号：新年并发第${n}件`, '2038-01-04')));
    expect(rows.map((row) => row.caseSeq).sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses a duplicate number in the database itself', async () => {
    const row = await file('编号：重复编号被拒', '2035-06-01');
    await file('编号：重复编号被拒二', '2035-06-01');
    await expect(test.db.update(complaints).set({ caseSeq: row.caseSeq }).where(eq(complaints.title, '编号：重复编号被拒二'))).rejects.toThrow();
  });
});
