/**
 * A minimal zip writer for tests of the archive guard: unlike a real zip library it lets a part
 * lie about its inflated size, claim encryption or use an unknown compression method.
 */
import { deflateRawSync } from 'node:zlib';

export type ZipPart = {
  name: string;
  data: Uint8Array;
  /** The inflated size written in the headers; the true size when left out. */
  declaredSize?: number;
  /** Sets the "encrypted" flag (the data itself stays plain). */
  encrypted?: boolean;
  /** Compression method: 8 (deflate) unless given; 0 stores the data as it is. */
  method?: number;
};

/** A zip with the given (name, raw bytes) parts, deflated, sizes as declared. */
export function zip(parts: ZipPart[]): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const method = part.method ?? 8;
    const compressed = method === 8 ? deflateRawSync(part.data) : Buffer.from(part.data);
    const size = part.declaredSize ?? part.data.byteLength;
    const flags = part.encrypted ? 0x1 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(compressed.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    // The central directory entry repeats the local header's fields (version needed to the
    // extra length) after a "version made by", then adds where the local header is.
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    local.copy(header, 6, 4, 30);
    header.writeUInt32LE(offset, 42);
    chunks.push(local, name, compressed);
    central.push(header, name);
    offset += local.byteLength + name.byteLength + compressed.byteLength;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, directory, end]));
}
