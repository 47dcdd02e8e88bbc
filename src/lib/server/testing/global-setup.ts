/**
 * Builds one migrated and seeded database per test project, which every test file clones:
 * PGlite's cold start and the seed take seconds, a clone a fraction of that.
 * - pglite: the template is a data-directory dump in a temp file;
 * - postgres: the template is a database on TEST_DATABASE_URL, cloned with CREATE DATABASE … TEMPLATE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase, type DbHandle } from '../db.ts';
import { seedCatalog, seedDemo } from '../../../../db/seed/index.ts';
import { adminUrl, databaseUrl } from './pg-urls.ts';

async function seed(handle: DbHandle): Promise<void> {
  await migrateDatabase(handle);
  await seedCatalog(handle.db);
  await seedDemo(handle.db);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (project.name === 'postgres') {
    const baseUrl = process.env.TEST_DATABASE_URL!;
    const template = `ydt_tpl_${process.pid}_${Date.now()}`;
    const { default: postgres } = await import('postgres');
    const admin = postgres(adminUrl(baseUrl), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${template}"`);
    try {
      const handle = await openDatabase({ driver: 'postgres', url: databaseUrl(baseUrl, template), max: 2 });
      await seed(handle);
      await handle.close();
    } catch (error) {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
      throw error;
    }
    project.provide('dbTarget', { driver: 'postgres', baseUrl, template });
    return async () => {
      const leftovers = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`${template}_%`} or datname = ${template}`;
      for (const { datname } of leftovers) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-pglite-'));
  const handle = await openDatabase({ driver: 'pglite' });
  await seed(handle);
  const { PGlite } = await import('@electric-sql/pglite');
  const client = (handle.db as unknown as { $client: InstanceType<typeof PGlite> }).$client;
  const dump = await client.dumpDataDir('none');
  const templatePath = path.join(dir, 'template.tar');
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('dbTarget', { driver: 'pglite', templatePath });
  return async () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbTarget: { driver: 'pglite'; templatePath: string } | { driver: 'postgres'; baseUrl: string; template: string };
  }
}
