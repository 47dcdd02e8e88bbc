/**
 * The RFC 6962 Merkle tree (§2.1) the ledger log's checkpoints commit to: SHA-256, a 0x00 prefix
 * on leaves and 0x01 on interior nodes, so a leaf can never pass for a node. The root of a tree of
 * n leaves splits at the largest power of two below n; the consistency proof of §2.1.2 shows that
 * the first m leaves of a tree of n are those of an earlier tree, and it is checked by the
 * algorithm of RFC 9162 §2.1.4.2 (the same proofs, written out step by step).
 *
 * Nothing here touches the database or the configuration: the witness runs this on another
 * machine, with only what it fetched over HTTP.
 */
import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = sha256();

export function leafHash(data: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) throw new RangeError('a Merkle node joins two 32-byte hashes');
  return sha256(NODE_PREFIX, left, right);
}

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A tree grown one leaf at a time, keeping only the roots of its perfect subtrees (one per set bit
 * of the size, largest first): the root of every prefix costs O(log n), so the roots of many
 * checkpoints over one list of leaves take a single pass.
 */
export class CompactRange {
  private readonly stack: Array<{ hash: Buffer; leaves: number }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Uint8Array): void {
    let node: { hash: Buffer; leaves: number } = { hash: Buffer.from(leaf), leaves: 1 };
    // Two perfect subtrees of the same size merge, as carries do when adding one in binary.
    while (this.stack.length > 0 && this.stack.at(-1)!.leaves === node.leaves) {
      const left = this.stack.pop()!;
      node = { hash: nodeHash(left.hash, node.hash), leaves: left.leaves * 2 };
    }
    this.stack.push(node);
    this.count += 1;
  }

  /** MTH of the leaves so far: the perfect subtrees folded from the right, which is where RFC 6962 splits. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let root = this.stack.at(-1)!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i]!.hash, root);
    return root;
  }
}

/** MTH(D[n]) over leaf hashes (each already `leafHash` of its data). */
export function rootOf(leaves: readonly Uint8Array[]): Buffer {
  const range = new CompactRange();
  for (const leaf of leaves) range.append(leaf);
  return range.root();
}

/** MTH(D[start:end]) by the definition, for the proofs (end > start). */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Buffer {
  if (end - start === 1) return Buffer.from(leaves[start]!);
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/**
 * PROOF(m, D[n]) of RFC 6962 §2.1.2 over the first n of `leaves`: the hashes that let someone who
 * holds the root of the first m leaves check the root of the first n. Empty when m is 0 or n
 * (nothing to prove: every tree extends the empty one, and a tree is consistent with itself).
 */
export function consistencyProof(leaves: readonly Uint8Array[], m: number, n: number = leaves.length): Buffer[] {
  if (!Number.isSafeInteger(n) || n > leaves.length) throw new RangeError(`no consistency proof to ${n} over ${leaves.length} leaves`);
  return consistencyProofOver(m, n, (start, end) => subtreeRoot(leaves, start, end));
}

/** The same proof, with MTH(D[start:end]) of the tree's nodes from `root` (chunkedSubtreeRoot, or the leaves themselves). */
export function consistencyProofOver(m: number, n: number, root: (start: number, end: number) => Buffer): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b): descend towards the old tree's right edge, collecting the siblings on the way back up.
  const walk = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push(root(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      walk(m, start, start + k, complete);
      proof.push(root(start + k, end));
    } else {
      walk(m - k, start + k, end, false);
      proof.push(root(start, start + k));
    }
  };
  walk(m, 0, n, true);
  return proof;
}

/**
 * MTH(D[start:end]) for the nodes of a tree (those its proofs use), built from the roots of aligned
 * chunks of `chunkSize` leaves (a power of two) and single leaves below that. Every node of an
 * RFC 6962 tree off its right edge is a perfect, aligned subtree, so a node costs a few chunk roots
 * per level and leaves only near its right edge: a proof over a million leaves needs about a
 * thousand hashes instead of two million, and the leaves of two or three chunks.
 */
export function chunkedSubtreeRoot(chunkSize: number, chunkRoot: (chunk: number) => Buffer, leaf: (index: number) => Buffer): (start: number, end: number) => Buffer {
  if (!isPowerOfTwo(chunkSize)) throw new RangeError('the chunk size is a power of two');
  const root = (start: number, end: number): Buffer => {
    const n = end - start;
    if (n === 1) return leaf(start);
    if (n === chunkSize && start % chunkSize === 0) return chunkRoot(start / chunkSize);
    const k = splitPoint(n);
    return nodeHash(root(start, start + k), root(start + k, end));
  };
  return root;
}

const isOdd = (value: number) => value % 2 === 1;
const half = (value: number) => Math.floor(value / 2);

/**
 * Whether `proof` shows that the tree of `m` leaves with root `oldRoot` is the first m leaves of
 * the tree of `n` leaves with root `newRoot` (RFC 9162 §2.1.4.2). A shrinking tree, a proof of the
 * wrong length or any wrong hash is false, never an exception: the input comes off the network.
 */
export function verifyConsistency(m: number, n: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (oldRoot.length !== HASH_BYTES || newRoot.length !== HASH_BYTES || proof.some((hash) => hash.length !== HASH_BYTES)) return false;
  if (m === 0) return proof.length === 0 && Buffer.from(oldRoot).equals(EMPTY_ROOT);
  if (m === n) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (proof.length === 0) return false;
  // Step 2: when m is a power of two the old root is itself a node of the new tree, the path's start.
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function isPowerOfTwo(value: number): boolean {
  let v = value;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}
