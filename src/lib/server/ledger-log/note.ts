/**
 * Signed notes and checkpoints as transparency logs write them (c2sp.org/signed-note,
 * c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature), so that any tool of that ecosystem can read
 * what the portal publishes and what its witnesses sign:
 *
 *   yidiantong.example/ledgers          ← origin: the log's name, also its key's name
 *   24                                  ← tree size: published periods in the log
 *   ZkZ0…=                              ← base64 RFC 6962 root hash
 *                                       ← blank line
 *   — yidiantong.example/ledgers <base64(key id ‖ Ed25519 signature)>
 *   — nongye.sanghe.example/witness <base64(key id ‖ timestamp ‖ Ed25519 signature)>
 *
 * The log signs with a plain Ed25519 note signature (type 0x01); a witness adds a cosignature/v1
 * (type 0x04), which signs "cosignature/v1\ntime <unix seconds>\n" before the body, so its line
 * says when the witness vouched for it. Key id = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4].
 * Keys travel as vkeys, `<name>+<hex key id>+<base64(type ‖ public key)>`.
 *
 * Pure: no database, no configuration. node:crypto's Ed25519 does the signing.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { HASH_BYTES } from './merkle.ts';

export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof ED25519 | typeof COSIGNATURE_V1;

/** Far above what a checkpoint with a few cosignatures needs; the spec asks verifiers to bound notes. */
export const MAX_NOTE_BYTES = 16 * 1024;
const MAX_SIGNATURES = 32;

/** What is wrong with a note or key, as a code the callers turn into words (witness.ts, the CLI). */
export type NoteProblem = 'malformed' | 'unsigned' | 'bad-signature' | 'bad-key' | 'not-checkpoint';

export class NoteError extends Error {
  readonly problem: NoteProblem;
  constructor(problem: NoteProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface NoteKey {
  name: string;
  type: SignatureType;
  publicKey: Buffer;
  keyId: Buffer;
}

/** A key name: non-empty, no Unicode space, no plus sign (signed-note §Format), and no control character. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && name.length <= 256 && !/[\s+\u0000-\u001f\u007f]/u.test(name);
}

export function keyIdOf(name: string, type: SignatureType, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, type])).update(publicKey).digest().subarray(0, 4);
}

function noteKey(name: string, type: SignatureType, publicKey: Buffer): NoteKey {
  if (!isKeyName(name)) throw new NoteError('bad-key', `not a usable key name: ${JSON.stringify(name)}`);
  return { name, type, publicKey, keyId: keyIdOf(name, type, publicKey) };
}

/** Standard base64 that decodes and encodes back to itself (no stray characters, no other padding). */
function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function formatVkey(key: NoteKey): string {
  return `${key.name}+${key.keyId.toString('hex')}+${Buffer.concat([Buffer.from([key.type]), key.publicKey]).toString('base64')}`;
}

export function parseVkey(text: string): NoteKey {
  const parts = text.trim().split('+');
  // The base64 may itself contain plus signs: name and key id are the first two fields.
  const [name, id, ...rest] = parts;
  const material = strictBase64(rest.join('+'));
  if (!name || !id || !/^[0-9a-f]{8}$/.test(id) || !material || material.length !== 33) throw new NoteError('bad-key', 'a verifier key reads <name>+<8 hex digits>+<base64 of type byte and 32-byte Ed25519 key>');
  const type = material[0];
  if (type !== ED25519 && type !== COSIGNATURE_V1) throw new NoteError('bad-key', `verifier key type 0x${(type ?? 0).toString(16)} is not Ed25519 (0x01) or an Ed25519 cosignature (0x04)`);
  const key = noteKey(name, type, material.subarray(1));
  if (key.keyId.toString('hex') !== id) throw new NoteError('bad-key', `the key id ${id} does not match the key (expected ${key.keyId.toString('hex')})`);
  return key;
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function privateKeyOf(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new NoteError('bad-key', 'an Ed25519 private key is a 32-byte seed');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyOf(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
}

function ed25519Verify(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, message, createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

export interface NoteSigner {
  key: NoteKey;
  /** One signature line for `body` (without its newline). A cosigner stamps it with `now`. */
  sign(body: string, now?: Date): string;
}

function cosignedMessage(body: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`, 'utf8');
}

/** A signer for `name` from a 32-byte Ed25519 seed: the log's (type 0x01) or a witness's cosigner (0x04). */
export function noteSigner(name: string, seed: Uint8Array, type: SignatureType): NoteSigner {
  const privateKey = privateKeyOf(seed);
  const key = noteKey(name, type, publicKeyOf(privateKey));
  return {
    key,
    sign(body, now = new Date()) {
      let bytes: Buffer;
      if (type === ED25519) {
        bytes = Buffer.concat([key.keyId, sign(null, Buffer.from(body, 'utf8'), privateKey)]);
      } else {
        const timestamp = BigInt(Math.floor(now.getTime() / 1000));
        const stamp = Buffer.alloc(8);
        stamp.writeBigUInt64BE(timestamp);
        bytes = Buffer.concat([key.keyId, stamp, sign(null, cosignedMessage(body, timestamp), privateKey)]);
      }
      return `— ${name} ${bytes.toString('base64')}`;
    },
  };
}

/**
 * A private key as a file holds it, in the form of golang.org/x/mod/sumdb/note (so the name travels
 * with the key): `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ 32-byte seed)>`.
 */
export function formatPrivateKey(name: string, seed: Uint8Array, type: SignatureType): string {
  const { key } = noteSigner(name, seed, type);
  return `PRIVATE+KEY+${name}+${key.keyId.toString('hex')}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

export function parsePrivateKey(text: string): NoteSigner {
  const parts = text.trim().split('+');
  const [tag1, tag2, name, id, ...rest] = parts;
  const material = strictBase64(rest.join('+'));
  if (tag1 !== 'PRIVATE' || tag2 !== 'KEY' || !name || !id || !material || material.length !== 33) {
    throw new NoteError('bad-key', 'a private key file reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 of type byte and 32-byte seed>');
  }
  const type = material[0];
  if (type !== ED25519 && type !== COSIGNATURE_V1) throw new NoteError('bad-key', `private key type 0x${(type ?? 0).toString(16)} is not supported`);
  const signer = noteSigner(name, material.subarray(1), type);
  if (signer.key.keyId.toString('hex') !== id) throw new NoteError('bad-key', 'the key id in the private key file does not match the key');
  return signer;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** The bytes after the key id. */
  signature: Buffer;
  line: string;
}

export interface ParsedNote {
  /** The text signed, ending in a newline. */
  body: string;
  signatures: NoteSignature[];
}

export function parseNote(text: string): ParsedNote {
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES) throw new NoteError('malformed', `a note is at most ${MAX_NOTE_BYTES} bytes`);
  if (text.includes('\uFFFD') || /[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('malformed', 'a note is UTF-8 text without control characters other than newline');
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'a note ends with a newline');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'a note has a blank line between its text and its signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed', `a note has at most ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const match = /^— (\S+) (\S+)$/u.exec(line);
    const bytes = match ? strictBase64(match[2]!) : undefined;
    if (!match || !isKeyName(match[1]!) || !bytes || bytes.length < 5) throw new NoteError('malformed', `not a signature line: ${JSON.stringify(line.slice(0, 120))}`);
    return { name: match[1]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line };
  });
  return { body, signatures };
}

export interface VerifiedSignature {
  key: NoteKey;
  line: string;
  /** A cosignature's time (seconds since the epoch). */
  timestamp?: number;
}

function checkSignature(key: NoteKey, body: string, signature: Buffer): { ok: boolean; timestamp?: number } {
  if (key.type === ED25519) return { ok: signature.length === 64 && ed25519Verify(key.publicKey, Buffer.from(body, 'utf8'), signature) };
  if (signature.length !== 8 + 64) return { ok: false };
  const timestamp = signature.readBigUInt64BE(0);
  if (timestamp > 2n ** 63n - 1n) return { ok: false };
  return { ok: ed25519Verify(key.publicKey, cosignedMessage(body, timestamp), signature.subarray(8)), timestamp: Number(timestamp) };
}

/**
 * The note's signatures by `keys`, each checked. As the spec says: signatures of unknown keys are
 * ignored (a key is known by name and id together); a known key's signature that fails rejects the
 * whole note; a note no known key signed is rejected.
 */
export function verifyNote(text: string, keys: readonly NoteKey[]): { body: string; verified: VerifiedSignature[]; signatures: NoteSignature[] } {
  const { body, signatures } = parseNote(text);
  const verified: VerifiedSignature[] = [];
  for (const signature of signatures) {
    const key = keys.find((candidate) => candidate.name === signature.name && candidate.keyId.equals(signature.keyId));
    if (!key) continue;
    const { ok, timestamp } = checkSignature(key, body, signature.signature);
    if (!ok) throw new NoteError('bad-signature', `the signature of ${key.name} does not verify`);
    verified.push({ key, line: signature.line, ...(timestamp === undefined ? {} : { timestamp }) });
  }
  if (verified.length === 0) throw new NoteError('unsigned', `no signature by ${keys.map((key) => key.name).join(', ') || 'a known key'}`);
  return { body, verified, signatures };
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;
}

/** A checkpoint body: origin, decimal size without leading zeros, base64 of a 32-byte root. This log writes no extension lines and accepts none. */
export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw new NoteError('not-checkpoint', 'a checkpoint is three lines: origin, tree size, root hash');
  const [origin, size, root] = lines as [string, string, string];
  const rootHash = strictBase64(root);
  if (!isKeyName(origin) || !/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)) || !rootHash || rootHash.length !== HASH_BYTES) {
    throw new NoteError('not-checkpoint', 'a checkpoint is three lines: origin, tree size, root hash');
  }
  return { origin, size: Number(size), rootHash };
}

/** A signed note: the body, a blank line, one signature line each. */
export function signedNote(body: string, lines: readonly string[]): string {
  return `${body}\n${lines.map((line) => `${line}\n`).join('')}`;
}
