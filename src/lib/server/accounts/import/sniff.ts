/**
 * What the uploaded bytes are. The format is decided by the content, never by the file name: an
 * XLSX is a zip, anything else must be CSV text in UTF-8 or GBK. Files that are neither are named
 * (a PDF, an old .xls, an HTML page saved as "xls"...) so the person knows what to save instead.
 */
import { unsupportedMessage } from './issues.ts';

export type Sniffed = { format: 'xlsx' } | { format: 'csv' } | { format: 'unsupported'; description: string | null };

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.byteLength >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export function sniffFormat(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { format: 'xlsx' };
  const known: Array<[readonly number[], string]> = [
    [[0x25, 0x50, 0x44, 0x46, 0x2d], '这是 PDF 文件'],
    [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], '这是旧版 Excel（.xls）、WPS 表格（.et）或设置了密码的 Office 文件'],
    [[0x50, 0x4b, 0x05, 0x06], '这是一个空的压缩包'],
    [[0x50, 0x4b], '这是压缩包，但不是有效的 Excel 工作簿'],
    [[0x1f, 0x8b], '这是压缩文件（gzip）'],
    [[0x52, 0x61, 0x72, 0x21], '这是压缩文件（RAR）'],
    [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '这是压缩文件（7z）'],
    [[0x89, 0x50, 0x4e, 0x47], '这是图片（PNG）'],
    [[0xff, 0xd8, 0xff], '这是图片（JPEG）'],
    [[0x47, 0x49, 0x46, 0x38], '这是图片（GIF）'],
    [[0x7b, 0x5c, 0x72, 0x74, 0x66], '这是 RTF 文档'],
    [[0xff, 0xfe], '这是 UTF-16 编码的文本（Excel 的“Unicode 文本”）'],
    [[0xfe, 0xff], '这是 UTF-16 编码的文本'],
  ];
  for (const [signature, description] of known) {
    if (startsWith(bytes, signature)) return { format: 'unsupported', description };
  }
  // Text has no NUL bytes and hardly any other control characters (a stray one pasted into a
  // cell is reported on its row by the row checks).
  let controls = 0;
  for (let index = 0; index < bytes.byteLength; index++) {
    const byte = bytes[index] ?? 0;
    if (byte === 0) return { format: 'unsupported', description: '文件内容不是文本，也不是 Excel 工作簿' };
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) controls++;
  }
  if (controls > Math.max(4, bytes.byteLength / 200)) {
    return { format: 'unsupported', description: '文件内容不是文本，也不是 Excel 工作簿' };
  }
  // Financial software often exports "xls" files that are really HTML or XML.
  let start = startsWith(bytes, UTF8_BOM) ? 3 : 0;
  while (start < bytes.byteLength && (bytes[start] === 0x20 || bytes[start] === 0x09 || bytes[start] === 0x0a || bytes[start] === 0x0d)) {
    start++;
  }
  if (bytes[start] === 0x3c) {
    return { format: 'unsupported', description: '这是网页（HTML）或 XML 文件，不是真正的 Excel 工作簿' };
  }
  return { format: 'csv' };
}

/** CSV text: UTF-8 (with or without BOM), else GBK; `name` is for messages only. */
export function decodeText(bytes: Uint8Array, name: string): { ok: true; text: string } | { ok: false; message: string } {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  if (startsWith(bytes, UTF8_BOM)) {
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      return {
        ok: false,
        message: `“${name}”标明是 UTF-8 编码，但其中有无法识别的字符（文件可能已损坏或混用了编码）。请重新另存为“CSV UTF-8（逗号分隔）”后上传。`,
      };
    }
  }
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    // Not UTF-8: what Chinese Excel and WPS write by default ("CSV（逗号分隔）") is GBK.
  }
  try {
    return { ok: true, text: new TextDecoder('gbk', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: unsupportedMessage(name, '文件既不是 UTF-8 也不是 GBK 编码的文本') };
  }
}
