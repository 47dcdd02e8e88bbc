import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankAccountHash, checkCharacter, idHash, idLast4, idNumberProblem, maskName, nameHash, normaliseIdNumber } from './id-number.ts';

const TODAY = '2026-12-02';
const KEY = Buffer.alloc(32, 7);

/** A well-formed number: a real province, a city part that is not 00, a birth date up to today, its check character. */
const validNumber = fc
  .record({
    province: fc.constantFrom('11', '13', '32', '43', '51', '65', '81', '83'),
    city: fc.integer({ min: 1, max: 99 }),
    county: fc.integer({ min: 0, max: 99 }),
    birth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true }),
    sequence: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ province, city, county, birth, sequence }) => {
    const first17 = `${province}${String(city).padStart(2, '0')}${String(county).padStart(2, '0')}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
    return first17 + checkCharacter(first17);
  });

describe('GB 11643 identity numbers', () => {
  it('accepts published examples, including a check character X', () => {
    // The standard's own example (北京市朝阳区, 1949-12-31) and a number ending in X.
    expect(idNumberProblem('11010519491231002X', TODAY)).toBeNull();
    expect(idNumberProblem('440524188001010014', TODAY)).not.toBeNull(); // born before 1900: refused
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(idNumberProblem('110101199003074477', TODAY)).toBeNull();
  });

  it('says in Chinese what is wrong', () => {
    expect(idNumberProblem('', TODAY)).toBe('请填写身份证号码');
    expect(idNumberProblem('11010519491231002', TODAY)).toBe('身份证号码应为18位，现为17位，请核对');
    expect(idNumberProblem('1101051949123100AX', TODAY)).toBe('身份证号码前17位应为数字，第18位为数字或X');
    expect(idNumberProblem('990121199003074471', TODAY)).toBe('身份证号码前6位（地址码）不是有效的行政区划代码，请核对');
    expect(idNumberProblem('110101199002304470', TODAY)).toBe('身份证号码第7至14位的出生日期不存在，请核对');
    expect(idNumberProblem('110101202712310010', TODAY)).toBe('身份证号码中的出生日期晚于今天，请核对');
    expect(idNumberProblem('110101199003074478', TODAY)).toBe('身份证号码第18位校验码不对，请核对');
  });

  it('checks leap days and the day after today', () => {
    const leap = '110101' + '20000229' + '001';
    expect(idNumberProblem(leap + checkCharacter(leap), TODAY)).toBeNull();
    const notLeap = '110101' + '19000229' + '001';
    expect(idNumberProblem(notLeap + checkCharacter(notLeap), TODAY)).toMatch(/出生日期不存在/);
    const tomorrow = '110101' + '20261203' + '001';
    expect(idNumberProblem(tomorrow + checkCharacter(tomorrow), TODAY)).toMatch(/晚于今天/);
    const today = '110101' + '20261202' + '001';
    expect(idNumberProblem(today + checkCharacter(today), TODAY)).toBeNull();
  });

  it('normalises what people type: full-width digits, a lower-case x, spaces and dashes', () => {
    expect(normaliseIdNumber(' １１０１０５ 19491231-002x ')).toBe('11010519491231002X');
    expect(idNumberProblem(normaliseIdNumber('110105 1949 1231 002x'), TODAY)).toBeNull();
  });

  it('always passes a generated number with the right check character', () => {
    fc.assert(fc.property(validNumber, (number) => idNumberProblem(number, TODAY) === null), { numRuns: 500 });
  });

  it('fails any single-character change of a valid number', () => {
    const alphabet = '0123456789X';
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (number, position, shift) => {
        const replacement = alphabet[(alphabet.indexOf(number[position]!) + shift) % alphabet.length]!;
        const changed = number.slice(0, position) + replacement + number.slice(position + 1);
        return changed !== number && idNumberProblem(changed, TODAY) !== null;
      }),
      { numRuns: 1000 },
    );
  });

  it('fails any swap of two different neighbouring digits in the first 17', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 15 }), (number, position) => {
        if (number[position] === number[position + 1]) return true;
        const swapped = number.slice(0, position) + number[position + 1] + number[position] + number.slice(position + 2);
        return idNumberProblem(swapped, TODAY) !== null;
      }),
      { numRuns: 500 },
    );
  });
});

describe('the stored form of an ID number', () => {
  it('is a keyed hash: the same under one key, different under another, never the number', () => {
    const number = '11010519491231002X';
    const hash = idHash(KEY, number);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(idHash(KEY, number)).toBe(hash);
    expect(idHash(Buffer.alloc(32, 8), number)).not.toBe(hash);
    expect(idHash(KEY, '110101199003074477')).not.toBe(hash);
    expect(hash).not.toContain(number.toLowerCase());
  });

  it('hashes names and bank accounts the same way however they are typed, each under its own prefix', () => {
    expect(nameHash(KEY, '王 秀兰')).toBe(nameHash(KEY, '王秀兰'));
    expect(nameHash(KEY, '阿依古丽・买买提')).toBe(nameHash(KEY, '阿依古丽·买买提'));
    expect(nameHash(KEY, '王秀兰')).not.toBe(nameHash(KEY, '王秀英'));
    expect(bankAccountHash(KEY, '6217 0000 1000 1234 567')).toBe(bankAccountHash(KEY, '6217000010001234567'));
    // One value hashed as a name, an ID number and an account gives three different hashes.
    expect(new Set([nameHash(KEY, '110105194912310021'), idHash(KEY, '110105194912310021'), bankAccountHash(KEY, '110105194912310021')]).size).toBe(3);
  });

  it('keeps the last four characters for staff lists', () => {
    expect(idLast4('11010519491231002X')).toBe('002X');
  });
});

describe('masked names (公示)', () => {
  it('keeps the first and last character', () => {
    expect(maskName('张伟')).toBe('张*');
    expect(maskName('张志伟')).toBe('张*伟');
    expect(maskName('欧阳志伟')).toBe('欧**伟');
    expect(maskName(' 李 ')).toBe('*');
  });
});
