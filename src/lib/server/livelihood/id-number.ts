/**
 * 居民身份证号码 (GB 11643-1999): the 18-character citizen identity number, checked before it is
 * stored, and the keyed hash it is stored as.
 *
 * Layout: 6 digits address code (GB/T 2260: province, city, county), 8 digits birth date
 * (YYYYMMDD), 3 digits sequence (odd for men, even for women), 1 check character computed over the
 * first 17 with ISO 7064 MOD 11-2 (10 written as X).
 *
 * The number itself is never stored, logged or shown: the database keeps `idHash` (HMAC-SHA256
 * under LIVELIHOOD_ID_KEY, so a leaked table cannot be reversed by hashing the few hundred million
 * possible numbers without the key) and `idLast4` for staff to tell two people apart on a list.
 */
import { createHmac } from 'node:crypto';
import { todayInShanghai } from '../time.ts';

/** Province-level codes (the first two digits) GB/T 2260 uses, with 83 for 港澳台居民居住证. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** What people type, made comparable: full-width digits and x to ASCII, spaces and dashes dropped, X upper-case. */
export function normaliseIdNumber(input: string | null | undefined): string {
  return (input ?? '').normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/** The check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Null when `value` (already normalised) is a well-formed number, else what is wrong with it in
 * words the person can act on. `today` is a YYYY-MM-DD date (China time).
 */
export function idNumberProblem(value: string, today: string = todayInShanghai()): string | null {
  if (value === '') return '请填写身份证号码';
  if (value.length !== 18) return `身份证号码应为18位，现为${value.length}位，请核对`;
  if (!/^\d{17}[\dX]$/.test(value)) return '身份证号码前17位应为数字，第18位为数字或X';
  if (!PROVINCES.has(value.slice(0, 2)) || value.slice(2, 4) === '00' && value.slice(4, 6) !== '00') {
    return '身份证号码前6位（地址码）不是有效的行政区划代码，请核对';
  }
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day)) return '身份证号码第7至14位的出生日期不存在，请核对';
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (birth > today) return '身份证号码中的出生日期晚于今天，请核对';
  if (checkCharacter(value.slice(0, 17)) !== value[17]) return '身份证号码第18位校验码不对，请核对';
  return null;
}

/** The stored form: HMAC-SHA256 of the normalised number, hex. */
export function idHash(key: Buffer, normalised: string): string {
  return createHmac('sha256', key).update(`id:${normalised}`).digest('hex');
}

/** A name made comparable: full-width forms folded, spaces dropped, the middle dots of 少数民族 names (·•・.) made one. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').replace(/[·•・.．]/g, '·');
}

/** The stored form of a name (the lookup asks for name and ID number together): HMAC-SHA256, hex. */
export function nameHash(key: Buffer, name: string): string {
  return createHmac('sha256', key).update(`name:${normaliseName(name)}`).digest('hex');
}

/** The stored form of a bank account (the "shared account" check compares these): digits only, HMAC-SHA256, hex. */
export function bankAccountHash(key: Buffer, account: string): string {
  return createHmac('sha256', key).update(`bank:${account.normalize('NFKC').replace(/\D/g, '')}`).digest('hex');
}

/** The last four characters, for staff lists (……123X). */
export function idLast4(normalised: string): string {
  return normalised.slice(-4);
}

/**
 * A name as the public notice shows it (公示): the first and last characters kept, the rest
 * starred — 张伟 → 张*, 张志伟 → 张*伟, 欧阳志伟 → 欧**伟. A one-character name shows as *.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.normalize('NFKC').trim());
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
