/**
 * The hostile-input tests are only as good as their checks: each check of tests/support/hostile.ts
 * is shown here to fail on the thing it looks for and to pass on its safe form.
 */
import { describe, expect, it } from 'vitest';
import { applyMutations, changedTables, encodeBody, formsOf, pairsOf, scriptProblems, XSS_TOKEN } from '../support/hostile.ts';

const T = XSS_TOKEN;

describe('scriptProblems', () => {
  it.each([
    [`<p><script>alert("${T}")</script></p>`],
    [`<div><img src=x onerror=alert('${T}')></div>`],
    [`<a href="javascript:alert('${T}')">x</a>`],
    [`<a href=" JaVaScRiPt:alert('${T}')">x</a>`],
    [`<input value=""><svg onload=alert('${T}')>">`],
    [`<textarea></textarea><script>${T}</script></textarea>`],
    [`<iframe srcdoc="<script>${T}</script>"></iframe>`],
    [`<style>@import 'http://evil.invalid/${T}';</style>`],
    [`<meta http-equiv="refresh" content="0;url=/${T}">`],
    [`<meta name="description" content="x" ${T}="1">`],
    [`<img src="/${T}.png" alt="低保">`],
  ])('finds what would run: %s', (html) => {
    expect(scriptProblems(`<!doctype html><html><body>${html}</body></html>`)).not.toEqual([]);
  });

  it.each([
    [`<p>&lt;script&gt;alert(&quot;${T}&quot;)&lt;/script&gt;</p>`],
    [`<input value="&quot;&gt;&lt;img src=x onerror=alert('${T}')&gt;">`],
    [`<input value="x</title><script>${T}</script>">`],
    [`<textarea>&lt;/textarea&gt;&lt;script&gt;${T}&lt;/script&gt;</textarea>`],
    [`<a href="/search?q=javascript:alert('${T}')">x</a>`],
    [`<p>javascript:alert('${T}')</p>`],
    [`<script src="/scripts/site.js"></script>`],
    // The page description carries an item's name: inside a named meta's content it is text
    // (CI drew this one from a staff-edited item name).
    [`<meta name="description" content="低保<iframe srcdoc=&quot;<script>${T}</script>&quot;></iframe>低保">`],
    [`<img src="/logo.png" alt="&lt;script&gt;${T}">`],
  ])('passes what is shown as text: %s', (html) => {
    expect(scriptProblems(`<!doctype html><html><body>${html}</body></html>`)).toEqual([]);
  });
});

describe('changedTables', () => {
  it('names the tables whose counts moved, leaving out the excepted', () => {
    expect(changedTables({ a: 1, b: 2, c: 3 }, { a: 1, b: 3, c: 4 }, new Set(['c']))).toEqual({ b: '2 → 3' });
    expect(changedTables({ a: 1 }, { a: 1 })).toEqual({});
  });
});

describe('forms as the page offers them', () => {
  const html = `<form method="get" action="/search"><input name="q"></form>
    <form method="post" action="/staff/talks" enctype="multipart/form-data">
      <input type="hidden" name="action" value="add">
      <select name="category"><option value selected>请选择</option><option value="3">卫生院长</option></select>
      <input type="date" name="heldOn" value="">
      <textarea name="note">已&lt;提醒&gt;</textarea>
      <input type="checkbox" name="townships" value="990121001000">
      <input type="radio" name="kind" value="talk"><input type="radio" name="kind" value="letter" checked>
      <input type="file" name="file">
      <button name="decision" value="approve">同意</button><button name="decision" value="refuse">不同意</button>
    </form>`;

  it('reads only POST forms, picks a real option, ticks boxes, keeps the checked radio and one button', () => {
    const [form] = formsOf(html);
    expect(formsOf(html)).toHaveLength(1);
    expect(form!.multipart).toBe(true);
    expect(form!.files).toEqual(['file']);
    const pairs = Object.fromEntries(pairsOf(form!, 1));
    expect(pairs).toMatchObject({ action: 'add', category: '3', note: '已<提醒>', townships: '990121001000', kind: 'letter', decision: 'refuse' });
    expect(pairs.heldOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('mutations replace, drop, repeat (either order) and add fields', () => {
    const base: Array<[string, string]> = [['a', '1'], ['b', '2']];
    expect(applyMutations(base, [{ op: 'replace', index: 0, value: 'x' }])).toEqual([['a', 'x'], ['b', '2']]);
    expect(applyMutations(base, [{ op: 'drop', index: 1 }])).toEqual([['a', '1']]);
    expect(applyMutations(base, [{ op: 'duplicate', index: 0, value: 'y' }])).toEqual([['a', '1'], ['a', 'y'], ['b', '2']]);
    expect(applyMutations(base, [{ op: 'duplicateFirst', index: 0, value: 'y' }])).toEqual([['a', 'y'], ['a', '1'], ['b', '2']]);
    expect(applyMutations(base, [{ op: 'extra', name: 'z', value: '9' }])).toEqual([['a', '1'], ['b', '2'], ['z', '9']]);
  });

  it('every body type is what it says', async () => {
    const pairs: Array<[string, string]> = [['title', '举报'], ['title', '重复']];
    expect(encodeBody(pairs, 'urlencoded')).toEqual({ body: 'title=%E4%B8%BE%E6%8A%A5&title=%E9%87%8D%E5%A4%8D', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect((encodeBody(pairs, 'multipart').body as FormData).getAll('title')).toEqual(['举报', '重复']);
    expect(encodeBody(pairs, 'wrongType').headers['Content-Type']).toBe('application/xml');
    const bad = encodeBody(pairs, 'badUtf8').body as Uint8Array;
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bad)).toThrow();
  });
});
