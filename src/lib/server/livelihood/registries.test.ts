/**
 * Importing a registry (registries.ts) through the file reader the page uses (readRegistryFile),
 * every way it is refused and what a refusal leaves: only the county commission of the county
 * imports (a department, a township, the city, an administrator, a village account get 403); a
 * wrong check digit, a missing or unknown column, an empty file, a bad or future date, a relation
 * that is not a close relative, an ID number Excel stored as a number, more rows than the limit —
 * each named by spreadsheet row and column, never by its content, and after each the database
 * holds exactly what it held. A title row above the header (as county exports have) is skipped,
 * in CSV and XLSX; a data row above the header is refused rather than silently dropped. A
 * success replaces the county's earlier rows of that kind only (not another kind's, not another
 * county's), records the file's SHA-256, reruns the checks, and audits kind, count and hash —
 * no ID number, no name. On PGlite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { registryImports } from '../../../../db/schema/livelihood-checks.ts';
import { encodeGbk } from '../../../../tests/support/ledger-import.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { can } from '../auth/permissions.ts';
import { createUser } from '../auth/users.ts';
import { queryRows } from '../db.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { readPaymentFile } from './file.ts';
import { checkCharacter } from './id-number.ts';
import { addItem } from './items.ts';
import { importRegistry, MAX_REGISTRY_ISSUES, readRegistryFile, REGISTRY_SPECS, registryRowProblem, registryTemplateXlsx, type RegistryKind } from './registries.ts';

const KEY = Buffer.from('dGVzdC1saXZlbGlob29kLWlkLWtleS0zMmJ5dGVzISE=', 'base64');
const TODAY = '2026-12-02';
const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const QIANYING = '990121001201';
let test: TestDatabase;
let commission: Actor;
let liugang: Actor;
let batchId = '';

/** A valid ID number of 桑河县 (address code 431121 of the demo) born on `birth` with sequence `seq`. */
const id = (birth: string, seq: number, area = '431121') => {
  const first17 = `${area}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
/** The same number with its check character changed. */
const wrongCheck = (idNumber: string) => idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1');
const ZHOU = { name: '周德海', idNumber: id('19380214', 31) };
const WU = { name: '吴桂英', idNumber: id('19421105', 62) };
const ZHENG = { name: '郑长林', idNumber: id('19500630', 17) };
const everyone = [ZHOU, WU, ZHENG];
const utf8 = (text: string) => new TextEncoder().encode(text);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function actor(username: string): Promise<Actor> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, role: row!.role, scopeCode: row!.scopeCode };
}

/** What the page does with an upload: read the file, then import its rows with the file's hash. */
async function upload(bytes: Uint8Array, kind: RegistryKind, who: Actor = commission) {
  const read = await readRegistryFile(bytes, kind);
  if (!read.ok) return { ok: false as const, messages: read.problems.map((problem) => problem.message), status: undefined };
  const result = await importRegistry(test.db, who, { kind, sourceSha256: sha(bytes), rows: read.rows, lines: read.lines }, { key: KEY, today: TODAY });
  if (result.ok) return { ok: true as const, value: result.value, messages: [] as string[] };
  return { ok: false as const, messages: [...Object.values(result.errors.fields), ...result.errors.rows.map(registryRowProblem)], status: result.status, errors: result.errors };
}

/** Every count a refused import must leave as it was. */
async function counts() {
  const [row] = await queryRows<Record<string, number>>(
    test.db,
    sql`select (select count(*)::int from registry_imports) as imports,
               (select count(*)::int from registry_imports where replaced_at is not null) as replaced,
               (select count(*)::int from registry_deaths) as deaths,
               (select count(*)::int from registry_officials) as officials,
               (select count(*)::int from registry_relatives) as relatives,
               (select count(*)::int from registry_vehicles) as vehicles,
               (select count(*)::int from registry_businesses) as businesses,
               (select count(*)::int from audit_events where action = 'livelihood.registryImported') as audits,
               (select count(*)::int from livelihood_hits) as hits`,
  );
  return row!;
}

/** A workbook of one sheet with these rows (the ID number columns as text, as the template has them). */
async function workbook(rows: unknown[][], options: { mergeTitle?: string } = {}): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('死亡登记');
  for (const row of rows) sheet.addRow(row);
  if (options.mergeTitle) sheet.mergeCells(options.mergeTitle);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

beforeAll(async () => {
  test = await createTestDatabase();
  commission = await actor('sanghe.jw');
  const created = await createUser(test.db, await actor('demo.admin'), { username: 'liugang.jw', displayName: '柳岗县纪委监委', role: 'commission', scopeCode: LIUGANG, password: 'registry-test-password-1' });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  liugang = await actor('liugang.jw');
  const mzj = await actor('sanghe.mzj');
  const item = await addItem(test.db, mzj, { name: '特困人员救助供养金', standardText: '基本生活标准每人每月780元', standardYuan: '780', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const rows = everyone.map((person) => ({ ...person, amount: '780', paidOn: '2026-11-10' }));
  const batch = await importBatch(test.db, mzj, { itemId: item.value.id, villageCode: QIANYING, period: '2026-11', sourceSha256: sha(utf8('前营村2026年11月特困供养')), rows }, { key: KEY, today: TODAY });
  if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
  batchId = batch.value.id;
});
afterAll(async () => test?.dispose());

const DEATHS = `身份证号码,姓名,死亡日期\r\n${ZHOU.idNumber},${ZHOU.name},2026-10-03\r\n${WU.idNumber},${WU.name},2026/11/28\r\n`;

describe('who may import a registry', () => {
  it('refuses everyone but the county commission with 403 and writes nothing', async () => {
    const before = await counts();
    const others = ['sanghe.mzj', 'sanghezhen.jw', 'beiyuan.jw', 'demo.admin', 'qianying.kj', 'qianying.jd', 'qianying.jjwy', 'sanghe.jgz'];
    for (const username of others) {
      const result = await upload(utf8(DEATHS), 'deaths', await actor(username));
      expect(result, username).toMatchObject({ ok: false, status: 403, messages: ['只有本县纪委监委可以导入比对用的登记信息'] });
    }
    expect(await counts()).toEqual(before);
  });

  it('imports for the actor’s own county only: another county’s commission may not touch 桑河县, and its own import leaves 桑河县’s rows alone', async () => {
    expect(can(liugang, 'livelihood.registries', { scopeCode: SANGHE })).toBe(false);
    expect(can(commission, 'livelihood.registries', { scopeCode: LIUGANG })).toBe(false);
    const first = await upload(utf8(DEATHS), 'deaths');
    expect(first).toMatchObject({ ok: true, value: { kind: 'deaths', count: 2 } });
    const theirs = await upload(utf8(`身份证号码,死亡日期\r\n${id('19470301', 5, '431122')},2026-09-09\r\n`), 'deaths', liugang);
    expect(theirs).toMatchObject({ ok: true, value: { count: 1 } });
    const rows = await queryRows<{ county_code: string; n: number; live: number }>(
      test.db,
      sql`select d.county_code, count(*)::int as n, count(*) filter (where i.replaced_at is null)::int as live
            from registry_deaths d join registry_imports i on i.id = d.import_id group by 1 order by 1`,
    );
    expect(rows).toEqual([
      { county_code: SANGHE, n: 2, live: 2 },
      { county_code: LIUGANG, n: 1, live: 1 },
    ]);
  });
});

describe('a registry file refused', () => {
  it('names a wrong check digit by row and column, without the number, and imports none of the file', async () => {
    const before = await counts();
    const bad = wrongCheck(ZHENG.idNumber);
    const result = await upload(utf8(`身份证号码,姓名,死亡日期\r\n${WU.idNumber},${WU.name},2026-11-28\r\n${bad},${ZHENG.name},2026-11-01\r\n`), 'deaths');
    expect(result).toMatchObject({ ok: false, messages: ['有 1 处需要修改，整个文件未导入；改正后请重新上传', '第3行“身份证号码”：身份证号码第18位校验码不对，请核对'] });
    const said = result.messages.join('\n');
    for (const secret of [bad, bad.slice(0, 14), ZHENG.name, WU.idNumber, WU.name]) expect(said).not.toContain(secret);
    expect(await counts()).toEqual(before);
  });

  it('refuses a missing column and an unknown one, naming the header row and column', async () => {
    const before = await counts();
    expect(await upload(utf8(`身份证号码,姓名\r\n${WU.idNumber},${WU.name}\r\n`), 'deaths')).toMatchObject({ ok: false, messages: ['第1行表头缺少“死亡日期”列，请按模板补上这一列。'] });
    const unknown = await upload(utf8(`身份证号码,死亡日期,户籍地址\r\n${WU.idNumber},2026-11-28,桑河镇前营村三组\r\n`), 'deaths');
    expect(unknown).toMatchObject({ ok: false, messages: [expect.stringContaining('第1行C列的表头不是模板中的列。第1行应为表头：身份证号码、死亡日期')] });
    expect(unknown.messages.join('')).not.toContain('三组');
    const doubled = await upload(utf8(`身份证号码,公民身份号码,死亡日期\r\n${WU.idNumber},${WU.idNumber},2026-11-28\r\n`), 'deaths');
    expect(doubled).toMatchObject({ ok: false, messages: ['第1行B列与A列都表示“身份证号码”，请删除其中一列。'] });
    // A file without a header: its first row is read as one, and the message repeats no cell of it.
    const headless = await upload(utf8(`${WU.idNumber},2026-11-28\r\n`), 'deaths');
    expect(headless.ok).toBe(false);
    expect(headless.messages.join('')).not.toContain(WU.idNumber);
    expect(await counts()).toEqual(before);
  });

  it('refuses an empty file, a blank CSV and a header without rows', async () => {
    const before = await counts();
    expect(await upload(new Uint8Array(), 'deaths')).toMatchObject({ ok: false, messages: ['上传的文件是空的，请填写后再上传。'] });
    expect(await upload(utf8('\uFEFF \r\n\r\n'), 'deaths')).toMatchObject({ ok: false, messages: [expect.stringMatching(/是空的/)] });
    expect(await upload(utf8('\uFEFF身份证号码,死亡日期\r\n,\r\n'), 'deaths')).toMatchObject({ ok: false, messages: ['文件中没有登记信息，请在表头下逐行填写'] });
    expect(await upload(await registryTemplateXlsx('officials'), 'officials')).toMatchObject({ ok: false, messages: ['文件中没有登记信息，请在表头下逐行填写'] });
    expect(await counts()).toEqual(before);
  });

  it('refuses a date that is not a real day, is missing, is written in words or lies in the future', async () => {
    const before = await counts();
    const rows = [
      [id('19330101', 1), '2026-02-30'],
      [id('19330101', 2), ''],
      [id('19330101', 3), '2026年11月1日'],
      [id('19330101', 4), '2026-12-25'],
      [id('19330101', 5), '2026-11-30'],
    ];
    const result = await upload(utf8(`身份证号码,死亡日期\r\n${rows.map((row) => row.join(',')).join('\r\n')}\r\n`), 'deaths');
    expect(result.ok).toBe(false);
    expect(result.messages).toEqual([
      '有 4 处需要修改，整个文件未导入；改正后请重新上传',
      '第2行“死亡日期”：死亡日期应写成 2026-11-10 这样的格式，并且是真实的日期',
      '第3行“死亡日期”：请填写死亡日期',
      '第4行“死亡日期”：死亡日期应写成 2026-11-10 这样的格式，并且是真实的日期',
      '第5行“死亡日期”：死亡日期晚于今天，请核对',
    ]);
    expect(await upload(utf8(`身份证号码,登记日期\r\n${id('19700101', 9)},2026-13-01\r\n`), 'businesses')).toMatchObject({ ok: false, messages: [expect.any(String), '第2行“登记日期”：登记日期应写成 2026-11-10 这样的格式，并且是真实的日期'] });
    expect(await counts()).toEqual(before);
  });

  it('refuses what each kind cannot hold: a kind of official, a too-short employer, a relation outside 民法典 第1045条, a cadre as their own relative, a plate with symbols', async () => {
    const before = await counts();
    const cadre = id('19720819', 44);
    const officials = await upload(utf8(`身份证号码,工作单位,人员类别\r\n${cadre},前营村民委员会,临时工\r\n${id('19800101', 45)},村,公职人员\r\n${id('19800101', 48)},😀,公职人员\r\n`), 'officials');
    // Line 4: one emoji is two UTF-16 units but one character to the database's check (CI found a 500).
    expect(officials.messages.slice(1)).toEqual([
      '第2行“人员类别”：人员类别应填“公职人员”或“村干部”',
      '第3行“工作单位”：请填写工作单位（2至60个字），如：桑河县水利局、前营村民委员会',
      '第4行“工作单位”：请填写工作单位（2至60个字），如：桑河县水利局、前营村民委员会',
    ]);
    const relatives = await upload(utf8(`村干部身份证号码,亲属身份证号码,关系\r\n${cadre},${id('19750312', 46)},表哥\r\n${cadre},${cadre},配偶\r\n`), 'relatives');
    expect(relatives.messages.slice(1)).toEqual([
      '第2行“关系”：关系应为近亲属之一：配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女',
      '第3行“亲属身份证号码”：亲属的身份证号码与村干部本人的相同，请核对',
    ]);
    const vehicles = await upload(utf8(`身份证号码,号牌后三位\r\n${cadre},晋K#12*\r\n`), 'vehicles');
    expect(vehicles.messages.slice(1)).toEqual(['第2行“号牌后三位”：号牌只能是汉字、字母和数字；只保存最后三位，也可以不填']);
    expect(await counts()).toEqual(before);
  });

  it('reads "__proto__" and "constructor" in a word column as the words they are (CI found a 500 with the first)', async () => {
    const before = await counts();
    const cadre = id('19720819', 44);
    const officials = await upload(utf8(`身份证号码,工作单位,人员类别\r\n${cadre},前营村民委员会,__proto__\r\n${id('19800101', 45)},桑河县水利局,constructor\r\n`), 'officials');
    expect(officials.messages.slice(1)).toEqual(['第2行“人员类别”：人员类别应填“公职人员”或“村干部”', '第3行“人员类别”：人员类别应填“公职人员”或“村干部”']);
    const relatives = await upload(utf8(`村干部身份证号码,亲属身份证号码,关系\r\n${cadre},${id('19750312', 46)},__proto__\r\n${cadre},${id('19750312', 47)},toString\r\n`), 'relatives');
    expect(relatives.messages.slice(1)).toEqual([
      '第2行“关系”：关系应为近亲属之一：配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女',
      '第3行“关系”：关系应为近亲属之一：配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女',
    ]);
    expect(await counts()).toEqual(before);
  });

  it('reports the first hundred row problems and counts the rest', async () => {
    const before = await counts();
    const lines = Array.from({ length: 130 }, (_, n) => `${wrongCheck(id('19600101', n + 100))},2026-11-01`);
    const result = await upload(utf8(`身份证号码,死亡日期\r\n${lines.join('\r\n')}\r\n`), 'deaths');
    expect(result.ok).toBe(false);
    if (result.ok || !result.errors) throw new Error('expected row errors');
    expect(result.errors.rows).toHaveLength(MAX_REGISTRY_ISSUES);
    expect(result.errors.moreRows).toBe(30);
    expect(result.errors.fields.rows).toBe('有 130 处需要修改，整个文件未导入；改正后请重新上传');
    expect(result.errors.rows.at(-1)).toMatchObject({ line: 101, column: '身份证号码' });
    expect(await counts()).toEqual(before);
  });

  it('refuses a file of more than 10,000 rows as a whole, importing none of it', async () => {
    const before = await counts();
    const line = `${WU.idNumber},2026-11-28`;
    const result = await upload(utf8(`身份证号码,死亡日期\r\n${Array.from({ length: 10_001 }, () => line).join('\r\n')}\r\n`), 'deaths');
    expect(result).toMatchObject({ ok: false, messages: [expect.stringContaining('文件有10,001行数据，每次最多导入10,000行（不含表头），不会只导入其中一部分')] });
    expect(await counts()).toEqual(before);
  });

  it('refuses an ID number Excel stored as a number (its last digits lost), and a file that is neither CSV nor XLSX', async () => {
    const before = await counts();
    const sheet = await workbook([['身份证号码', '死亡日期'], [Number(WU.idNumber.slice(0, 17)) * 10, '2026-11-28']]);
    expect(await upload(sheet, 'deaths')).toMatchObject({ ok: false, messages: ['第2行“身份证号码”被 Excel 存成了数字，后几位已经丢失。请把这一列设为“文本”格式后重新填写，或使用下载的模板。'] });
    expect(await upload(utf8('%PDF-1.7\n'), 'deaths')).toMatchObject({ ok: false, messages: [expect.stringMatching(/^只支持 CSV 文件/)] });
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown kind and a missing file hash before reading any row', async () => {
    const before = await counts();
    const rows = [{ 身份证号码: WU.idNumber, 死亡日期: '2026-11-28' }];
    expect(await importRegistry(test.db, commission, { kind: 'pensions', sourceSha256: sha(utf8('x')), rows }, { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { kind: '请选择登记信息的种类' } } });
    expect(await importRegistry(test.db, commission, { kind: 'deaths', sourceSha256: 'abc', rows }, { key: KEY, today: TODAY })).toMatchObject({ ok: false, errors: { fields: { form: '没有收到导入文件，请重新选择文件上传' } } });
    expect(await counts()).toEqual(before);
  });

  it('refuses a row of data above the header instead of dropping it, without repeating it', async () => {
    const before = await counts();
    const csv = `${WU.idNumber},${WU.name},2026-11-28\r\n身份证号码,姓名,死亡日期\r\n${ZHOU.idNumber},${ZHOU.name},2026-10-03\r\n`;
    const result = await upload(utf8(csv), 'deaths');
    expect(result).toMatchObject({ ok: false, messages: ['第1行在表头（第2行）上方，却像是一行数据（有身份证号码或账号那样的长数字）。表头上方只能是标题或说明：请把这一行移到表头下方，或删除后再上传。'] });
    expect(result.messages.join('')).not.toContain(WU.name);
    expect(await counts()).toEqual(before);
  });
});

describe('a registry file imported', () => {
  it('skips a title row above the header, in CSV as Excel saves it and in a workbook with a merged title, keeping the spreadsheet’s row numbers', async () => {
    const csv = `桑河县公安局户籍死亡注销人员名单,,\r\n填报日期：2026年11月30日,,\r\n身份证号码,姓名,死亡日期\r\n${ZHOU.idNumber},${ZHOU.name},2026-10-03\r\n${WU.idNumber},${WU.name},2026-11-28\r\n`;
    const read = await readRegistryFile(utf8(csv), 'deaths');
    expect(read).toEqual({ ok: true, rows: [{ 身份证号码: ZHOU.idNumber, 死亡日期: '2026-10-03' }, { 身份证号码: WU.idNumber, 死亡日期: '2026-11-28' }], lines: [4, 5] });
    const gbk = await readRegistryFile(encodeGbk(csv), 'deaths');
    expect(gbk).toMatchObject({ ok: true, lines: [4, 5] });
    const sheet = await workbook(
      [['桑河县2026年11月死亡人员登记信息'], ['序号', '公民身份号码', '姓名', '死亡时间'], [1, ZHOU.idNumber, ZHOU.name, new Date(Date.UTC(2026, 9, 3))], [2, WU.idNumber, WU.name, '2026-11-28']],
      { mergeTitle: 'A1:D1' },
    );
    expect(await readRegistryFile(sheet, 'deaths')).toEqual({ ok: true, rows: [{ 身份证号码: ZHOU.idNumber, 死亡日期: '2026-10-03' }, { 身份证号码: WU.idNumber, 死亡日期: '2026-11-28' }], lines: [3, 4] });
    // The recipient lists go through the same reader: a department's export with its title reads too.
    const list = await readPaymentFile(utf8(`前营村2026年11月特困人员救助供养金发放花名册,,,\r\n户主姓名,公民身份号码,发放金额,发放日期\r\n${WU.name},${WU.idNumber},780,2026-11-10\r\n`));
    expect(list).toEqual({ ok: true, rows: [{ name: WU.name, idNumber: WU.idNumber, amount: '780', paidOn: '2026-11-10', bankAccount: '', certifierIdNumber: '' }], lines: [3] });
    // A row problem under a title names the row as the spreadsheet shows it.
    const bad = await upload(utf8(csv.replace(WU.idNumber, wrongCheck(WU.idNumber))), 'deaths');
    expect(bad.messages).toContain('第5行“身份证号码”：身份证号码第18位校验码不对，请核对');
  });

  it('accepts a person listed twice (two records of one death): one hit for the payment, the earliest date its ground', async () => {
    const result = await upload(utf8(`身份证号码,死亡日期\r\n${ZHOU.idNumber},2026-10-03\r\n${ZHOU.idNumber},2026-10-05\r\n`), 'deaths');
    expect(result).toMatchObject({ ok: true, value: { count: 2 } });
    const hits = await queryRows<{ rule: string; line: number; detail: unknown }>(test.db, sql`select h.rule, p.line, h.detail from livelihood_hits h join payments p on p.id = h.payment_id where h.batch_id = ${batchId} and h.cleared_at is null`);
    expect(hits).toEqual([{ rule: 'deceased', line: 2, detail: { diedOn: '2026-10-03' } }]);
  });

  it('replaces the county’s earlier rows of the kind only, records the file’s SHA-256, reruns the checks and audits no ID number or name', async () => {
    const officials = await upload(utf8(`身份证号码,姓名,工作单位,人员类别\r\n${ZHENG.idNumber},${ZHENG.name},桑河县水利局,公职人员\r\n`), 'officials');
    expect(officials).toMatchObject({ ok: true, value: { count: 1, run: { added: 1 } } });
    const [liugangBefore] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from registry_deaths where county_code = ${LIUGANG}`);
    const importsOf = () => queryRows<{ live: number; replaced: number }>(
      test.db,
      sql`select count(*) filter (where replaced_at is null)::int as live, count(*) filter (where replaced_at is not null)::int as replaced from registry_imports where county_code = ${SANGHE} and kind = 'deaths'`,
    );
    const [importsBefore] = await importsOf();
    expect(importsBefore!.live).toBe(1);
    const bytes = utf8(`\uFEFF身份证号码,姓名,死亡日期\r\n${WU.idNumber},${WU.name},2026-11-02\r\n`);
    const result = await upload(bytes, 'deaths');
    expect(result).toMatchObject({ ok: true, value: { kind: 'deaths', count: 1, run: { countyCode: SANGHE } } });
    if (!result.ok) return;
    const [stored] = await test.db.select().from(registryImports).where(eq(registryImports.id, result.value.id));
    expect(stored).toMatchObject({ countyCode: SANGHE, kind: 'deaths', rowCount: 1, sourceSha256: sha(bytes), importedBy: commission.id, replacedAt: null });
    const deaths = await queryRows<{ import_id: string; line: number; died_on: string }>(test.db, sql`select import_id, line, died_on::text from registry_deaths where county_code = ${SANGHE}`);
    expect(deaths).toEqual([{ import_id: result.value.id, line: 2, died_on: '2026-11-02' }]);
    // The earlier import stays on record, replaced; the new one is the only one in force.
    expect(await importsOf()).toEqual([{ live: 1, replaced: importsBefore!.replaced + 1 }]);
    // The officials registry (another kind) and 柳岗县's deaths (another county) are untouched.
    expect(await queryRows(test.db, sql`select count(*)::int as n from registry_officials where county_code = ${SANGHE}`)).toEqual([{ n: 1 }]);
    expect(await queryRows(test.db, sql`select count(*)::int as n from registry_deaths where county_code = ${LIUGANG}`)).toEqual([liugangBefore]);
    // The checks ran again: 周德海's hit is cleared (no longer in the registry), 吴桂英's holds (died before the payment).
    const hits = await queryRows<{ rule: string; line: number; cleared: boolean }>(test.db, sql`select h.rule, p.line, h.cleared_at is not null as cleared from livelihood_hits h join payments p on p.id = h.payment_id where h.batch_id = ${batchId} order by p.line, h.rule`);
    expect(hits).toEqual([
      { rule: 'deceased', line: 2, cleared: true },
      { rule: 'deceased', line: 3, cleared: false },
      { rule: 'official', line: 4, cleared: false },
    ]);
    const [audit] = await queryRows<Record<string, unknown>>(test.db, sql`select * from audit_events where action = 'livelihood.registryImported' and subject_id = ${result.value.id}`);
    expect(audit).toMatchObject({ scope_code: SANGHE, subject_type: 'registry_import', detail: { kind: 'deaths', count: 1, sourceSha256: sha(bytes), replaced: 1 } });
    const all = JSON.stringify(await queryRows(test.db, sql`select row_to_json(a)::text as r from audit_events a where action like 'livelihood.%'`));
    for (const person of everyone) for (const secret of [person.name, person.idNumber, person.idNumber.slice(0, 14)]) expect(all).not.toContain(secret);
  });

  it('stores no name and no ID number in any registry table', async () => {
    const dump: string[] = [];
    for (const table of ['registry_imports', 'registry_deaths', 'registry_officials', 'registry_relatives', 'registry_vehicles', 'registry_businesses', 'livelihood_hits']) {
      dump.push(JSON.stringify(await queryRows(test.db, sql.raw(`select row_to_json(t)::text as r from "${table}" t`))));
    }
    const text = dump.join('\n');
    expect(text).toContain(sha(utf8(DEATHS))); // the dump holds the imports
    for (const person of everyone) for (const secret of [person.name, person.idNumber, person.idNumber.slice(0, 14)]) expect(text).not.toContain(secret);
  });

  it('keeps every kind’s columns in the template, the ID number columns as text', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await registryTemplateXlsx('relatives')) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...REGISTRY_SPECS.relatives.columns]);
    expect([sheet.getColumn(1).numFmt, sheet.getColumn(2).numFmt, sheet.getColumn(3).numFmt]).toEqual(['@', '@', undefined]);
  });
});
