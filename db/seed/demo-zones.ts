/**
 * Demo collaboration zones of 桑河县, their members as demo accounts (db/seed/demo-users.ts): the head
 * is a county commission account with approval rights (the portal's mark of a leader,
 * src/lib/server/zones/members.ts), deputies and the liaison are county or township commission
 * accounts of the zone.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db.ts';
import { users } from '../schema/auth.ts';
import { zones } from '../schema/complaints.ts';
import { zoneChanges, zoneMembers, type ZonePost } from '../schema/zones.ts';

export const demoZones = [
  { countyCode: '990121000000', name: '第一片区', townshipCodes: ['990121001000', '990121002000'], head: 'sanghe.jw', deputies: ['sanghezhen.jw'], liaison: 'dongling.xjw' },
  { countyCode: '990121000000', name: '第二片区', townshipCodes: ['990121003000'], head: 'sanghe.jw', deputies: ['baiyang.xjw', 'sanghe.cb'], liaison: 'baiyang.lly' },
];

/** Inserts the demo zones that are not there yet, with members and a first history step. */
export async function seedDemoZones(db: Db): Promise<void> {
  for (const zone of demoZones) {
    const posts: [string, ZonePost][] = [[zone.head, 'head'], ...zone.deputies.map((d): [string, ZonePost] => [d, 'deputy']), [zone.liaison, 'liaison']];
    const accounts = await db.select({ id: users.id, username: users.username, displayName: users.displayName }).from(users).where(inArray(users.username, posts.map(([username]) => username)));
    const byName = new Map(accounts.map((a) => [a.username, a]));
    const members = posts.map(([username, post]) => {
      const found = byName.get(username);
      if (!found) throw new Error(`demo zone ${zone.name}: no demo account ${username}`);
      return { userId: found.id, post, displayName: found.displayName };
    });
    const id = crypto.randomUUID();
    const [inserted] = await db
      .insert(zones)
      .values({ id, countyCode: zone.countyCode, name: zone.name, townshipCodes: zone.townshipCodes })
      .onConflictDoNothing()
      .returning({ id: zones.id });
    if (!inserted) continue;
    await db.insert(zoneMembers).values(members.map((m) => ({ zoneId: id, userId: m.userId, post: m.post })));
    await db.insert(zoneChanges).values({ zoneId: id, kind: 'created', snapshot: { name: zone.name, townshipCodes: zone.townshipCodes, members }, changedBy: null });
  }
}
