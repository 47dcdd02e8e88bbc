/**
 * Crafted livelihood cross-check hits in 桑河县 for tests of what reads them (the integrity
 * picture): 桑河县民政局 pays one item (standard 520 元) in each planned village, and the county
 * commission imports a death registry and an official registry that flag the planned number of
 * payments — through importBatch and importRegistry, so the hits are the rules' own, not rows
 * written by hand. Each village also has one payment nothing flags.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../src/lib/server/db.ts';
import { importBatch } from '../../src/lib/server/livelihood/batches.ts';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { addItem } from '../../src/lib/server/livelihood/items.ts';
import { importRegistry } from '../../src/lib/server/livelihood/registries.ts';
import { actorOf } from './complaint-cases.ts';

export interface HitPlan {
  villageCode: string;
  deceased?: number;
  official?: number;
  aboveStandard?: number;
}

export interface Person {
  name: string;
  idNumber: string;
}

const GIVEN = ['德海', '桂英', '长林', '秀珍', '建军', '玉兰', '永福', '春生', '美玲', '大勇'];
const SURNAMES = ['周', '吴', '郑', '冯', '陈', '褚', '卫', '蒋', '沈', '韩'];

/**
 * Plants the hits and answers who was flagged by what, per village, and `redoDeaths(keep)`: a new
 * death registry holding only `keep`, which clears the other deceased hits (the import replaces
 * the county's earlier death rows and reruns the checks).
 */
export async function craftHits(db: Db, plan: HitPlan[], options: { itemName?: string; seq?: number; today?: string } = {}) {
  const mzj = await actorOf(db, 'sanghe.mzj');
  const commission = await actorOf(db, 'sanghe.jw');
  const today = options.today ?? '2026-12-02';
  let seq = options.seq ?? 500;
  const person = (): Person => {
    const n = seq++;
    const first17 = `431121195${n % 10}0${1 + (n % 9)}1${n % 10}${String(n).padStart(3, '0').slice(-3)}`;
    return { name: `${SURNAMES[n % 10]}${GIVEN[Math.floor(n / 10) % 10]}`, idNumber: first17 + checkCharacter(first17) };
  };
  const item = await addItem(db, mzj, { name: options.itemName ?? '最低生活保障金', standardText: '农村低保标准每人每月520元', standardYuan: '520', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const flagged = new Map<string, { deceased: Person[]; official: Person[]; aboveStandard: Person[]; clean: Person }>();
  for (const village of plan) {
    const group = {
      deceased: Array.from({ length: village.deceased ?? 0 }, person),
      official: Array.from({ length: village.official ?? 0 }, person),
      aboveStandard: Array.from({ length: village.aboveStandard ?? 0 }, person),
      clean: person(),
    };
    flagged.set(village.villageCode, group);
    const rows = [
      ...[...group.deceased, ...group.official, group.clean].map((who) => ({ ...who, amount: '520', paidOn: '2026-11-10' })),
      ...group.aboveStandard.map((who) => ({ ...who, amount: '650', paidOn: '2026-11-10' })),
    ];
    const sha = createHash('sha256').update(`${village.villageCode} ${item.value.id}`).digest('hex');
    const batch = await importBatch(db, mzj, { itemId: item.value.id, villageCode: village.villageCode, period: '2026-11', sourceSha256: sha, rows }, { today });
    if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
  }
  const all = [...flagged.values()];
  let file = 0;
  const registry = async (kind: string, rows: Array<Record<string, string>>) => {
    if (rows.length === 0) return; // nothing planted of this kind: the county's registry stays as it is
    const result = await importRegistry(db, commission, { kind, sourceSha256: createHash('sha256').update(`${kind} ${seq} ${file++}`).digest('hex'), rows }, { today });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
  };
  const deathsOf = (people: Person[]) => people.map((who) => ({ 身份证号码: who.idNumber, 死亡日期: '2026-09-30' }));
  await registry('deaths', deathsOf(all.flatMap((group) => group.deceased)));
  await registry('officials', all.flatMap((group) => group.official).map((who) => ({ 身份证号码: who.idNumber, 工作单位: '桑河县自然资源局', 人员类别: '公职人员' })));
  return { flagged, redoDeaths: (keep: Person[]) => registry('deaths', deathsOf(keep)) };
}
