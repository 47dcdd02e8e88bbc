import { describe, expect, it } from 'vitest';
import { walkZip } from './archive-guard.ts';
import { zip } from '../../../../tests/support/zip.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const LIMITS = { maxEntries: 10, maxInflatedBytes: 1024 * 1024 };

/** Runs the walk and records every part handed to the visitor. */
function walk(bytes: Uint8Array, limits = LIMITS, stopAt?: string) {
  const seen: Array<[string, string]> = [];
  const result = walkZip(bytes, limits, (name, content) => {
    seen.push([name, content.toString('utf8')]);
    return name === stopAt ? `stopped at ${name}` : undefined;
  });
  return { result, seen };
}

describe('walkZip', () => {
  it('hands every part, deflated or stored, to the visitor and lists the names, skipping folders', () => {
    const bytes = zip([
      { name: 'xl/', data: new Uint8Array() },
      { name: 'xl/workbook.xml', data: encode('<workbook>村务公开</workbook>') },
      { name: '/docProps/app.xml', data: encode('<Properties/>'), method: 0 },
    ]);
    const { result, seen } = walk(bytes);
    expect(seen).toEqual([
      ['xl/workbook.xml', '<workbook>村务公开</workbook>'],
      ['docProps/app.xml', '<Properties/>'],
    ]);
    expect(result).toEqual({ ok: true, names: new Set(['xl/workbook.xml', 'docProps/app.xml']) });
  });

  it('refuses parts that inflate beyond the budget, whether their declared size is honest or a lie', () => {
    const zeros = new Uint8Array(2 * 1024 * 1024);
    const honest = zip([{ name: 'a.xml', data: zeros }]);
    expect(honest.byteLength).toBeLessThan(10_000);
    expect(walk(honest)).toEqual({ result: { ok: false, refusal: 'too-large' }, seen: [] });
    const lying = zip([{ name: 'a.xml', data: zeros, declaredSize: 100 }]);
    expect(walk(lying)).toEqual({ result: { ok: false, refusal: 'too-large' }, seen: [] });
    // The budget is shared: two parts that fit alone do not fit together.
    const half = new Uint8Array(600 * 1024);
    const { result, seen } = walk(zip([{ name: 'a.xml', data: half }, { name: 'b.xml', data: half }]));
    expect(result).toEqual({ ok: false, refusal: 'too-large' });
    expect(seen.map(([name]) => name)).toEqual(['a.xml']);
  });

  it('refuses a part whose inflated size is not the declared one, within the budget', () => {
    expect(walk(zip([{ name: 'a.xml', data: encode('台账'.repeat(100)), declaredSize: 10 }])).result).toEqual({ ok: false, refusal: 'corrupt' });
  });

  it('refuses encryption, unknown compression, too many entries and bytes that are no zip', () => {
    expect(walk(zip([{ name: 'a.xml', data: encode('<a/>'), encrypted: true }])).result).toEqual({ ok: false, refusal: 'encrypted' });
    expect(walk(zip([{ name: 'a.xml', data: encode('<a/>'), method: 12 }])).result).toEqual({ ok: false, refusal: 'corrupt' });
    const many = zip(Array.from({ length: 11 }, (_, index) => ({ name: `part${index}.xml`, data: encode('<a/>') })));
    expect(walk(many).result).toEqual({ ok: false, refusal: 'too-large' });
    expect(walk(encode('日期,收支,金额（元）\r\n')).result).toEqual({ ok: false, refusal: 'corrupt' });
    const real = zip([{ name: 'a.xml', data: encode('<a/>') }]);
    expect(walk(real.slice(0, real.byteLength - 30)).result).toEqual({ ok: false, refusal: 'corrupt' });
  });

  it('stops at the first part the visitor refuses and inflates nothing after it', () => {
    const bytes = zip([
      { name: 'a.xml', data: encode('<a/>') },
      { name: 'b.xml', data: encode('<b/>') },
      { name: 'c.xml', data: encode('<c/>') },
    ]);
    const { result, seen } = walk(bytes, LIMITS, 'b.xml');
    expect(result).toEqual({ ok: false, refusal: 'stopped', by: 'stopped at b.xml' });
    expect(seen.map(([name]) => name)).toEqual(['a.xml', 'b.xml']);
  });
});
