/**
 * What the PDF and video cleaners give back. Its own module so pdf.ts and video.ts do not import
 * index.ts, which imports them.
 */
export type CleanedBytes = { ok: true; bytes: Uint8Array } | { ok: false; message: string };
