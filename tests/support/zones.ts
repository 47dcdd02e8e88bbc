/**
 * Staff accounts for collaboration-zone tests (src/lib/server/zones): inserted straight into users
 * (no password hashing; they never sign in) with the role, scope and approver right a test needs.
 */
import { users } from '../../db/schema/auth.ts';
import type { DbOrTx } from '../../src/lib/server/db.ts';
import type { Actor } from '../../src/lib/server/result.ts';

let counter = 0;

/** A staff account as an actor; commission by default. */
export async function zoneAccount(
  db: DbOrTx,
  scopeCode: string,
  options: { approver?: boolean; role?: 'commission' | 'agency' | 'cadre'; name?: string; disabled?: boolean } = {},
): Promise<Actor & { approver: boolean }> {
  counter += 1;
  const id = crypto.randomUUID();
  const username = `zone.t${counter}.${id.slice(0, 6)}`;
  const role = options.role ?? 'commission';
  await db.insert(users).values({
    id,
    username,
    displayName: options.name ?? `片区测试账号${counter}`,
    role,
    scopeCode,
    passwordHash: 'not-a-hash',
    mustChangePassword: false,
    approver: options.approver === true,
    disabledAt: options.disabled ? new Date() : null,
  });
  return { id, username, role, scopeCode, approver: options.approver === true };
}

/** A zone's three posts as accounts: a county leader (approver) as head, a township account as deputy, a county account as liaison. */
export async function zonePeople(db: DbOrTx, countyCode: string, townshipCode: string) {
  const head = await zoneAccount(db, countyCode, { approver: true, name: '刘振华' });
  const deputy = await zoneAccount(db, townshipCode, { name: '陈晓梅' });
  const liaison = await zoneAccount(db, countyCode, { name: '王磊' });
  return { head, deputy, liaison, zone: { head: head.id, deputies: [deputy.id], liaison: liaison.id } };
}
