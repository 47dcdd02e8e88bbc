/**
 * Loads the demo ledgers (demo-ledgers.ts) through the same workflow a village uses: open the
 * period, record its lines, answer its flags, submit, answer them again and tick the checklist,
 * countersign, and approve as the township agency (the demo agency account of the village's
 * township) — so every published demo period sits in a real hash chain, was published the way a
 * real one is, and the workflow's own checks vet the demo data.
 */
import { and, eq } from 'drizzle-orm';
import { assetItems, disclosures, fundEntries, resourceContracts } from '../schema/accounts.ts';
import { users } from '../schema/auth.ts';
import { debtItems } from '../schema/debts.ts';
import type { Actor } from '../../src/lib/server/result.ts';
import type { Db } from '../../src/lib/server/db.ts';
import {
  answerEveryFlag,
  approveDisclosure,
  COUNTERSIGN_CHECKLIST,
  countersignDisclosure,
  openDraft,
  replaceFundEntries,
  saveAsset,
  saveDebt,
  saveResource,
  setOpeningBalance,
  submitDisclosure,
} from '../../src/lib/server/accounts/disclosures.ts';
import { DEMO_OPENING_BALANCES, demoDisclosures } from './demo-ledgers.ts';

const check = (label: string, result: { ok: boolean; errors?: unknown }) => {
  if (!result.ok) throw new Error(`demo ledger ${label}: ${JSON.stringify(result.errors)}`);
};

/** The demo's answer to every flag of a period, as the cadre or the committee would write it. */
const ANSWERS = { cadre: '演示说明：已核对原始凭证和村务会议记录，情况属实。', supervisor: '演示说明：监委会已逐笔核对凭证和决议，同意报账员说明。' } as const;

/** The demo agency of the village's township, which approves its periods (the system if there is none). */
async function agencyFor(db: Db, villageCode: string): Promise<Actor | null> {
  const [agency] = await db
    .select({ id: users.id, username: users.username, role: users.role, scopeCode: users.scopeCode })
    .from(users)
    .where(and(eq(users.role, 'agency'), eq(users.scopeCode, `${villageCode.slice(0, 9)}000`)));
  return agency ?? null;
}

export async function seedDemoLedgers(db: Db): Promise<number> {
  const [existing] = await db.select({ id: disclosures.id }).from(disclosures).limit(1);
  if (existing) return 0;
  const ordered = [...demoDisclosures].sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.period.localeCompare(b.period));
  for (const demo of ordered) {
    const label = `${demo.villageCode} ${demo.period}`;
    // Demo periods lie in the past; open them as of their own end so the "not in the future" rule holds.
    const opened = await openDraft(db, null, demo.villageCode, demo.period, '2026-11-26');
    check(label, opened);
    if (!opened.ok) continue;
    const id = opened.value.id;
    const first = ordered.find((d) => d.villageCode === demo.villageCode) === demo;
    if (first) check(label, await setOpeningBalance(db, null, { disclosureId: id, openingBalanceFen: DEMO_OPENING_BALANCES[demo.villageCode] ?? 0 }));

    const rows = [];
    for (const entry of demo.entries) {
      const { adjusts, ...rest } = entry;
      let adjustsEntryId: number | null = null;
      if (adjusts) {
        const [target] = await db
          .select({ id: fundEntries.id })
          .from(fundEntries)
          .innerJoin(disclosures, eq(disclosures.id, fundEntries.disclosureId))
          .where(and(eq(disclosures.villageCode, demo.villageCode), eq(disclosures.period, adjusts.period), eq(fundEntries.lineNo, adjusts.lineNo)));
        adjustsEntryId = target?.id ?? null;
      }
      rows.push({ ...rest, adjustsEntryId });
    }
    check(label, await replaceFundEntries(db, null, { disclosureId: id, rows }));
    // The registers are given whole for each period: replace what was carried forward.
    await db.delete(assetItems).where(eq(assetItems.disclosureId, id));
    await db.delete(resourceContracts).where(eq(resourceContracts.disclosureId, id));
    await db.delete(debtItems).where(eq(debtItems.disclosureId, id));
    for (const asset of demo.assets) check(`${label} asset ${asset.name}`, await saveAsset(db, null, { disclosureId: id, asset }));
    for (const contract of demo.resources) check(`${label} contract ${contract.name}`, await saveResource(db, null, { disclosureId: id, resource: contract }));
    for (const debt of demo.debts ?? []) check(`${label} debt ${debt.counterparty}`, await saveDebt(db, null, { disclosureId: id, debt }));

    if (demo.status === 'draft') continue;
    check(label, await answerEveryFlag(db, null, { disclosureId: id, role: 'cadre', body: ANSWERS.cadre }));
    check(label, await submitDisclosure(db, null, { disclosureId: id }));
    if (demo.status === 'submitted') continue;
    check(label, await answerEveryFlag(db, null, { disclosureId: id, role: 'supervisor', body: ANSWERS.supervisor }));
    check(label, await countersignDisclosure(db, null, { disclosureId: id, checked: COUNTERSIGN_CHECKLIST }));
    if (demo.status === 'countersigned') continue;
    check(label, await approveDisclosure(db, await agencyFor(db, demo.villageCode), { disclosureId: id }));
  }
  return ordered.length;
}
