import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, sql } from 'drizzle-orm';
import { auditEvents } from '../../../../db/schema/audit.ts';
import { countyListItems, countyLists } from '../../../../db/schema/county-lists.ts';
import { raceBehindLock } from '../../../../tests/support/race.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { getDraft, getDraftEntries, previewDraft, publishDraft, removeCustomItem, saveCustomItem, setAdoptedItems, setItemOverrides, startDraft, stepsNotFitting } from './drafts.ts';
import { parseCustomItemFields, customItemToFields } from './custom-form.ts';
import { getPublishedList, publishList } from './index.ts';
import { sangheItems } from '../../../../db/seed/demo-county-items.ts';
import { translator } from '../../../i18n/index.ts';
import { render, renderErrors, type ListErrors } from './messages.ts';
import { todayInShanghai } from '../time.ts';

/** A refusal's messages as the Chinese (or English) page shows them. */
const said = (result: { ok: boolean; errors?: ListErrors }, lang: 'zh-CN' | 'en' = 'zh-CN') => renderErrors(translator(lang), result.errors ?? {});

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
    expect(said(tooLong).timeLimitDays).toMatch(/只能缩短/);
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
    expect(render(translator('zh-CN'), incomplete.errors.steps!)).toBe('办理流程第1行应写成“承办人｜办理内容｜时限”');
    expect(render(translator('zh-CN'), incomplete.errors.risks!)).toMatch(/高\/中\/低/);
    const bad = await saveCustomItem(test.db, editor, { countyCode: SANGHE, item: { ...parsed.item, code: 'DF-04', summary: '太短' } });
    expect(bad.ok === false && bad.errors.summary).toBeTruthy();
    expect((await removeCustomItem(test.db, editor, { countyCode: SANGHE, code: 'DF-03' })).ok).toBe(true);
    expect((await removeCustomItem(test.db, editor, { countyCode: SANGHE, code: 'DF-03' })).ok).toBe(false);
  });

  it('asks for the steps’ limits when a county shortens an item, and saves them once they fit', async () => {
    // SP-01 宅基地审批: 20 working days, of which the village 5, the township 1, the joint review 10, the approval 4.
    const tooShort = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'SP-01', fields: { timeLimitDays: '12' } });
    expect(said(tooShort)).toEqual({
      timeLimitDays: '各环节时限合计20个工作日，超过本县的总时限12个工作日：请在下方“各环节时限”中缩短相应环节，或放宽总时限',
      'stepLimit-5': '第5个环节（乡镇农业农村办、自然资源所）为“10个工作日”，各环节合计超出8个工作日：请缩短这一环节或其他环节',
    });
    expect(said(tooShort, 'en')['stepLimit-5']).toMatch(/^Step 5 \(乡镇农业农村办、自然资源所\) takes “10个工作日”; the steps are 8 working days over the total/);
    const fits = { contactPhone: '0399-6218811', timeLimitDays: '12', 'stepLimit-3': '3个工作日', 'stepLimit-5': '6个工作日', 'stepLimit-6': '2个工作日', 'stepLimit-7': '审批后5个工作日内' };
    expect(await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'SP-01', fields: fits })).toEqual({ ok: true, value: null });
    const draft = (await getDraft(test.db, SANGHE))!;
    const sp01 = (await previewDraft(test.db, draft)).find((item) => item.code === 'SP-01')!;
    expect(sp01.timeLimit.days).toBe(12);
    expect(sp01.steps.map((step) => step.limit)).toEqual(['当场', '公示7天', '3个工作日', '1个工作日', '6个工作日', '2个工作日', '审批后5个工作日内']);
  });

  it('keeps a phone number typed with spaces or dashes in one form', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    expect((await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'FW-03', fields: { contactPhone: '0399 621 0345' } })).ok).toBe(true);
    expect((await getDraftEntries(test.db, draft.id)).find((entry) => entry.itemCode === 'FW-03')?.overrides).toEqual({ contactPhone: '0399-6210345' });
    const wrong = await setItemOverrides(test.db, editor, { countyCode: SANGHE, itemCode: 'FW-03', fields: { contactPhone: '621-0345' } });
    expect(said(wrong)).toEqual({ contactPhone: '咨询电话应写成 0399-6210345、13800000000 或 12345 这样的号码（可以带空格或短横线）' });
  });

  it('says what is wrong with a county item in the officer’s words, naming the line, in both languages', async () => {
    const fields = customItemToFields({ ...sangheItems[0]!, code: 'DF-05', nameEn: 'PV', materialsNote: '无' });
    const lines = fields.steps!.split('\n');
    lines[2] = '乡镇人民政府｜审核｜5个工作日';
    const { item } = parseCustomItemFields('DF-05', { ...fields, steps: lines.join('\n') });
    const refused = await saveCustomItem(test.db, editor, { countyCode: SANGHE, item });
    expect(said(refused)).toEqual({ nameEn: '英文名称至少4个字', materialsNote: '材料说明（无需材料时必填）至少4个字', steps: '第3个环节的办理内容至少6个字' });
    expect(said(refused, 'en')).toEqual({
      nameEn: 'Write at least 4 characters for English name',
      materialsNote: 'Write at least 4 characters for Note on materials (required when none are needed)',
      steps: 'Write at least 6 characters for step 3 (what is done)',
    });
  });

  it('asks before publishing with an effective date already past', async () => {
    const yesterday = new Date(Date.parse(`${todayInShanghai()}T12:00:00+08:00`) - 86_400_000).toISOString().slice(0, 10);
    const refused = await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: yesterday, note: '桑纪发〔2026〕12号' });
    expect(refused.ok).toBe(false);
    expect(said(refused).effectiveOn).toContain(`生效日期 ${yesterday} 早于今天`);
    expect(await getDraft(test.db, SANGHE)).toBeDefined();
  });

  it('previews what citizens will see, and publishes it as the next version', async () => {
    const draft = (await getDraft(test.db, SANGHE))!;
    const preview = await previewDraft(test.db, draft);
    expect(preview.find((item) => item.code === 'SP-01')?.contactPhone).toBe('0399-6218811');
    expect(said(await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '明天', note: '桑纪发〔2026〕12号' }))).toEqual({ effectiveOn: '请填写生效日期，格式如 2027-01-01' });
    expect(said(await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '2026-11-01', note: '', confirmBackdate: true }))).toEqual({ note: '发文字号或版本说明至少4个字' });
    const published = await publishDraft(test.db, editor, { countyCode: SANGHE, effectiveOn: '2026-11-01', note: '桑纪发〔2026〕12号', confirmBackdate: true });
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
        await publishDraft(test.db, outsider, { countyCode: LIUGANG, effectiveOn: '2026-12-01', note: '柳纪发〔2026〕9号', confirmBackdate: true }),
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
    expect((await publishDraft(test.db, liugangEditor, { countyCode: LIUGANG, effectiveOn: '2026-12-01', note: '柳纪发〔2026〕9号', confirmBackdate: true })).ok).toBe(true);
    const late = await setItemOverrides(test.db, liugangEditor, { countyCode: LIUGANG, itemCode: 'SP-01', fields: { localNote: '由本县民政局统一受理' } });
    expect(said(late).form).toMatch(/没有正在编辑的草稿/);
    expect(await getDraft(test.db, LIUGANG)).toBeUndefined();
    expect((await test.db.select().from(countyLists).where(eq(countyLists.id, draft.id)))[0]!.status).toBe('published');
  });
});

describe('a publication and an edit at the same moment', () => {
  const note = (n: number) => `青纪发〔2026〕${n}号`;
  const edit = (localNote: string) => () => setItemOverrides(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE, itemCode: 'FW-01', fields: { localNote } });
  const publish = (n: number) => () => publishDraft(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE, effectiveOn: '2026-12-01', note: note(n), confirmBackdate: true });

  async function freshDraft(): Promise<number> {
    const started = await startDraft(test.db, commission(QINGHE, 'qinghe.jw'), { countyCode: QINGHE });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    return started.value.listId;
  }

  it('refuses the edit when the publication takes the draft first, so the published list is what was checked', async () => {
    const listId = await freshDraft();
    const [published, edited] = await raceOnDraft(listId, publish(1), edit('周末在乡镇便民服务中心值班受理'));
    expect(published.ok).toBe(true);
    expect(said(edited).form).toMatch(/没有正在编辑的草稿/);
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

describe('a shorter limit from a version published before the step-limit rule', () => {
  const zaolinEditor = commission(ZAOLIN, 'zaolin.jw');

  it('is carried into the next draft, and must fit its steps before that draft is published', async () => {
    // 枣林's draft (started above) gets SP-01 at 12 working days the way data written before the rule
    // could hold it, and is published as it stood then.
    const old = (await getDraft(test.db, ZAOLIN))!;
    await test.db.update(countyListItems).set({ overrides: { timeLimitDays: 12 } }).where(and(eq(countyListItems.listId, old.id), eq(countyListItems.itemCode, 'SP-01')));
    expect(said(await publishDraft(test.db, zaolinEditor, { countyCode: ZAOLIN, effectiveOn: todayInShanghai(), note: '枣纪发〔2026〕1号' })).form).toBe(
      '以下事项缩短了时限，但各环节时限合计超过新的总时限，请逐项调整后再发布：SP-01 农村宅基地审批',
    );
    expect((await publishList(test.db, old.id, { effectiveOn: '2026-01-01', note: '枣纪发〔2025〕9号', publishedBy: 'before-the-rule' })).ok).toBe(true);

    const started = await startDraft(test.db, zaolinEditor, { countyCode: ZAOLIN });
    expect(started.ok).toBe(true);
    const draft = (await getDraft(test.db, ZAOLIN))!;
    expect((await stepsNotFitting(test.db, draft.id)).map((item) => item.code)).toEqual(['SP-01']);
    const publish = () => publishDraft(test.db, zaolinEditor, { countyCode: ZAOLIN, effectiveOn: todayInShanghai(), note: '枣纪发〔2026〕2号' });
    expect((await publish()).ok).toBe(false);
    const fixed = await setItemOverrides(test.db, zaolinEditor, { countyCode: ZAOLIN, itemCode: 'SP-01', fields: { timeLimitDays: '12', 'stepLimit-3': '3个工作日', 'stepLimit-5': '6个工作日', 'stepLimit-6': '2个工作日' } });
    expect(fixed.ok).toBe(true);
    expect(await stepsNotFitting(test.db, draft.id)).toEqual([]);
    expect(await publish()).toEqual({ ok: true, value: { version: 2 } });
  });
});
