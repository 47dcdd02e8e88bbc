/**
 * The standalone verifier (public/verify-chain.py) against what the public actually downloads: every
 * demo village's chain holds, and a download changed by one fen, a missing period or a re-linked
 * chain is named as broken. Runs Debian's python3, as a citizen would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { disclosures } from '../../db/schema/accounts.ts';
import { canonicalJson } from '../../src/lib/server/accounts/canonical.ts';
import { createTestDatabase, useDatabaseForTests, type TestDatabase } from '../support/test-db.ts';
import { GET as download } from '../../src/pages/villages/[code]/download.ts';

const SCRIPT = path.resolve('public/verify-chain.py');
const QIANYING = '990121001201';

let test: TestDatabase;
let dir: string;
/** village code → the JSON downloads of its published periods, in chain order. */
const downloads = new Map<string, Array<Record<string, unknown>>>();

async function fetchJson(village: string, period: string): Promise<Record<string, unknown>> {
  const url = new URL(`http://localhost/villages/${village}/download?period=${period}&format=json`);
  const response = await download({ params: { code: village }, url, request: new Request(url) } as never);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function verify(name: string, periods: Array<Record<string, unknown>>): { status: number | null; out: string } {
  const files = periods.map((period, index) => {
    const file = path.join(dir, `${name}-${index}.json`);
    writeFileSync(file, JSON.stringify(period, null, 2));
    return file;
  });
  const run = spawnSync('python3', [SCRIPT, ...files], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-verify-'));
  const published = await test.db
    .select({ village: disclosures.villageCode, period: disclosures.period })
    .from(disclosures)
    .where(eq(disclosures.status, 'published'))
    .orderBy(asc(disclosures.villageCode), asc(disclosures.chainSeq));
  for (const { village, period } of published) {
    downloads.set(village, [...(downloads.get(village) ?? []), await fetchJson(village, period)]);
  }
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await test?.dispose();
});

describe('public/verify-chain.py', () => {
  it('passes on every demo village’s downloads', () => {
    expect(downloads.size).toBeGreaterThan(1);
    for (const [village, periods] of downloads) {
      const { status, out } = verify(village, periods);
      expect(out).toContain(`chain holds: ${periods.length} period(s) of village ${village}`);
      expect(status).toBe(0);
    }
  });

  it('fails naming the period whose content was changed by one fen', () => {
    const periods = structuredClone(downloads.get(QIANYING)!);
    const tampered = periods[1]!;
    const content = tampered.content as { funds: Array<{ amountFen: number }> };
    content.funds[0]!.amountFen += 1;
    const { status, out } = verify('one-fen', periods);
    expect(status).toBe(1);
    expect(out).toContain(`BROKEN  ${QIANYING} ${tampered.period as string}`);
    expect(out).toContain('the content differs from what was published');
  });

  it('fails when a period is left out or the chain is re-linked', () => {
    const periods = downloads.get(QIANYING)!;
    expect(periods.length).toBeGreaterThanOrEqual(3);
    const gap = verify('gap', [periods[0]!, periods[2]!]);
    expect(gap.status).toBe(1);
    expect(gap.out).toContain('a period is missing');

    // Recomputing a hash after changing content does not help: the next period's link breaks.
    const relinked = structuredClone(periods);
    const chain = relinked[0]!.chain as { prevHash: string };
    chain.prevHash = 'f'.repeat(64);
    const forged = verify('relinked', relinked);
    expect(forged.status).toBe(1);
    expect(forged.out).toContain('must chain from 64 zeros');
  });

  it('writes the same canonical text as the portal for awkward text: quotes, backslashes, tabs, emoji, negative amounts', () => {
    const content = {
      village: QIANYING,
      period: '2026-Q3',
      openingBalanceFen: -1250,
      funds: [{ summary: '购“惠民”牌水泵\\配件\t2台 🚜', counterparty: 'O\'Brien "&" 李', amountFen: 0, decisionRef: null, quantity: '12.50' }],
      assets: [],
      resources: [],
    };
    const code = `import importlib.util, json, sys
spec = importlib.util.spec_from_file_location('verify_chain', sys.argv[1])
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
sys.stdout.buffer.write(module.canonical(json.loads(sys.stdin.read())).encode('utf-8'))`;
    const run = spawnSync('python3', ['-c', code, SCRIPT], { input: JSON.stringify(content), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(canonicalJson(content));
  });

  it('refuses a file that is not a period download', () => {
    const file = path.join(dir, 'not-a-period.json');
    writeFileSync(file, JSON.stringify({ village: { code: QIANYING } }));
    const run = spawnSync('python3', [SCRIPT, file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a period download');
  });
});
