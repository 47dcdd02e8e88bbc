/**
 * Writes a demo county's registries (死亡登记, 公职人员和村干部, 村干部近亲属, 车辆登记, 市场主体登记) as one
 * import per kind, the way importRegistry (src/lib/server/livelihood/registries.ts) stores them: a
 * `registry_imports` row naming the county commission's account, and the rows with ID numbers only
 * as the payments' HMAC (id-number.ts idHash under LIVELIHOOD_ID_KEY), no names.
 *
 * Written directly rather than through importRegistry, like the demo payments: a seed is no one's
 * action, so it leaves no audit entry, and the checks run once for the whole demo instead of after
 * each kind. The registries page names who imported, so each import is the commission's account
 * (the demo's story: the commission imported them), and its SHA-256 is that of the CSV file the
 * commission would have uploaded (registryCsv, REGISTRY_SPECS' columns with the names read past).
 * demo.test.ts imports those files through importRegistry and finds the same rows stored.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../src/lib/server/db.ts';
import { idHash, idNumberProblem, normaliseIdNumber } from '../../src/lib/server/livelihood/id-number.ts';
import { REGISTRY_SPECS } from '../../src/lib/server/livelihood/registries.ts';
import { templateCsv } from '../../src/lib/server/livelihood/file.ts';
import {
  registryBusinesses,
  registryDeaths,
  registryImports,
  registryOfficials,
  registryRelatives,
  registryVehicles,
  type OfficialKind,
  type Relation,
  type RegistryKind,
} from '../schema/livelihood-checks.ts';

export interface DemoPerson {
  name: string;
  idNumber: string;
}

/** What each registry says of whom, as the county's file would (the people in the clear: they are invented). */
export interface DemoRegistries {
  deaths: Array<{ person: DemoPerson; diedOn: string }>;
  officials: Array<{ person: DemoPerson; employer: string; kind: OfficialKind }>;
  relatives: Array<{ cadre: DemoPerson; relative: DemoPerson; relation: Relation }>;
  vehicles: Array<{ person: DemoPerson; plateTail: string }>;
  businesses: Array<{ person: DemoPerson; registeredOn: string }>;
}

const OFFICIAL_WORDS: Record<OfficialKind, string> = { public_employee: '公职人员', village_cadre: '村干部' };
const RELATION_WORDS: Record<Relation, string> = { spouse: '配偶', parent: '父母', child: '子女', sibling: '兄弟姐妹', grandparent: '祖父母', grandchild: '孙子女' };

/** The kind's file as the commission would upload it: 姓名 columns (read past on import), then the template's columns. */
export function registryCsv<K extends RegistryKind>(kind: K, entries: DemoRegistries[K]): string {
  const columns = REGISTRY_SPECS[kind].columns;
  const lines = (entries as Array<DemoRegistries[RegistryKind][number]>).map((entry) => {
    switch (kind) {
      case 'deaths': {
        const e = entry as DemoRegistries['deaths'][number];
        return [e.person.name, e.person.idNumber, e.diedOn];
      }
      case 'officials': {
        const e = entry as DemoRegistries['officials'][number];
        return [e.person.name, e.person.idNumber, e.employer, OFFICIAL_WORDS[e.kind]];
      }
      case 'relatives': {
        const e = entry as DemoRegistries['relatives'][number];
        return [e.cadre.name, e.cadre.idNumber, e.relative.name, e.relative.idNumber, RELATION_WORDS[e.relation]];
      }
      case 'vehicles': {
        const e = entry as DemoRegistries['vehicles'][number];
        return [e.person.name, e.person.idNumber, e.plateTail];
      }
      default: {
        const e = entry as DemoRegistries['businesses'][number];
        return [e.person.name, e.person.idNumber, e.registeredOn];
      }
    }
  });
  const header = kind === 'relatives' ? ['村干部姓名', columns[0]!, '亲属姓名', ...columns.slice(1)] : ['姓名', ...columns];
  return templateCsv(header) + lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

async function sha256(text: string): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('hex');
}

/** The stored hash of a demo ID number; a number the import would refuse stops the seed. */
function hashOf(key: Buffer, person: DemoPerson): string {
  const value = normaliseIdNumber(person.idNumber);
  if (idNumberProblem(value, '2026-12-01')) throw new Error(`demo registry ID number of ${person.name} is invalid`);
  return idHash(key, value);
}

/**
 * Writes each kind the county has no import of yet, one import per kind by `importedBy` (a user
 * id). Answers how many imports it wrote.
 */
export async function seedDemoRegistries(db: DbOrTx, key: Buffer, countyCode: string, importedBy: string, registries: DemoRegistries, importedAt: Date): Promise<number> {
  let written = 0;
  for (const kind of Object.keys(registries) as RegistryKind[]) {
    const entries = registries[kind];
    if (entries.length === 0) continue;
    const [existing] = await db.select({ id: registryImports.id }).from(registryImports).where(and(eq(registryImports.countyCode, countyCode), eq(registryImports.kind, kind))).limit(1);
    if (existing) continue;
    const importId = crypto.randomUUID();
    await db.insert(registryImports).values({ id: importId, countyCode, kind, rowCount: entries.length, sourceSha256: await sha256(registryCsv(kind, entries)), importedBy, importedAt });
    const base = (index: number) => ({ importId, countyCode, line: index + 2 });
    switch (kind) {
      case 'deaths':
        await db.insert(registryDeaths).values(registries.deaths.map((e, i) => ({ ...base(i), idHash: hashOf(key, e.person), diedOn: e.diedOn })));
        break;
      case 'officials':
        await db.insert(registryOfficials).values(registries.officials.map((e, i) => ({ ...base(i), idHash: hashOf(key, e.person), employer: e.employer, kind: e.kind })));
        break;
      case 'relatives':
        await db.insert(registryRelatives).values(registries.relatives.map((e, i) => ({ ...base(i), cadreIdHash: hashOf(key, e.cadre), relativeIdHash: hashOf(key, e.relative), relation: e.relation })));
        break;
      case 'vehicles':
        await db.insert(registryVehicles).values(registries.vehicles.map((e, i) => ({ ...base(i), idHash: hashOf(key, e.person), plateTail: e.plateTail })));
        break;
      case 'businesses':
        await db.insert(registryBusinesses).values(registries.businesses.map((e, i) => ({ ...base(i), idHash: hashOf(key, e.person), registeredOn: e.registeredOn })));
        break;
    }
    written += 1;
  }
  return written;
}
