/**
 * Builds one migrated and seeded database per test project, which every test file clones:
 * PGlite's cold start and the seed take seconds, a clone a fraction of that.
 * - pglite: the template is a data-directory dump, cached under node_modules/.cache and keyed by a hash
 *   of everything the schema and the seed are made of, so running one test file again skips the seed;
 * - postgres: the template is a database on TEST_DATABASE_URL, cloned with CREATE DATABASE … TEMPLATE,
 *   built afresh each run (a server shared by several runs should not collect templates).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase, type DbHandle } from '../../src/lib/server/db.ts';
import { seedCatalog, seedDemo } from '../../db/seed/index.ts';
import { adminUrl, databaseUrl } from './pg-urls.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CACHE_DIR = path.join(ROOT, 'node_modules/.cache/yidiantong');
/** The seed reaches the domain, the domain its messages: all of these can change the template. */
const TEMPLATE_SOURCES = ['db', 'src/lib', 'src/i18n'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Also keyed by the day: the demo seed dates some rows relative to today. */
function templateKey(): string {
  const hash = createHash('sha256').update(new Date().toISOString().slice(0, 10));
  for (const dir of TEMPLATE_SOURCES) {
    for (const file of sourceFiles(path.join(ROOT, dir))) {
      hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

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
  const templatePath = path.join(CACHE_DIR, `pglite-template-${templateKey()}.tar`);
  if (!existsSync(templatePath)) await buildPgliteTemplate(templatePath);
  project.provide('dbTarget', { driver: 'pglite', templatePath });
  return async () => {};
}

async function buildPgliteTemplate(templatePath: string): Promise<void> {
  const handle = await openDatabase({ driver: 'pglite' });
  try {
    await seed(handle);
    const { PGlite } = await import('@electric-sql/pglite');
    const client = (handle.db as unknown as { $client: InstanceType<typeof PGlite> }).$client;
    const dump = await client.dumpDataDir('none');
    mkdirSync(CACHE_DIR, { recursive: true });
    // Older templates are of no use once the sources changed; write beside, then rename, so a run
    // started at the same moment never reads half a file.
    for (const name of readdirSync(CACHE_DIR)) {
      if (name.startsWith('pglite-template-')) rmSync(path.join(CACHE_DIR, name), { force: true });
    }
    const partial = `${templatePath}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, templatePath);
  } finally {
    await handle.close();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbTarget: { driver: 'pglite'; templatePath: string } | { driver: 'postgres'; baseUrl: string; template: string };
  }
}
