import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../catalog/index.ts';
import { compareWithCatalog, resolveCatalogItem, resolveCustomItem, validateOverrides } from './resolve.ts';

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
      contactPhone: '0399-6210345',
      responsibleUnit: '桑河县民政局社会救助股',
      localNote: '可在村便民服务站代办。',
    });
    expect(result.ok).toBe(true);
  });

  it('refuses to lengthen the catalog time limit, and says by how much it may go', () => {
    const result = validateOverrides(dibao, { timeLimitDays: 25 });
    expect(result).toEqual({ ok: false, errors: { timeLimitDays: '县级时限只能缩短，不能超过省级目录的20天' } });
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
    if (!result.ok) expect(result.errors[field as keyof typeof result.errors]).toMatch(/[\u4e00-\u9fa5]/);
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
