/**
 * Register lines are edited, not only deleted (issue 10 item 7): every field the public page shows
 * can be changed in a draft, under the draft's row lock, and nowhere else; a contract renewed in a
 * later period other than by public tender raises a flag the signers must answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { getDisclosure, getLines, openDraft, saveAsset, saveResource } from './disclosures.ts';
import { periodFlags } from './period-flags.ts';

// 青禾县 (no demo ledgers): 麦田村 in 麦田乡, 青禾村 in 青禾镇.
const MAITIAN = '990123002201';
const QINGHE = '990123001201';
let test: TestDatabase;
let cadre: Actor;
let otherCadre: Actor;

beforeAll(async () => {
  test = await createTestDatabase();
  const make = async (username: string, scopeCode: string): Promise<Actor> => {
    const created = await createUser(test.db, null, { username, displayName: username, role: 'cadre', scopeCode, password: 'registers-test-password-7' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    return { id: created.value.id, username, role: 'cadre', scopeCode };
  };
  cadre = await make('maitian.kj', MAITIAN);
  otherCadre = await make('qinghecun.kj', QINGHE);
});
afterAll(async () => test?.dispose());

const pond = {
  name: '西河滩鱼塘', landClass: '水域', areaMu: 25, location: '村西河滩', contractor: '孙立平', termStart: '2020-01-01', termEnd: '2024-12-31',
  annualFeeFen: 1_000_000, awardMethod: '公开招标', feeStatus: 'paid', arrearsFen: 0,
};
const store = {
  name: '村集体仓库', assetType: '房屋建筑物', quantity: 1, unit: '栋', originalValueFen: 12_000_000, acquiredOn: '2008-10-01', location: '村西头',
  useStatus: '出租', lessee: '麦田乡惠农农资店', leaseStart: '2024-01-01', leaseEnd: '2026-12-31', annualRentFen: 600_000, bookAmountFen: 12_000_000, actualAmountFen: 12_000_000,
};

async function open(period: string): Promise<number> {
  const opened = await openDraft(test.db, null, MAITIAN, period, '2026-11-26');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  return opened.value.id;
}

describe('editing assets and resource contracts', () => {
  let q4 = 0;
  let q1 = 0;
  beforeAll(async () => {
    q4 = await open('2024-Q4');
    expect((await saveResource(test.db, cadre, { disclosureId: q4, resource: pond })).ok).toBe(true);
    expect((await saveAsset(test.db, cadre, { disclosureId: q4, asset: store })).ok).toBe(true);
    expect((await signOff(test.db, q4, 'published')).ok).toBe(true);
    q1 = await open('2025-Q1');
  });

  it('carries the register into the next draft, where every shown field can be changed', async () => {
    const changed = { ...store, useStatus: '闲置', lessee: null, leaseStart: null, leaseEnd: null, annualRentFen: null, actualAmountFen: 10_500_000, gapReason: '2024年汛期西墙倒塌，待修缮', location: '村西头（老粮站）' };
    expect((await saveAsset(test.db, cadre, { disclosureId: q1, lineNo: 1, asset: changed })).ok).toBe(true);
    expect((await getLines(test.db, q1)).assets[0]).toMatchObject({ useStatus: '闲置', lessee: null, actualAmountFen: 10_500_000, gapReason: '2024年汛期西墙倒塌，待修缮', location: '村西头（老粮站）' });
    // The published period keeps what it published.
    expect((await getLines(test.db, q4)).assets[0]).toMatchObject({ useStatus: '出租', gapReason: null });
  });

  it('refuses an edit that breaks the rules, with the reason beside the field and nothing written', async () => {
    const refused = await saveAsset(test.db, cadre, { disclosureId: q1, lineNo: 1, asset: { ...store, actualAmountFen: 1, gapReason: '' } });
    expect(refused).toMatchObject({ ok: false, errors: { gapReason: '账面金额与实有金额不一致时，须写明原因' } });
    expect((await getLines(test.db, q1)).assets[0]!.actualAmountFen).toBe(10_500_000);
  });

  it('refuses a line that does not exist, another village’s cadre, and a period no longer a draft', async () => {
    expect(await saveResource(test.db, cadre, { disclosureId: q1, lineNo: 9, resource: pond })).toMatchObject({ ok: false, errors: { form: '没有找到该合同' } });
    expect(await saveResource(test.db, otherCadre, { disclosureId: q1, lineNo: 1, resource: pond })).toMatchObject({ ok: false, status: 403 });
    expect(await saveResource(test.db, cadre, { disclosureId: q4, lineNo: 1, resource: { ...pond, contractor: '孙立安' } })).toMatchObject({ ok: false, errors: { form: '只有草稿状态可以修改；已提交的请等待审核或退回' } });
    expect((await getLines(test.db, q4)).resources[0]!.contractor).toBe('孙立平');
  });

  it('flags a contract renewed by negotiation, and clears the flag once the renewal records a public tender', async () => {
    const renewal = { ...pond, termStart: '2025-01-01', termEnd: '2029-12-31', annualFeeFen: 1_100_000 };
    expect((await saveResource(test.db, cadre, { disclosureId: q1, lineNo: 1, resource: { ...renewal, awardMethod: '协商' } })).ok).toBe(true);
    const flagsNow = async () => periodFlags(test.db, (await getDisclosure(test.db, q1))!, await getLines(test.db, q1));
    expect((await flagsNow()).filter((flag) => flag.kind === 'renewedWithoutTender').map((flag) => flag.lines)).toEqual([[{ kind: 'resource', lineNo: 1 }]]);
    expect((await saveResource(test.db, cadre, { disclosureId: q1, lineNo: 1, resource: { ...renewal, awardMethod: '公开招标' } })).ok).toBe(true);
    expect((await flagsNow()).map((flag) => flag.kind)).not.toContain('renewedWithoutTender');
  });
});
