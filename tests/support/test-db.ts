/**
 * A private database for one test file, cloned from the run's seeded template.
 * Usage: `const test = await createTestDatabase(); … afterAll(() => test.dispose());`
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type DbHandle } from '../../src/lib/server/db.ts';
import { adminUrl, databaseUrl } from './pg-urls.ts';

export interface TestDatabase extends DbHandle {
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const target = inject('dbTarget');
  if (target.driver === 'pglite') {
    const dump = new Blob([readFileSync(target.templatePath)]);
    const handle = await openDatabase({ driver: 'pglite', loadDataDir: dump });
    return { ...handle, dispose: () => handle.close() };
  }
  const { default: postgres } = await import('postgres');
  const name = `${target.template}_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl(target.baseUrl), { max: 1, onnotice: () => {} });
  // Concurrent clones of one template can collide briefly; retry a few times.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${target.template}"`);
      break;
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 + attempt * 200));
    }
  }
  const handle = await openDatabase({ driver: 'postgres', url: databaseUrl(target.baseUrl, name), max: 4 });
  return {
    ...handle,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * Puts a test database behind getDb(), for tests that go through pages or endpoints. db.ts keeps its
 * handle under this global symbol; production code has no way to swap it.
 */
export function useDatabaseForTests(handle: DbHandle): void {
  (globalThis as { [key: symbol]: unknown })[Symbol.for('yidiantong.db')] = Promise.resolve(handle);
}
