/**
 * Takes a test period through the workflow as the system would for the demo seed: the cadre's
 * answers to its flags, submission, the committee's answers and checklist, countersignature, and
 * (for 'published') approval by `agency` (null: the system). Returns the last step's result.
 */
import { answerEveryFlag as answerAll, approveDisclosure, COUNTERSIGN_CHECKLIST, countersignDisclosure, submitDisclosure } from '../../src/lib/server/accounts/disclosures.ts';
import type { SignerRole } from '../../src/lib/server/accounts/period-flags.ts';
import type { Db } from '../../src/lib/server/db.ts';
import type { Actor, Result } from '../../src/lib/server/result.ts';

export function answerEveryFlag(db: Db, disclosureId: number, role: SignerRole, actor: Actor | null = null) {
  return answerAll(db, actor, { disclosureId, role, body: '已核对凭证和会议记录，情况属实' });
}

export async function signOff(db: Db, disclosureId: number, until: 'submitted' | 'countersigned' | 'published', agency: Actor | null = null): Promise<Result<unknown>> {
  const steps: Array<() => Promise<Result<unknown>>> = [
    () => answerEveryFlag(db, disclosureId, 'cadre'),
    () => submitDisclosure(db, null, { disclosureId }),
  ];
  if (until !== 'submitted') steps.push(() => answerEveryFlag(db, disclosureId, 'supervisor'), () => countersignDisclosure(db, null, { disclosureId, checked: COUNTERSIGN_CHECKLIST }));
  if (until === 'published') steps.push(() => approveDisclosure(db, agency, { disclosureId }));
  let last: Result<unknown> = { ok: true, value: undefined };
  for (const step of steps) {
    last = await step();
    if (!last.ok) return last;
  }
  return last;
}
