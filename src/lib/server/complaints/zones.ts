/**
 * Collaboration zones (片区协作区) of a county, the assignment of cases to them, and the per-zone
 * figures the county commission assesses them on: received, concluded, average days, overdue.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { complaintEvents, complaints, zones, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { recordAudit } from '../audit.ts';
import type { Db, DbOrTx } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors } from '../validation.ts';
import type { ConsoleActor } from './console.ts';
import { nextDeadline } from './deadlines.ts';

const person = (label: string) => z.string().trim().min(2, `请填写${label}姓名`).max(20, `${label}姓名不超过20个字`);

export const ZoneSchema = z.object({
  name: z.string().trim().min(2, '请填写片区名称').max(30, '片区名称不超过30个字'),
  townshipCodes: z.array(z.string().regex(/^\d{12}$/)).min(1, '请至少选择一个乡镇'),
  head: person('片区长'),
  deputies: z.array(person('副片区长')).min(1, '请填写1至2名副片区长').max(2, '副片区长最多2名'),
  liaison: person('联络员'),
});

export async function listZones(db: DbOrTx, countyCode: string): Promise<ZoneRow[]> {
  return db.select().from(zones).where(eq(zones.countyCode, countyCode)).orderBy(asc(zones.name));
}

export async function createZone(db: Db, actor: ConsoleActor, countyCode: string, input: unknown): Promise<{ ok: true; id: string } | { ok: false; errors: Record<string, string> }> {
  const parsed = ZoneSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const zone = parsed.data;
  const townships = await db.select({ code: areas.code, parent: areas.parentCode }).from(areas).where(inArray(areas.code, zone.townshipCodes));
  if (townships.length !== zone.townshipCodes.length || townships.some((t) => t.parent !== countyCode)) {
    return { ok: false, errors: { townshipCodes: '只能选择本县的乡镇' } };
  }
  const taken = (await listZones(db, countyCode)).flatMap((z) => z.townshipCodes).filter((code) => zone.townshipCodes.includes(code));
  if (taken.length) return { ok: false, errors: { townshipCodes: '有乡镇已划入其他片区' } };
  if ((await listZones(db, countyCode)).some((z) => z.name === zone.name)) return { ok: false, errors: { name: '已有同名片区' } };
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(zones).values({ id, countyCode, ...zone });
    await recordAudit(tx, { actor, action: 'zone.created', subjectType: 'zone', subjectId: id, scopeCode: countyCode, detail: { name: zone.name } });
  });
  return { ok: true, id };
}

/** Assigns a case to one of its county's zones (internal: the citizen is not told which). */
export async function assignZone(db: Db, actor: ConsoleActor, complaintId: string, zoneId: string): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
  const [complaint] = await db.select().from(complaints).where(eq(complaints.id, complaintId));
  const [zone] = await db.select().from(zones).where(eq(zones.id, zoneId));
  if (!complaint || !zone || zone.countyCode !== complaint.routedScopeCode) return { ok: false, errors: { zone: '请选择本县的片区' } };
  await db.transaction(async (tx) => {
    await tx.update(complaints).set({ zoneId }).where(eq(complaints.id, complaintId));
    await tx.insert(complaintEvents).values({ complaintId, on: todayInShanghai(), actorId: actor.id, kind: 'note', public: false, text: `分派至${zone.name}` });
    await recordAudit(tx, { actor, action: 'complaint.zoneAssigned', subjectType: 'complaint', subjectId: complaintId, scopeCode: complaint.routedScopeCode, detail: { zone: zone.name } });
  });
  return { ok: true };
}

export interface ZoneFigures {
  zone: ZoneRow;
  received: number;
  concluded: number;
  averageDays: number | null;
  overdue: number;
}

/** The basis of the county's per-zone assessment. */
export async function zoneFigures(db: DbOrTx, countyCode: string, today = todayInShanghai()): Promise<ZoneFigures[]> {
  const list = await listZones(db, countyCode);
  if (!list.length) return [];
  const cases = await db
    .select({ id: complaints.id, zoneId: complaints.zoneId, status: complaints.status, filedOn: complaints.filedOn })
    .from(complaints)
    .where(inArray(complaints.zoneId, list.map((z) => z.id)));
  const concludedOn = new Map<string, string>();
  if (cases.length) {
    const events = await db
      .select({ complaintId: complaintEvents.complaintId, on: complaintEvents.on })
      .from(complaintEvents)
      .where(and(inArray(complaintEvents.complaintId, cases.map((c) => c.id)), eq(complaintEvents.kind, 'concluded')));
    for (const event of events) concludedOn.set(event.complaintId, event.on);
  }
  return list.map((zone) => {
    const mine = cases.filter((c) => c.zoneId === zone.id);
    const done = mine.filter((c) => c.status === 'concluded' && concludedOn.has(c.id));
    const days = done.map((c) => (Date.parse(concludedOn.get(c.id)!) - Date.parse(c.filedOn)) / 86_400_000);
    return {
      zone,
      received: mine.length,
      concluded: done.length,
      averageDays: days.length ? Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10 : null,
      overdue: mine.filter((c) => nextDeadline(c, today)?.overdue).length,
    };
  });
}
