/**
 * Small-count suppression for published complaint statistics, as a pure function over a system of
 * additive tables: cells (counts) and relations "this cell is the sum of those cells" (row and
 * column totals of a table, a grand total, a total shared with another table).
 *
 * 1. Primary suppression: every count from 0 to 4 is published as "<5". Zero is masked too: if 0
 *    were shown, "<5" would mean "at least one", and a place moving from 0 to "<5" would tell its
 *    officials that someone reported them. (All counts in these tables are people's complaints, so
 *    the rule applies to every cell, totals included.)
 * 2. Secondary (complementary) suppression: a masked cell must not be recoverable from the shown
 *    cells and the relations. First the standard pass — in every relation with exactly one masked
 *    cell, withhold the smallest shown part (or the total, when no part is left), until stable;
 *    withheld cells are published as "*". Then an audit (`findExposures`) plays the attacker on
 *    the published view, and while it finds an exposure, one more cell next to it is withheld.
 *
 * The attacker knows everything the published view says: exact cells, that "<5" is 0–4 and that
 * "*" is 5 or more (it would be "<5" otherwise), and every relation. The audit finds
 * - cells fixed by linear algebra (Gaussian elimination over all relations at once — stronger
 *   than solving "lines with one unknown", e.g. a cell bridging two otherwise masked blocks);
 * - cells fixed by bounds (two "<5" cells adding up to 8 are both 4);
 * - "<5" cells whose lower bound is above 0: they would show that a complaint exists.
 * Bounds are propagated relation by relation to a fixed point, which is what a person with a
 * spreadsheet does; a linear-programming attacker could in rare cases narrow a bound further.
 *
 * Known limit: a relation with only two parts, both "<5", whose total is 5 or more cannot hide
 * that both parts are non-zero, whatever is withheld (e.g. a county with one township and the
 * county itself). The audit reports it; suppression withholds what it can and stops.
 */

export const SMALL_COUNT_THRESHOLD = 5;
/** Primary suppression: a count from 0 to 4. */
export const SMALL = '<5';
/** Secondary suppression: a count of 5 or more, withheld so that no "<5" can be worked out. */
export const WITHHELD = '*';

/** Candidates tried per round of the audit. */
const MAX_TRIALS = 32;

export type Published = number | typeof SMALL | typeof WITHHELD;

/** cells[total] = sum of cells[parts]. */
export interface Relation {
  total: number;
  parts: readonly number[];
}

export interface CountSystem {
  values: readonly number[];
  relations: readonly Relation[];
}

export interface Exposure {
  cell: number;
  /** 'recovered': the attacker knows the exact value; 'nonzero': a "<5" cell is known not to be 0. */
  kind: 'recovered' | 'nonzero';
  /** What the attacker can tell about the cell. */
  interval: [number, number];
}

function checkSystem({ values, relations }: CountSystem): void {
  for (const value of values) if (!Number.isInteger(value) || value < 0) throw new RangeError(`not a count: ${value}`);
  for (const { total, parts } of relations) {
    const sum = parts.reduce((acc, part) => acc + values[part]!, 0);
    if (values[total] !== sum) throw new RangeError(`cell ${total} is ${values[total]}, its parts add up to ${sum}`);
  }
}

const isMasked = (value: Published): boolean => typeof value !== 'number';

/**
 * Masks a system of counts: returns, for every cell, what may be published.
 * Deterministic: the same counts always give the same masks.
 */
export function suppress(system: CountSystem): Published[] {
  checkSystem(system);
  const { values, relations } = system;
  const view: Published[] = values.map((value) => (value < SMALL_COUNT_THRESHOLD ? SMALL : value));
  const membersOf = (relation: Relation) => [relation.total, ...relation.parts];

  // Standard pass: no relation may have exactly one masked cell.
  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of relations) {
      if (membersOf(relation).filter((cell) => isMasked(view[cell]!)).length !== 1) continue;
      const partner = bySize(relation.parts.filter((cell) => !isMasked(view[cell]!)), values)[0] ?? (isMasked(view[relation.total]!) ? undefined : relation.total);
      if (partner === undefined) continue;
      view[partner] = WITHHELD;
      changed = true;
    }
  }

  // Audit: while the attacker finds an exposure, withhold one more cell near it. Candidates are the
  // shown cells of the relations around the exposed cell and around the masked cells linked to it
  // (a withheld total is bounded by its own total's relation), nearest first, parts before totals,
  // smallest first. The first candidate that removes the exposure wins; when none does alone, the
  // one that loosens the attacker's grip most (two may be needed). An exposure with nothing left to
  // withhold around it cannot be helped (see "Known limit") and is left, rather than masking everything.
  const hopeless = new Set<number>();
  for (;;) {
    const target = assess(view, relations).exposures.find((exposure) => !hopeless.has(exposure.cell))?.cell;
    if (target === undefined) return view;
    const candidates = candidatesAround(target, view, system);
    if (candidates.length === 0) {
      hopeless.add(target);
      continue;
    }
    let best: { cell: number; score: number } | undefined;
    // The nearest few are tried; farther ones stay for later rounds (this bounds the work per round).
    for (const cell of candidates.slice(0, MAX_TRIALS)) {
      const trial = [...view];
      trial[cell] = WITHHELD;
      const result = assess(trial, relations);
      const exposure = result.exposures.find((candidate) => candidate.cell === target);
      if (!exposure) {
        best = { cell, score: Number.NEGATIVE_INFINITY };
        break;
      }
      // Lower is better: how far the attacker still pins the target (low bound, or a narrow range).
      const [low, high] = exposure.interval;
      const score = exposure.kind === 'nonzero' ? low : -(high - low);
      if (!best || score < best.score) best = { cell, score };
    }
    view[best!.cell] = WITHHELD;
  }
}

/** Shown cells that could protect `target`, nearest first (see the audit in `suppress`). */
function candidatesAround(target: number, view: readonly Published[], { values, relations }: CountSystem): number[] {
  const ordered: number[] = [];
  const seen = new Set<number>();
  const reached = new Set([target]);
  let frontier = [target];
  while (frontier.length > 0) {
    const around = relations.filter((relation) => frontier.some((cell) => relation.total === cell || relation.parts.includes(cell)));
    const shown = (cells: readonly number[]) => bySize([...new Set(cells)].filter((cell) => !isMasked(view[cell]!) && !seen.has(cell)), values);
    for (const cell of [...shown(around.flatMap((relation) => relation.parts)), ...shown(around.map((relation) => relation.total))]) {
      seen.add(cell);
      ordered.push(cell);
    }
    frontier = [...new Set(around.flatMap((relation) => [relation.total, ...relation.parts]))].filter((cell) => isMasked(view[cell]!) && !reached.has(cell));
    for (const cell of frontier) reached.add(cell);
  }
  return ordered;
}

function bySize(cells: number[], values: readonly number[]): number[] {
  return [...cells].sort((a, b) => values[a]! - values[b]! || a - b);
}

/**
 * The attacker: given only a published view and the relations, every masked cell whose value can
 * be worked out, and every "<5" that can be shown not to be 0. Empty when the view is safe.
 */
export function findExposures(view: readonly Published[], relations: readonly Relation[]): Exposure[] {
  return assess(view, relations).exposures;
}

function assess(view: readonly Published[], relations: readonly Relation[]): { exposures: Exposure[] } {
  const determined = linearlyDetermined(view, relations);
  const bounds = propagateBounds(view, relations);
  const exposures: Exposure[] = [];
  view.forEach((value, cell) => {
    if (!isMasked(value)) return;
    const [low, high] = bounds[cell]!;
    const exact = determined.get(cell);
    if (exact !== undefined) exposures.push({ cell, kind: 'recovered', interval: [exact, exact] });
    else if (low === high) exposures.push({ cell, kind: 'recovered', interval: [low, high] });
    else if (value === SMALL && low > 0) exposures.push({ cell, kind: 'nonzero', interval: [low, high] });
  });
  return { exposures };
}

const EPSILON = 1e-9;

/** Masked cells fixed by the relations alone (reduced row echelon form over the masked cells). */
function linearlyDetermined(view: readonly Published[], relations: readonly Relation[]): Map<number, number> {
  const unknowns = view.flatMap((value, cell) => (isMasked(value) ? [cell] : []));
  const column = new Map(unknowns.map((cell, index) => [cell, index] as const));
  const width = unknowns.length;
  // Each relation as: sum of coefficients × unknowns = constant (total − parts = 0, knowns moved right).
  const rows = relations.map(({ total, parts }) => {
    const row = new Float64Array(width + 1);
    const add = (cell: number, sign: number) => {
      const index = column.get(cell);
      if (index === undefined) row[width]! -= sign * (view[cell] as number);
      else row[index]! += sign;
    };
    add(total, 1);
    for (const part of parts) add(part, -1);
    return row;
  });

  const pivots: Array<{ row: number; column: number }> = [];
  let rank = 0;
  for (let col = 0; col < width && rank < rows.length; col++) {
    let best = rank;
    for (let r = rank + 1; r < rows.length; r++) if (Math.abs(rows[r]![col]!) > Math.abs(rows[best]![col]!)) best = r;
    if (Math.abs(rows[best]![col]!) < EPSILON) continue;
    [rows[rank], rows[best]] = [rows[best]!, rows[rank]!];
    const pivotRow = rows[rank]!;
    const scale = pivotRow[col]!;
    for (let k = col; k <= width; k++) pivotRow[k]! /= scale;
    for (let r = 0; r < rows.length; r++) {
      if (r === rank) continue;
      const factor = rows[r]![col]!;
      if (Math.abs(factor) < EPSILON) continue;
      for (let k = col; k <= width; k++) rows[r]![k]! -= factor * pivotRow[k]!;
    }
    pivots.push({ row: rank, column: col });
    rank += 1;
  }

  const pivotColumns = new Set(pivots.map((pivot) => pivot.column));
  const determined = new Map<number, number>();
  for (const pivot of pivots) {
    const row = rows[pivot.row]!;
    let free = false;
    for (let k = 0; k < width && !free; k++) free = !pivotColumns.has(k) && Math.abs(row[k]!) > EPSILON;
    if (!free) determined.set(unknowns[pivot.column]!, Math.round(row[width]!));
  }
  return determined;
}

/** What each cell can be, from the view's own ranges tightened through every relation to a fixed point. */
function propagateBounds(view: readonly Published[], relations: readonly Relation[]): Array<[number, number]> {
  const low = view.map((value) => (value === SMALL ? 0 : value === WITHHELD ? SMALL_COUNT_THRESHOLD : value));
  const high = view.map((value) => (value === SMALL ? SMALL_COUNT_THRESHOLD - 1 : value === WITHHELD ? Number.POSITIVE_INFINITY : value));
  const tighten = (cell: number, newLow: number, newHigh: number): boolean => {
    let changed = false;
    if (newLow > low[cell]!) {
      low[cell] = newLow;
      changed = true;
    }
    if (newHigh < high[cell]!) {
      high[cell] = newHigh;
      changed = true;
    }
    return changed;
  };
  // Bounds only tighten and are integers within the grand totals, so this ends; the cap is a guard.
  for (let pass = 0, changed = true; changed && pass < 10_000; pass++) {
    changed = false;
    for (const { total, parts } of relations) {
      const lowSum = parts.reduce((acc, part) => acc + low[part]!, 0);
      const highSum = parts.reduce((acc, part) => acc + high[part]!, 0);
      changed = tighten(total, lowSum, highSum) || changed;
      for (const part of parts) {
        const othersLow = lowSum - low[part]!;
        const othersHigh = highSum - high[part]!; // Infinity − Infinity would be NaN: recompute then.
        const safeOthersHigh = Number.isNaN(othersHigh) ? parts.reduce((acc, other) => (other === part ? acc : acc + high[other]!), 0) : othersHigh;
        changed = tighten(part, Math.max(0, low[total]! - safeOthersHigh), high[total]! - othersLow) || changed;
      }
    }
  }
  return low.map((value, cell) => [value, high[cell]!]);
}

/** A two-dimensional table with row totals, column totals and a grand total, as a count system. */
export interface Grid {
  system: CountSystem;
  cell: (row: number, column: number) => number;
  rowTotal: (row: number) => number;
  columnTotal: (column: number) => number;
  total: number;
}

export function gridSystem(counts: readonly (readonly number[])[]): Grid {
  const rows = counts.length;
  const columns = counts[0]?.length ?? 0;
  if (counts.some((row) => row.length !== columns)) throw new RangeError('rows of different lengths');
  const values = counts.flatMap((row) => [...row]);
  const cell = (row: number, column: number) => row * columns + column;
  const rowTotal = (row: number) => rows * columns + row;
  const columnTotal = (column: number) => rows * columns + rows + column;
  const total = rows * columns + rows + columns;
  const rowSums = counts.map((row) => row.reduce((acc, value) => acc + value, 0));
  const columnSums = Array.from({ length: columns }, (_, column) => counts.reduce((acc, row) => acc + row[column]!, 0));
  values.push(...rowSums, ...columnSums, rowSums.reduce((acc, value) => acc + value, 0));
  const range = (length: number) => Array.from({ length }, (_, index) => index);
  const relations: Relation[] = [
    ...range(rows).map((row) => ({ total: rowTotal(row), parts: range(columns).map((column) => cell(row, column)) })),
    ...range(columns).map((column) => ({ total: columnTotal(column), parts: range(rows).map((row) => cell(row, column)) })),
    { total, parts: range(rows).map(rowTotal) },
    { total, parts: range(columns).map(columnTotal) },
  ];
  return { system: { values, relations }, cell, rowTotal, columnTotal, total };
}

export interface SuppressedGrid {
  cells: Published[][];
  rowTotals: Published[];
  columnTotals: Published[];
  total: Published;
}

/** Suppresses a 2-D table with its margins (row totals, column totals, grand total). */
export function suppressGrid(counts: readonly (readonly number[])[]): SuppressedGrid {
  const grid = gridSystem(counts);
  const view = suppress(grid.system);
  return {
    cells: counts.map((row, r) => row.map((_, c) => view[grid.cell(r, c)]!)),
    rowTotals: counts.map((_, r) => view[grid.rowTotal(r)]!),
    columnTotals: (counts[0] ?? []).map((_, c) => view[grid.columnTotal(c)]!),
    total: view[grid.total]!,
  };
}
