import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { ATTACHMENT_LIMITS, cleanUpload, uploadsFromForm } from './index.ts';

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
    .toBuffer();
}

describe('cleaning uploads', () => {
  it('re-encodes a photo and drops its EXIF and GPS data', async () => {
    const original = await jpegWithGps();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const cleaned = await cleanUpload(new Uint8Array(original));
    expect(cleaned.ok).toBe(true);
    if (!cleaned.ok) return;
    expect(cleaned.mime).toBe('image/jpeg');
    expect(cleaned.stripped).toBe(true);
    const meta = await sharp(Buffer.from(cleaned.bytes)).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(Buffer.from(cleaned.bytes).includes(Buffer.from('TestPhone'))).toBe(false);
    expect(meta.width).toBe(64);
  });

  it('decides the type by content, not by name: text named .jpg is refused', async () => {
    const result = await cleanUpload(new TextEncoder().encode('这不是图片，只是文字'));
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/无法识别/) });
  });

  it('refuses empty, oversized, corrupt and unsupported files', async () => {
    expect((await cleanUpload(new Uint8Array())).ok).toBe(false);
    const big = new Uint8Array(ATTACHMENT_LIMITS.maxBytes + 1);
    expect(await cleanUpload(big)).toMatchObject({ ok: false, message: expect.stringMatching(/10MB/) });
    const jpeg = await jpegWithGps();
    const truncated = await cleanUpload(new Uint8Array(jpeg.subarray(0, 40)));
    expect(truncated).toMatchObject({ ok: false, message: expect.stringMatching(/损坏/) });
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer();
    expect(await cleanUpload(new Uint8Array(gif))).toMatchObject({ ok: false, message: expect.stringMatching(/不支持/) });
  });

  it('refuses a decompression bomb before decoding it', async () => {
    // A few hundred bytes claiming 20,000 × 20,000 pixels: signature, IHDR, a compressed IDAT, IEND.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(20_001 * 50))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(bomb.byteLength).toBeLessThan(ATTACHMENT_LIMITS.maxBytes);
    expect(await cleanUpload(new Uint8Array(bomb))).toMatchObject({ ok: false, message: expect.stringMatching(/尺寸过大/) });
  });

  it('strips what a polyglot hides after the image', async () => {
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer();
    const polyglot = Buffer.concat([image, Buffer.from('PK\u0003\u0004<script>alert(1)</script>')]);
    const cleaned = await cleanUpload(new Uint8Array(polyglot));
    expect(cleaned.ok).toBe(true);
    if (cleaned.ok) expect(Buffer.from(cleaned.bytes).includes(Buffer.from('<script>'))).toBe(false);
  });

  it('keeps a plain PDF and refuses one with JavaScript', async () => {
    const pdf = (body: string) => new TextEncoder().encode(`%PDF-1.4\n1 0 obj<</Type/Catalog${body}>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
    const plain = await cleanUpload(pdf(''));
    expect(plain).toMatchObject({ ok: true, mime: 'application/pdf', stripped: true });
    expect(await cleanUpload(pdf('/OpenAction<</S/JavaScript/JS(app.alert(1))>>'))).toMatchObject({ ok: false, message: expect.stringMatching(/脚本/) });
  });
});

describe('files sent with a form', () => {
  it('leaves out the empty part a browser sends when no file was chosen, and keeps a chosen empty file', async () => {
    const photo = await jpegWithGps();
    const form = new FormData();
    form.append('attachments', new File([], '', { type: 'application/octet-stream' })); // nothing chosen
    form.append('attachments', new File([new Uint8Array(photo)], 'IMG_0412.jpg', { type: 'image/jpeg' }));
    form.append('attachments', new File([], '村委会公示栏.jpg', { type: 'image/jpeg' })); // chosen, but 0 bytes
    form.append('title', '不是文件');
    const uploads = await uploadsFromForm(form, 'attachments');
    expect(uploads.map((upload) => [upload.name, upload.bytes.byteLength])).toEqual([
      ['IMG_0412.jpg', photo.byteLength],
      ['村委会公示栏.jpg', 0],
    ]);
    expect(await cleanUpload(uploads[1]!.bytes)).toEqual({ ok: false, message: expect.stringMatching(/空/) });
  });
});
