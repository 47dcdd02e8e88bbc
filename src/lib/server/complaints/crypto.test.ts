import { describe, expect, it } from 'vitest';
import { decryptBytes, decryptJson, encryptBytes, encryptJson } from './crypto.ts';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));

describe('sealing complaint secrets', () => {
  // Written by the two separate AES-GCM pairs this module had before they became one; values
  // stored by them (identities, sealed receipts, kept originals) must keep opening.
  it('opens values sealed by the earlier code, byte for byte the same layout', () => {
    expect(decryptJson(key, 'aR4Fd+Sg4IzqCQA7G7AX9UZM5+7DWkIUFdGxz7Qta1NR/P7+CCyzahyk2dOlFjCJ/A1dvBg9aCoHHswq+PHGh9cC+ZZmZQ==')).toEqual({ name: '王桂兰', phone: '13700001111' });
    const original = decryptBytes(key, Buffer.from('yZloNiZx8UNfEH3BaCRkm3O0EkHoQFiTezFOmfDzx5vHmuTW+KwCVMJOCrRu', 'base64'));
    expect(new TextDecoder().decode(original)).toBe('原图：GPS 39.9');
  });

  it('seals JSON as the base64 of the sealed bytes', () => {
    const sealed = encryptJson(key, '1234567890123456');
    expect(decryptJson(key, sealed)).toBe('1234567890123456');
    expect(new TextDecoder().decode(decryptBytes(key, Buffer.from(sealed, 'base64')))).toBe('"1234567890123456"');
    expect(encryptJson(key, 'x')).not.toBe(encryptJson(key, 'x')); // a fresh iv each time
  });

  it('refuses a value that was changed or sealed under another key', () => {
    const sealed = encryptBytes(key, new TextEncoder().encode('实名信息'));
    const tampered = new Uint8Array(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptBytes(key, tampered)).toThrow();
    expect(() => decryptBytes(Buffer.alloc(32, 7), sealed)).toThrow();
  });
});
