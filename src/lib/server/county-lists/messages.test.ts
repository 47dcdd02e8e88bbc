/** A county item's problems in the officer's words: each names its field and line, in both languages. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../../i18n/index.ts';
import { CustomItemSchema } from '../catalog/validate.ts';
import { sangheItems } from '../../../../db/seed/demo-county-items.ts';
import { describeIssues, renderErrors } from './messages.ts';

function said(item: unknown, lang: 'zh-CN' | 'en' = 'zh-CN') {
  const parsed = CustomItemSchema.safeParse(item);
  if (parsed.success) throw new Error('expected a refusal');
  return renderErrors(translator(lang), describeIssues(parsed.error));
}

const item = { ...sangheItems[0]!, code: 'DF-07' };

describe('describeIssues', () => {
  it('names the risk point and the line of a list', () => {
    const risks = [item.risks[0]!, { ...item.risks[0]!, risk: '收钱' }];
    expect(said({ ...item, risks, legalBasis: [item.legalBasis[0]!, '条例'] })).toEqual({
      legalBasis: '实施依据第2行至少6个字',
      risks: '第2个风险点的风险描述至少6个字',
    });
    expect(said({ ...item, risks, legalBasis: [item.legalBasis[0]!, '条例'] }, 'en')).toEqual({
      legalBasis: 'Write at least 6 characters for Legal basis, line 2',
      risks: 'Write at least 6 characters for risk point 2 (the risk)',
    });
  });

  it('says what a time limit needs, on the days field', () => {
    expect(said({ ...item, timeLimit: { unit: 'workingDays', days: null } })).toEqual({ timeLimitDays: '按工作日或自然日计算的时限须填写天数' });
    expect(said({ ...item, timeLimit: { unit: 'onTheSpot', days: 3 } })).toEqual({ timeLimitDays: '当场办结的事项不填天数' });
  });

  it('asks for three steps and a category', () => {
    expect(said({ ...item, steps: item.steps.slice(0, 2), categoryCode: '' })).toEqual({ steps: '办理流程至少3个环节，每行一个', categoryCode: '请选择类别' });
  });
});
