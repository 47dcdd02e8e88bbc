import { describe, expect, it } from 'vitest';
import { ancestorCodes, isAreaCode, isWithin, levelOfCode, significantPrefix, subtreeRange } from './codes.ts';

describe('division codes', () => {
  it.each([
    ['990000000000', 'province'],
    ['990100000000', 'city'],
    ['990121000000', 'county'],
    ['990121001000', 'township'],
    ['990121001201', 'village'],
  ] as const)('%s is a %s', (code, level) => {
    expect(levelOfCode(code)).toBe(level);
  });

  it('rejects anything but 12 digits', () => {
    expect(isAreaCode('99012100000')).toBe(false);
    expect(isAreaCode('9901210000000')).toBe(false);
    expect(isAreaCode('99012100000a')).toBe(false);
    expect(isAreaCode("990121000000' or 1=1")).toBe(false);
    expect(isAreaCode('990121000000')).toBe(true);
  });

  it('gives the significant prefix of each level', () => {
    expect(significantPrefix('990121000000')).toBe('990121');
    expect(significantPrefix('990121001000')).toBe('990121001');
    expect(significantPrefix('990121001201')).toBe('990121001201');
  });

  it('turns a subtree into a half-open code range that excludes the neighbours', () => {
    const range = subtreeRange('990121000000');
    expect(range).toEqual({ from: '990121000000', to: '990122000000' });
    const inside = ['990121000000', '990121001000', '990121003203', '990121999999'];
    const outside = ['990122000000', '990120999999', '990100000000'];
    for (const code of inside) expect(code >= range.from && code < range.to).toBe(true);
    for (const code of outside) expect(code >= range.from && code < range.to).toBe(false);
  });

  it('tests scope by prefix: a township is inside its county, not inside its neighbour', () => {
    expect(isWithin('990121000000', '990121001201')).toBe(true);
    expect(isWithin('990121001000', '990121001201')).toBe(true);
    expect(isWithin('990121001000', '990121002201')).toBe(false);
    expect(isWithin('990122000000', '990121001201')).toBe(false);
  });

  it('lists ancestors from the province down', () => {
    expect(ancestorCodes('990121001201')).toEqual(['990000000000', '990100000000', '990121000000', '990121001000']);
    expect(ancestorCodes('990000000000')).toEqual([]);
  });
});
