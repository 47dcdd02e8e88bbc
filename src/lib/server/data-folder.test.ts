/**
 * The embedded database's folder is checked before PGlite touches it: a new folder may be created,
 * an intact one opened, and anything else is refused by name, byte for byte untouched.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataFolder, DataFolderError } from './data-folder.ts';
import { openDatabase } from './db.ts';

let scratch: string;
/** A real PGlite data folder, made once: every damaged copy starts from it. */
let intact: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ydt-data-folder-'));
  intact = path.join(scratch, 'intact');
  const handle = await openDatabase({ driver: 'pglite', dataDir: intact });
  await handle.close();
  writeFileSync(path.join(intact, 'dev-keys.json'), '{}');
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
function damaged(damage: (folder: string) => void): string {
  const folder = path.join(scratch, `copy-${(copies += 1)}`);
  cpSync(intact, folder, { recursive: true });
  damage(folder);
  return folder;
}

function hashTree(folder: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(folder, name);
    if (statSync(file).isFile()) hashes[name] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return hashes;
}

function refusal(folder: string): string {
  try {
    checkDataFolder(folder);
  } catch (error) {
    expect(error).toBeInstanceOf(DataFolderError);
    return (error as Error).message;
  }
  throw new Error(`${folder} was not refused`);
}

describe('checkDataFolder', () => {
  it('lets PGlite create a database where there is none yet, and open an intact one', () => {
    expect(checkDataFolder(path.join(scratch, 'not-there'))).toBe('new');
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    expect(checkDataFolder(empty)).toBe('new');
    writeFileSync(path.join(empty, 'dev-keys.json'), '{}');
    expect(checkDataFolder(empty)).toBe('new');
    expect(checkDataFolder(intact)).toBe('existing');
  });

  it('refuses, by name and saying what to do, whatever PGlite would re-initialise or fail on', () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    expect(refusal(file)).toMatch(/is not a folder/);
    // PGlite takes a folder without PG_VERSION for a new one, and runs initdb over the files in it.
    const noVersion = damaged((folder) => rmSync(path.join(folder, 'PG_VERSION')));
    expect(refusal(noVersion)).toMatch(/no PG_VERSION/);
    expect(refusal(damaged((folder) => writeFileSync(path.join(folder, 'PG_VERSION'), 'garbage\n')))).toMatch(/damaged PG_VERSION/);
    expect(refusal(damaged((folder) => truncateSync(path.join(folder, 'global/pg_control'), 100)))).toMatch(/truncated global\/pg_control \(100 bytes/);
    const flipped = damaged((folder) => {
      const control = readFileSync(path.join(folder, 'global/pg_control'));
      control[40] = control[40]! ^ 0xff;
      writeFileSync(path.join(folder, 'global/pg_control'), control);
    });
    expect(refusal(flipped)).toMatch(/damaged global\/pg_control \(its checksum/);
    expect(refusal(damaged((folder) => rmSync(path.join(folder, 'base'), { recursive: true })))).toMatch(/no base\//);
    const message = refusal(noVersion);
    expect(message).toContain(noVersion);
    expect(message).toMatch(/changed nothing in it/);
    expect(message).toMatch(/Restore the folder from a backup/);
    expect(message).toContain(`mv ${noVersion} ${noVersion}.damaged`);
  });

  it('leaves a refused folder byte for byte as it was, also when PGlite itself fails on it', async () => {
    const noVersion = damaged((folder) => rmSync(path.join(folder, 'PG_VERSION')));
    const untouched = hashTree(noVersion);
    await expect(openDatabase({ driver: 'pglite', dataDir: noVersion })).rejects.toBeInstanceOf(DataFolderError);
    expect(hashTree(noVersion)).toEqual(untouched);
    // Damage the check cannot see: PGlite aborts on it (measured: leaving its postmaster.pid behind).
    for (const damage of [
      (folder: string) => writeFileSync(path.join(folder, 'PG_VERSION'), '15\n'),
      (folder: string) => {
        for (const segment of readdirSync(path.join(folder, 'pg_wal')).filter((name) => /^[0-9A-F]{24}$/.test(name))) truncateSync(path.join(folder, 'pg_wal', segment), 8192);
      },
    ]) {
      const folder = damaged(damage);
      const before = hashTree(folder);
      const opening = openDatabase({ driver: 'pglite', dataDir: folder });
      await expect(opening).rejects.toBeInstanceOf(DataFolderError);
      await expect(opening).rejects.toThrow(/could not be opened by PGlite/);
      expect(hashTree(folder)).toEqual(before);
    }
  }, 60_000);
});
