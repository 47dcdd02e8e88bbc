import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { countyLists } from '../../../../db/schema/county-lists.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
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
    const started = await startDraft(test.db, editor, { countyCode: SANGHE });
    expect(started).toMatchObject({ ok: true, value: { version: 3 } });
    const again = await startDraft(test.db, editor, { countyCode: SANGHE });
    expect(again.ok).toBe(false);
    const draft = (await getDraft(test.db, SANGHE))!;
    const entries = await getDraftEntries(test.db, draft.id);
    expect(entries).toHaveLength(112);
    expect(entries.find((entry) => entry.itemCode === 'FW-01')?.overrides.contactPhone).toBe('0399-6210345');
  });

  it('starts from the whole catalog for a county without a list', async () => {
    const started = await startDraft(test.db, { ...editor, username: 'zaolin.jw', scopeCode: ZAOLIN }, { countyCode: ZAOLIN });
    expect(started.ok).toBe(true);
    const draft = (await getDraft(test.db, ZAOLIN))!;
    expect(await getDraftEntries(test.db, draft.id)).toHaveLength(110);
  });

  it('changes the adopted items, keeping the overrides of the ones kept', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const entries = await getDraftEntries(test.db, draft.id);
    const keep = entries.flatMap((entry) => (entry.itemCode && entry.itemCode !== 'ZF-24' ? [entry.itemCode] : []));
    expect(await setAdoptedItems(test.db, editor, { countyCode: SANGHE, codes: [...keep, 'NOPE-1'] })).toMatchObject({ ok: false });
    const result = await setAdoptedItems(test.db, editor, { countyCode: SANGHE, codes: keep });
    expect(result).toEqual({ ok: true, value: { added: 0, removed: 1 } });
    const after = await getDraftEntries(test.db, draft.id);
    expect(after.some((entry) => entry.itemCode === 'ZF-24')).toBe(false);
    expect(after.find((entry) => entry.itemCode === 'FW-01')?.overrides.contactPhone).toBe('0399-6210345');
  });

  it('validates overrides and records the change', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const tooLong = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'SP-01', fields: { timeLimitDays: '999' } });
    expect(tooLong.ok === false && tooLong.errors.timeLimitDays).toMatch(/只能缩短/);
    const notNumber = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'SP-01', fields: { timeLimitDays: '十天' } });
    expect(notNumber.ok).toBe(false);
    const notInDraft = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'ZF-24', fields: { localNote: '本县执法队负责' } });
    expect(notInDraft.ok).toBe(false);
    const ok = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'SP-01', fields: { contactPhone: '0399-6218811', localNote: '宅基地审批结果每月在乡镇公开栏张贴。' } });
    expect(ok.ok).toBe(true);
    expect(await auditActions(draft.id)).toEqual(expect.arrayContaining(['countyList.draftStarted', 'countyList.itemsChanged', 'countyList.overridesChanged']));
  });

  it('adds, replaces and removes county items, refusing incomplete ones', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const fields = customItemToFields({ ...sangheItems[0]!, code: 'DF-03', name: '村级光伏电站运维费用审核' });
    const parsed = parseCustomItemFields('DF-03', fields);
    expect(parsed.errors).toEqual({});
    expect((await saveCustomItem(test.db, editor, { countyCode: SANGHE, item: parsed.item })).ok).toBe(true);
    const incomplete = parseCustomItemFields('DF-04', { ...fields, steps: '只有一行', risks: '没有等级' });
    expect(incomplete.errors.steps).toMatch(/承办人｜办理内容｜时限/);
    expect(incomplete.errors.risks).toMatch(/高\/中\/低/);
    const bad = await saveCustomItem(test.db, editor, { countyCode: SANGHE, item: { ...parsed.item, code: 'DF-04', summary: '太短' } });
    expect(bad.ok === false && bad.errors.summary).toBeTruthy();
    expect((await removeCustomItem(test.db, editor, { countyCode: SANGHE, code: 'DF-03' })).ok).toBe(true);
    expect((await removeCustomItem(test.db, editor, { countyCode: SANGHE, code: 'DF-03' })).ok).toBe(false);
  });

  it('previews what citizens will see, and publishes it as the next version', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const preview = await previewDraft(test.db, draft);
    expect(preview.find((item) => item.code === 'SP-01')?.contactPhone).toBe('0399-6218811');
    expect((await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '明天', note: '桑纪发〔2026〕12号' })).ok).toBe(false);
    expect((await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '2026-11-01', note: '' })).ok).toBe(false);
    const published = await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '2026-11-01', note: '桑纪发〔2026〕12号' });
    expect(published).toEqual({ ok: true, value: { version: 3 } });
    const current = await getPublishedList(test.db, SANGHE, { today: '2026-11-26' });
    expect(current?.list.version).toBe(3);
    expect(current?.items.some((item) => item.code === 'ZF-24')).toBe(false);
    expect((await getPublishedList(test.db, SANGHE, { version: 2 }))?.items.some((item) => item.code === 'ZF-24')).toBe(true);
    expect(await getDraft(test.db, SANGHE)).toBeUndefined();
    expect(await auditActions(draft.id)).toContain('countyList.published');
  });
});

// 柳岗县 and 青禾县: their own drafts, so the cases below do not touch the flow above.
const LIUGANG = '990122000000';
const QINGHE = '990123000000';
const commission = (scopeCode: string, username: string) => ({ id: `${username}-id`, username, role: 'commission' as const, scopeCode });
const liugangEditor = commission(LIUGANG, 'liugang.jw');

async function auditTotal(): Promise<number> {
  const [row] = await test.db.select({ n: count() }).from(auditEvents);
  return Number(row!.n);
}

/** Runs two commands on one county's draft at the same moment, `first` ahead of `second` (see race.ts). */
function raceOnDraft<A, B>(listId: number, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  return raceBehindLock(test, (tx) => tx.select({ id: countyLists.id }).from(countyLists).where(eq(countyLists.id, listId)).for('update'), first, second);
}

describe('who may change a county’s draft, asked inside the transaction', () => {
  it('refuses every command from a commission outside the county, and one below county level, writing nothing', async () => {
    expect((await startDraft(test.db, liugangEditor, { countyCode: LIUGANG })).ok).toBe(true);
    const fields = customItemToFields({ ...sangheItems[0]!, code: 'DF-09' });
    const { item } = parseCustomItemFields('DF-09', fields);
    for (const outsider of [commission(SANGHE, 'sanghe.jw'), commission('990122001000', 'liugangzhen.jw')]) {
      const before = await auditTotal();
      const refusals = [
        await startDraft(test.db, outsider, { countyCode: QINGHE }),
        await setAdoptedItems(test.db, outsider, { countyCode: LIUGANG, codes: ['SP-01'] }),
        await setItemOverrides(test.db, outsider, { countyCode: LIUGANG, itemCode: 'SP-01', fields: { localNote: '由本县民政局统一受理' } }),
        await saveCustomItem(test.db, outsider, { countyCode: LIUGANG, item }),
        await removeCustomItem(test.db, outsider, { countyCode: LIUGANG, code: 'DF-01' }),
        await publishDraft(test.db, outsider, { countyCode: LIUGANG, effectiveOn: '2026-12-01', note: '柳纪发〔2026〕9号' }),
      ];
      for (const refused of refusals) expect(refused).toMatchObject({ ok: false, status: 403 });
      expect(await auditTotal()).toBe(before);
    }
    expect(await getDraft(test.db, QINGHE)).toBeUndefined();
    const draft = (await getDraft(test.db, LIUGANG))!;
    expect((await getDraftEntries(test.db, draft.id)).some((entry) => entry.customCode === 'DF-09')).toBe(false);
  });

  it('refuses an edit once the draft is published, and says so instead of failing on the locked list', async () => {
    const draft = (await getDraft(test.db, LIUGANG))!;
    expect((await publishDraft(test.db, liugangEditor, { countyCode: LIUGANG, effectiveOn: '2026-12-01', note: '柳纪发〔2026〕9号' })).ok).toBe(true);
    const late = await setItemOverrides(test.db, liugangEditor, { countyCode: LIUGANG, itemCode: 'SP-01', fields: { localNote: '由本县民政局统一受理' } });
    expect(late.ok === false && late.errors.form).toMatch(/没有正在编辑的草稿/);
    expect(await getDraft(test.db, LIUGANG)).toBeUndefined();
    expect((await test.db.select().from(countyLists).where(eq(countyLists.id, draft.id)))[0]!.status).toBe('published');
  });
});

describe('a publication and an edit at the same moment', () => {
  const note = (n: number) => `青纪发〔2026〕${n}号`;
  const edit = (localNote: string) => () => setItemOverrides(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE, itemCode: 'FW-01', fields: { localNote } });
  const publish = (n: number) => () => publishDraft(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE, effectiveOn: '2026-12-01', note: note(n) });

  async function freshDraft(): Promise<number> {
    const started = await startDraft(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    return started.value.listId;
  }

  it('refuses the edit when the publication takes the draft first, so the published list is what was checked', async () => {
    const listId = await freshDraft();
    const [published, edited] = await raceOnDraft(listId, publish(1), edit('周末在乡镇便民服务中心值班受理'));
    expect(published.ok).toBe(true);
    expect(edited).toMatchObject({ ok: false, errors: { form: expect.stringMatching(/没有正在编辑的草稿/) } });
    const list = await getPublishedList(test.db, QINGHE, { version: published.ok ? published.value.version : 0 });
    expect(list?.items.find((entry) => entry.code === 'FW-01')?.localNote).toBeFalsy();
  });

  it('lets the edit land when it takes the draft first, and the publication then carries it', async () => {
    const listId = await freshDraft();
    const [edited, published] = await raceOnDraft(listId, edit('周末在乡镇便民服务中心值班受理'), publish(2));
    expect(edited.ok).toBe(true);
    expect(published.ok).toBe(true);
    const list = await getPublishedList(test.db, QINGHE, { version: published.ok ? published.value.version : 0 });
    expect(list?.items.find((entry) => entry.code === 'FW-01')?.localNote).toBe('周末在乡镇便民服务中心值班受理');
  });

  it('starts one draft when two people start one at the same moment', async () => {
    const editor = commission(QINGHE, 'qinghe.jw');
    const results = await Promise.all([startDraft(test.db, editor, { countyCode: QINGHE }), startDraft(test.db, editor, { countyCode: QINGHE })]);
    expect(results.map((result) => result.ok).sort()).toEqual([false, true]);
    const drafts = await test.db.select().from(countyLists).where(sql`${countyLists.countyCode} = ${QINGHE} and ${countyLists.status} = 'draft'`);
    expect(drafts).toHaveLength(1);
  });
});
