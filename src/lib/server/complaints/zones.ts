/**
 * Collaboration zones (片区协作区) of a county, the assignment of cases to them, and the per-zone
 * figures the county commission assesses them on: received, concluded, average days, overdue.
 * Setting up and editing a zone and its members is zones/members.ts.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { complaintEvents, complaints, zones, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { caseNotFound, caseResource, lockReachable, OPEN_STATUSES, recordEvent, STATE_CHANGED } from './cases.ts';
import { nextDeadline } from './deadlines.ts';

export async function listZones(db: DbOrTx, countyCode: string): Promise<ZoneRow[]> {
  return db.select().from(zones).where(eq(zones.countyCode, countyCode)).orderBy(asc(zones.name));
}

const NOT_A_ZONE = '请选择本县的片区';
const AssignInput = z.object({ complaintId: z.string(), zoneId: z.string().min(1) });

/**
 * Assigns a case to one of its county's zones (internal: the citizen is not told which). Inside
 * the case's row lock: the actor must still handle the case, the case must still be open, and the
 * zone must be of the county the case is routed to.
 */
export async function assignZone(db: Db, actor: Actor, input: { complaintId: string; zoneId: string }): Promise<Result> {
  const parsed = AssignInput.safeParse(input);
  if (!parsed.success) return fail({ zone: NOT_A_ZONE });
  const { complaintId, zoneId } = parsed.data;
  return db.transaction(async (tx) => {
    const complaint = (await lockReachable(tx, actor, [complaintId])).get(complaintId);
    if (!complaint) return caseNotFound();
    if (!can(actor, 'complaint.manage', caseResource(complaint))) return fail({ form: '只有办理该案件的纪委监委可以分派片区' }, 403);
    if (!OPEN_STATUSES.includes(complaint.status) || complaint.mergedIntoId) return fail({ form: STATE_CHANGED });
    const [zone] = await tx.select().from(zones).where(eq(zones.id, zoneId));
    if (!zone || zone.countyCode !== complaint.routedScopeCode) return fail({ zone: NOT_A_ZONE });
    await tx.update(complaints).set({ zoneId }).where(eq(complaints.id, complaintId));
    await recordEvent(tx, { complaintId, actorId: actor.id, kind: 'zoneAssigned', public: false, text: `分派至${zone.name}` });
    await recordAudit(tx, { actor, action: 'complaint.zoneAssigned', subjectType: 'complaint', subjectId: complaintId, scopeCode: complaint.routedScopeCode, detail: { zone: zone.name } });
    return ok();
  });
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
    .select({ id: complaints.id, zoneId: complaints.zoneId, status: complaints.status, filedOn: complaints.filedOn, arrivedOn: complaints.arrivedOn })
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
      overdue: mine.filter((c) => nextDeadline(c, null, today)?.overdue).length,
    };
  });
}
