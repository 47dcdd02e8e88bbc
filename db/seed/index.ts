/**
 * Seeding. The provincial catalog is real content and is loaded into any empty database,
 * production included. Demo areas and lists are loaded only outside production. Both steps are
 * idempotent: running them again changes nothing.
 */
import { count, eq } from 'drizzle-orm';
import { areas } from '../schema/areas.ts';
import { catalogCategories as categoriesTable, catalogItems } from '../schema/catalog.ts';
import { countyLists } from '../schema/county-lists.ts';
import type { Db } from '../../src/lib/server/db.ts';
import { searchTextOf } from '../../src/lib/server/catalog/index.ts';
import { createDraftList, publishList } from '../../src/lib/server/county-lists/index.ts';
import { catalogCategories } from './catalog/index.ts';
import { demoAreas } from './demo-areas.ts';
import { demoCountyLists } from './demo-lists.ts';
import { demoUsers } from './demo-users.ts';
import { seedDemoLedgers } from './demo-ledgers-seed.ts';
import { seedDemoZones } from './demo-zones.ts';
import { seedDemoLivelihood } from './demo-livelihood.ts';
import { users } from '../schema/auth.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';

export async function seedCatalog(db: Db): Promise<{ inserted: number }> {
  const [existing] = await db.select({ n: count() }).from(catalogItems);
  if ((existing?.n ?? 0) > 0) return { inserted: 0 };
  let inserted = 0;
  await db.transaction(async (tx) => {
    await tx
      .insert(categoriesTable)
      .values(catalogCategories.map(({ code, nameZh, nameEn, sort }) => ({ code, nameZh, nameEn, sort })))
      .onConflictDoNothing();
    for (const category of catalogCategories) {
      const rows = category.items.map((item, index) => ({
        code: item.code,
        categoryCode: category.code,
        level: item.level,
        name: item.name,
        nameEn: item.nameEn,
        summary: item.summary,
        legalBasis: item.legalBasis,
        implementingBody: item.implementingBody,
        materials: item.materials,
        materialsNote: item.materialsNote ?? null,
        fee: item.fee,
        timeLimitUnit: item.timeLimit.unit,
        timeLimitDays: item.timeLimit.days,
        timeLimitNote: item.timeLimit.note ?? null,
        steps: item.steps,
        risks: item.risks,
        accountability: item.accountability,
        channel: item.channel,
        sort: category.sort * 1000 + index,
        searchText: searchTextOf(item),
      }));
      await tx.insert(catalogItems).values(rows);
      inserted += rows.length;
    }
  });
  return { inserted };
}

export async function seedDemo(db: Db): Promise<{ areas: number; lists: number; users: number; disclosures: number }> {
  const insertedAreas = await db
    .insert(areas)
    .values(demoAreas.map((area, index) => ({ ...area, isDemo: true, sort: index })))
    .onConflictDoNothing()
    .returning({ code: areas.code });
  let lists = 0;
  for (const county of demoCountyLists) {
    const [existing] = await db.select({ n: count() }).from(countyLists).where(eq(countyLists.countyCode, county.countyCode));
    if ((existing?.n ?? 0) > 0) continue;
    for (const version of county.versions) {
      const draft = await createDraftList(db, county.countyCode, version.entries);
      if (!draft.ok) throw new Error(`demo list for ${county.countyCode} is invalid: ${draft.errors.join('; ')}`);
      const published = await publishList(db, draft.value.listId, {
        effectiveOn: version.effectiveOn,
        note: version.note,
        publishedBy: 'demo-seed',
      });
      if (!published.ok) throw new Error(`demo list for ${county.countyCode} failed to publish: ${published.errors.join('; ')}`);
      lists += 1;
    }
  }
  let createdUsers = 0;
  for (const demo of demoUsers) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, demo.username));
    if (existing) continue;
    const created = await createUser(db, null, { ...demo, scopeCode: demo.scopeCode ?? undefined }, { mustChangePassword: false });
    if (!created.ok) throw new Error(`demo user ${demo.username} is invalid: ${JSON.stringify(created.errors)}`);
    createdUsers += 1;
  }
  const disclosures = await seedDemoLedgers(db);
  await seedDemoZones(db);
  await seedDemoLivelihood(db);
  return { areas: insertedAreas.length, lists, users: createdUsers, disclosures };
}
