/**
 * Shared zod pieces for what people type: field error mapping, text that must have something
 * visible in it, and dates within sensible years. Every form schema uses these, so that a new form
 * refuses invisible titles, control characters and year 0000 the same way (issue 8 item 12).
 */
import { z } from 'zod';
import { isIsoDate, todayInShanghai } from './time.ts';

/** The first message per field of a failed zod parse, keyed by the field's name ("form" for the whole). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return errors;
}

/**
 * C0 control characters other than TAB, LF and CR, and DEL. The database cannot store NUL in text,
 * and none of them can be typed or seen; they arrive by copy-paste or by hand-made requests.
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_CHARS_GLOBAL = new RegExp(CONTROL_CHARS.source, 'g');

/** Characters that take no room on screen: spaces, zero-width and other format characters. */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/gu;
const INVISIBLE_AT_ENDS = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}]+|[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}]+$/gu;

export function removeControlChars(text: string): string {
  return text.replace(CONTROL_CHARS_GLOBAL, '');
}

/**
 * How many characters PostgreSQL's char_length counts: code points, not UTF-16 units, so "😀" is one
 * character here as in every length CHECK of the schema ("😀".length is 2 in JavaScript).
 */
export function characterCount(text: string): number {
  return [...text].length;
}

/** How many characters a reader actually sees (code points, without spaces and zero-width ones). */
export function visibleLength(text: string): number {
  return [...text.replace(INVISIBLE, '')].length;
}

export interface VisibleTextOptions {
  /** The field's name in messages, e.g. "标题". */
  label: string;
  /** Visible characters required (0: the field may be empty). */
  min?: number;
  max: number;
  /** Message when fewer than `min` visible characters; defaults to "{label}至少{min}个字". */
  minMessage?: string;
  maxMessage?: string;
}

/**
 * Text trimmed of spaces and zero-width characters at both ends, refused when it holds control
 * characters, and counted by what is visible: six zero-width spaces are not a four-character title.
 */
export function visibleText({ label, min = 0, max, minMessage, maxMessage }: VisibleTextOptions) {
  // Refinements (not issues raised inside the transform) so that a form's other checks still run
  // and every field's problem is reported at once.
  return z
    .string()
    .transform((value) => value.replace(/\r\n?/g, '\n').replace(INVISIBLE_AT_ENDS, ''))
    .pipe(
      z
        .string()
        .refine((text) => !CONTROL_CHARS.test(text), `${label}中有看不见的控制字符（常见于从别处复制的文字），请删除后再提交`)
        .refine((text) => min === 0 || visibleLength(text) >= min, minMessage ?? `${label}至少${min}个字`)
        .refine((text) => characterCount(text) <= max, maxMessage ?? `${label}不超过${max}个字`),
    );
}

/**
 * The largest value of a PostgreSQL `integer` column (disclosure ids, line numbers, opinion ids).
 * A larger number from an address or a form is no row at all, but sent to the database it makes the
 * query fail (22003, out of range) and the page a 500; so ids are bounded here, before any query.
 */
export const PG_INTEGER_MAX = 2_147_483_647;

/** A positive whole number that fits an `integer` column; `message` when it is not one. */
export function rowNumber(message?: string) {
  return z.number(message ? { message } : undefined).int(message).positive(message).max(PG_INTEGER_MAX, message);
}

/** An id or line number as written in an address (digits only, 1 to PG_INTEGER_MAX), else undefined. */
export function parseRowNumber(text: string | null | undefined): number | undefined {
  if (!text || !/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= PG_INTEGER_MAX ? value : undefined;
}

/** The first year any record of this portal can be about (the People's Republic, 1949). */
export const EARLIEST_YEAR = 1949;

export interface DateOptions {
  label: string;
  /** Earliest allowed date (YYYY-MM-DD); default 1949-01-01. */
  earliest?: string;
  /** Latest allowed date; default the end of next year. Pass `'today'` for things that already happened. */
  latest?: string | 'today';
}

/**
 * A calendar date written YYYY-MM-DD within sensible bounds: year 0000 (which PostgreSQL cannot
 * store) and far-future years are refused with a message that says which dates are allowed.
 */
export function boundedDate({ label, earliest = `${EARLIEST_YEAR}-01-01`, latest }: DateOptions) {
  return z.string().superRefine((value, context) => {
    if (!isIsoDate(value)) {
      context.addIssue({ code: 'custom', message: `${label}应写成 2026-07-15 这样的格式` });
      return;
    }
    const today = todayInShanghai();
    const last = latest === 'today' ? today : (latest ?? `${Number(today.slice(0, 4)) + 1}-12-31`);
    if (value < earliest || value > last) {
      const range = latest === 'today' ? `${earliest.slice(0, 4)}年到今天` : `${earliest.slice(0, 4)}年到${last.slice(0, 4)}年`;
      context.addIssue({ code: 'custom', message: `${label}应在${range}之间，请检查年份` });
    }
  });
}
