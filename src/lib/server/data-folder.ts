/**
 * The embedded database's folder (DATA_DIR), checked before PGlite touches it (issue 16 item 4).
 * PGlite decides "new database" by PG_VERSION alone: measured here, a folder whose PG_VERSION was
 * lost had initdb run over it (PG_VERSION written back, catalog files rewritten) and then opened as
 * if nothing had happened; one with a truncated global/pg_control made PGlite abort, leaving a
 * postmaster.pid behind. So: a folder that is neither new (absent, empty, or holding only the
 * generated development keys) nor recognisably a PostgreSQL data folder is refused with a message
 * that names it and says what to do, and nothing in it is written.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class DataFolderError extends Error {
  readonly folder: string;

  constructor(folder: string, problem: string) {
    super(
      `The PGlite data folder ${folder} ${problem}. The server did not open it and changed nothing in it. ` +
        `Restore the folder from a backup; or, to start with an empty database, move it aside (mv ${folder} ${folder}.damaged) and start again.`,
    );
    this.name = 'DataFolderError';
    this.folder = folder;
  }
}

/** What a folder may hold before PGlite has made a database in it: the keys config.ts generates there. */
const BEFORE_DATABASE = new Set(['dev-keys.json']);
/** PostgreSQL's pg_control is one 8 kB block, whatever the version. */
const PG_CONTROL_SIZE = 8192;

/** CRC-32C (Castagnoli), as PostgreSQL checksums pg_control. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * pg_control ends its data with a CRC-32C of everything before it. Where that is depends on the
 * version (offset 288 in PostgreSQL 15, 292 in PGlite's 18), so every offset in the first kilobyte
 * is tried: a damaged block matches at none, and a chance match of 32 bits at one of 250 offsets
 * is about one in seventeen million.
 */
function pgControlIntact(bytes: Buffer): boolean {
  for (let offset = 16; offset + 4 <= 1024; offset += 4) {
    if (crc32c(bytes.subarray(0, offset)) === bytes.readUInt32LE(offset)) return true;
  }
  return false;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'cannot be read by this user (permissions)' : `cannot be read (${code ?? String(error)})`;
}

/**
 * 'new' when PGlite may create a database in `folder` (absent, empty, or only generated keys);
 * 'existing' when it holds a PostgreSQL data folder whose version file and control file are
 * intact. Anything else throws DataFolderError. Reads only.
 */
export function checkDataFolder(folder: string): 'new' | 'existing' {
  let entries: string[];
  try {
    if (!lstatSync(folder).isDirectory()) throw new DataFolderError(folder, 'is not a folder (DATA_DIR must name a folder)');
    entries = readdirSync(folder);
  } catch (error) {
    if (error instanceof DataFolderError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'new';
    throw new DataFolderError(folder, describeFsError(error));
  }
  if (!entries.includes('PG_VERSION')) {
    if (entries.every((name) => BEFORE_DATABASE.has(name))) return 'new';
    throw new DataFolderError(folder, 'holds files but no PG_VERSION: it is not a PGlite database, or it is damaged (PGlite would run initdb over it)');
  }
  try {
    const version = readFileSync(path.join(folder, 'PG_VERSION'), 'utf8').trim();
    if (!/^\d{1,3}$/.test(version)) throw new DataFolderError(folder, 'has a damaged PG_VERSION file');
    let base;
    try {
      base = lstatSync(path.join(folder, 'base'));
    } catch {
      base = undefined;
    }
    if (!base?.isDirectory()) throw new DataFolderError(folder, 'has no base/ folder: it is incomplete');
    let control: Buffer;
    try {
      control = readFileSync(path.join(folder, 'global/pg_control'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataFolderError(folder, 'has no global/pg_control: it is incomplete');
      throw error;
    }
    if (control.length !== PG_CONTROL_SIZE) throw new DataFolderError(folder, `has a truncated global/pg_control (${control.length} bytes, not ${PG_CONTROL_SIZE})`);
    if (!pgControlIntact(control)) throw new DataFolderError(folder, 'has a damaged global/pg_control (its checksum does not match)');
  } catch (error) {
    if (error instanceof DataFolderError) throw error;
    throw new DataFolderError(folder, describeFsError(error));
  }
  return 'existing';
}
