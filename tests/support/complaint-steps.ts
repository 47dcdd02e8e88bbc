/**
 * Complaint decisions for tests that need a case declined, disposed or concluded but are not about
 * the two-person rule itself: the demo handler of 桑河县 (sanghe.cb) is named and proposes, the demo
 * approver (sanghe.jw) approves — through the real commands, nothing written around them.
 * Other commissions get a handler and an approver of their own, created on first use.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/auth.ts';
import { complaints } from '../../db/schema/complaints.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import type { Db } from '../../src/lib/server/db.ts';
import type { Actor } from '../../src/lib/server/result.ts';
import { assignHandler } from '../../src/lib/server/complaints/casework.ts';
import { actOnComplaint } from '../../src/lib/server/complaints/console.ts';
import { decideProposal, propose, revealIdentity } from '../../src/lib/server/complaints/proposals.ts';

async function account(db: Db, username: string): Promise<Actor | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row ? { id: row.id, username: row.username, role: row.role, scopeCode: row.scopeCode } : undefined;
}

/** The handler and the approver of the commission at `scopeCode`. */
export async function commissionPair(db: Db, scopeCode: string): Promise<{ handler: Actor; approver: Actor }> {
  if (scopeCode === '990121000000') return { handler: (await account(db, 'sanghe.cb'))!, approver: (await account(db, 'sanghe.jw'))! };
  const suffix = scopeCode.replace(/0+$/, '');
  for (const [name, approver] of [[`cb${suffix}`, false], [`sp${suffix}`, true]] as const) {
    if (!(await account(db, name))) {
      const created = await createUser(db, null, { username: name, displayName: `测试${approver ? '审批人' : '承办人'}${suffix}`, role: 'commission', scopeCode, password: 'complaint-steps-password-1', approver });
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
    }
  }
  return { handler: (await account(db, `cb${suffix}`))!, approver: (await account(db, `sp${suffix}`))! };
}

/**
 * Decides `kind` on the case (the handler proposes `value`, the approver approves); throws when any
 * step is refused. A conclusion is proposed as 属实 with 批评教育, and `value` is then the reply the
 * approver sends the reporter (its own step).
 */
export async function decide(db: Db, complaintId: string, kind: 'decline' | 'dispose' | 'conclude', value: string, options: { reply?: boolean } = {}): Promise<void> {
  const [row] = await db.select({ routed: complaints.routedScopeCode, handler: complaints.assigneeId }).from(complaints).where(eq(complaints.id, complaintId));
  const { handler, approver } = await commissionPair(db, row!.routed);
  if (row!.handler !== handler.id) {
    const named = await assignHandler(db, approver, { complaintId, handlerId: handler.id });
    if (!named.ok) throw new Error(`handler: ${JSON.stringify(named.errors)}`);
  }
  const proposed = await propose(db, handler, kind === 'conclude' ? { complaintId, kind, value: 'substantiated', measures: ['criticism'] } : { complaintId, kind, value });
  if (!proposed.ok) throw new Error(`propose ${kind}: ${JSON.stringify(proposed.errors)}`);
  const decided = await decideProposal(db, approver, { complaintId, proposalId: proposed.value.id, decision: 'approve' });
  if (!decided.ok) throw new Error(`approve ${kind}: ${JSON.stringify(decided.errors)}`);
  if (kind === 'conclude' && options.reply !== false) {
    const answered = await actOnComplaint(db, approver, { complaintId, action: 'answer', text: value });
    if (!answered.ok) throw new Error(`answer: ${JSON.stringify(answered.errors)}`);
  }
}

/** The identity of a real-name case, released by the two-person rule with `reason`; returns who looked. */
export async function releaseIdentity(db: Db, complaintId: string, reason: string): Promise<{ handler: Actor; identity: { name: string; phone: string } }> {
  const [row] = await db.select({ routed: complaints.routedScopeCode, handler: complaints.assigneeId }).from(complaints).where(eq(complaints.id, complaintId));
  const { handler, approver } = await commissionPair(db, row!.routed);
  if (row!.handler !== handler.id) {
    const named = await assignHandler(db, approver, { complaintId, handlerId: handler.id });
    if (!named.ok) throw new Error(`handler: ${JSON.stringify(named.errors)}`);
  }
  const proposed = await propose(db, handler, { complaintId, kind: 'reveal', reason });
  if (!proposed.ok) throw new Error(`propose reveal: ${JSON.stringify(proposed.errors)}`);
  const decided = await decideProposal(db, approver, { complaintId, proposalId: proposed.value.id, decision: 'approve' });
  if (!decided.ok) throw new Error(`approve reveal: ${JSON.stringify(decided.errors)}`);
  const revealed = await revealIdentity(db, handler, { complaintId });
  if (!revealed.ok) throw new Error(`reveal: ${JSON.stringify(revealed.errors)}`);
  return { handler, identity: revealed.value };
}
