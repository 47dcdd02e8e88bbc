/**
 * The personal lookup (issue 14 item 3): a person enters their ID number and their name and sees
 * the published payments made to them, across villages and departments (item, department, village,
 * period, amount, date). The match is on both keyed hashes at once, so the answer for an unknown
 * ID number and for a known one with the wrong name is the same empty list: nobody learns from
 * the page whether someone is paid anything without knowing their name too.
 *
 * Throttled like the receipt lookup (complaints/throttles.ts): every lookup that finds nothing
 * counts against the client (10 an hour: names are easier to guess than receipt codes) and against
 * the ID number (10 a day from anywhere, so one person's number cannot be tried against a list of
 * names from many addresses). A lookup that finds payments costs nothing. The ID number is never
 * logged or stored; the throttle keeps only its keyed hash, under its own rotating keys.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { paymentBatches, payments } from '../../../../db/schema/livelihood.ts';
import { WindowThrottle } from '../auth/throttle.ts';
import { getConfig } from '../config.ts';
import type { DbOrTx } from '../db.ts';
import { fail, ok, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { publishedPayments } from './published-payments.ts';
import { idHash, idNumberProblem, nameHash, normaliseIdNumber, normaliseName } from './id-number.ts';

const HOUR_MS = 60 * 60 * 1000;
export const LOOKUP_MISSES_PER_HOUR = 10;
export const LOOKUP_MISSES_PER_ID_PER_DAY = 10;
export const lookupClientThrottle = new WindowThrottle({ limit: LOOKUP_MISSES_PER_HOUR, windowMs: HOUR_MS });
export const lookupIdThrottle = new WindowThrottle({ limit: LOOKUP_MISSES_PER_ID_PER_DAY, windowMs: 24 * HOUR_MS });

export interface OwnPayment {
  itemName: string;
  departmentName: string;
  villageCode: string;
  villageName: string;
  period: string;
  amountFen: number;
  paidOn: string;
}

export interface LookupInput {
  idNumber: string;
  name: string;
}

/**
 * The form checked: the ID number's length, address code, birth date and check digit (GB 11643)
 * with a message the person can act on, and a name. Returns the two hashes to match on.
 */
export function checkLookup(input: LookupInput, options: { key?: Buffer; today?: string } = {}): Result<{ idHash: string; nameHash: string }> {
  const key = options.key ?? getConfig().livelihoodIdKey;
  const errors: Record<string, string> = {};
  const idNumber = normaliseIdNumber(input.idNumber);
  const problem = idNumberProblem(idNumber, options.today ?? todayInShanghai());
  if (problem) errors.idNumber = problem;
  const name = normaliseName(input.name ?? '');
  if (name === '') errors.name = '请填写姓名';
  else if (name.length > 20) errors.name = '姓名不超过20个字';
  if (Object.keys(errors).length > 0) return fail(errors);
  return ok({ idHash: idHash(key, idNumber), nameHash: nameHash(key, name) });
}

/** The published payments to the person with both hashes, newest first. */
export async function ownPayments(db: DbOrTx, hashes: { idHash: string; nameHash: string }): Promise<OwnPayment[]> {
  const rows = await publishedPayments(db, and(eq(payments.idHash, hashes.idHash), eq(payments.nameHash, hashes.nameHash)), [desc(payments.paidOn), desc(paymentBatches.period), asc(payments.id)]);
  return rows.map(({ itemName, departmentName, villageCode, villageName, period, amountFen, paidOn }) => ({ itemName, departmentName, villageCode, villageName, period, amountFen, paidOn }));
}

export type LookupOutcome =
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'throttled'; waitMs: number }
  | { kind: 'found'; payments: OwnPayment[] }
  /** Nothing published for this ID number and name — the same for an unknown number and a wrong name. */
  | { kind: 'none' };

/** One lookup from `client` (a client key, never stored): check, throttle, match, count a miss. */
export async function lookupOwnPayments(db: DbOrTx, client: string, input: LookupInput, options: { key?: Buffer; today?: string } = {}): Promise<LookupOutcome> {
  const checked = checkLookup(input, options);
  if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  const wait = Math.max(lookupClientThrottle.retryAfter('client', client), lookupIdThrottle.retryAfter('id', checked.value.idHash));
  if (wait > 0) return { kind: 'throttled', waitMs: wait };
  const found = await ownPayments(db, checked.value);
  if (found.length > 0) return { kind: 'found', payments: found };
  lookupClientThrottle.record('client', client);
  lookupIdThrottle.record('id', checked.value.idHash);
  return { kind: 'none' };
}
