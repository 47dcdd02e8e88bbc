import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { getDraft, getDraftEntries, previewDraft, publishDraft, removeCustomItem, saveCustomItem, setAdoptedItems, setItemOverrides, startDraft } from './drafts.ts';
import { parseCustomItemFields, customItemToFields } from './custom-form.ts';
import { getPublishedList } from './index.ts';
import { sangheItems } from '../../../../db/seed/demo-county-items.ts';

const SANGHE = '990121000000';
const ZAOLIN = '990221000000';
const editor = { id: 'editor-1', username: 'sanghe.jw', role: 'commission' as const, scopeCode: '990121000000' };

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

async function auditActions(listId: number): Promise<string[]> {
  const rows = await test.db.select().from(auditEvents).where(eq(auditEvents.subjectId, String(listId)));
  return rows.map((row) => row.action);
}

describe('editing a county list', () => {
  it('starts a draft from the list in force, and only one at a time', async () => {
    const started = await startDraft(test.db, editor, SANGHE);
    expect(started).toMatchObject({ ok: true, value: { version: 3 } });
    const again = await startDraft(test.db, editor, SANGHE);
    expect(again.ok).toBe(false);
    const draft = (await getDraft(test.db, SANGHE))!;
    const entries = await getDraftEntries(test.db, draft.id);
    expect(entries).toHaveLength(112);
    expect(entries.find((entry) => entry.itemCode === 'FW-01')?.overrides.contactPhone).toBe('0399-6210345');
  });

  it('starts from the whole catalog for a county without a list', async () => {
    const started = await startDraft(test.db, editor, ZAOLIN);
    expect(started.ok).toBe(true);
    const draft = (await getDraft(test.db, ZAOLIN))!;
    expect(await getDraftEntries(test.db, draft.id)).toHaveLength(110);
  });

  it('changes the adopted items, keeping the overrides of the ones kept', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const entries = await getDraftEntries(test.db, draft.id);
    const keep = entries.flatMap((entry) => (entry.itemCode && entry.itemCode !== 'ZF-24' ? [entry.itemCode] : []));
    expect(await setAdoptedItems(test.db, editor, draft, [...keep, 'NOPE-1'])).toMatchObject({ ok: false });
    const result = await setAdoptedItems(test.db, editor, draft, keep);
    expect(result).toEqual({ ok: true, value: { added: 0, removed: 1 } });
    const after = await getDraftEntries(test.db, draft.id);
    expect(after.some((entry) => entry.itemCode === 'ZF-24')).toBe(false);
    expect(after.find((entry) => entry.itemCode === 'FW-01')?.overrides.contactPhone).toBe('0399-6210345');
  });

  it('validates overrides and records the change', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const tooLong = await setItemOverrides(test.db, editor, draft, 'SP-01', { timeLimitDays: '999' });
    expect(tooLong.ok === false && tooLong.errors.timeLimitDays).toMatch(/只能缩短/);
    const notNumber = await setItemOverrides(test.db, editor, draft, 'SP-01', { timeLimitDays: '十天' });
    expect(notNumber.ok).toBe(false);
    const notInDraft = await setItemOverrides(test.db, editor, draft, 'ZF-24', { localNote: '本县执法队负责' });
    expect(notInDraft.ok).toBe(false);
    const ok = await setItemOverrides(test.db, editor, draft, 'SP-01', { contactPhone: '0399-6218811', localNote: '宅基地审批结果每月在乡镇公开栏张贴。' });
    expect(ok.ok).toBe(true);
    expect(await auditActions(draft.id)).toEqual(expect.arrayContaining(['countyList.draftStarted', 'countyList.itemsChanged', 'countyList.overridesChanged']));
  });

  it('adds, replaces and removes county items, refusing incomplete ones', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const fields = customItemToFields({ ...sangheItems[0]!, code: 'DF-03', name: '村级光伏电站运维费用审核' });
    const parsed = parseCustomItemFields('DF-03', fields);
    expect(parsed.errors).toEqual({});
    expect((await saveCustomItem(test.db, editor, draft, parsed.item)).ok).toBe(true);
    const incomplete = parseCustomItemFields('DF-04', { ...fields, steps: '只有一行', risks: '没有等级' });
    expect(incomplete.errors.steps).toMatch(/承办人｜办理内容｜时限/);
    expect(incomplete.errors.risks).toMatch(/高\/中\/低/);
    const bad = await saveCustomItem(test.db, editor, draft, { ...parsed.item, code: 'DF-04', summary: '太短' });
    expect(bad.ok === false && bad.errors.summary).toBeTruthy();
    expect((await removeCustomItem(test.db, editor, draft, 'DF-03')).ok).toBe(true);
    expect((await removeCustomItem(test.db, editor, draft, 'DF-03')).ok).toBe(false);
  });

  it('previews what citizens will see, and publishes it as the next version', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const preview = await previewDraft(test.db, draft);
    expect(preview.find((item) => item.code === 'SP-01')?.contactPhone).toBe('0399-6218811');
    expect((await publishDraft(test.db, editor, draft, { effectiveOn: '明天', note: '桑纪发〔2026〕12号' })).ok).toBe(false);
    expect((await publishDraft(test.db, editor, draft, { effectiveOn: '2026-11-01', note: '' })).ok).toBe(false);
    const published = await publishDraft(test.db, editor, draft, { effectiveOn: '2026-11-01', note: '桑纪发〔2026〕12号' });
    expect(published).toEqual({ ok: true, value: { version: 3 } });
    const current = await getPublishedList(test.db, SANGHE, { today: '2026-11-26' });
    expect(current?.list.version).toBe(3);
    expect(current?.items.some((item) => item.code === 'ZF-24')).toBe(false);
    expect((await getPublishedList(test.db, SANGHE, { version: 2 }))?.items.some((item) => item.code === 'ZF-24')).toBe(true);
    expect(await getDraft(test.db, SANGHE)).toBeUndefined();
    expect(await auditActions(draft.id)).toContain('countyList.published');
  });
});
