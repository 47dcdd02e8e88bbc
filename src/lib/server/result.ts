/**
 * The one shape of a write (DESIGN.md §7, issue 9): every command is `(db, actor, input)` → zod →
 * one transaction that locks the row it changes and re-checks its state inside the lock → event and
 * audit rows in the same transaction → a `Result`. Pages read `ok`, then either redirect or re-render
 * with `errors` (field name → message, linked from the error summary), answering with `status` when
 * the command says which (403 for a refusal, 404 for a missing row, 429 for a throttle).
 *
 * This module imports nothing at run time, so any domain module may use it without a cycle.
 */
import type { Role } from '../../../db/schema/auth.ts';

/** Field name → message saying what to do; `form` is a message about the whole form. */
export type FieldErrors = Record<string, string>;

export type Result<T = null, E = FieldErrors> =
  | { ok: true; value: T }
  | {
      ok: false;
      errors: E;
      /** The HTTP status a page should answer with, when not a plain 400. */
      status?: number;
      /** For throttled commands: how long until trying again is worth it. */
      retryAfterMs?: number;
    };

/**
 * Who performs a write: the signed-in staff member. `can()` reads id, role and scope; the audit log
 * records id and username. (The permission module asks only for the part it needs, so this whole
 * Actor — what sessions and the guard hand out — always satisfies it.)
 */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  /** Null for administrators. */
  scopeCode: string | null;
}

export function ok(): { ok: true; value: null };
export function ok<T>(value: T): { ok: true; value: T };
export function ok<T>(value: T | null = null): { ok: true; value: T | null } {
  return { ok: true, value };
}

export function fail<E = FieldErrors>(errors: E, status?: number): { ok: false; errors: E; status?: number } {
  return status === undefined ? { ok: false, errors } : { ok: false, errors, status };
}
