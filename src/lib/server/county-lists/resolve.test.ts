import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../catalog/index.ts';
import { translator } from '../../../i18n/index.ts';
import { render, type ListErrors } from './messages.ts';
import { compareVersions, compareWithCatalog, normalisePhone, resolveCatalogItem, resolveCustomItem, stepDays, validateOverrides } from './resolve.ts';

const zh = (errors: ListErrors) => Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, render(translator('zh-CN'), message)]));
const en = (errors: ListErrors) => Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, render(translator('en'), message)]));

const dibao: CatalogItem = {
  code: 'FW-01',
  categoryCode: 'service',
  name: '最低生活保障审核确认',
  nameEn: 'Minimum living allowance',
  level: 'township',
  summary: '共同生活的家庭成员人均收入低于当地低保标准且财产符合规定的，可以申请最低生活保障。',
  legalBasis: ['《社会救助暂行办法》第十一条'],
  implementingBody: '乡镇人民政府、县民政局',
  materials: ['申请书', '户口簿'],
  fee: '不收费',
  timeLimit: { unit: 'workingDays', days: 20, note: '公示期不计入' },
  steps: [
    { actor: '申请人', action: '向户籍所在地乡镇人民政府提出书面申请', limit: '即时' },
    { actor: '乡镇人民政府', action: '受理并开展家庭经济状况调查', limit: '10个工作日' },
    { actor: '县民政局', action: '审核确认并通知申请人', limit: '10个工作日' },
  ],
  risks: [{ risk: '优亲厚友，违规纳入', level: '高', control: '近亲属备案，县级抽查' }],
  accountability: ['对符合条件的申请无故拖延的'],
  channel: '县纪委监委举报电话12388',
};
const onTheSpot: CatalogItem = { ...dibao, code: 'FW-20', name: '证明出具', timeLimit: { unit: 'onTheSpot', days: null } };

describe('county overrides', () => {
  it('accepts a shorter time limit, a phone, a unit and a note', () => {
    const result = validateOverrides(dibao, {
      timeLimitDays: 15,
      stepLimits: [null, '5个工作日', null],
      contactPhone: '0399-6210345',
      responsibleUnit: '桑河县民政局社会救助股',
      localNote: '可在村便民服务站代办。',
    });
    expect(result.ok).toBe(true);
  });

  it('refuses to lengthen the catalog time limit, and says by how much it may go', () => {
    const result = validateOverrides(dibao, { timeLimitDays: 25 });
    expect(result.ok === false && zh(result.errors)).toEqual({ timeLimitDays: '本县时限只能缩短，不能超过省级目录的20个工作日' });
    expect(result.ok === false && en(result.errors)).toEqual({ timeLimitDays: 'The county may only shorten the limit: at most 20 working days, as in the catalog' });
  });

  it('refuses day limits on an on-the-spot item', () => {
    expect(validateOverrides(onTheSpot, { timeLimitDays: 1 }).ok).toBe(false);
  });

  it.each([
    [{ contactPhone: '12' }, 'contactPhone'],
    [{ contactPhone: 'call me' }, 'contactPhone'],
    [{ timeLimitDays: 0 }, 'timeLimitDays'],
    [{ timeLimitDays: 2.5 }, 'timeLimitDays'],
    [{ responsibleUnit: '县' }, 'responsibleUnit'],
    [{ localNote: 'x'.repeat(501) }, 'localNote'],
  ])('rejects %o with a message on %s', (overrides, field) => {
    const result = validateOverrides(dibao, overrides);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors)).toEqual([field]);
      expect(zh(result.errors)[field]).toMatch(/[\u4e00-\u9fa5]/);
      expect(en(result.errors)[field]).not.toMatch(/[\u4e00-\u9fa5]|Too small|expected/);
    }
  });

  it('rejects fields a county may not change', () => {
    expect(validateOverrides(dibao, { fee: '收费10元' }).ok).toBe(false);
  });

  it('applies overrides and remembers the catalog limit it shortened', () => {
    const resolved = resolveCatalogItem(dibao, { timeLimitDays: 15, contactPhone: '0399-6210345' });
    expect(resolved.timeLimit).toEqual({ unit: 'workingDays', days: 15, note: '公示期不计入' });
    expect(resolved.catalogTimeLimitDays).toBe(20);
    expect(resolved.contactPhone).toBe('0399-6210345');
    expect(resolved.origin).toBe('catalog');
    expect(resolved.name).toBe(dibao.name);
  });

  it('leaves an item untouched when there are no overrides', () => {
    const resolved = resolveCatalogItem(dibao, {});
    expect(resolved.timeLimit.days).toBe(20);
    expect(resolved.catalogTimeLimitDays).toBeUndefined();
    expect(resolved).not.toHaveProperty('contactPhone');
  });
});

describe('phone numbers as officers type them', () => {
  it.each([
    ['0399 621 0345', '0399-6210345'],
    ['0399-621-0345', '0399-6210345'],
    ['（0399）6210345', '0399-6210345'],
    ['03996210345', '0399-6210345'],
    ['010 1234 5678', '010-12345678'],
    ['138-0000-0000', '13800000000'],
    ['138 0000 0000', '13800000000'],
    ['１２３４５', '12345'],
  ])('accepts %s and keeps it as %s', (typed, kept) => {
    expect(normalisePhone(typed)).toBe(kept);
    const result = validateOverrides(dibao, { contactPhone: typed });
    expect(result).toEqual({ ok: true, overrides: { contactPhone: kept } });
  });

  it('shows the example of the hint in the error', () => {
    const result = validateOverrides(dibao, { contactPhone: '6210345' });
    const example = translator('zh-CN')('lists.phoneExample');
    expect(result.ok === false && zh(result.errors).contactPhone).toContain(example);
    expect(translator('zh-CN')('staff.overrides.phoneHint', { example })).toContain(example);
  });
});

describe('the steps fit in a shortened time limit (issue 12 item 7)', () => {
  it('counts day limits in the item’s unit, on-the-spot steps as 0, and leaves publicity periods out', () => {
    expect(stepDays('10个工作日', 'workingDays')).toBe(10);
    expect(stepDays('当场', 'workingDays')).toBe(0);
    expect(stepDays('公示7天', 'workingDays')).toBeNull();
    expect(stepDays('7日', 'workingDays')).toBeNull();
    expect(stepDays('7日', 'calendarDays')).toBe(7);
    expect(stepDays('审批后5个工作日内', 'workingDays')).toBeNull();
  });

  it('refuses a shorter total the steps do not fit in, naming the step to shorten', () => {
    const result = validateOverrides(dibao, { timeLimitDays: 15 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(zh(result.errors)).toEqual({
      timeLimitDays: '各环节时限合计20个工作日，超过本县的总时限15个工作日：请在下方“各环节时限”中缩短相应环节，或放宽总时限',
      'stepLimit-2': '第2个环节（乡镇人民政府）为“10个工作日”，各环节合计超出5个工作日：请缩短这一环节或其他环节',
    });
    expect(en(result.errors)['stepLimit-2']).toBe('Step 2 (乡镇人民政府) takes “10个工作日”; the steps are 5 working days over the total: shorten this step or others');
  });

  it('accepts it once the steps are shortened to fit, and shows the county’s step limits', () => {
    const result = validateOverrides(dibao, { timeLimitDays: 15, stepLimits: [null, '6个工作日', '9个工作日'] });
    expect(result).toEqual({ ok: true, overrides: { timeLimitDays: 15, stepLimits: [null, '6个工作日', '9个工作日'] } });
    const resolved = resolveCatalogItem(dibao, result.ok ? result.overrides : {});
    expect(resolved.steps.map((step) => step.limit)).toEqual(['即时', '6个工作日', '9个工作日']);
    expect(compareWithCatalog([resolved], [dibao]).localised[0]!.changes.filter((change) => change.field === 'stepLimit')).toEqual([
      { field: 'stepLimit', step: 2, catalogValue: '10个工作日', countyValue: '6个工作日' },
      { field: 'stepLimit', step: 3, catalogValue: '10个工作日', countyValue: '9个工作日' },
    ]);
  });

  it('refuses a step limit that is not a day count, or longer than the catalog’s, on that step’s field', () => {
    const vague = validateOverrides(dibao, { timeLimitDays: 15, stepLimits: [null, '一周左右', null] });
    expect(vague.ok === false && zh(vague.errors)).toEqual({ 'stepLimit-2': '第2个环节（乡镇人民政府）的时限应写成“3个工作日”这样的天数，或写“当场”' });
    const longer = validateOverrides(dibao, { stepLimits: [null, null, '12个工作日'] });
    expect(longer.ok === false && zh(longer.errors)).toEqual({ 'stepLimit-3': '第3个环节（县民政局）的时限只能缩短，省级目录为“10个工作日”' });
  });

  it('checks nothing about steps when the county leaves the time limits alone', () => {
    const tight: CatalogItem = { ...dibao, timeLimit: { unit: 'workingDays', days: 15 } };
    expect(validateOverrides(tight, { localNote: '可在村便民服务站代办。' }).ok).toBe(true);
  });
});

describe('a draft against the version in force', () => {
  it('lists added, removed and changed items with the fields that changed', () => {
    const inForce = [resolveCatalogItem(dibao, {}), resolveCatalogItem(onTheSpot, {})];
    // A published snapshot comes back from jsonb with its keys in another order: that is no change.
    const reordered = inForce.map((item) => JSON.parse(JSON.stringify({ ...item, timeLimit: { days: item.timeLimit.days, unit: item.timeLimit.unit, ...(item.timeLimit.note ? { note: item.timeLimit.note } : {}) } })));
    const custom = resolveCustomItem({ ...dibao, code: 'DF-01', name: '村级光伏电站收益分配', categoryCode: 'management' });
    const draft = [resolveCatalogItem(dibao, { contactPhone: '0399-6210345', timeLimitDays: 20 }), custom];
    const changes = compareVersions(draft, { version: 2, items: reordered });
    expect(changes.added.map((item) => item.code)).toEqual(['DF-01']);
    expect(changes.removed.map((item) => item.code)).toEqual(['FW-20']);
    expect(changes.changed).toEqual([{ item: draft[0], fields: ['contactPhone'] }]);
    expect(compareVersions(inForce, { version: 2, items: reordered })).toMatchObject({ added: [], removed: [], changed: [] });
  });
});

describe('comparison with the catalog', () => {
  it('lists dropped, localised and county items', () => {
    const custom = resolveCustomItem({ ...dibao, code: 'DF-01', name: '村级光伏电站收益分配', categoryCode: 'management' });
    const comparison = compareWithCatalog(
      [resolveCatalogItem(dibao, { timeLimitDays: 15, localNote: '可代办。' }), custom],
      [dibao, onTheSpot],
    );
    expect(comparison.adopted).toBe(1);
    expect(comparison.notAdopted.map((item) => item.code)).toEqual(['FW-20']);
    expect(comparison.localised).toHaveLength(1);
    expect(comparison.localised[0]!.changes).toEqual([
      { field: 'timeLimitDays', catalogValue: 20, countyValue: 15 },
      { field: 'localNote', catalogValue: null, countyValue: '可代办。' },
    ]);
    expect(comparison.countyItems.map((item) => item.code)).toEqual(['DF-01']);
  });
});
