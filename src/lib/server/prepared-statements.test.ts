/**
 * drizzle's queries go to PostgreSQL as named prepared statements (db.ts withPreparedStatements):
 * the wrapper's rules on a stand-in client, then on a real PostgreSQL session.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { areas } from '../../../db/schema/areas.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { openDatabase, withPreparedStatements, type DbHandle } from './db.ts';

/** Records what each unsafe() call asked postgres.js for, on the client and inside transactions. */
function standIn() {
  const calls: Array<{ where: string; query: string; options: Record<string, unknown> | undefined }> = [];
  const make = (where: string): Record<string, unknown> => ({
    unsafe: (query: string, _parameters: unknown[], options?: Record<string, unknown>) => {
      calls.push({ where, query, options });
      return Promise.resolve([]);
    },
    begin: (callback: (sql: unknown) => unknown) => callback(make(`${where} > begin`)),
    savepoint: (callback: (sql: unknown) => unknown) => callback(make(`${where} > savepoint`)),
    options: { parsers: {} },
  });
  return { calls, client: make('client') };
}

interface StandInSql {
  unsafe(query: string, parameters: unknown[], options?: Record<string, unknown>): Promise<unknown>;
  begin(callback: (sql: StandInSql) => Promise<unknown>): Promise<unknown>;
  savepoint(callback: (sql: StandInSql) => Promise<unknown>): Promise<unknown>;
  options: unknown;
}

describe('withPreparedStatements', () => {
  it('names every statement with up to 32 parameters, in transactions and savepoints too', async () => {
    const { calls, client } = standIn();
    const wrapped = withPreparedStatements(client) as unknown as StandInSql;
    await wrapped.unsafe('select $1', [1]);
    await wrapped.unsafe('select 1', []);
    await wrapped.unsafe(`select ${Array.from({ length: 32 }, (_, i) => `$${i + 1}`).join(', ')}`, Array.from({ length: 32 }, (_, i) => i));
    await wrapped.unsafe(`select ${Array.from({ length: 33 }, (_, i) => `$${i + 1}`).join(', ')}`, Array.from({ length: 33 }, (_, i) => i));
    await wrapped.begin(async (tx) => {
      await tx.unsafe('select $1', ['在事务中']);
      await tx.savepoint(async (inner) => inner.unsafe('select $1', ['在保存点中'], { prepare: false }));
    });
    expect(calls.map((call) => [call.where, call.options?.prepare])).toEqual([
      ['client', true],
      ['client', true],
      ['client', true],
      ['client', false],
      ['client > begin', true],
      // Whatever the caller passed, the rule decides: drizzle always passes prepare: false.
      ['client > begin > savepoint', true],
    ]);
    // Everything else is the client's own.
    expect(wrapped.options).toBe(client.options);
  });
});

const target = inject('dbTarget');

describe.runIf(target.driver === 'postgres')('on PostgreSQL', () => {
  let test: TestDatabase;
  let single: DbHandle;
  beforeAll(async () => {
    test = await createTestDatabase();
    // One connection, so the session asked about its statements is the one that ran the queries.
    single = await openDatabase({ driver: 'postgres', url: test.url!, max: 1 });
  });
  afterAll(async () => {
    await single?.close();
    await test?.dispose();
  });

  it('keeps a drizzle query as a named statement of the session, and long IN lists unnamed', async () => {
    const village = '990121001201';
    for (let i = 0; i < 3; i++) {
      const [row] = await single.db.select({ name: areas.name }).from(areas).where(eq(areas.code, village));
      expect(row?.name).toBeTruthy();
    }
    const many = Array.from({ length: 40 }, (_, i) => `99012100${String(1000 + i)}`);
    await single.db.select({ code: areas.code }).from(areas).where(inArray(areas.code, many));
    // The view lists this session's named statements (postgres.js names them; unnamed ones are not kept).
    const statements = (await single.db.execute(sql`select statement from pg_prepared_statements`)) as unknown as Array<{ statement: string }>;
    const texts = statements.map((row) => row.statement);
    expect(texts.filter((text) => text.includes('"areas"."code" = $1'))).toHaveLength(1);
    expect(texts.some((text) => text.includes('$40'))).toBe(false);
  });
});
