/**
 * Checking and cleaning uploaded files. The type is read from the content (magic bytes), never the
 * name or the browser's claim. Images are decoded and re-encoded, which drops EXIF, GPS and XMP
 * metadata and anything hidden after the image data (polyglots); a pixel limit stops decompression
 * bombs before decoding. PDFs are kept as uploaded but refused when they carry scripts, launch
 * actions or embedded files.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';

export const ATTACHMENT_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  /** Short phone videos (complaints only): kept as uploaded, so capped lower than their natural size. */
  maxVideoBytes: 20 * 1024 * 1024,
  /** About a 6,300 × 6,300 image: any phone photo or scan, far below a bomb. */
  maxPixels: 40_000_000,
} as const;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export type CleanedFile =
  | { ok: true; mime: string; bytes: Uint8Array; sha256: string; stripped: boolean }
  | { ok: false; message: string };

const PDF_ACTIVE_CONTENT = /\/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b/;

export async function cleanUpload(input: Uint8Array, options: { allowVideo?: boolean } = {}): Promise<CleanedFile> {
  if (input.byteLength === 0) return { ok: false, message: '文件是空的，请重新选择' };
  const maxBytes = options.allowVideo ? ATTACHMENT_LIMITS.maxVideoBytes : ATTACHMENT_LIMITS.maxBytes;
  if (input.byteLength > maxBytes) return { ok: false, message: `文件超过${maxBytes / 1024 / 1024}MB，请压缩后再上传` };
  const type = await fileTypeFromBuffer(input);
  if (!type) return { ok: false, message: '无法识别的文件，只能上传 JPG、PNG、WebP 图片或 PDF' };
  if (type.mime.startsWith('image/') && input.byteLength > ATTACHMENT_LIMITS.maxBytes) return { ok: false, message: '图片超过10MB，请压缩后再上传' };

  if (options.allowVideo && type.mime === 'video/mp4') {
    // Videos are kept as recorded (no re-encoder here); the form says so.
    return { ok: true, mime: type.mime, bytes: input, sha256: sha256(input), stripped: false };
  }

  if (IMAGE_TYPES.has(type.mime)) {
    try {
      const image = sharp(input, { limitInputPixels: ATTACHMENT_LIMITS.maxPixels, failOn: 'error' }).rotate();
      const output =
        type.mime === 'image/png' ? await image.png().toBuffer() : type.mime === 'image/webp' ? await image.webp({ quality: 85 }).toBuffer() : await image.jpeg({ quality: 85, mozjpeg: true }).toBuffer();
      return { ok: true, mime: type.mime, bytes: new Uint8Array(output), sha256: sha256(output), stripped: true };
    } catch (error) {
      const message = String((error as Error).message);
      if (/pixel limit/i.test(message)) return { ok: false, message: '图片尺寸过大（超过4000万像素），请缩小后再上传' };
      return { ok: false, message: '图片已损坏或无法读取，请重新拍摄或导出后再上传' };
    }
  }

  if (type.mime === 'application/pdf') {
    const text = Buffer.from(input).toString('latin1');
    if (!text.startsWith('%PDF-') || !text.slice(-1024).includes('%%EOF')) return { ok: false, message: 'PDF 文件不完整或已损坏' };
    if (PDF_ACTIVE_CONTENT.test(text)) return { ok: false, message: 'PDF 含有脚本或嵌入文件，请用“打印为PDF”另存后再上传' };
    return { ok: true, mime: type.mime, bytes: input, sha256: sha256(input), stripped: false };
  }

  return { ok: false, message: `不支持的文件类型（${type.ext}），只能上传 JPG、PNG、WebP 图片或 PDF` };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function extensionOf(mime: string): string {
  return { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf', 'video/mp4': 'mp4' }[mime] ?? 'bin';
}
