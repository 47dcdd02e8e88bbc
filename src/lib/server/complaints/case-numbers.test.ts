import { describe, expect, it } from 'vitest';
import { caseNumberOf, casePrefixOf, formatCaseNumber } from './case-numbers.ts';

describe('case numbers (桑纪举〔2026〕12号)', () => {
  it('formats the short name, 纪举, the year and the sequence in Chinese and English', () => {
    expect(formatCaseNumber({ prefix: '桑', year: 2026, seq: 12 })).toBe('桑纪举〔2026〕12号');
    expect(formatCaseNumber({ prefix: '桑', year: 2026, seq: 12 }, 'zh-CN')).toBe('桑纪举〔2026〕12号');
    expect(formatCaseNumber({ prefix: '北', year: 2027, seq: 1 }, 'en')).toBe('北 CDI complaint 2027 No. 1');
  });
  it('is empty for a case without a number', () => {
    expect(formatCaseNumber(null)).toBe('');
    expect(caseNumberOf({ casePrefix: null, caseYear: 2026, caseSeq: 3 })).toBeNull();
    expect(caseNumberOf({ casePrefix: '桑', caseYear: 2026, caseSeq: 3 })).toEqual({ prefix: '桑', year: 2026, seq: 3 });
  });
  it('takes the first character of the area name as the short name', () => {
    expect(casePrefixOf('桑河县')).toBe('桑');
    expect(casePrefixOf(' 北原市')).toBe('北');
    expect(casePrefixOf('𠀋山县')).toBe('𠀋');
  });
});
