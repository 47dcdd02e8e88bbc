/**
 * Hostile files through every upload form (issue 16 item 3; DESIGN.md §3–4 and README "Uploads"):
 * the complaint form's attachments, a voucher scan on a ledger entry, and a direct reporting
 * point's attachments. Each file is refused with a Chinese message and nothing written, or kept
 * only as the cleaned copy the portal made of it: the type read from the bytes, not the name or
 * the browser's claim; a script, markup or archive smuggled into an image or after a PDF gone.
 * Archives are accepted only as spreadsheets for the imports (imports.test.ts), never as
 * attachments: a zip, a zip bomb and an XLSX named .jpg are refused here by their bytes.
 */
import { deflateRawSync, deflateSync } from 'node:zlib';
import { inArray } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments } from '../../db/schema/attachments.ts';
import { addFundEntry } from '../../src/lib/server/accounts/disclosures.ts';
import { ATTACHMENT_LIMITS } from '../../src/lib/server/attachments/index.ts';
import { directPointThrottle } from '../../src/lib/server/complaints/throttles.ts';
import { changedTables, createHarness, expectSafeAnswer, formsOf, pairsOf, XSS_TOKEN, type Harness } from '../support/hostile.ts';
import { createStaffFixtures, userIdOf, type StaffFixtures } from '../support/hostile-staff.ts';
import { zip } from '../support/zip.ts';

const TOKEN = Buffer.from(XSS_TOKEN);
const script = Buffer.from(`<script>alert("${XSS_TOKEN}")</script>`);

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const pdf = (body: string, after = '') => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R${body}>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n${after}`, 'latin1');

interface HostileUpload {
  what: string;
  filename: string;
  /** What the browser claims. */
  type: string;
  bytes: () => Promise<Buffer>;
  /** 'refused', or the type the cleaned copy must have. */
  expect: 'refused' | 'image/jpeg' | 'image/png' | 'application/pdf';
}

const UPLOADS: HostileUpload[] = [
  { what: 'text named .jpg', filename: '收据.jpg', type: 'image/jpeg', bytes: async () => Buffer.from('这不是图片，只是文字。'), expect: 'refused' },
  { what: 'an HTML page with a script, named .png', filename: 'scan.png', type: 'image/png', bytes: async () => Buffer.concat([Buffer.from('<!doctype html><html><body>'), script, Buffer.from('</body></html>')]), expect: 'refused' },
  { what: 'an SVG with an onload handler', filename: 'scan.svg', type: 'image/svg+xml', bytes: async () => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('${XSS_TOKEN}')"><rect width="8" height="8"/></svg>`), expect: 'refused' },
  { what: 'an SVG named .png', filename: 'photo.png', type: 'image/png', bytes: async () => Buffer.from(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>${XSS_TOKEN}</script></svg>`), expect: 'refused' },
  { what: 'a GIF', filename: 'anim.gif', type: 'image/gif', bytes: async () => sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer(), expect: 'refused' },
  { what: 'a zip archive named .jpg', filename: 'photos.jpg', type: 'image/jpeg', bytes: async () => Buffer.from(zip([{ name: 'IMG_0001.jpg', data: new Uint8Array(64) }, { name: 'evil.html', data: new Uint8Array(script) }])), expect: 'refused' },
  { what: 'a zip bomb (a 64 MB part in 64 KB)', filename: 'bomb.pdf', type: 'application/pdf', bytes: async () => Buffer.from(zip([{ name: 'zeros.bin', data: new Uint8Array(64 * 1024 * 1024) }])), expect: 'refused' },
  { what: 'an XLSX named .png', filename: 'scan.png', type: 'image/png', bytes: async () => Buffer.from(zip([{ name: '[Content_Types].xml', data: new TextEncoder().encode('<Types/>') }, { name: 'xl/workbook.xml', data: new TextEncoder().encode('<workbook/>') }])), expect: 'refused' },
  { what: 'a PDF whose opening runs JavaScript', filename: '合同.pdf', type: 'application/pdf', bytes: async () => pdf(`/OpenAction<</S/JavaScript/JS(app.alert('${XSS_TOKEN}'))>>`), expect: 'refused' },
  { what: 'a PDF with an embedded file', filename: '合同.pdf', type: 'application/pdf', bytes: async () => pdf('/Names<</EmbeddedFiles<</Names[(a.exe)3 0 R]>>>>'), expect: 'refused' },
  { what: 'a PDF whose JavaScript action is named with #xx escapes', filename: '合同.pdf', type: 'application/pdf', bytes: async () => pdf(`/OpenAction<</S/#4A#61#76#61#53#63#72#69#70#74/JS(${XSS_TOKEN})>>`), expect: 'refused' },
  { what: 'an empty file', filename: '公示栏.jpg', type: 'image/jpeg', bytes: async () => Buffer.alloc(0), expect: 'refused' },
  { what: 'a file over 10 MB', filename: 'huge.jpg', type: 'image/jpeg', bytes: async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(ATTACHMENT_LIMITS.maxBytes + 1)]), expect: 'refused' },
  {
    what: 'a decompression bomb (20,000 × 20,000 pixels in a few KB)',
    filename: 'bomb.png',
    type: 'image/png',
    bytes: async () => {
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(20_000, 0);
      ihdr.writeUInt32BE(20_000, 4);
      ihdr.set([8, 0, 0, 0, 0], 8);
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(20_001 * 50))), pngChunk('IEND', Buffer.alloc(0))]);
    },
    expect: 'refused',
  },
  { what: 'a truncated JPEG', filename: 'IMG_0003.jpg', type: 'image/jpeg', bytes: async () => (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a00' } }).jpeg().toBuffer()).subarray(0, 120), expect: 'refused' },
  { what: 'a JPEG with a script and a zip appended (a polyglot)', filename: 'IMG_0004.jpg', type: 'image/jpeg', bytes: async () => Buffer.concat([await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).jpeg().toBuffer(), script, Buffer.from(zip([{ name: 'x.html', data: new Uint8Array(script) }]))]), expect: 'image/jpeg' },
  { what: 'a JPEG whose EXIF description is a script', filename: 'IMG_0005.jpg', type: 'image/jpeg', bytes: async () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#00a' } }).jpeg().withExif({ IFD0: { ImageDescription: `<script>${XSS_TOKEN}</script>`, Copyright: XSS_TOKEN } }).toBuffer(), expect: 'image/jpeg' },
  {
    what: 'a PNG with a text chunk holding a script',
    filename: 'scan.png',
    type: 'image/png',
    bytes: async () => {
      const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ccc' } }).png().toBuffer();
      // Insert a tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
      return Buffer.concat([image.subarray(0, 33), pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), script])), image.subarray(33)]);
    },
    expect: 'image/png',
  },
  { what: 'a PNG sent as image/jpeg (the claim is ignored)', filename: 'scan.jpg', type: 'image/jpeg', bytes: async () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#ddd' } }).png().toBuffer(), expect: 'image/png' },
  { what: 'a PDF with HTML and a script after %%EOF (a polyglot)', filename: '合同.pdf', type: 'application/pdf', bytes: async () => pdf('', `<html>${script.toString()}</html>\n`), expect: 'application/pdf' },
  { what: 'a good JPEG named ../../etc/passwd', filename: '../../etc/passwd', type: 'application/octet-stream', bytes: async () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#555' } }).jpeg().toBuffer(), expect: 'image/jpeg' },
  { what: 'a deflated zip inside a PDF stream', filename: '合同.pdf', type: 'application/pdf', bytes: async () => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n3 0 obj<</Length 40/Filter/FlateDecode>>stream\n${deflateRawSync(Buffer.alloc(1000)).toString('latin1')}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1'), expect: 'application/pdf' },
];

const MAGIC: Record<string, number[]> = { 'image/jpeg': [0xff, 0xd8, 0xff], 'image/png': [0x89, 0x50, 0x4e, 0x47], 'application/pdf': [0x25, 0x50, 0x44, 0x46] };

let harness: Harness;
let fixtures: StaffFixtures;
let liaisonId = '';
/** Entry lines of the draft, one per voucher upload (an entry takes at most five scans). */
const lines: number[] = [];
beforeAll(async () => {
  harness = await createHarness();
  fixtures = await createStaffFixtures(harness.test.db);
  liaisonId = await userIdOf(harness.test.db, 'qianying.jjwy');
  for (const [index] of UPLOADS.entries()) {
    const added = await addFundEntry(harness.test.db, null, { disclosureId: fixtures.draftId, entry: { entryDate: '2024-12-0' + ((index % 9) + 1), direction: 'expense', amountFen: 20_000 + index, subject: '管理费用', summary: `购买办公用品（${index + 1}）`, counterparty: '桑河镇文具店', voucherNo: `记-2024Q4-1${String(index).padStart(2, '0')}`, method: 'transfer' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    lines.push(added.value.lineNo);
  }
});
afterAll(async () => {
  console.info(`hostile uploads: ${harness?.sent} requests`);
  await harness?.test.dispose();
});

const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
const Report = page(() => import('../../src/pages/report/index.astro'));
const Entry = page(() => import('../../src/pages/staff/ledgers/[id]/entries/[line].astro'));
const DirectReport = page(() => import('../../src/pages/staff/direct-report/index.astro'));

/** The form of `url` as the page offers it, with a title and text that pass. */
async function formOf(view: Parameters<Harness['send']>[0], url: string, as?: string): Promise<Array<[string, string]>> {
  const got = await harness.send(view, { url, as });
  const form = formsOf(got.text).find((candidate) => candidate.files.length > 0)!;
  return pairsOf(form).map(([name, value]) => [name, ({ title: '村委会报销单据有问题', content: '村委会去年的报销单据里有几张是同一天同一家店开的，金额都是整数，怀疑虚开。', subjectName: '', itemCode: '', fundEntryId: '', phone: '13800138000' } as Record<string, string>)[name] ?? value]);
}

async function attachmentIds(): Promise<Set<string>> {
  return new Set((await harness.test.db.select({ id: attachments.id }).from(attachments)).map((row) => row.id));
}

/** Sends the upload through one form; returns what the portal kept of it (or nothing when refused). */
async function upload(target: 'report' | 'voucher' | 'direct', file: HostileUpload, index: number): Promise<Array<{ mime: string; bytes: Buffer }>> {
  const bytes = await file.bytes();
  const form = new FormData();
  let view: Parameters<Harness['send']>[0];
  let url: string;
  let as: string | undefined;
  let params: Record<string, string> = {};
  if (target === 'voucher') {
    view = await Entry();
    url = `/staff/ledgers/${fixtures.draftId}/entries/${lines[index]}`;
    params = { id: String(fixtures.draftId), line: String(lines[index]) };
    as = 'qianying.kj';
    form.append('action', 'add-voucher');
    form.append('file', new File([new Uint8Array(bytes)], file.filename, { type: file.type }));
  } else {
    view = target === 'report' ? await Report() : await DirectReport();
    as = target === 'direct' ? 'qianying.jjwy' : undefined;
    url = target === 'report' ? '/report' : '/staff/direct-report';
    for (const [name, value] of await formOf(view, target === 'report' ? '/report?county=990121000000' : url, as)) form.append(name, value);
    form.append('attachments', new File([new Uint8Array(bytes)], file.filename, { type: file.type }));
    directPointThrottle.reset('client', liaisonId);
  }
  if (as) await harness.signIn(as);
  const before = await harness.rowCounts();
  const known = await attachmentIds();
  const answer = await harness.send(view, { url, params, as, body: form });
  const label = `${file.what} → ${target}`;
  const refused = await expectSafeAnswer(answer, { label, before, harness, formPage: true });
  if (file.expect === 'refused') {
    expect(refused, `${label}: refused`).toBe(true);
    expect(answer.text, `${label}: says why`).toMatch(/文件|图片|PDF|上传|格式|损坏|空/);
    expect(changedTables(before, await harness.rowCounts())).toEqual({});
    return [];
  }
  expect(refused, `${label}: kept (${answer.status}) ${answer.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0]?.replace(/<[^>]*>/g, ' ') ?? ''}`).toBe(false);
  const fresh = [...(await attachmentIds())].filter((id) => !known.has(id));
  expect(fresh, `${label}: one file kept`).toHaveLength(1);
  return (await harness.test.db.select({ mime: attachments.mime, bytes: attachments.bytes }).from(attachments).where(inArray(attachments.id, fresh))).map((row) => ({ mime: row.mime, bytes: Buffer.from(row.bytes as Uint8Array) }));
}

describe('hostile files through every upload form', () => {
  for (const target of ['report', 'voucher', 'direct'] as const) {
    it.each(UPLOADS.map((file, index) => [file.what, file, index] as const))(`${target}: %s`, async (_what, file, index) => {
      const kept = await upload(target, file, index);
      for (const copy of kept) {
        expect(copy.mime).toBe(file.expect);
        expect([...copy.bytes.subarray(0, MAGIC[copy.mime]!.length)]).toEqual(MAGIC[copy.mime]);
        expect(copy.bytes.includes(TOKEN), 'nothing of the script survives the cleaning').toBe(false);
        expect(copy.bytes.includes(Buffer.from('PK\u0003\u0004')), 'nothing of the appended archive survives').toBe(false);
      }
    });
  }

  it('keeps every file in the database as one of the cleaned types, whatever its name said', async () => {
    // Uploads live in the attachments table (bytea, not a storage key), so no name can steer a path.
    const kept = await harness.test.db.select({ mime: attachments.mime }).from(attachments);
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.filter((entry) => !Object.keys(MAGIC).includes(entry.mime))).toEqual([]);
  });
});
