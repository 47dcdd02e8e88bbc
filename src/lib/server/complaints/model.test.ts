import { describe, expect, it } from 'vitest';
import { ComplaintInputSchema } from './model.ts';

function problems(input: Record<string, unknown>): Record<string, string> {
  const parsed = ComplaintInputSchema.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
}

describe('the complaint schema', () => {
  it('names every missing field of a real-name complaint at once, the name and phone included', () => {
    // A citizen who sends an empty real-name form must learn everything to fix in one go, not
    // the name and phone only after correcting the rest.
    const found = problems({ category: '', areaCode: '', title: '', content: '', anonymous: false, name: '', phone: '' });
    expect(Object.keys(found).sort()).toEqual(['areaCode', 'category', 'content', 'name', 'phone', 'title']);
    expect(found.name).toBe('实名反映请填写您的姓名');
    expect(found.phone).toBe('实名反映请填写能联系到您的手机或固定电话');
  });

  it('asks nothing of an anonymous reporter’s name and phone', () => {
    const found = problems({ category: 'assets', areaCode: '990121001202', title: '', content: '', anonymous: true });
    expect(found.name).toBeUndefined();
    expect(found.phone).toBeUndefined();
  });

  it('accepts a complete real-name complaint', () => {
    const found = problems({
      category: 'assets',
      areaCode: '990121001202',
      title: '村集体鱼塘承包费去向不明',
      content: '前营村的集体鱼塘2025年起由村干部亲属承包，每年承包费从未在村务公开栏公布过。',
      anonymous: false,
      name: '王秀兰',
      phone: '13833112345',
    });
    expect(found).toEqual({});
  });
});
