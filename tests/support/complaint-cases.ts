/**
 * For complaint tests: a demo account as a command actor, and a case filed through the real intake
 * about 前营村 (a village cadre, so it lands at 桑河县), returned with its id and receipt.
 */
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/auth.ts';
import { complaints } from '../../db/schema/complaints.ts';
import { fileComplaint } from '../../src/lib/server/complaints/filing.ts';
import type { Db } from '../../src/lib/server/db.ts';
import type { Actor } from '../../src/lib/server/result.ts';

export const WATER_CHANNEL_CONTENT = '村里修水渠向每户集资三百元，至今没有公布收支明细，也没有开收据，村民多次询问没有答复。';

export async function actorOf(db: Db, username: string): Promise<Actor> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no account ${username}`);
  return { id: row.id, username: row.username, role: row.role, scopeCode: row.scopeCode };
}

/** Files a case titled `title` (unique in the test), by default anonymous, about 前营村's cadres. */
export async function fileCase(db: Db, title: string, extra: Record<string, unknown> = {}, today?: string): Promise<{ id: string; receipt: string }> {
  const filed = await fileComplaint(db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content: WATER_CHANNEL_CONTENT, anonymous: true, ...extra }, { today });
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  const [row] = await db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title));
  return { id: row!.id, receipt: filed.value.receipt };
}
