import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveBySubtraction } from '../../../../tests/support/subtraction-attack.ts';
import { SMALL, WITHHELD, findExposures, gridSystem, suppress, suppressGrid, type Published, type Relation } from './suppression.ts';

/** A published grid as rows of text, for readable assertions: cells, then the row total; last row the column totals. */
function render(counts: number[][]): string[][] {
  const masked = suppressGrid(counts);
  return [
    ...masked.cells.map((row, r) => [...row, masked.rowTotals[r]!].map(String)),
    [...masked.columnTotals, masked.total].map(String),
  ];
}

describe('primary suppression', () => {
  it('publishes every count from 0 to 4 as "<5", and 5 and more as they are', () => {
    const view = suppress({ values: [0, 1, 2, 3, 4, 5, 6, 127], relations: [] });
    expect(view).toEqual([SMALL, SMALL, SMALL, SMALL, SMALL, 5, 6, 127]);
  });

  it('refuses counts that are not counts, and relations that do not add up', () => {
    expect(() => suppress({ values: [-1], relations: [] })).toThrow(RangeError);
    expect(() => suppress({ values: [2.5], relations: [] })).toThrow(RangeError);
    expect(() => suppress({ values: [10, 3, 6], relations: [{ total: 0, parts: [1, 2] }] })).toThrow(RangeError);
  });
});

describe('complementary suppression of a table with totals', () => {
  // Townships (rows) × kinds of problem (columns) — one small cell, everything else large.
  const counts = [
    [3, 12, 9],
    [7, 15, 11],
    [8, 6, 20],
  ];

  it('masks another cell in the row and in the column of a single "<5"', () => {
    const { cells, rowTotals, columnTotals, total } = suppressGrid(counts);
    expect(cells[0]![0]).toBe(SMALL);
    expect(cells[0]!.slice(1).filter((value) => value === WITHHELD).length).toBeGreaterThanOrEqual(1);
    expect(cells.slice(1).map((row) => row[0]).filter((value) => value === WITHHELD).length).toBeGreaterThanOrEqual(1);
    // The margins stay exact: they are what readers use most.
    expect([...rowTotals, ...columnTotals, total]).toEqual([24, 33, 34, 18, 33, 40, 91]);
  });

  it('leaves nothing that subtraction from the totals can recover', () => {
    const grid = gridSystem(counts);
    const view = suppress(grid.system);
    expect(solveBySubtraction(view, grid.system.relations)).toEqual(new Map());
    expect(findExposures(view, grid.system.relations)).toEqual([]);
  });

  it('withholds the smallest cells, and shows the rest exactly', () => {
    expect(render(counts)).toEqual([
      ['<5', '12', '*', '24'],
      ['*', '15', '*', '33'],
      ['8', '6', '20', '34'],
      ['18', '33', '40', '91'],
    ]);
  });

  it('never writes a false figure: shown cells are exact, "<5" is below 5, "*" is 5 or more', () => {
    const grid = gridSystem(counts);
    suppress(grid.system).forEach((value, cell) => {
      const truth = grid.system.values[cell]!;
      if (value === SMALL) expect(truth).toBeLessThan(5);
      else if (value === WITHHELD) expect(truth).toBeGreaterThanOrEqual(5);
      else expect(value).toBe(truth);
    });
  });

  it('masks zeros too, and protects them like any small count', () => {
    const zeros = [
      [0, 9, 14],
      [6, 0, 8],
      [11, 7, 0],
    ];
    const grid = gridSystem(zeros);
    const view = suppress(grid.system);
    for (let i = 0; i < 3; i++) expect(view[grid.cell(i, i)]).toBe(SMALL);
    expect(solveBySubtraction(view, grid.system.relations)).toEqual(new Map());
    expect(findExposures(view, grid.system.relations)).toEqual([]);
  });
});

describe('the attacker (findExposures)', () => {
  it('finds what subtraction finds: a lone "<5" in a row with its total', () => {
    const grid = gridSystem([
      [3, 12],
      [7, 15],
    ]);
    const view: Published[] = grid.system.values.map((value) => (value < 5 ? SMALL : value));
    expect(solveBySubtraction(view, grid.system.relations).get(grid.cell(0, 0))).toBe(3);
    expect(findExposures(view, grid.system.relations)).toContainEqual({ cell: grid.cell(0, 0), kind: 'recovered', interval: [3, 3] });
  });

  it('finds a cell that bridges two masked blocks, which no single row or column gives away', () => {
    const counts = [
      [6, 7, 20, 30],
      [8, 9, 10, 40],
      [30, 25, 5, 6],
      [28, 21, 7, 8],
    ];
    const grid = gridSystem(counts);
    const masked = new Set([grid.cell(0, 0), grid.cell(0, 1), grid.cell(1, 0), grid.cell(1, 1), grid.cell(2, 2), grid.cell(2, 3), grid.cell(3, 2), grid.cell(3, 3), grid.cell(1, 2)]);
    const view: Published[] = grid.system.values.map((value, cell) => (masked.has(cell) ? WITHHELD : value));
    expect(solveBySubtraction(view, grid.system.relations)).toEqual(new Map());
    expect(findExposures(view, grid.system.relations)).toEqual([{ cell: grid.cell(1, 2), kind: 'recovered', interval: [10, 10] }]);
    // Suppression closes such a gap by itself.
    expect(findExposures(suppress(grid.system), grid.system.relations)).toEqual([]);
  });

  it('finds two "<5" that must both be 4, and three "<5" that cannot be 0', () => {
    const fours = { values: [23, 4, 4, 9, 6], relations: [{ total: 0, parts: [1, 2, 3, 4] }] };
    const fourView: Published[] = [23, SMALL, SMALL, 9, 6];
    expect(findExposures(fourView, fours.relations).map((exposure) => [exposure.cell, exposure.kind, exposure.interval])).toEqual([
      [1, 'recovered', [4, 4]],
      [2, 'recovered', [4, 4]],
    ]);
    expect(findExposures(suppress(fours), fours.relations)).toEqual([]);

    const threes = { values: [9, 3, 3, 3], relations: [{ total: 0, parts: [1, 2, 3] }] };
    expect(findExposures([9, SMALL, SMALL, SMALL], threes.relations).map((exposure) => exposure.kind)).toEqual(['nonzero', 'nonzero', 'nonzero']);
    const safe = suppress(threes);
    expect(safe).toEqual([WITHHELD, SMALL, SMALL, SMALL]);
    expect(findExposures(safe, threes.relations)).toEqual([]);
  });

  it('sees through a masked total when its own total gives it away', () => {
    // A county total (cell 1) withheld in the township list is still the city total minus the other county.
    const relations: Relation[] = [
      { total: 1, parts: [3, 4, 5] }, // 桑河县 = its townships
      { total: 0, parts: [1, 2] }, // 北原市 = 桑河县 + 柳岗县
    ];
    const view: Published[] = [40, WITHHELD, 22, SMALL, SMALL, SMALL];
    expect(findExposures(view, relations)).toContainEqual({ cell: 1, kind: 'recovered', interval: [18, 18] });
  });
});

describe('properties over random small tables', () => {
  const count = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 5, max: 40 }));
  const table = (minSide: number) =>
    fc.integer({ min: minSide, max: 5 }).chain((rows) => fc.integer({ min: minSide, max: 5 }).chain((columns) => fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })));

  it('subtraction never recovers a masked cell, nor does the stronger attacker', () => {
    fc.assert(
      fc.property(table(2), (counts) => {
        const grid = gridSystem(counts);
        const view = suppress(grid.system);
        expect(solveBySubtraction(view, grid.system.relations)).toEqual(new Map());
        expect(findExposures(view, grid.system.relations).filter((exposure) => exposure.kind === 'recovered')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('with three or more rows and columns, no "<5" can be shown to be non-zero either', () => {
    fc.assert(
      fc.property(table(3), (counts) => {
        const grid = gridSystem(counts);
        expect(findExposures(suppress(grid.system), grid.system.relations)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('is honest and deterministic: exact where shown, "<5" exactly for 0–4, "*" only for 5 and more', () => {
    fc.assert(
      fc.property(table(1), (counts) => {
        const grid = gridSystem(counts);
        const view = suppress(grid.system);
        expect(suppress(grid.system)).toEqual(view);
        view.forEach((value, cell) => {
          const truth = grid.system.values[cell]!;
          expect(value === SMALL).toBe(truth < 5);
          if (typeof value === 'number') expect(value).toBe(truth);
        });
      }),
      { numRuns: 300 },
    );
  });
});
