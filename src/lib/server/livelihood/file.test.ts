/**
 * Reading a recipient list file: CSV (UTF-8 with BOM, GBK) and XLSX through the ledger import's
 * readers, header synonyms, an ignored 序号 column, unknown and missing columns refused, the
 * spreadsheet's own row numbers kept, an ID number Excel stored as a number refused — and no
 * message that repeats a cell (a file without a header must not echo a name or an ID number).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../../../tests/support/ledger-import.ts';
import { checkCharacter } from './id-number.ts';
import { PAYMENT_COLUMNS, paymentTemplateCsv, paymentTemplateXlsx, readPaymentFile } from './file.ts';

const id = (birth: string, seq: number) => {
  const first17 = `431121${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const WANG = id('19560312', 24);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('reading a recipient list file', () => {
  it('reads a CSV with the template header and keeps the spreadsheet row numbers', async () => {
    const result = await readPaymentFile(utf8(`\uFEFF姓名,身份证号码,金额（元）,发放日期,银行账号\r\n王秀兰,${WANG},520,2026-11-10,6217000010001234567\r\n,,,,\r\n李建国,${id('19630705', 11)},480.50,2026/11/10,\r\n`));
    expect(result).toEqual({
      ok: true,
      rows: [
        { name: '王秀兰', idNumber: WANG, amount: '520', paidOn: '2026-11-10', bankAccount: '6217000010001234567', certifierIdNumber: '' },
        { name: '李建国', idNumber: id('19630705', 11), amount: '480.50', paidOn: '2026/11/10', bankAccount: '', certifierIdNumber: '' },
      ],
      lines: [2, 4],
    });
  });

  it('knows the departments’ spellings of the header and ignores a 序号 column; a GBK file reads too', async () => {
    const text = `序号,户主姓名,公民身份号码,发放金额（元）,发放时间\r\n1,赵桂芝,${WANG},520,2026-11-10\r\n`;
    const result = await readPaymentFile(encodeGbk(text));
    expect(result).toMatchObject({ ok: true, rows: [{ name: '赵桂芝', idNumber: WANG, amount: '520', paidOn: '2026-11-10', bankAccount: '' }] });
  });

  it('refuses unknown and missing columns without repeating what the cells hold', async () => {
    const noHeader = await readPaymentFile(utf8(`王秀兰,${WANG},520,2026-11-10\r\n`));
    expect(noHeader.ok).toBe(false);
    if (noHeader.ok) return;
    const said = noHeader.problems.map((problem) => problem.message).join('\n');
    expect(said).toContain('第1行A列的表头不是模板中的列');
    expect(said).toContain('第1行表头缺少“姓名”列');
    expect(said).not.toContain('王秀兰');
    expect(said).not.toContain(WANG);
    expect(said).not.toContain(WANG.slice(0, 10));
  });

  it('refuses a file that is not CSV or XLSX, and an empty one', async () => {
    expect(await readPaymentFile(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]))).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/只支持 CSV/) }] });
    expect(await readPaymentFile(new Uint8Array())).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/是空的/) }] });
  });

  it('reads the downloadable XLSX template filled in, and refuses an ID number Excel stored as a number', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await paymentTemplateXlsx()) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...PAYMENT_COLUMNS]);
    sheet.addRow(['王秀兰', WANG, 520, new Date(Date.UTC(2026, 10, 10)), '6217000010001234567']);
    sheet.addRow(['李建国', Number('431121196307050115'), 480.5, '2026-11-10', null]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const result = await readPaymentFile(bytes);
    expect(result).toMatchObject({ ok: false, problems: [{ row: 3, message: expect.stringMatching(/第3行“身份证号码”被 Excel 存成了数字/) }] });
    sheet.spliceRows(3, 1);
    const fixed = await readPaymentFile(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(fixed).toEqual({ ok: true, rows: [{ name: '王秀兰', idNumber: WANG, amount: '520', paidOn: '2026-11-10', bankAccount: '6217000010001234567', certifierIdNumber: '' }], lines: [2] });
  });

  it('has a CSV template Excel opens as UTF-8, header only', () => {
    expect(paymentTemplateCsv()).toBe('\uFEFF姓名,身份证号码,金额（元）,发放日期,银行账号,审核村干部身份证号\r\n');
  });

  it('reads the optional certifying cadre’s column under its other spellings', async () => {
    const result = await readPaymentFile(utf8(`姓名,身份证号码,金额,发放日期,审核人身份证号\r\n王秀兰,${WANG},520,2026-11-10,${id('19700101', 15)}\r\n`));
    expect(result).toMatchObject({ ok: true, rows: [{ name: '王秀兰', certifierIdNumber: id('19700101', 15), bankAccount: '' }] });
  });
});
