import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from './testing/test-db.ts';
import { listAuditEvents, recordAudit } from './audit.ts';
import { queryRows } from './db.ts';
import type { Actor } from './auth/permissions.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  const entries = [
    { scopeCode: '990121001201', action: 'user.created', subjectId: 'a' },
    { scopeCode: '990121000000', action: 'countyList.published', subjectId: 'b' },
    { scopeCode: '990122000000', action: 'countyList.published', subjectId: 'c' },
    { scopeCode: null, action: 'user.created', subjectId: 'd' },
  ];
  for (const entry of entries) {
    await recordAudit(test.db, { actor: { id: 'u1', username: 'sanghe.jw' }, subjectType: 'test', reason: '测试', ...entry });
  }
});
afterAll(async () => test?.dispose());

async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('audit log', () => {
  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [before] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events`);
    expect(await databaseError(test.db.execute(sql`update audit_events set reason = '篡改'`))).toMatch(/append-only/);
    expect(await databaseError(test.db.execute(sql`delete from audit_events`))).toMatch(/append-only/);
    expect(await databaseError(test.db.execute(sql`truncate audit_events`))).toMatch(/append-only/);
    const [after] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events`);
    expect(after!.n).toBe(before!.n);
  });

  it('shows a commission only the entries inside its scope', async () => {
    const sanghe: Actor = { id: 'x', role: 'commission', scopeCode: '990121000000' };
    const { rows } = await listAuditEvents(test.db, sanghe, { action: undefined }, 1);
    const scopes = rows.filter((row) => row.subjectType === 'test').map((row) => row.scopeCode);
    expect(scopes.sort()).toEqual(['990121000000', '990121001201']);
  });

  it('shows an administrator everything, including installation-wide entries', async () => {
    const admin: Actor = { id: 'y', role: 'admin', scopeCode: null };
    const { rows } = await listAuditEvents(test.db, admin, {}, 1);
    expect(rows.filter((row) => row.subjectType === 'test')).toHaveLength(4);
  });

  it('filters by action, actor and date (Beijing time)', async () => {
    const admin: Actor = { id: 'y', role: 'admin', scopeCode: null };
    const published = await listAuditEvents(test.db, admin, { action: 'countyList.published' }, 1);
    expect(published.rows.filter((row) => row.subjectType === 'test')).toHaveLength(2);
    expect((await listAuditEvents(test.db, admin, { actorName: 'nobody' }, 1)).rows).toHaveLength(0);
    expect((await listAuditEvents(test.db, admin, { from: '2000-01-01', to: '2000-01-31' }, 1)).rows).toHaveLength(0);
  });
});
