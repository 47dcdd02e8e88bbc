import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { liaisonReminders } from '../../../../db/schema/direct-report.ts';
import { supervisionActs } from '../../../../db/schema/daily-supervision.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import type { Actor } from '../result.ts';
import { addReminder, listReminders, retireReminder } from '../direct-report/reminders.ts';
import { countActsByCategory, exportActsCsv, listActs, recordAct } from './acts.ts';

let test: TestDatabase;
const actors = new Map<string, Actor>();
const actor = (username: string) => actors.get(username)!;

const TALK = {
  heldOn: '2026-11-18',
  areaCode: '990121001201',
  category: '9',
  kind: 'talk' as const,
  conductedBy: '桑河镇纪委书记',
  note: '村集体土地流转收益分配方案未经村民代表会议讨论，提醒按程序办理并公示。',
};

async function auditCount(action: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events where action = ${action}`);
  return row!.n;
}

beforeAll(async () => {
  test = await createTestDatabase();
  for (const username of ['sanghe.jw', 'sanghezhen.jw', 'beiyuan.jw', 'qianying.jjwy', 'qianying.kj', 'demo.admin']) {
    const [row] = await test.db.select().from(users).where(eq(users.username, username));
    actors.set(username, { id: row!.id, username, role: row!.role, scopeCode: row!.scopeCode });
  }
});
afterAll(async () => test?.dispose());

describe('reminders and talks (提醒谈话)', () => {
  it('records an act by day, place, category and kind, audited, without a name field', async () => {
    const recorded = await recordAct(test.db, actor('sanghezhen.jw'), TALK);
    expect(recorded.ok).toBe(true);
    const [row] = await test.db.select().from(supervisionActs);
    expect(row).toMatchObject({ commissionCode: '990121001000', areaCode: '990121001201', heldOn: '2026-11-18', category: 9, kind: 'talk' });
    expect(await auditCount('talks.recorded')).toBe(1);
    expect(Object.keys(row!)).not.toContain('personName');
  });

  it('refuses what is malformed, in Chinese, naming each field, and writes nothing', async () => {
    const before = (await test.db.select().from(supervisionActs)).length;
    const refused = await recordAct(test.db, actor('sanghe.jw'), { heldOn: '2099-01-01', areaCode: '', category: '12', kind: 'gossip' as never, conductedBy: '王', note: '短' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(Object.keys(refused.errors).sort()).toEqual(['areaCode', 'category', 'conductedBy', 'heldOn', 'kind', 'note']);
    expect(refused.errors.heldOn).toMatch(/到今天之间/);
    expect((await test.db.select().from(supervisionActs)).length).toBe(before);
  });

  it('refuses a place outside the commission’s area, and anyone who is not a commission', async () => {
    const outside = await recordAct(test.db, actor('sanghezhen.jw'), { ...TALK, areaCode: '990121002201' });
    expect(outside.ok).toBe(false);
    if (!outside.ok) expect(outside.errors.areaCode).toBe('所选地点不在本机关的辖区内');
    for (const username of ['qianying.jjwy', 'qianying.kj', 'demo.admin']) {
      const refused = await recordAct(test.db, actor(username), TALK);
      expect(refused.ok, username).toBe(false);
      if (!refused.ok) expect(refused.status, username).toBe(403);
    }
    expect(await auditCount('talks.recorded')).toBe(1);
  });

  it('lists and counts by category and place within the viewer’s area only', async () => {
    expect((await recordAct(test.db, actor('sanghe.jw'), { ...TALK, areaCode: '990121002000', category: '4', kind: 'reminder', conductedBy: '县纪委监委第二监督检查室', note: '学校食堂经费收支未按月公示，提醒校长整改。' })).ok).toBe(true);
    expect((await recordAct(test.db, actor('sanghe.jw'), { ...TALK, category: '9', kind: 'letter', note: '群众反映村干部优亲厚友，函询说明情况。' })).ok).toBe(true);
    const county = await countActsByCategory(test.db, actor('sanghe.jw'));
    expect(county).toHaveLength(10);
    expect(county.find((row) => row.category === 9)!.count).toBe(2);
    expect(county.find((row) => row.category === 4)!).toMatchObject({ name: '中小学校长', count: 1 });
    // The township commission sees only its own township's acts.
    expect((await listActs(test.db, actor('sanghezhen.jw'), {})).map((row) => row.areaCode).every((code) => code.startsWith('990121001'))).toBe(true);
    expect((await listActs(test.db, actor('sanghe.jw'), { category: 4 })).map((row) => row.areaName)).toEqual(['东岭乡']);
    expect((await listActs(test.db, actor('sanghe.jw'), { areaCode: '990121001000' })).length).toBe(2);
    expect(await listActs(test.db, actor('qianying.jjwy'), {})).toEqual([]);
  });

  it('exports CSV with formula-looking text neutralised', async () => {
    expect((await recordAct(test.db, actor('sanghe.jw'), { ...TALK, conductedBy: '=HYPERLINK("x")', note: '+提醒按时公示惠民资金发放名单。' })).ok).toBe(true);
    const csv = await exportActsCsv(test.db, actor('sanghe.jw'), {});
    expect(csv.split('\r\n')[0]).toBe('\uFEFF日期,地点,区划代码,对象类别,方式,谈话人（职务）,简要情况,登记人');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain(`'+提醒按时公示`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });
});

describe('reminders for direct reporting points (提示提醒)', () => {
  it('lets the county commission publish and retire, each audited; the list keeps only those in force', async () => {
    const added = await addReminder(test.db, actor('sanghe.jw'), { countyCode: '990121000000', title: '年底集体收益分配', body: '年底前村集体收益分配方案须经村民代表会议讨论并公示七天，请提醒村民关注。' }, '2026-11-20');
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect((await listReminders(test.db, '990121000000')).map((row) => row.title)).toEqual(['年底集体收益分配']);
    expect((await retireReminder(test.db, actor('sanghe.jw'), added.value.id, '2026-11-30')).ok).toBe(true);
    expect(await listReminders(test.db, '990121000000')).toEqual([]);
    expect((await listReminders(test.db, '990121000000', { retired: true }))[0]).toMatchObject({ retiredOn: '2026-11-30' });
    const again = await retireReminder(test.db, actor('sanghe.jw'), added.value.id);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.status).toBe(409);
    expect(await auditCount('directPoint.reminderAdded')).toBe(1);
    expect(await auditCount('directPoint.reminderRetired')).toBe(1);
  });

  it('lets the city publish for a county of its own; refuses a township, a liaison, another county and bad text', async () => {
    expect((await addReminder(test.db, actor('beiyuan.jw'), { countyCode: '990121000000', title: '春耕补贴发放', body: '耕地地力保护补贴按实际种植面积发放，请提醒群众核对面积。' })).ok).toBe(true);
    for (const username of ['sanghezhen.jw', 'qianying.jjwy', 'demo.admin']) {
      const refused = await addReminder(test.db, actor(username), { countyCode: '990121000000', title: '不应发布的提醒', body: '这条提醒不应当被发布出去。' });
      expect(refused.ok, username).toBe(false);
    }
    const other = await addReminder(test.db, actor('sanghe.jw'), { countyCode: '990122000000', title: '别县的提醒', body: '桑河县不能为柳岗县发布提醒。' });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.status).toBe(403);
    const bad = await addReminder(test.db, actor('sanghe.jw'), { countyCode: '990121000000', title: '短', body: '太短' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['body', 'title']);
    expect((await test.db.select().from(liaisonReminders)).length).toBe(2);
    // Another county's commission cannot retire it.
    const [row] = await test.db.select().from(liaisonReminders).where(eq(liaisonReminders.title, '春耕补贴发放'));
    const liugang = { id: 'x', username: 'liugang.jw', role: 'commission' as const, scopeCode: '990122000000' };
    const refused = await retireReminder(test.db, liugang, row!.id);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.status).toBe(404);
  });
});
