/**
 * For tests: the attacker of the simplest kind, written independently of suppression.ts. Given a
 * published view (exact numbers, "<5", "*") and the relations "total = sum of parts", it solves
 * every relation that has exactly one unknown, again and again until nothing new comes out, and
 * returns the masked cells it worked out with their values. A safe publication gives an empty map.
 */
import type { Published, Relation } from '../../src/lib/server/complaints/suppression.ts';

export function solveBySubtraction(view: readonly Published[], relations: readonly Relation[]): Map<number, number> {
  const known = new Map<number, number>();
  view.forEach((value, cell) => typeof value === 'number' && known.set(cell, value));
  const recovered = new Map<number, number>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const { total, parts } of relations) {
      const unknown = [total, ...parts].filter((cell) => !known.has(cell));
      if (unknown.length !== 1) continue;
      const [cell] = unknown as [number];
      const partsSum = parts.filter((part) => part !== cell).reduce((acc, part) => acc + known.get(part)!, 0);
      const value = cell === total ? partsSum : known.get(total)! - partsSum;
      known.set(cell, value);
      recovered.set(cell, value);
      progress = true;
    }
  }
  return recovered;
}
