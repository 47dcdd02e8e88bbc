/**
 * Decompression-bomb guard for uploaded zip archives (an XLSX workbook is one), run before any
 * library that unpacks them. Such libraries (JSZip, which exceljs uses) inflate every part fully
 * into memory and only then compare with the declared size, so a few kilobytes that lie about
 * their size can allocate gigabytes. Here:
 * 1. the central directory is walked, refusing zip64 archives, encryption and any compression
 *    other than stored or deflate;
 * 2. every part is inflated with zlib's `maxOutputLength`, so a part that lies about its size
 *    cannot make us allocate more than what is left of `maxInflatedBytes`, and a part whose
 *    inflated size differs from the declared one is refused as corrupt;
 * 3. each part is handed to the caller, which counts what its own parser would build from it
 *    (cells, rows...) and may stop the walk.
 * The caller words the refusals: this module only says which one it was.
 */
import { inflateRawSync } from 'node:zlib';

export type ZipLimits = {
  /** Most entries (parts and folders) in the central directory. */
  maxEntries: number;
  /** Total inflated size of all parts together. */
  maxInflatedBytes: number;
};

export type ZipRefusal = 'corrupt' | 'too-large' | 'encrypted';

export type ZipWalk<T> =
  | { ok: true; names: ReadonlySet<string> }
  | { ok: false; refusal: ZipRefusal }
  | { ok: false; refusal: 'stopped'; by: T };

/**
 * Inflates every part of the archive within the limits and calls `visit` with its name (without a
 * leading slash) and content; a value other than `undefined` from `visit` stops the walk and is
 * returned as `by`. Folder entries are skipped. On success, the names of all parts.
 */
export function walkZip<T>(bytes: Uint8Array, limits: ZipLimits, visit: (name: string, content: Buffer) => T | undefined): ZipWalk<T> {
  const refuse = (refusal: ZipRefusal): ZipWalk<T> => ({ ok: false, refusal });
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = buffer.byteLength;

  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KB.
  let eocd = -1;
  for (let offset = size - 22; offset >= Math.max(0, size - 22 - 0xffff); offset--) {
    if (buffer.readUInt32LE(offset) === 0x06054b50) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) return refuse('corrupt');
  const entryCount = buffer.readUInt16LE(eocd + 10);
  const directorySize = buffer.readUInt32LE(eocd + 12);
  const directoryOffset = buffer.readUInt32LE(eocd + 16);
  // A zip64 archive is only needed above 65,535 entries or 4 GB; no upload comes near either.
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) return refuse('corrupt');
  if (entryCount > limits.maxEntries) return refuse('too-large');
  if (directoryOffset + directorySize > eocd) return refuse('corrupt');

  const names = new Set<string>();
  let inflatedTotal = 0;
  let pointer = directoryOffset;
  for (let entry = 0; entry < entryCount; entry++) {
    if (pointer + 46 > eocd || buffer.readUInt32LE(pointer) !== 0x02014b50) return refuse('corrupt');
    const flags = buffer.readUInt16LE(pointer + 8);
    const method = buffer.readUInt16LE(pointer + 10);
    let compressedSize = buffer.readUInt32LE(pointer + 20);
    let declaredSize = buffer.readUInt32LE(pointer + 24);
    const nameLength = buffer.readUInt16LE(pointer + 28);
    const extraLength = buffer.readUInt16LE(pointer + 30);
    const commentLength = buffer.readUInt16LE(pointer + 32);
    let localOffset = buffer.readUInt32LE(pointer + 42);
    if (pointer + 46 + nameLength + extraLength + commentLength > eocd) return refuse('corrupt');
    const partName = buffer.toString('utf8', pointer + 46, pointer + 46 + nameLength).replace(/^\//, '');
    // Zip64 extended information, which some writers add even to small files.
    let extra = pointer + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = buffer.readUInt16LE(extra);
      const length = buffer.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        const read64 = (): number | null => {
          if (field + 8 > extra + 4 + length) return null;
          const value = buffer.readBigUInt64LE(field);
          field += 8;
          return value > BigInt(size) * 1024n ? null : Number(value);
        };
        if (declaredSize === 0xffffffff) declaredSize = read64() ?? -1;
        if (compressedSize === 0xffffffff) compressedSize = read64() ?? -1;
        if (localOffset === 0xffffffff) localOffset = read64() ?? -1;
      }
      extra += 4 + length;
    }
    pointer += 46 + nameLength + extraLength + commentLength;
    if (declaredSize < 0 || compressedSize < 0 || localOffset < 0) return refuse('corrupt');
    if ((flags & 0x1) !== 0) return refuse('encrypted');
    if (partName.endsWith('/')) continue;
    names.add(partName);

    if (localOffset + 30 > size || buffer.readUInt32LE(localOffset) !== 0x04034b50) return refuse('corrupt');
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > size) return refuse('corrupt');
    const data = buffer.subarray(dataStart, dataStart + compressedSize);
    const budget = limits.maxInflatedBytes - inflatedTotal;
    if (declaredSize > budget) return refuse('too-large');

    let content: Buffer;
    if (method === 0) {
      content = data;
    } else if (method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
      } catch (error) {
        // More output than the budget: the part lied about its size.
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return refuse('too-large');
        return refuse('corrupt');
      }
    } else {
      return refuse('corrupt');
    }
    // Equal to the declared size, which fits the budget: the total stays within the limit.
    if (content.byteLength !== declaredSize) return refuse('corrupt');
    inflatedTotal += content.byteLength;

    const stop = visit(partName, content);
    if (stop !== undefined) return { ok: false, refusal: 'stopped', by: stop };
  }
  return { ok: true, names };
}
