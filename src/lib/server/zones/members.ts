/**
 * Who sits in a collaboration zone (片区协作区), as staff accounts: the rule of the seed is one zone
 * head who is a commission leader, one or two deputies and one liaison.
 *
 * "Leader" is known by the approver right (users.approver): a county commission account that may
 * approve others' decisions under the two-person rule is how the portal knows a 班子成员 — it has no
 * rank field, and the accounts that sign off disposals are the commission's leaders. So the head is
 * an active commission account of the county commission with approval rights. Deputies and the
 * liaison are active commission accounts of the county commission or of a township commission of
 * one of the zone's townships. One account holds one post in a zone.
 *
 * Zones are set up and edited here; each step writes the zone's whole state to zone_changes
 * (append-only), so the history reads as what the zone was after every change and who made it.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { zones, type ZoneRow } from '../../../../db/schema/complaints.ts';
import { zoneChanges, zoneMembers, type ZonePost, type ZoneSnapshot } from '../../../../db/schema/zones.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { fieldErrors } from '../validation.ts';

const account = z.string().trim();

export const ZoneSchema = z.object({
  name: z.string().trim().min(2, '请填写片区名称').max(30, '片区名称不超过30个字'),
  townshipCodes: z.array(z.string().regex(/^\d{12}$/)).min(1, '请至少选择一个乡镇'),
  head: account.min(1, '请选择片区长'),
  deputies: z.array(account.min(1)).min(1, '请选择1至2名副片区长').max(2, '副片区长最多2名'),
  liaison: account.min(1, '请选择联络员'),
});
export type ZoneInput = z.infer<typeof ZoneSchema>;

export interface ZoneMember {
  userId: string;
  post: ZonePost;
  displayName: string;
  username: string;
}

export interface ZoneWithMembers {
  zone: ZoneRow;
  members: ZoneMember[];
}

/** A county's zones with their members, by name. */
export async function listZonesWithMembers(db: DbOrTx, countyCode: string): Promise<ZoneWithMembers[]> {
  const list = await db.select().from(zones).where(eq(zones.countyCode, countyCode)).orderBy(asc(zones.name));
  if (!list.length) return [];
  const rows = await db
    .select({ zoneId: zoneMembers.zoneId, userId: zoneMembers.userId, post: zoneMembers.post, displayName: users.displayName, username: users.username })
    .from(zoneMembers)
    .innerJoin(users, eq(users.id, zoneMembers.userId))
    .where(inArray(zoneMembers.zoneId, list.map((zone) => zone.id)));
  const order: Record<ZonePost, number> = { head: 0, deputy: 1, liaison: 2 };
  return list.map((zone) => ({
    zone,
    members: rows
      .filter((row) => row.zoneId === zone.id)
      .map(({ zoneId: _zone, ...member }) => member)
      .sort((a, b) => order[a.post] - order[b.post] || a.username.localeCompare(b.username)),
  }));
}

export interface EligibleAccount {
  id: string;
  username: string;
  displayName: string;
  scopeCode: string;
  approver: boolean;
}

/** Active commission accounts of the county commission and of its township commissions: who may sit in a zone. */
export async function eligibleMembers(db: DbOrTx, countyCode: string): Promise<EligibleAccount[]> {
  const townships = await db.select({ code: areas.code }).from(areas).where(eq(areas.parentCode, countyCode));
  const scopes = [countyCode, ...townships.map((t) => t.code)];
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, scopeCode: users.scopeCode, approver: users.approver })
    .from(users)
    .where(and(eq(users.role, 'commission'), inArray(users.scopeCode, scopes), isNull(users.disabledAt)))
    .orderBy(asc(users.scopeCode), asc(users.username));
  return rows.map((row) => ({ ...row, scopeCode: row.scopeCode! }));
}

const HEAD_RULE = '片区长应为本县纪委监委有审批权限的领导账号';
const MEMBER_RULE = '只能选择本县纪委监委或本片区乡镇纪委的账号';

/**
 * Checks the members against the rule and returns them as rows, or the field errors. Reads the
 * accounts in the caller's transaction, so a disabled account or a lost approval right counts.
 */
async function checkMembers(tx: DbOrTx, countyCode: string, zone: ZoneInput): Promise<Result<{ userId: string; post: ZonePost; displayName: string }[]>> {
  const chosen = [zone.head, ...zone.deputies, zone.liaison];
  if (new Set(chosen).size !== chosen.length) return fail({ liaison: '同一账号在片区中只能担任一个职务' });
  const rows = await tx
    .select({ id: users.id, role: users.role, scopeCode: users.scopeCode, approver: users.approver, disabledAt: users.disabledAt, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, chosen));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const allowed = new Set([countyCode, ...zone.townshipCodes]);
  const member = (id: string) => {
    const row = byId.get(id);
    return row && row.role === 'commission' && !row.disabledAt && !!row.scopeCode && allowed.has(row.scopeCode) ? row : null;
  };
  const errors: Record<string, string> = {};
  const head = byId.get(zone.head);
  if (!head || head.role !== 'commission' || head.disabledAt || head.scopeCode !== countyCode || !head.approver) errors.head = HEAD_RULE;
  if (zone.deputies.some((id) => !member(id))) errors.deputies = `副片区长${MEMBER_RULE}`;
  if (!member(zone.liaison)) errors.liaison = `联络员${MEMBER_RULE}`;
  if (Object.keys(errors).length) return fail(errors);
  const name = (id: string) => byId.get(id)!.displayName;
  return ok([
    { userId: zone.head, post: 'head' as const, displayName: name(zone.head) },
    ...zone.deputies.map((id) => ({ userId: id, post: 'deputy' as const, displayName: name(id) })),
    { userId: zone.liaison, post: 'liaison' as const, displayName: name(zone.liaison) },
  ]);
}

/** Checks the zone's townships: of the county, and in no other zone of it. */
async function checkTownships(tx: DbOrTx, countyCode: string, zone: ZoneInput, zoneId: string | null): Promise<Record<string, string> | null> {
  const townships = await tx.select({ code: areas.code, parent: areas.parentCode }).from(areas).where(inArray(areas.code, zone.townshipCodes));
  if (townships.length !== new Set(zone.townshipCodes).size || townships.some((t) => t.parent !== countyCode)) return { townshipCodes: '只能选择本县的乡镇' };
  const others = (await tx.select().from(zones).where(eq(zones.countyCode, countyCode))).filter((other) => other.id !== zoneId);
  if (others.flatMap((other) => other.townshipCodes).some((code) => zone.townshipCodes.includes(code))) return { townshipCodes: '有乡镇已划入其他片区' };
  if (others.some((other) => other.name === zone.name)) return { name: '已有同名片区' };
  return null;
}

async function writeMembers(tx: DbOrTx, actor: Actor, zoneId: string, kind: 'created' | 'edited', zone: ZoneInput, members: ZoneSnapshot['members']): Promise<void> {
  await tx.delete(zoneMembers).where(eq(zoneMembers.zoneId, zoneId));
  await tx.insert(zoneMembers).values(members.map((m) => ({ zoneId, userId: m.userId, post: m.post })));
  const snapshot: ZoneSnapshot = { name: zone.name, townshipCodes: zone.townshipCodes, members };
  await tx.insert(zoneChanges).values({ zoneId, kind, snapshot, changedBy: actor.id });
}

/**
 * Sets up a zone of `countyCode`. The county's area row is locked for the transaction, so two
 * zones created at once cannot both take the same township or name; who may manage the county's
 * zones is asked again inside that lock.
 */
export async function createZone(db: Db, actor: Actor, input: { countyCode: string; zone: unknown }): Promise<Result<{ id: string }>> {
  const parsed = ZoneSchema.safeParse(input.zone);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const zone = parsed.data;
  const { countyCode } = input;
  return db.transaction(async (tx) => {
    const [county] = await tx.select({ code: areas.code }).from(areas).where(and(eq(areas.code, countyCode), eq(areas.level, 'county'))).for('update');
    if (!county) return fail({ form: '没有这个县' }, 404);
    if (!can(actor, 'zone.manage', { scopeCode: countyCode })) return fail({ form: '您没有权限设立该县的片区' }, 403);
    const townshipErrors = await checkTownships(tx, countyCode, zone, null);
    if (townshipErrors) return fail(townshipErrors);
    const members = await checkMembers(tx, countyCode, zone);
    if (!members.ok) return members;
    const id = crypto.randomUUID();
    await tx.insert(zones).values({ id, countyCode, name: zone.name, townshipCodes: zone.townshipCodes, head: null, deputies: null, liaison: null });
    await writeMembers(tx, actor, id, 'created', zone, members.value);
    await recordAudit(tx, { actor, action: 'zone.created', subjectType: 'zone', subjectId: id, scopeCode: countyCode, detail: { name: zone.name } });
    return ok({ id });
  });
}

/**
 * Edits a zone: name, townships and members, checked as when it was set up. The county row is
 * locked first (as createZone does), then the zone's. The legacy typed names are cleared: from
 * now on the members are accounts.
 */
export async function updateZone(db: Db, actor: Actor, input: { zoneId: string; zone: unknown }): Promise<Result> {
  const parsed = ZoneSchema.safeParse(input.zone);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const zone = parsed.data;
  return db.transaction(async (tx) => {
    const [found] = await tx.select({ countyCode: zones.countyCode }).from(zones).where(eq(zones.id, input.zoneId));
    if (!found) return fail({ form: '没有找到该片区' }, 404);
    await tx.select({ code: areas.code }).from(areas).where(eq(areas.code, found.countyCode)).for('update');
    const [locked] = await tx.select().from(zones).where(eq(zones.id, input.zoneId)).for('update');
    if (!locked) return fail({ form: '没有找到该片区' }, 404);
    if (!can(actor, 'zone.manage', { scopeCode: locked.countyCode })) return fail({ form: '您没有权限调整该县的片区' }, 403);
    const townshipErrors = await checkTownships(tx, locked.countyCode, zone, locked.id);
    if (townshipErrors) return fail(townshipErrors);
    const members = await checkMembers(tx, locked.countyCode, zone);
    if (!members.ok) return members;
    await tx.update(zones).set({ name: zone.name, townshipCodes: zone.townshipCodes, head: null, deputies: null, liaison: null }).where(eq(zones.id, locked.id));
    await writeMembers(tx, actor, locked.id, 'edited', zone, members.value);
    await recordAudit(tx, { actor, action: 'zone.changed', subjectType: 'zone', subjectId: locked.id, scopeCode: locked.countyCode, detail: { name: zone.name } });
    return ok();
  });
}

export interface ZoneChange {
  kind: 'created' | 'edited';
  snapshot: ZoneSnapshot;
  at: Date;
  by: string | null;
}

/** A zone's recorded steps, oldest first, with who made each (display name). */
export async function zoneHistory(db: DbOrTx, zoneId: string): Promise<ZoneChange[]> {
  const rows = await db
    .select({ kind: zoneChanges.kind, snapshot: zoneChanges.snapshot, at: zoneChanges.changedAt, by: users.displayName })
    .from(zoneChanges)
    .leftJoin(users, eq(users.id, zoneChanges.changedBy))
    .where(eq(zoneChanges.zoneId, zoneId))
    .orderBy(asc(zoneChanges.id));
  return rows;
}

/** The ids of a zone's members (for can(actor, 'zone.work', { memberIds })). */
export async function memberIdsOf(db: DbOrTx, zoneId: string): Promise<string[]> {
  return (await db.select({ userId: zoneMembers.userId }).from(zoneMembers).where(eq(zoneMembers.zoneId, zoneId))).map((row) => row.userId);
}
