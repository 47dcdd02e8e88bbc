/**
 * Case numbers people can say on the phone (issue 11 item 8): 桑纪举〔2026〕12号 — the short name of
 * the numbering commission's area (桑 for 桑河县), 纪举 (纪检监察 · 检举控告), the year in 〔〕 and the
 * sequence within that commission and year, then 号.
 *
 * A case is numbered once, when it arrives at its first commission (filing), by that commission,
 * in the year of its filing day. Forwarding (转送), escalation (提级) and hand-down (交办) do NOT
 * renumber it: the number names the case, not its holder, so the reporter's reply letter, the
 * township's report and every officer's notes keep quoting the same number wherever the case goes.
 * The prefix is frozen on the case row (`case_prefix`), so renaming an area never changes a
 * number already given.
 *
 * The number is an internal reference and a courtesy to the reporter (the reply quotes it; /track
 * shows it once the case is accepted). It is never a lookup key: the citizen's key stays the
 * receipt code, and nothing finds a case by its number outside the commission's own console.
 */
import type { Lang } from '../../../i18n/index.ts';

export interface CaseNumber {
  /** The numbering commission area's short name, e.g. 桑 (桑河县). */
  prefix: string;
  year: number;
  seq: number;
}

/** The short name of an area for case numbers: its first character (桑河县 → 桑, 北原市 → 北). */
export function casePrefixOf(areaName: string): string {
  return Array.from(areaName.trim())[0] ?? '';
}

/**
 * 桑纪举〔2026〕12号 in Chinese; "桑 CDI complaint 2026 No. 12" in English (areas carry no
 * romanised names, so the short name stays in Chinese characters — the officer on the phone says
 * the Chinese form anyway). `null` (a case not yet numbered) gives an empty string.
 */
export function formatCaseNumber(number: CaseNumber | null | undefined, lang: Lang = 'zh-CN'): string {
  if (!number) return '';
  const { prefix, year, seq } = number;
  return lang === 'en' ? `${prefix} CDI complaint ${year} No. ${seq}` : `${prefix}纪举〔${year}〕${seq}号`;
}

/** The case number of a complaint row (its `casePrefix`, `caseYear`, `caseSeq` columns), or null. */
export function caseNumberOf(row: { casePrefix: string | null; caseYear: number | null; caseSeq: number | null }): CaseNumber | null {
  if (row.casePrefix === null || row.caseYear === null || row.caseSeq === null) return null;
  return { prefix: row.casePrefix, year: row.caseYear, seq: row.caseSeq };
}
