import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/support/test-db.ts';
import { openDatabase } from './db.ts';
import { unavailableReason } from './database-errors.ts';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('unavailableReason', () => {
  const test = createTestDatabase();
  afterAll(async () => (await test).dispose());

  it('takes a query against a PostgreSQL that is not there, as drizzle throws it, for "database"', async () => {
    const handle = await openDatabase({ driver: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/none`, max: 1 });
    try {
      const error = await handle.db.execute(sql`select 1`).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      // drizzle's wrapper ("Failed query: …") carries the driver's ECONNREFUSED as its cause.
      expect((error as Error).message).toMatch(/Failed query/);
      expect(unavailableReason(error)).toBe('database');
    } finally {
      await handle.close();
    }
  });

  it('takes the server states of a restart and a full disk, also when wrapped', () => {
    const wrapped = (code: string) => Object.assign(new Error('Failed query: insert …'), { cause: Object.assign(new Error('server said no'), { code }) });
    expect(unavailableReason(wrapped('57P01'))).toBe('database'); // terminating connection due to administrator command
    expect(unavailableReason(wrapped('57P03'))).toBe('database'); // the database system is starting up
    expect(unavailableReason(wrapped('08006'))).toBe('database'); // connection failure
    expect(unavailableReason(wrapped('CONNECTION_CLOSED'))).toBe('database');
    expect(unavailableReason(wrapped('53100'))).toBe('storage'); // could not extend file: No space left on device
    expect(unavailableReason(Object.assign(new Error('write'), { code: 'ENOSPC' }))).toBe('storage');
  });

  it('leaves a fault of the query itself, or no error at all, to the 500 page', async () => {
    const { db } = await test;
    const error = await db.execute(sql`select * from no_such_table`).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(unavailableReason(error)).toBeUndefined(); // 42P01 undefined_table
    expect(unavailableReason(new TypeError('x is undefined'))).toBeUndefined();
    expect(unavailableReason(Object.assign(new Error('unique'), { code: '23505' }))).toBeUndefined();
    expect(unavailableReason(undefined)).toBeUndefined();
    expect(unavailableReason('ECONNREFUSED')).toBeUndefined();
  });
});
