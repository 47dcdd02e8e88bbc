import { describe, expect, it } from 'vitest';
import {
  COSIGNATURE_V1,
  ED25519,
  formatCheckpoint,
  formatPrivateKey,
  formatVkey,
  NoteError,
  noteSigner,
  parseCheckpoint,
  parseNote,
  parsePrivateKey,
  parseVkey,
  signedNote,
  verifyNote,
} from './note.ts';

// golang.org/x/mod/sumdb/note's example: its key pair and the note it signs (Ed25519 is
// deterministic, so signing the text again must give the same line byte for byte).
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';

// A real checkpoint of a CT log, signed by the log (types 0x05 and 0x01) and cosigned by four
// witnesses (type 0x04); the vkeys are those its operators publish.
const REAL_CHECKPOINT = `arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
`;
const REAL_LOG_VKEY = 'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
const REAL_WITNESS_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.problem;
    throw error;
  }
  return 'none';
};

describe('signed notes', () => {
  it('signs and verifies as golang.org/x/mod/sumdb/note does', () => {
    const signer = parsePrivateKey(GO_SKEY);
    expect(formatVkey(signer.key)).toBe(GO_VKEY);
    expect(signer.sign(GO_TEXT)).toBe(GO_LINE);
    expect(formatPrivateKey('PeterNeumann', Buffer.from(GO_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1), ED25519)).toBe(GO_SKEY);
    const note = signedNote(GO_TEXT, [GO_LINE]);
    expect(verifyNote(note, [parseVkey(GO_VKEY)]).body).toBe(GO_TEXT);
    expect(problemOf(() => verifyNote(note.replace('cryptography', 'cryptographY'), [parseVkey(GO_VKEY)]))).toBe('bad-signature');
  });

  it('verifies a real witnessed checkpoint: the log’s signature and a cosignature/v1, ignoring keys it does not know', () => {
    const { body, verified, signatures } = verifyNote(REAL_CHECKPOINT, [parseVkey(REAL_LOG_VKEY), parseVkey(REAL_WITNESS_VKEY)]);
    expect(signatures).toHaveLength(6);
    expect(verified.map((v) => v.key.name)).toEqual(['arche2025h1.staging.ct.transparency.dev', 'remora.n621.de']);
    expect(verified[1]!.timestamp).toBeGreaterThan(1_700_000_000);
    expect(parseCheckpoint(body)).toMatchObject({ origin: 'arche2025h1.staging.ct.transparency.dev', size: 1432088532 });
    // Another tree size under the same signatures: every known signature fails.
    expect(problemOf(() => verifyNote(REAL_CHECKPOINT.replace('1432088532', '1432088533'), [parseVkey(REAL_WITNESS_VKEY)]))).toBe('bad-signature');
  });

  it('cosigns with a timestamp the signature covers', () => {
    const witness = noteSigner('nongye.sanghe.example/witness', Buffer.alloc(32, 7), COSIGNATURE_V1);
    expect(formatVkey(witness.key)).toMatch(/^nongye\.sanghe\.example\/witness\+[0-9a-f]{8}\+B/); // 0x04 starts the key material: base64 B
    const body = formatCheckpoint({ origin: 'yidiantong.example/ledgers', size: 24, rootHash: Buffer.alloc(32, 1) });
    const line = witness.sign(body, new Date('2026-11-26T08:00:00Z'));
    const [verified] = verifyNote(signedNote(body, [line]), [witness.key]).verified;
    expect(verified!.timestamp).toBe(Date.parse('2026-11-26T08:00:00Z') / 1000);
    // The same bytes moved to another time no longer verify.
    const bytes = Buffer.from(line.split(' ').at(-1)!, 'base64');
    bytes.writeBigUInt64BE(BigInt(Date.parse('2026-11-27T08:00:00Z') / 1000), 4);
    const moved = `— nongye.sanghe.example/witness ${bytes.toString('base64')}`;
    expect(problemOf(() => verifyNote(signedNote(body, [moved]), [witness.key]))).toBe('bad-signature');
    // A plain Ed25519 key of the same seed and name is another key: its id differs, so it is not asked.
    const plain = noteSigner('nongye.sanghe.example/witness', Buffer.alloc(32, 7), ED25519);
    expect(plain.key.keyId.equals(witness.key.keyId)).toBe(false);
    expect(problemOf(() => verifyNote(signedNote(body, [line]), [plain.key]))).toBe('unsigned');
  });

  it('refuses a note no known key signed, and malformed notes', () => {
    const log = noteSigner('yidiantong.example/ledgers', Buffer.alloc(32, 3), ED25519);
    const stranger = noteSigner('yidiantong.example/ledgers', Buffer.alloc(32, 4), ED25519);
    const body = formatCheckpoint({ origin: 'yidiantong.example/ledgers', size: 0, rootHash: Buffer.alloc(32) });
    expect(problemOf(() => verifyNote(signedNote(body, [stranger.sign(body)]), [log.key]))).toBe('unsigned');
    for (const text of [
      body, // no signatures
      `${body}\n`, // a blank line and nothing after it
      `${signedNote(body, [log.sign(body)])}`.slice(0, -1), // no final newline
      signedNote(body, [log.sign(body)]).replace('\n\n', '\r\n\n'),
      signedNote(body, [log.sign(body).replace('— ', '-- ')]),
      signedNote(body, [`${log.sign(body)}=`]), // not canonical base64
      signedNote(body, [log.sign(body).replace('ledgers ', 'led+gers ')]),
      signedNote(body, Array.from({ length: 40 }, () => log.sign(body))),
      'x'.repeat(20_000),
    ]) {
      expect(problemOf(() => parseNote(text)), JSON.stringify(text.slice(0, 60))).toBe('malformed');
    }
  });

  it('reads and refuses verifier keys', () => {
    // A vkey whose base64 contains a plus sign (transparency-dev/formats' test key).
    expect(parseVkey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
    for (const bad of [
      GO_VKEY.replace('c74f20a3', 'c74f20a4'), // id of another key
      GO_VKEY.replace('+ARpc', '+AhRpc'),
      'PeterNeumann+c74f20a3',
      `Peter Neumann+c74f20a3+${GO_VKEY.split('+')[2]}`,
      GO_VKEY.replace('+ARpc', '+Apc2'), // type 0x02 (ECDSA) is not read here
    ]) {
      expect(problemOf(() => parseVkey(bad)), bad).toBe('bad-key');
    }
    expect(problemOf(() => parsePrivateKey(GO_SKEY.replace('c74f20a3', '00000000')))).toBe('bad-key');
  });

  it('reads exactly the three checkpoint lines', () => {
    const root = Buffer.alloc(32, 9);
    expect(parseCheckpoint(formatCheckpoint({ origin: 'yidiantong.example/ledgers', size: 24, rootHash: root }))).toEqual({ origin: 'yidiantong.example/ledgers', size: 24, rootHash: root });
    for (const body of [
      'yidiantong.example/ledgers\n024\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n',
      'yidiantong.example/ledgers\n-1\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n',
      'yidiantong.example/ledgers\n24\nCQkJ\n',
      'yidiantong.example/ledgers\n24\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\nextension\n',
      'yidiantong.example/ledgers\n24\n',
      '\n24\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n',
    ]) {
      expect(problemOf(() => parseCheckpoint(body)), body).toBe('not-checkpoint');
    }
  });
});
