import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaintIdentities, complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { translator } from '../../../i18n/index.ts';
import { can, complaintReach } from '../auth/permissions.ts';
import { createUser } from '../auth/users.ts';
import { getConfig } from '../config.ts';
import { decryptJson } from '../complaints/crypto.ts';
import { DIRECT_POINT_FILINGS_PER_DAY, directPointThrottle } from '../complaints/throttles.ts';
import { trackComplaint } from '../complaints/tracking.ts';
import { queryRows } from '../db.ts';
import type { Actor } from '../result.ts';
import { directPointRefusal, fileAtDirectPoint } from './filing.ts';

let test: TestDatabase;
let liaison: Actor;

/** What 前营村's villager 王秀英 told the discipline member, as the form sends it. */
const villagerReport = {
  formKey: '',
  category: 'assets',
  areaCode: '990121001201',
  subjectLevel: 'village_cadre',
  subjectRole: '村（社区）“两委”干部',
  title: '村里修路的钱去向不明',
  content: '去年村里硬化通组路，每户按人头集资两百元，修了不到一半就停工了，剩下的钱村委会一直没有公布去向。',
  occurredOn: '2026-05-10',
  anonymous: 'yes',
};

async function actorOf(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

beforeAll(async () => {
  test = await createTestDatabase();
  liaison = await actorOf('qianying.jjwy');
});
afterAll(async () => test?.dispose());
beforeEach(() => directPointThrottle.reset('client', liaison.id));

describe('filing at a direct reporting point', () => {
  it('goes to the county commission with channel direct_point, never to the township, and the liaison reaches none of it', async () => {
    const filed = await fileAtDirectPoint(test.db, liaison, villagerReport);
    expect(filed.ok).toBe(true);
    if (!filed.ok) return;
    const [row] = await test.db.select().from(complaints).where(eq(complaints.title, villagerReport.title));
    expect(row!.routedScopeCode).toBe('990121000000');
    expect(row!.channel).toBe('direct_point');
    expect(row!.handedDownTo).toBeNull();
    // The liaison has no reach over complaints and no permission on this one.
    expect(complaintReach(liaison).kind).toBe('none');
    for (const action of ['complaint.queue', 'complaint.handle', 'complaint.manage', 'complaint.trace'] as const) {
      expect(can(liaison, action, { routedScopeCode: row!.routedScopeCode, areaCode: row!.areaCode, scopeCode: liaison.scopeCode })).toBe(false);
    }
    // The villager tracks it with the receipt like anyone.
    const view = await trackComplaint(test.db, filed.value.receipt);
    expect(view?.title).toBe(villagerReport.title);
  });

  it('sends a complaint about a township leader to the county and one about county leaders to the city', async () => {
    const township = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '镇领导插手村里工程', subjectLevel: 'township_leader', areaCode: '990121001000' });
    const county = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '县领导亲属承包村里工程', subjectLevel: 'county_leader' });
    expect(township.ok && county.ok).toBe(true);
    const routed = await queryRows<{ title: string; routed_scope_code: string }>(test.db, sql`select title, routed_scope_code from complaints where channel = 'direct_point' and title in ('镇领导插手村里工程', '县领导亲属承包村里工程') order by title`);
    expect(Object.fromEntries(routed.map((r) => [r.title, r.routed_scope_code]))).toEqual({ 镇领导插手村里工程: '990121000000', 县领导亲属承包村里工程: '990100000000' });
    // No direct-point filing has ever been routed to a township commission.
    const [{ n }] = (await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints c join areas a on a.code = c.routed_scope_code where c.channel = 'direct_point' and a.level = 'township'`)) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('keeps the villager’s name and phone encrypted, as a real-name filing at /report', async () => {
    const filed = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '低保评定优亲厚友', anonymous: 'no', name: '王秀英', phone: '13912345678' });
    expect(filed.ok).toBe(true);
    const [row] = await test.db.select().from(complaints).where(eq(complaints.title, '低保评定优亲厚友'));
    expect(row!.anonymous).toBe(false);
    const [identity] = await test.db.select().from(complaintIdentities).where(eq(complaintIdentities.complaintId, row!.id));
    expect(identity!.ciphertext).not.toContain('王秀英');
    expect(decryptJson(getConfig().complaintKey, identity!.ciphertext)).toEqual({ name: '王秀英', phone: '13912345678' });
  });

  it('validates through the one intake: the public form’s messages, nothing stored', async () => {
    const before = (await test.db.select().from(complaints)).length;
    const refused = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '短', content: '太短', anonymous: 'no', name: '', phone: '' });
    expect(refused.ok).toBe(false);
    if (refused.ok || refused.errors.code !== 'invalid') throw new Error('expected invalid');
    expect(Object.keys(refused.errors.fields).sort()).toEqual(['content', 'name', 'phone', 'title']);
    expect(refused.errors.fields.content).toBe('请把事情经过写清楚，至少20个字');
    expect((await test.db.select().from(complaints)).length).toBe(before);
  });

  it('refuses a place outside the liaison’s county, and anyone who is not a liaison', async () => {
    const elsewhere = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, areaCode: '990122001000' });
    expect(elsewhere.ok).toBe(false);
    if (!elsewhere.ok && elsewhere.errors.code === 'invalid') expect(elsewhere.errors.fields.areaCode).toMatch(/本县/);
    for (const username of ['qianying.kj', 'qianying.jd', 'sanghe.jw', 'demo.admin']) {
      const other = await fileAtDirectPoint(test.db, await actorOf(username), villagerReport);
      expect(other.ok, username).toBe(false);
      if (!other.ok) expect(other.status, username).toBe(403);
    }
  });

  it('answers a resent form with nothing filed and no receipt, so the browser’s history cannot give it back', async () => {
    const form = { ...villagerReport, formKey: 'direct-point-key-0123456789', title: '村集体鱼塘承包费去向' };
    const first = await fileAtDirectPoint(test.db, liaison, form);
    const again = await fileAtDirectPoint(test.db, liaison, form);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(first.value.receipt).toMatch(/^\d{16}$/);
    expect(again.value).toEqual({ receipt: null, repeated: true });
    expect((await test.db.select().from(complaints).where(eq(complaints.title, '村集体鱼塘承包费去向'))).length).toBe(1);
  });

  it(`limits a liaison account to ${DIRECT_POINT_FILINGS_PER_DAY} filings a day, with a message that says so`, async () => {
    for (let i = 0; i < DIRECT_POINT_FILINGS_PER_DAY; i++) directPointThrottle.record('client', liaison.id);
    const before = (await test.db.select().from(complaints)).length;
    const refused = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '第二十一件反映' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.status).toBe(429);
    expect(refused.errors.code).toBe('rate_limited');
    const message = directPointRefusal(refused.errors, translator('zh-CN'), false).errors.form!;
    expect(message).toContain(`已代为提交${DIRECT_POINT_FILINGS_PER_DAY}件`);
    expect(message).toMatch(/后再提交/);
    expect((await test.db.select().from(complaints)).length).toBe(before);
    // Another liaison is not held up by this one.
    const created = await createUser(test.db, await actorOf('sanghe.jw'), { username: 'houying.jjwy', displayName: '后营村纪检委员', role: 'liaison', scopeCode: '990121001202', password: 'houying-zhibao-2026-x' });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const other = await fileAtDirectPoint(test.db, { id: created.value.id, username: 'houying.jjwy', role: 'liaison', scopeCode: '990121001202' }, { ...villagerReport, areaCode: '990121001202', title: '后营村的反映' });
    expect(other.ok).toBe(true);
  });

  it('stores no time finer than the day, nothing about the liaison and no audit row', async () => {
    const [{ xid }] = (await queryRows<{ xid: string }>(test.db, sql`select (pg_current_xact_id()::text::bigint % 4294967296)::text as xid`)) as [{ xid: string }];
    const filed = await fileAtDirectPoint(test.db, liaison, { ...villagerReport, title: '时间清查：直报点代为反映', anonymous: 'no', name: '赵德明', phone: '13700001111', formKey: 'direct-point-sweep-0123456789' });
    expect(filed.ok).toBe(true);
    const touched = new Map<string, string[]>();
    for (const table of await queryRows<{ name: string }>(test.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) {
      const rows = await queryRows<{ row: string }>(test.db, sql`select row_to_json(t)::text as row from ${sql.identifier(table.name)} t where t.xmin::text::bigint > ${xid}::bigint`);
      if (rows.length) touched.set(table.name, rows.map((r) => r.row));
    }
    expect([...touched.keys()].sort()).toEqual(['complaint_case_counters', 'complaint_events', 'complaint_flow_counts', 'complaint_identities', 'complaint_submissions', 'complaints']);
    for (const [table, rows] of touched) {
      for (const row of rows) {
        expect(row, table).not.toMatch(/\d{2}:\d{2}/);
        expect(row, table).not.toContain(liaison.id);
        expect(row, table).not.toContain('qianying.jjwy');
        expect(row, table).not.toContain('赵德明');
      }
    }
  });

  it('lets a county commission create a liaison account for a village only', async () => {
    const sanghe = await actorOf('sanghe.jw');
    const township = await createUser(test.db, sanghe, { username: 'sanghezhen.jjwy', displayName: '桑河镇纪检', role: 'liaison', scopeCode: '990121001000', password: 'sanghezhen-zhibao-2026' });
    expect(township.ok).toBe(false);
    if (!township.ok) expect(township.errors.scopeCode).toBe('村纪检委员（监察联络员）账号的辖区应为村');
    const outside = await createUser(test.db, sanghe, { username: 'liugangcun.jjwy', displayName: '柳岗村纪检委员', role: 'liaison', scopeCode: '990122001201', password: 'liugang-zhibao-2026-x' });
    expect(outside.ok).toBe(false);
    if (!outside.ok) expect(outside.status).toBe(403);
  });
});
