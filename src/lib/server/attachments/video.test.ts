/**
 * A phone video carries where and when it was shot and on which phone: in QuickTime keys (mdta), in
 * udta atoms (©xyz, loci, ©mak) and in the movie, track and media headers. The test builds such a
 * video with ffmpeg, files it through the real complaint pipeline, and reads the stored copy back
 * with exiftool and ffprobe, which know every one of those places.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { fileComplaint } from '../complaints/filing.ts';
import { cleanUpload } from './index.ts';

const run = promisify(execFile);
let test: TestDatabase;
let dir: string;
beforeAll(async () => {
  test = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'ydt-video-test-'));
});
afterAll(async () => {
  await test?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const LATITUDE = 39.9042;
const LONGITUDE = 116.4074;

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A QuickTime user-data text atom (©xyz, ©mak, …): length, language, text. */
function udtaText(type: string, text: string): Buffer {
  const value = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt16BE(value.length);
  head.writeUInt16BE(0x15c7, 2); // the language code Apple writes
  return box(type, head, value);
}

/** 3GPP location information (loci): a place name and fixed-point longitude, latitude, altitude. */
function loci(place: string): Buffer {
  const fixed = (value: number) => {
    const out = Buffer.alloc(4);
    out.writeInt32BE(Math.round(value * 65536));
    return out;
  };
  return box('loci', Buffer.from([0, 0, 0, 0, 0x0d, 0x09]), Buffer.from(`${place}\0`, 'utf8'), Buffer.from([0]), fixed(LONGITUDE), fixed(LATITUDE), fixed(44), Buffer.from('earth\0\0', 'latin1'));
}

/**
 * One second of test picture and tone, tagged the way a phone tags it, plus a second udta box with
 * ©xyz, loci, ©mak and ©mod appended inside moov (ffmpeg writes moov last, so no offset moves).
 */
async function phoneVideo(): Promise<Buffer> {
  const file = path.join(dir, 'phone.mp4');
  // prettier-ignore
  await run('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=duration=1:size=320x240:rate=15',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    '-metadata', `location=+${LATITUDE}+${LONGITUDE}/`,
    '-metadata', `com.apple.quicktime.location.ISO6709=+${LATITUDE}+${LONGITUDE}+044.000/`,
    '-metadata', 'com.apple.quicktime.make=Apple',
    '-metadata', 'com.apple.quicktime.model=iPhone 13',
    '-metadata', 'com.apple.quicktime.creationdate=2026-03-05T16:30:00+0800',
    '-metadata', 'artist=张三',
    '-metadata', 'comment=后营村村委会门口拍摄',
    '-metadata', 'creation_time=2026-03-05T08:30:00Z',
    '-metadata:s:v', 'handler_name=Core Media Video',
    '-movflags', 'use_metadata_tags',
    file,
  ]);
  const bytes = await readFile(file);
  const moovAt = bytes.lastIndexOf(Buffer.from('moov', 'latin1')) - 4;
  expect(moovAt + bytes.readUInt32BE(moovAt)).toBe(bytes.length); // moov is the last box
  const extra = box('udta', udtaText('\u00a9xyz', `+${LATITUDE}+${LONGITUDE}/`), loci('后营村'), udtaText('\u00a9mak', 'Apple'), udtaText('\u00a9mod', 'iPhone 13'));
  const crafted = Buffer.concat([bytes, extra]);
  crafted.writeUInt32BE(crafted.readUInt32BE(moovAt) + extra.length, moovAt);
  return crafted;
}

async function exiftool(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const file = path.join(dir, `read-${crypto.randomUUID()}.mp4`);
  await writeFile(file, bytes);
  const { stdout } = await run('exiftool', ['-j', '-a', '-G1', '-u', '-ee', '-api', 'LargeFileSupport=1', file]);
  return (JSON.parse(stdout) as Array<Record<string, unknown>>)[0]!;
}

async function ffprobe(bytes: Uint8Array) {
  const file = path.join(dir, `probe-${crypto.randomUUID()}.mp4`);
  await writeFile(file, bytes);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  const decoded = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-']);
  return { ...(JSON.parse(stdout) as { format: { duration: string; tags?: Record<string, string> }; streams: Array<{ codec_type: string; duration: string; tags?: Record<string, string> }> }), decodeErrors: decoded.stderr };
}

/** What a metadata reader found that could place, date or identify the recording. */
function revealing(tags: Record<string, unknown>): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (key.startsWith('System:') || key.startsWith('File:') || key === 'SourceFile' || key.startsWith('ExifTool:')) continue;
    const zeroDate = typeof value === 'string' && /^0000:00:00 00:00:00$/.test(value);
    // ffmpeg's own empty iTunes-style tag list names its handler vendor "appl" in every file it writes.
    if (key === 'QuickTime:HandlerVendorID' && value === 'Apple' && tags['QuickTime:HandlerType'] === 'Metadata') continue;
    if (!zeroDate && /GPS|Location|Coordinates|Artist|Author|Comment|Make|Model|Software|Encoder|CreationDate|Create|Modify|Date|Keys:|UserData:/i.test(key)) found[key] = value;
    if (typeof value === 'string' && /116\.40|39\.90|张三|后营村|iPhone|Apple|Core Media|Lavf|x264/.test(value)) found[key] = value;
  }
  return found;
}

describe('video attachments', () => {
  it('files a phone video with its location, phone, author and times removed, still playable', async () => {
    const original = await phoneVideo();
    // The crafted file really carries all of it, as read by the same reader.
    const before = revealing(await exiftool(original));
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['Keys:GPSCoordinates', 'Keys:Make', 'Keys:Model', 'Keys:Artist', 'Keys:Comment', 'UserData:GPSCoordinates', 'UserData:Make', 'QuickTime:CreateDate']));
    expect(JSON.stringify(before)).toMatch(/LocationInformation|loci/i);

    const filed = await fileComplaint(
      test.db,
      {
        category: 'assets',
        areaCode: '990121001202',
        title: '村委会门口深夜搬运集体物资',
        content: '三月五日晚上有人从村委会仓库往外搬运集体的水泥和钢管，我用手机拍下了一段视频，请核实。',
        anonymous: true,
      },
      { files: [{ bytes: new Uint8Array(original), name: '村口.mp4' }] },
    );
    expect(filed.ok).toBe(true);
    const [stored] = await queryRows<{ bytes: Uint8Array; mime: string; stripped: boolean; size_bytes: number }>(
      test.db,
      sql`select a.bytes, a.mime, a.stripped, a.size_bytes from attachments a join complaints c on c.id = a.complaint_id where c.title = '村委会门口深夜搬运集体物资'`,
    );
    expect(stored).toMatchObject({ mime: 'video/mp4', stripped: true });
    const bytes = new Uint8Array(stored!.bytes);
    expect(Buffer.from(bytes).equals(original)).toBe(false);

    expect(revealing(await exiftool(bytes))).toEqual({});
    for (const marker of ['116.40', '张三', '后营村', 'iPhone', 'Apple', 'Core Media', 'x264']) expect(Buffer.from(bytes).includes(Buffer.from(marker))).toBe(false);

    const probe = await ffprobe(bytes);
    expect(probe.format.tags ?? {}).toEqual({ major_brand: 'isom', minor_version: '512', compatible_brands: 'isomiso2avc1mp41' });
    const video = probe.streams.find((stream) => stream.codec_type === 'video');
    expect(Number(video?.duration)).toBeGreaterThan(0.9);
    expect(probe.streams.some((stream) => stream.codec_type === 'audio')).toBe(true);
    for (const stream of probe.streams) expect(Object.keys(stream.tags ?? {}).sort()).toEqual(['handler_name', 'language', 'vendor_id']);
    expect(probe.decodeErrors).toBe('');
  });

  it('refuses video, never storing it as recorded, when ffmpeg is not installed', async () => {
    const original = await phoneVideo();
    vi.stubEnv('PATH', path.join(dir, 'no-such-bin'));
    try {
      const result = await cleanUpload(new Uint8Array(original), { allowVideo: true });
      expect(result).toEqual({ ok: false, message: expect.stringMatching(/^本站暂不接收视频/) });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses a file that claims to be MP4 but holds no video', async () => {
    const original = await phoneVideo();
    const broken = Buffer.concat([original.subarray(0, 64), Buffer.alloc(4096, 0x41)]);
    expect(await cleanUpload(new Uint8Array(broken), { allowVideo: true })).toEqual({ ok: false, message: expect.stringMatching(/视频/) });
  });
});
