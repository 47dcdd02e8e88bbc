/**
 * The queue as a caseload (issue 11 item 8): keyword search over title and content, filters by
 * words, the place picker, pages — never reaching a case outside the actor's reach — and the
 * exports with case number, handler, zone, deadline and conclusion date, never the reporter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { commissionPair, decide, releaseIdentity } from '../../../../tests/support/complaint-steps.ts';
import { assignHandler, handDown } from './casework.ts';
import { actOnComplaint } from './console.ts';
import { fileComplaint } from './filing.ts';
import { caseNumberQuery, listPlaceChoices, loadComplaintQueue, QUEUE_PAGE_SIZE, queueCsv, queueSearch, queueXlsx } from './queue.ts';
import { assignZone, listZones } from './zones.ts';

const SANGHE = '990121000000';
const sanghe = { id: '', username: 'sanghe.jw', role: 'commission' as const, scopeCode: SANGHE };
const liugang = { id: 'l-1', username: 'liugang.jw', role: 'commission' as const, scopeCode: '990122000000' };
const township = { id: 't-1', username: 'sanghezhen.jw', role: 'commission' as const, scopeCode: '990121001000' };
let test: TestDatabase;
const ids: Record<string, string> = {};

async function file(title: string, content: string, extra: Record<string, unknown> = {}, today = '2026-11-02') {
  const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content, anonymous: true, ...extra }, { today });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  ids[title] = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
  return ids[title]!;
}

const found = async (actor: typeof sanghe, query: string, today = '2026-11-20') =>
  (await loadComplaintQueue(test.db, actor, new URLSearchParams(query), today)).entries.map((entry) => entry.complaint.title).sort();

beforeAll(async () => {
  test = await createTestDatabase();
  sanghe.id = (await test.db.select({ id: users.id }).from(users).where(eq(users.username, 'sanghe.jw')))[0]!.id;
  await file('前营村机动地发包', '村北四十亩机动地发包没有公开招标，直接包给了村主任的亲戚。');
  await file('河湾村低保评定', '低保名单上有村会计的亲属，家里开着小卖部和货车。', { areaCode: '990121001203', category: 'item' });
  await file('东岭村修路款', '修路的工程款公示六十万，路面只铺了一半，机动地的租金也不知去向。', { areaCode: '990121002201', subjectLevel: 'township_cadre', anonymous: false, name: '周桂芳', phone: '13900002222' });
  // Another county's case with the same words: never found from 桑河县.
  await file('柳岗镇机动地发包', '柳岗镇的机动地发包没有公开招标，村主任说了算。', { areaCode: '990122001000' });
});
afterAll(async () => test?.dispose());

describe('keyword search', () => {
  it('finds words in the title or the content, every word required', async () => {
    expect(await found(sanghe, 'q=机动地')).toEqual(['东岭村修路款', '前营村机动地发包']);
    expect(await found(sanghe, 'q=小卖部')).toEqual(['河湾村低保评定']);
    expect(await found(sanghe, 'q=机动地 招标')).toEqual(['前营村机动地发包']);
    expect(await found(sanghe, 'q=机动地 低保')).toEqual([]);
  });

  it('finds a case by its number, however it is typed', async () => {
    const [row] = await test.db.select().from(complaints).where(eq(complaints.id, ids['河湾村低保评定']!));
    expect(await found(sanghe, `q=${encodeURIComponent(`桑纪举〔2026〕${row!.caseSeq}号`)}`)).toEqual(['河湾村低保评定']);
    expect(await found(sanghe, `q=2026 ${row!.caseSeq}`)).toEqual(['河湾村低保评定']);
    expect(caseNumberQuery('〔2026〕12')).toEqual({ year: 2026, seq: 12 });
    expect(caseNumberQuery('2026-12号')).toEqual({ year: 2026, seq: 12 });
    expect(caseNumberQuery('机动地')).toBeNull();
  });

  it('never finds a case outside the actor’s reach', async () => {
    expect(await found(sanghe, 'q=柳岗镇')).toEqual([]);
    expect(await found(liugang, 'q=机动地')).toEqual(['柳岗镇机动地发包']);
    // A township commission finds only what was handed down to it.
    expect(await found(township, 'q=机动地')).toEqual([]);
    const id = ids['前营村机动地发包']!;
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' })).ok).toBe(true);
    expect((await handDown(test.db, sanghe, { complaintId: id, townshipCode: '990121001000' })).ok).toBe(true);
    expect(await found(township, 'q=机动地')).toEqual(['前营村机动地发包']);
    // Not the reporter's identity: it is encrypted and never searched.
    expect(await found(sanghe, 'q=周桂芳')).toEqual([]);
    expect(await found(sanghe, 'q=13900002222')).toEqual([]);
  });

  it('takes hostile input as plain text', async () => {
    for (const q of ['%', '_', '\\', "' or 1=1 --", '%%%_\\%', '机动地%', '\u0000机动地', '<script>alert(1)</script>', '桑纪举〔9999〕99999999号', '长'.repeat(500)]) {
      await expect(found(sanghe, new URLSearchParams({ q }).toString())).resolves.toEqual(expect.any(Array));
    }
    expect(await found(sanghe, new URLSearchParams({ q: '%' }).toString())).toEqual([]);
    expect(await found(sanghe, new URLSearchParams({ q: '\u0000机动地' }).toString())).toEqual(['东岭村修路款', '前营村机动地发包']);
    expect(await found(sanghe, 'page=-3&status=%27&area=%27%3B')).toHaveLength(3);
  });
});

describe('filters that read as words', () => {
  it('filters by who the complaint is about and by handler (named or none)', async () => {
    expect(await found(sanghe, 'subject=township_cadre')).toEqual(['东岭村修路款']);
    const { handler } = await commissionPair(test.db, SANGHE);
    expect((await assignHandler(test.db, sanghe, { complaintId: ids['河湾村低保评定']!, handlerId: handler.id })).ok).toBe(true);
    expect(await found(sanghe, `handler=${handler.id}`)).toEqual(['河湾村低保评定']);
    expect(await found(sanghe, 'handler=none')).toEqual(['东岭村修路款', '前营村机动地发包']);
    // Another commission's account is not a choice: ignored.
    expect(await found(liugang, `handler=${handler.id}`)).toEqual(['柳岗镇机动地发包']);
  });

  it('offers the places in scope as a tree, and a place filters the cases about it and below', async () => {
    const places = await listPlaceChoices(test.db, sanghe);
    expect(places.slice(0, 2)).toEqual([{ code: '990121001000', name: '桑河镇', depth: 0 }, expect.objectContaining({ depth: 1 })]);
    expect(places.every((place) => place.code.startsWith('990121'))).toBe(true);
    expect((await listPlaceChoices(test.db, township)).every((place) => place.depth === 0 && place.code.startsWith('990121001'))).toBe(true);
    expect(await found(sanghe, 'area=990121001000')).toEqual(['前营村机动地发包', '河湾村低保评定']);
    expect(await found(sanghe, 'area=990121001203')).toEqual(['河湾村低保评定']);
    // A place outside the scope is not a choice: ignored, not a way in.
    expect(await found(sanghe, 'area=990122001000')).toHaveLength(3);
  });

  it('keeps the filters in the address it gives for pages and exports', () => {
    expect(queueSearch({ q: '机动地 招标', status: 'accepted', handler: 'none', areaCode: '990121001000', overdue: true }, 2)).toBe('?q=%E6%9C%BA%E5%8A%A8%E5%9C%B0+%E6%8B%9B%E6%A0%87&status=accepted&handler=none&area=990121001000&overdue=1&page=2');
    expect(queueSearch({})).toBe('');
  });
});

describe('pages', () => {
  it('shows the queue fifty cases at a time, the exports take all', async () => {
    for (let n = 1; n <= QUEUE_PAGE_SIZE + 2; n++) await file(`翻页测试第${n}件`, '白杨乡的村级账目多年没有公开，群众多次询问没有答复。', { areaCode: '990121003000' }, '2026-10-01');
    const first = await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=翻页测试'));
    expect([first.page, first.pageCount, first.pageEntries.length, first.entries.length]).toEqual([1, 2, QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE + 2]);
    const second = await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=翻页测试&page=2'));
    expect([second.page, second.pageEntries.length]).toEqual([2, 2]);
    expect(new Set([...first.pageEntries, ...second.pageEntries].map((e) => e.complaint.id)).size).toBe(QUEUE_PAGE_SIZE + 2);
    expect((await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=翻页测试&page=99'))).page).toBe(2);
    expect((await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=翻页测试&page=abc'))).page).toBe(1);
  });
});

describe('the exports', () => {
  it('carry number, handler, zone, next deadline and why, and the conclusion date — never the reporter', async () => {
    const id = ids['东岭村修路款']!;
    const zoneId = (await listZones(test.db, SANGHE))[0]!.id;
    expect((await assignZone(test.db, sanghe, { complaintId: id, zoneId })).ok).toBe(true);
    await releaseIdentity(test.db, id, '需要电话联系反映人补充修路合同');
    await actOnComplaint(test.db, sanghe, { complaintId: ids['河湾村低保评定']!, action: 'accept' });
    await decide(test.db, ids['河湾村低保评定']!, 'conclude', '经核实，低保名单已重新评定，村会计亲属已退出。');
    const { entries } = await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=村'), '2026-11-20');
    const csv = queueCsv(entries);
    const rows: Record<string, string>[] = parse(csv.replace(/^\uFEFF/, ''), { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['案件编号', '登记日期', '标题', '类别', '被反映人类别', '地点', '状态', '实名', '承办人', '片区', '下一期限', '期限事项', '是否逾期', '处置方式', '办结日期']);
    const road = rows.find((row) => row['标题'] === '东岭村修路款')!;
    expect(road).toMatchObject({ 案件编号: expect.stringMatching(/^桑纪举〔2026〕\d+号$/), 被反映人类别: '乡镇干部', 实名: '是', 承办人: '桑河县纪委监委承办人（演示）', 片区: '第一片区', 期限事项: '受理', 下一期限: expect.stringMatching(/^2026-11-\d\d$/), 是否逾期: '否', 办结日期: '' });
    const relief = rows.find((row) => row['标题'] === '河湾村低保评定')!;
    expect(relief).toMatchObject({ 状态: '已办结', 办结日期: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 下一期限: '' });
    expect(csv).not.toMatch(/周桂芳|13900002222|修路合同/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await queueXlsx(entries)) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(Object.keys(rows[0]!));
    expect(sheet.rowCount).toBe(rows.length + 1);
    const texts = JSON.stringify(sheet.getSheetValues());
    expect(texts).toContain('东岭村修路款');
    expect(texts).not.toMatch(/周桂芳|13900002222/);
  });

  it('keep a formula-looking title as text in both formats', async () => {
    await file('=HYPERLINK("http://evil.invalid/","点我") 后营村', '后营村的门面房租金收入多年没有入账，村干部自己收着。');
    const { entries } = await loadComplaintQueue(test.db, sanghe, new URLSearchParams('q=后营村'));
    expect(queueCsv(entries)).toContain(`"'=HYPERLINK(""http://evil.invalid/"",""点我"") 后营村"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await queueXlsx(entries)) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const cell = workbook.worksheets[0]!.getRow(2).getCell(3);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(cell.value).toBe('=HYPERLINK("http://evil.invalid/","点我") 后营村');
  });
});
