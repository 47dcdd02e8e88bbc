/**
 * Division-code arithmetic. A 12-digit code carries its own level: each level's digits are
 * non-zero for an area of that level and zero below it (province 2, city 4, county 6,
 * township 9, village 12). A subtree is therefore a contiguous range of codes.
 */
import type { AreaLevel } from '../../../../db/schema/areas.ts';

export const PREFIX_LENGTH: Record<AreaLevel, number> = {
  province: 2,
  city: 4,
  county: 6,
  township: 9,
  village: 12,
};

const CODE_PATTERN = /^[0-9]{12}$/;

export function isAreaCode(value: string): boolean {
  return CODE_PATTERN.test(value);
}

export function levelOfCode(code: string): AreaLevel {
  if (code.slice(9) !== '000') return 'village';
  if (code.slice(6, 9) !== '000') return 'township';
  if (code.slice(4, 6) !== '00') return 'county';
  if (code.slice(2, 4) !== '00') return 'city';
  return 'province';
}

/** The significant digits of a code: "990121" for a county. */
export function significantPrefix(code: string): string {
  return code.slice(0, PREFIX_LENGTH[levelOfCode(code)]);
}

/** Inclusive lower and exclusive upper bound of the codes inside `code`'s subtree. */
export function subtreeRange(code: string): { from: string; to: string } {
  const prefix = significantPrefix(code);
  const from = prefix.padEnd(12, '0');
  const next = (BigInt(prefix) + 1n).toString().padStart(prefix.length, '0');
  const to = next.length > prefix.length ? '9'.repeat(12) + '9' : next.padEnd(12, '0');
  return { from, to };
}

/** True when `code` is `scopeCode` itself or lies below it. */
export function isWithin(scopeCode: string, code: string): boolean {
  return code.startsWith(significantPrefix(scopeCode));
}

/** Codes of the ancestors of `code`, from the province down, excluding `code` itself. */
export function ancestorCodes(code: string): string[] {
  const level = levelOfCode(code);
  const order: AreaLevel[] = ['province', 'city', 'county', 'township', 'village'];
  return order
    .slice(0, order.indexOf(level))
    .map((ancestorLevel) => code.slice(0, PREFIX_LENGTH[ancestorLevel]).padEnd(12, '0'));
}
