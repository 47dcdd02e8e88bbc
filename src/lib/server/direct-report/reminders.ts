/**
 * The reminders (提示提醒) a county commission publishes for its direct reporting points: short,
 * public-only text — what to watch for this season, what to remind villagers of. The commission
 * of the county (or a city above it) adds and retires them; liaisons of the county read the ones
 * in force. Retired, never deleted.
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { liaisonReminders, type LiaisonReminderRow } from '../../../../db/schema/direct-report.ts';
import { getArea } from '../areas/index.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { fieldErrors, visibleText } from '../validation.ts';

const ReminderSchema = z.object({
  countyCode: z.string().trim().regex(/^\d{12}$/, '请选择发布提醒的县'),
  title: visibleText({ label: '提醒标题', min: 4, max: 60 }),
  body: visibleText({ label: '提醒内容', min: 10, max: 1000 }),
});

export type ReminderInput = z.input<typeof ReminderSchema>;

export async function addReminder(db: Db, actor: Actor, input: ReminderInput, today: string = todayInShanghai()): Promise<Result<{ id: string }>> {
  const parsed = ReminderSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));
  const { countyCode, title, body } = parsed.data;
  const county = await getArea(db, countyCode);
  if (!county || county.level !== 'county') return fail({ countyCode: '请选择发布提醒的县' });
  if (!can(actor, 'reminders.manage', { scopeCode: countyCode })) return fail({ form: '您无权为该县发布提醒' }, 403);
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    await tx.insert(liaisonReminders).values({ id, countyCode, title, body, publishedOn: today, createdBy: actor.id });
    await recordAudit(tx, { actor, action: 'directPoint.reminderAdded', subjectType: 'reminder', subjectId: id, scopeCode: countyCode, detail: { title } });
  });
  return ok({ id });
}

export async function retireReminder(db: Db, actor: Actor, id: string, today: string = todayInShanghai()): Promise<Result> {
  if (!z.uuid().safeParse(id).success) return fail({ form: '没有这条提醒' }, 404);
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(liaisonReminders).where(eq(liaisonReminders.id, id)).for('update');
    if (!row || !can(actor, 'reminders.manage', { scopeCode: row.countyCode })) return fail({ form: '没有这条提醒' }, 404);
    if (row.retiredOn) return fail({ form: '这条提醒已经撤下' }, 409);
    await tx.update(liaisonReminders).set({ retiredOn: today, retiredBy: actor.id }).where(eq(liaisonReminders.id, id));
    await recordAudit(tx, { actor, action: 'directPoint.reminderRetired', subjectType: 'reminder', subjectId: id, scopeCode: row.countyCode, detail: { title: row.title } });
    return ok();
  });
}

/** A county's reminders: those in force, newest first; with `retired`, the retired ones after them. */
export async function listReminders(db: DbOrTx, countyCode: string, options: { retired?: boolean } = {}): Promise<LiaisonReminderRow[]> {
  return db
    .select()
    .from(liaisonReminders)
    .where(and(eq(liaisonReminders.countyCode, countyCode), options.retired ? undefined : isNull(liaisonReminders.retiredOn)))
    .orderBy(sql`${liaisonReminders.retiredOn} is not null`, desc(liaisonReminders.publishedOn), asc(liaisonReminders.title));
}
