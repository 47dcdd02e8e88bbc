/**
 * PDFs are read with a real parser (@cantoo/pdf-lib, the maintained fork of pdf-lib; see README)
 * rather than searched as text: names may be written with #xx escapes (`/Java#53cript`) and
 * objects may sit compressed inside object streams, and viewers read both. Every object is walked
 * and a file carrying scripts, automatic actions, form submission or embedded files is refused, as
 * is any file that does not parse or is encrypted (its objects cannot be inspected).
 *
 * A PDF that passes is written again from the parsed objects, so the stored file holds exactly what
 * was checked: objects a viewer might find elsewhere in the original bytes (a second copy of an
 * object number, an object hidden in stream data and pointed at by an old cross-reference table)
 * do not survive. The document information (author, title, producer) and XMP metadata are left
 * out, as a photo's EXIF is.
 */
import { inflateSync, constants as zlib } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFInvalidObject,
  PDFName,
  PDFObjectStreamParser,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFXRefStreamParser,
  type PDFContext,
  type PDFObject,
} from '@cantoo/pdf-lib';
import type { CleanedBytes } from './cleaned.ts';

const PDF_MESSAGES = {
  unreadable: 'PDF 文件已损坏或结构无法检查，请用“打印为PDF”或“另存为PDF”重新保存后再上传',
  encrypted: 'PDF 设有密码或权限限制，无法检查其内容，请去掉密码（或用“打印为PDF”另存）后再上传',
  active: 'PDF 含有脚本、自动执行的操作或嵌入文件，请用“打印为PDF”另存后再上传',
} as const;

/**
 * Names that make a PDF do something when opened or clicked beyond showing pages and following a
 * link: scripts (JS, JavaScript, and Rendition actions, which may carry one), launching programs,
 * actions run on events (AA), sending or importing form data, embedded files (EF is what a
 * file specification embeds through; the /Type of the file stream is optional), rich media, XFA.
 * An /OpenAction is refused through its action: opening at a page passes, a script does not.
 */
const ACTIVE_NAMES = new Set(['JS', 'JavaScript', 'Rendition', 'Launch', 'AA', 'SubmitForm', 'ImportData', 'EmbeddedFile', 'EmbeddedFiles', 'EF', 'FileAttachment', 'GoToE', 'XFA']);
const isActive = (name: string) => ACTIVE_NAMES.has(name) || name.startsWith('RichMedia');

/**
 * The parser inflates object and cross-reference streams while reading; a few kilobytes can
 * inflate to gigabytes. Both stream parsers are wrapped once so that a document gets a budget:
 * streams are inflated by zlib with an output limit first, and only Flate (the filter every
 * writer uses for these streams) is accepted there.
 */
const INFLATE_BUDGET_BYTES = 64 * 1024 * 1024;
const inflated = new WeakMap<PDFContext, number>();

function withinBudget(stream: PDFRawStream): void {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  if (filters.length > 1 || (filters[0] && filters[0] !== PDFName.of('FlateDecode'))) throw new Error('unexpected filter on an object stream');
  const used = inflated.get(stream.dict.context) ?? 0;
  const size = filters.length === 0 ? stream.contents.length : inflateSync(stream.contents, { maxOutputLength: Math.max(1, INFLATE_BUDGET_BYTES - used), finishFlush: zlib.Z_SYNC_FLUSH }).length;
  inflated.set(stream.dict.context, used + size);
}

for (const Parser of [PDFObjectStreamParser, PDFXRefStreamParser] as Array<{ forStream: (stream: PDFRawStream, ...rest: never[]) => unknown }>) {
  const original = Parser.forStream;
  Parser.forStream = (stream, ...rest) => {
    withinBudget(stream);
    return original(stream, ...rest);
  };
}

/** Every name used as a key or value anywhere in these objects, #xx escapes decoded by the parser. */
function* namesIn(roots: Iterable<PDFObject>): Generator<string | null> {
  const pending = [...roots];
  while (pending.length > 0) {
    const object = pending.pop()!;
    if (object instanceof PDFName) yield object.decodeText();
    else if (object instanceof PDFDict) {
      for (const [key, value] of object.entries()) {
        yield key.decodeText();
        pending.push(value);
      }
    } else if (object instanceof PDFArray) pending.push(...object.asArray());
    else if (object instanceof PDFStream) pending.push(object.dict);
    else if (object instanceof PDFInvalidObject) yield null;
  }
}

const isStreamOfType = (object: PDFObject, type: string) => object instanceof PDFRawStream && object.dict.lookup(PDFName.of('Type')) === PDFName.of(type);

/** Leaves out the document information dictionary and every XMP stream, and the spent container streams. */
function dropMetadata(context: PDFContext): void {
  const info = context.trailerInfo.Info;
  if (info instanceof PDFRef) context.delete(info);
  delete context.trailerInfo.Info;
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    if (isStreamOfType(object, 'ObjStm') || isStreamOfType(object, 'XRef')) context.delete(ref);
    const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : undefined;
    const metadata = dict?.get(PDFName.of('Metadata'));
    if (!dict || !metadata) continue;
    if (metadata instanceof PDFRef) context.delete(metadata);
    dict.delete(PDFName.of('Metadata'));
  }
}

export async function cleanPdf(input: Uint8Array): Promise<CleanedBytes> {
  const mentionsEncryption = Buffer.from(input.buffer, input.byteOffset, input.byteLength).includes('/Encrypt');
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(input, { throwOnInvalidObject: true, updateMetadata: false, capNumbers: true });
  } catch (error) {
    if ((error as Error).name === 'EncryptedPDFError' || mentionsEncryption) return { ok: false, message: PDF_MESSAGES.encrypted };
    return { ok: false, message: PDF_MESSAGES.unreadable };
  }
  const { context } = document;
  if (document.isEncrypted || context.trailerInfo.Encrypt) return { ok: false, message: PDF_MESSAGES.encrypted };
  if (!(context.lookup(context.trailerInfo.Root) instanceof PDFDict)) return { ok: false, message: PDF_MESSAGES.unreadable };

  const roots = [...context.enumerateIndirectObjects().map(([, object]) => object), context.lookup(context.trailerInfo.Root)!];
  for (const name of namesIn(roots)) {
    if (name === null) return { ok: false, message: PDF_MESSAGES.unreadable };
    if (isActive(name)) return { ok: false, message: PDF_MESSAGES.active };
  }

  try {
    dropMetadata(context);
    const bytes = await document.save({ rewrite: true, addDefaultPage: false, updateFieldAppearances: false });
    return { ok: true, bytes };
  } catch {
    return { ok: false, message: PDF_MESSAGES.unreadable };
  }
}
