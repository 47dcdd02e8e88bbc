/**
 * Secrets around complaints: AES-256-GCM for real-name details, a keyed hash for receipt codes,
 * and the 16-digit receipt itself (about 53 bits from the system's CSPRNG; guessing is also rate
 * limited at the tracking page).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';

export function generateReceipt(): string {
  let receipt = '';
  for (let i = 0; i < 16; i++) receipt += String(randomInt(0, 10));
  return receipt;
}

/** Normalises what people type (spaces, dashes, full-width digits) to the 16 digits, or null. */
export function normaliseReceipt(input: string | null | undefined): string | null {
  const digits = (input ?? '').normalize('NFKC').replace(/[\s-]/g, '');
  return /^\d{16}$/.test(digits) ? digits : null;
}

export function receiptHmac(key: Buffer, receipt: string): string {
  return createHmac('sha256', key).update(receipt).digest('hex');
}

/** "1234 5678 9012 3456": easier to copy down by hand. */
export function formatReceipt(receipt: string): string {
  return receipt.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The key a browser-held idempotency key is stored under, and the key its receipt is sealed with. */
export function submissionKeys(idempotencyKey: string): { keyHash: string; sealKey: Buffer } {
  return {
    keyHash: createHash('sha256').update(`id:${idempotencyKey}`).digest('hex'),
    sealKey: createHash('sha256').update(`seal:${idempotencyKey}`).digest(),
  };
}

/**
 * AES-256-GCM, the one sealing of the complaint side: iv (12 bytes) | tag (16) | ciphertext. Kept
 * originals of attachments are stored as these bytes; real-name details and sealed receipts as
 * their base64 (`encryptJson`), so both kinds of stored value have the same layout.
 */
export function encryptBytes(key: Buffer, bytes: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), ciphertext]));
}

export function decryptBytes(key: Buffer, sealed: Uint8Array): Uint8Array {
  const data = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(12, 28));
  return new Uint8Array(Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]));
}

/** A JSON value sealed with `encryptBytes`, as base64 text (for text columns). */
export function encryptJson(key: Buffer, value: unknown): string {
  return Buffer.from(encryptBytes(key, Buffer.from(JSON.stringify(value), 'utf8'))).toString('base64');
}

export function decryptJson<T>(key: Buffer, encoded: string): T {
  return JSON.parse(Buffer.from(decryptBytes(key, Buffer.from(encoded, 'base64'))).toString('utf8')) as T;
}
