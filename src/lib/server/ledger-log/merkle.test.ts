import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkedSubtreeRoot, CompactRange, consistencyProof, consistencyProofOver, EMPTY_ROOT, leafHash, nodeHash, rootOf, verifyConsistency } from './merkle.ts';

// The reference inputs of the Certificate Transparency implementation (transparency-dev/merkle
// testonly): eight leaves and the roots of their first 1…8.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const LEAVES = INPUTS.map(leafHash);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Their consistency proofs, from the same test data.
const PROOFS: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));
const root = (m: number) => Buffer.from(ROOTS[m - 1]!, 'hex');

/** MTH written out as RFC 6962 §2.1 defines it, to hold the compact range to. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const leavesOf = (count: number, salt = '') => Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`${salt}前营村 2026-Q${i}`)));

describe('RFC 6962 Merkle tree', () => {
  it('gives the reference roots, and SHA-256 of nothing for the empty tree', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([]).equals(EMPTY_ROOT)).toBe(true);
    expect(ROOTS.map((_, i) => rootOf(LEAVES.slice(0, i + 1)).toString('hex'))).toEqual(ROOTS);
  });

  it('prefixes leaves with 0x00 and nodes with 0x01, so a node cannot pass for a leaf', () => {
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(ROOTS[0]);
    const node = nodeHash(LEAVES[0]!, LEAVES[1]!);
    expect(node.toString('hex')).toBe(ROOTS[1]);
    expect(leafHash(Buffer.concat([LEAVES[0]!, LEAVES[1]!])).equals(node)).toBe(false);
    expect(() => nodeHash(Buffer.alloc(31), LEAVES[0]!)).toThrow(RangeError);
  });

  it.each(PROOFS)('gives the reference consistency proof from %i to %i, which verifies', (m, n, expected) => {
    const proof = consistencyProof(LEAVES, m, n);
    expect(hex(proof)).toEqual(expected);
    expect(verifyConsistency(m, n, root(m), root(n), proof)).toBe(true);
  });

  // The probes of transparency-dev/merkle's test data. (The sizes are bound by the signed checkpoint: a
  // proof from 1 to 8 also passes from 1 to 7, whose proofs have the same shape.)
  it('refuses reference proofs that are bent in the ways a log could bend them', () => {
    for (const [m, n, expected] of PROOFS.filter(([m, n]) => m !== n)) {
      const proof = expected.map((h) => Buffer.from(h, 'hex'));
      const cases: Array<[number, number, Buffer, Buffer, Buffer[]]> = [
        [m - 1, n, root(m), root(n), proof],
        [m + 1, n, root(m), root(n), proof],
        [m, n * 2, root(m), root(n), proof],
        [m, Math.floor(n / 2), root(m), root(n), proof],
        [m, n, root(n), root(m), proof], // roots swapped
        [m, n, EMPTY_ROOT, root(n), proof],
        [m, n, root(m), root(n), []],
        [m, n, root(m), root(n), proof.slice(0, -1)],
        [m, n, root(m), root(n), [...proof, root(n)]],
        [m, n, root(m), root(n), [root(m), ...proof]],
        ...proof.map((_, i): [number, number, Buffer, Buffer, Buffer[]] => {
          const bent = proof.map((hash) => Buffer.from(hash));
          bent[i]![0]! ^= 0x10;
          return [m, n, root(m), root(n), bent];
        }),
      ];
      for (const [from, to, oldRoot, newRoot, path] of cases) expect(verifyConsistency(from, to, oldRoot, newRoot, path), `${from}→${to}`).toBe(false);
    }
  });

  it('treats the trivial cases as RFC 9162 does: the empty tree, equal sizes, a shrinking tree', () => {
    expect(consistencyProof(LEAVES, 0, 8)).toEqual([]);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, root(8), [])).toBe(true);
    expect(verifyConsistency(0, 8, root(1), root(8), [])).toBe(false);
    expect(verifyConsistency(8, 8, root(8), root(8), [])).toBe(true);
    expect(verifyConsistency(8, 8, root(7), root(8), [])).toBe(false);
    expect(verifyConsistency(8, 8, root(8), root(8), [root(1)])).toBe(false);
    expect(verifyConsistency(8, 7, root(8), root(7), [])).toBe(false);
    expect(() => consistencyProof(LEAVES, 3, 9)).toThrow(RangeError);
    expect(() => consistencyProof(LEAVES, 5, 4)).toThrow(RangeError);
  });

  it('keeps the same root with a compact range as by the definition, for every prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (count) => {
        const leaves = leavesOf(count);
        const range = new CompactRange();
        for (const [i, leaf] of leaves.entries()) {
          range.append(leaf);
          if (!range.root().equals(referenceRoot(leaves.slice(0, i + 1)))) return false;
        }
        return range.size === count && range.root().equals(referenceRoot(leaves));
      }),
      { numRuns: 40 },
    );
  });

  it('proves every prefix of a tree consistent with it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }))),
        ([n, m]) => {
          const leaves = leavesOf(n);
          return verifyConsistency(m, n, rootOf(leaves.slice(0, m)), rootOf(leaves), consistencyProof(leaves, m, n));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same proofs from chunk roots as from every leaf', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.constantFrom(2, 4, 8, 16, 64))),
        ([n, m, chunk]) => {
          const leaves = leavesOf(n, 'chunked');
          let leavesRead = 0;
          const root = chunkedSubtreeRoot(
            chunk,
            (c) => rootOf(leaves.slice(c * chunk, (c + 1) * chunk)),
            (i) => {
              leavesRead += 1;
              return leaves[i]!;
            },
          );
          const same = hex(consistencyProofOver(m, n, root)).join() === hex(consistencyProof(leaves, m, n)).join();
          // Single leaves are read only below the chunk level, near the two edges: never a whole tree's worth.
          return same && leavesRead <= 4 * chunk * Math.max(1, Math.ceil(Math.log2(n)));
        },
      ),
      { numRuns: 300 },
    );
    expect(() => chunkedSubtreeRoot(3, () => EMPTY_ROOT, () => EMPTY_ROOT)).toThrow(RangeError);
  });

  it('fails the proof once any earlier leaf is changed, whichever way the new tree is built', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n - 1 }))).chain(([n, m]) => fc.tuple(fc.constant(n), fc.constant(m), fc.integer({ min: 0, max: m - 1 }))),
        ([n, m, changed]) => {
          const leaves = leavesOf(n);
          const oldRoot = rootOf(leaves.slice(0, m));
          // The log's history with one earlier period rewritten: its new tree and its own proof.
          const rewritten = leaves.map((leaf, i) => (i === changed ? leafHash(Buffer.from('改写后的一期')) : leaf));
          return !verifyConsistency(m, n, oldRoot, rootOf(rewritten), consistencyProof(rewritten, m, n));
        },
      ),
      { numRuns: 300 },
    );
  });
});
