import { describe, expect, it } from 'vitest';
import { parseFundEntriesFile } from './index.ts';
import { encodeGbk, expectOk, expectSingleError, HEADER, line } from '../../../../../tests/support/ledger-import.ts';

describe('format and encoding from the bytes', () => {
  it('reads UTF-8 without BOM and LF line endings, and header variants people type', async () => {
    const header = '日期, 收支方向 ,金额 ( 元 ),会计科目,摘要,对方单位或个人,凭证号,结算方式,决议文号';
    const bytes = new TextEncoder().encode(`${header}\n${line({ '金额（元）': '１２０００' })}\n`);
    const result = expectOk(await parseFundEntriesFile(bytes, 'ledger.txt'));
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.amountFen).toBe(1_200_000);
  });

  it('reads a GBK CSV, as Chinese Excel and WPS write "CSV（逗号分隔）"', async () => {
    const text = [HEADER, line(), line({ 日期: '2026-07-18', 收支: '支出', '金额（元）': '8650', 会计科目: '公益支出', 摘要: '村道维修', 对方单位或个人: '顺达建材经营部', 凭证号: '记-002' })].join('\r\n');
    const bytes = encodeGbk(text);
    // The encoder is right: 收入 is CA D5 C8 EB in GBK, and the bytes decode back to the text.
    expect([...encodeGbk('收入')]).toEqual([0xca, 0xd5, 0xc8, 0xeb]);
    expect(new TextDecoder('gbk').decode(bytes)).toBe(text);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();

    const result = expectOk(await parseFundEntriesFile(bytes, '资金.csv'));
    expect(result.rows.map((row) => [row.sourceRow, row.direction, row.amountFen, row.summary, row.counterparty])).toEqual([
      [2, 'income', 1_200_000, '收取2026年度东片耕地承包费', '张建国'],
      [3, 'expense', 865_000, '村道维修', '顺达建材经营部'],
    ]);
  });

  it.each([
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'PDF'],
    ['a legacy .xls (OLE)', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0x3e, 0, 3, 0]), '.xls'],
    ['random bytes', new Uint8Array(Array.from({ length: 512 }, (_, index) => (index * 7919 + 13) % 256)), null],
    ['an HTML table saved as .xls', new TextEncoder().encode('<html><body><table><tr><td>日期</td></tr></table></body></html>'), 'HTML'],
  ])('refuses %s, naming the accepted formats', async (_, bytes, hint) => {
    const error = expectSingleError(await parseFundEntriesFile(bytes, '资金收支.xls'), null, null);
    expect(error.message).toContain('CSV');
    expect(error.message).toContain('.xlsx');
    if (hint) expect(error.message).toContain(hint);
  });
});
