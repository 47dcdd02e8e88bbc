/**
 * Checking and cleaning uploaded files. The type is read from the content (magic bytes), never the
 * name or the browser's claim. Images are decoded and re-encoded, which drops EXIF, GPS and XMP
 * metadata and anything hidden after the image data (polyglots); a pixel limit stops decompression
 * bombs before decoding. PDFs are parsed, refused when they carry scripts, automatic actions or
 * embedded files, and written again without their metadata (pdf.ts). Videos are remuxed by ffmpeg
 * without any metadata (video.ts). Every cleaned file is `stripped`.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { cleanPdf } from './pdf.ts';
import { remuxVideo } from './video.ts';

export const ATTACHMENT_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  /** Short phone videos (complaints only): remuxed, not re-encoded, so capped lower than their natural size. */
  maxVideoBytes: 20 * 1024 * 1024,
  /** About a 6,300 × 6,300 image: any phone photo or scan, far below a bomb. */
  maxPixels: 40_000_000,
} as const;

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export type { CleanedBytes } from './cleaned.ts';

export type CleanedFile =
  | { ok: true; mime: string; bytes: Uint8Array; sha256: string; stripped: boolean }
  | { ok: false; message: string };

export async function cleanUpload(input: Uint8Array, options: { allowVideo?: boolean } = {}): Promise<CleanedFile> {
  if (input.byteLength === 0) return { ok: false, message: '文件是空的，请重新选择' };
  const maxBytes = options.allowVideo ? ATTACHMENT_LIMITS.maxVideoBytes : ATTACHMENT_LIMITS.maxBytes;
  if (input.byteLength > maxBytes) return { ok: false, message: `文件超过${maxBytes / 1024 / 1024}MB，请压缩后再上传` };
  const type = await fileTypeFromBuffer(input);
  if (!type) return { ok: false, message: '无法识别的文件，只能上传 JPG、PNG、WebP 图片或 PDF' };
  if (type.mime.startsWith('image/') && input.byteLength > ATTACHMENT_LIMITS.maxBytes) return { ok: false, message: '图片超过10MB，请压缩后再上传' };

  if (options.allowVideo && type.mime === 'video/mp4') {
    const video = await remuxVideo(input, maxBytes);
    return video.ok ? { ok: true, mime: type.mime, bytes: video.bytes, sha256: sha256(video.bytes), stripped: true } : video;
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
    const pdf = await cleanPdf(input);
    return pdf.ok ? { ok: true, mime: type.mime, bytes: pdf.bytes, sha256: sha256(pdf.bytes), stripped: true } : pdf;
  }

  return { ok: false, message: `不支持的文件类型（${type.ext}），只能上传 JPG、PNG、WebP 图片或 PDF` };
}

/** A file as a form sent it. The name is for messages only; it is never stored. */
export interface NamedUpload {
  bytes: Uint8Array;
  name: string;
}

/**
 * The files sent in one multipart field: the one place where pages read uploads. A browser sends a
 * part with no name and no bytes when nothing was chosen, and that part is left out. A chosen file
 * that is empty is kept, so that cleaning refuses it by name: dropping it would let the form go
 * through without the evidence the person meant to send.
 */
export async function uploadsFromForm(form: FormData, field: string): Promise<NamedUpload[]> {
  const files = form.getAll(field).filter((value): value is File => value instanceof File && !(value.name === '' && value.size === 0));
  return Promise.all(files.map(async (file) => ({ bytes: new Uint8Array(await file.arrayBuffer()), name: file.name })));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function extensionOf(mime: string): string {
  return { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf', 'video/mp4': 'mp4' }[mime] ?? 'bin';
}
