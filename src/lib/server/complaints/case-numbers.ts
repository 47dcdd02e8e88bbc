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
import { sql } from 'drizzle-orm';
import type { Lang } from '../../../i18n/index.ts';
import { queryRows, type DbOrTx } from '../db.ts';

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

/**
 * The next case number of a commission for a filing day's year, inside the filing's transaction.
 * The upsert locks the counter row until that transaction ends, so two filings at once queue
 * there and never share a number; the unique constraint `complaints_case_number` holds it too.
 * A rolled-back filing takes its increment with it. Only filings move the counter, never a staff
 * step, so a number orders a filing among that commission's other filings and against nothing
 * timed (the /report routes write no access log).
 */
export async function nextCaseNumber(tx: DbOrTx, scopeCode: string, filedOn: string): Promise<CaseNumber & { scopeCode: string }> {
  const year = Number(filedOn.slice(0, 4));
  const [row] = await queryRows<{ last_seq: number; name: string }>(
    tx,
    sql`with counter as (
          insert into complaint_case_counters (scope_code, year, last_seq) values (${scopeCode}, ${year}, 1)
          on conflict (scope_code, year) do update set last_seq = complaint_case_counters.last_seq + 1
          returning last_seq)
        select counter.last_seq, areas.name from counter, areas where areas.code = ${scopeCode}`,
  );
  if (!row) throw new Error('case number: the commission has no area');
  return { scopeCode, prefix: casePrefixOf(row.name), year, seq: row.last_seq };
}

/** The columns a new complaint row takes from its number. */
export function caseNumberColumns(number: CaseNumber & { scopeCode: string }) {
  return { caseScopeCode: number.scopeCode, caseYear: number.year, caseSeq: number.seq, casePrefix: number.prefix };
}
