/**
 * The registries the livelihood payments are cross-checked against (issue 14 item 4), imported by
 * the county commission as CSV or XLSX files (no live connection to any other system): 死亡登记,
 * 公职人员和村干部, 村干部近亲属, 车辆登记, 市场主体登记. The columns of each are REGISTRY_SPECS
 * (README, "Registries"); the downloadable templates are made from them.
 *
 * All or nothing: every row is checked, every problem is named by its spreadsheet row and column
 * (never its content), a single problem imports nothing. A new import of a kind replaces the
 * county's previous rows of that kind (the earlier import's record stays, `replaced_at` set). ID
 * numbers are checked (GB 11643) and stored only as the payments store them (HMAC under
 * LIVELIHOOD_ID_KEY); names are never stored — a 姓名 column is read past. The audit entry names the
 * kind, the count and the file's SHA-256. After the import the county's cross-checks run again.
 *
 * Who imports: the county commission of the county (`livelihood.registries`), never the paying
 * department whose payments the registries check.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import {
  REGISTRY_KINDS,
  registryBusinesses,
  registryDeaths,
  registryImports,
  registryOfficials,
  registryRelatives,
  registryVehicles,
  type OfficialKind,
  type Relation,
  type RegistryKind,
} from '../../../../db/schema/livelihood-checks.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { isIsoDate, todayInShanghai } from '../time.ts';
import { characterCount, visibleLength } from '../validation.ts';
import { runCrossChecks, type CrossCheckRun } from './cross-checks.ts';
import { readColumnFile, templateCsv, templateXlsx, type ColumnFileResult, type ColumnSpec } from './file.ts';
import { idHash, idNumberProblem, normaliseIdNumber } from './id-number.ts';
import { describeError, logger } from '../logger.ts';

export { REGISTRY_KINDS, type RegistryKind };

const ID_SYNONYMS = ['身份证号', '公民身份号码', '身份证', '证件号码', '身份证件号码'];
const NAME_COLUMNS = ['姓名'];

/** Each kind's columns, in template order. */
export const REGISTRY_SPECS: Record<RegistryKind, ColumnSpec<string>> = {
  deaths: {
    columns: ['身份证号码', '死亡日期'],
    synonyms: { 身份证号码: ID_SYNONYMS, 死亡日期: ['死亡时间', '死亡登记日期', '注销日期'] },
    optional: [],
    numberText: ['身份证号码'],
    dates: ['死亡日期'],
    ignored: NAME_COLUMNS,
  },
  officials: {
    columns: ['身份证号码', '工作单位', '人员类别'],
    synonyms: { 身份证号码: ID_SYNONYMS, 工作单位: ['单位', '单位名称', '任职单位', '所在单位'], 人员类别: ['类别', '身份类别', '人员身份'] },
    optional: [],
    numberText: ['身份证号码'],
    dates: [],
    ignored: [...NAME_COLUMNS, '职务'],
  },
  relatives: {
    columns: ['村干部身份证号码', '亲属身份证号码', '关系'],
    synonyms: { 村干部身份证号码: ['村干部身份证号', '干部身份证号码', '干部身份证号'], 亲属身份证号码: ['亲属身份证号', '近亲属身份证号码', '近亲属身份证号'], 关系: ['亲属关系', '与村干部关系', '称谓'] },
    optional: [],
    numberText: ['村干部身份证号码', '亲属身份证号码'],
    dates: [],
    ignored: [...NAME_COLUMNS, '村干部姓名', '亲属姓名'],
  },
  vehicles: {
    columns: ['身份证号码', '号牌后三位'],
    synonyms: { 身份证号码: [...ID_SYNONYMS, '所有人身份证号码', '车主身份证号码'], 号牌后三位: ['车牌后三位', '号牌号码', '车牌号码', '号牌', '车牌号'] },
    optional: ['号牌后三位'],
    numberText: ['身份证号码'],
    dates: [],
    ignored: [...NAME_COLUMNS, '所有人', '车主姓名'],
  },
  businesses: {
    columns: ['身份证号码', '登记日期'],
    synonyms: { 身份证号码: [...ID_SYNONYMS, '法定代表人身份证号码', '经营者身份证号码', '投资人身份证号码'], 登记日期: ['成立日期', '注册日期', '设立日期', '核准日期'] },
    optional: [],
    numberText: ['身份证号码'],
    dates: ['登记日期'],
    ignored: [...NAME_COLUMNS, '法定代表人', '经营者姓名', '市场主体名称', '企业名称', '字号名称'],
  },
};

/** What the county calls each kind (the page and the messages). */
export const REGISTRY_NAMES: Record<RegistryKind, string> = {
  deaths: '死亡登记',
  officials: '公职人员和村干部',
  relatives: '村干部近亲属',
  vehicles: '车辆登记',
  businesses: '市场主体登记',
};

// Maps, not object literals: a cell is looked up as typed, and "__proto__" or "constructor" in an
// object literal's lookup finds Object.prototype's members (a registry with "__proto__" as 人员类别
// was a 500, found by the hostile-import property).
const OFFICIAL_KIND_OF = new Map<string, OfficialKind>([
  ['公职人员', 'public_employee'],
  ['村干部', 'village_cadre'],
  ['村（社区）干部', 'village_cadre'],
  ['社区干部', 'village_cadre'],
  ['村两委干部', 'village_cadre'],
]);

/** 民法典 第1045条: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女 — with the words registries write them in. */
const RELATION_WORDS: Record<Relation, string[]> = {
  spouse: ['配偶', '丈夫', '妻子', '夫', '妻'],
  parent: ['父母', '父亲', '母亲', '父', '母'],
  child: ['子女', '儿子', '女儿', '子', '女'],
  sibling: ['兄弟姐妹', '兄弟', '姐妹', '哥哥', '弟弟', '姐姐', '妹妹', '兄', '弟', '姐', '妹'],
  grandparent: ['祖父母', '外祖父母', '祖父', '祖母', '外祖父', '外祖母', '爷爷', '奶奶', '外公', '外婆'],
  grandchild: ['孙子女', '外孙子女', '孙子', '孙女', '外孙', '外孙子', '外孙女'],
};
const RELATION_OF = new Map<string, Relation>(
  (Object.entries(RELATION_WORDS) as Array<[Relation, string[]]>).flatMap(([relation, words]) => words.map((word) => [word, relation] as [string, Relation])),
);

/** Most row problems reported at once; the rest are counted. */
export const MAX_REGISTRY_ISSUES = 100;

export interface RegistryRowIssue {
  line: number;
  column: string;
  message: string;
}

export interface RegistryErrors {
  fields: FieldErrors;
  rows: RegistryRowIssue[];
  moreRows: number;
}

export interface RegistryImportInput {
  kind: string;
  /** SHA-256 (hex) of the uploaded file. */
  sourceSha256: string;
  /** The rows as read by readColumnFile with REGISTRY_SPECS[kind]: text by column. */
  rows: Array<Record<string, string>>;
  /** Each row's number in the file as the spreadsheet shows it; default index + 2. */
  lines?: number[];
}

type Stored =
  | { kind: 'deaths'; idHash: string; diedOn: string }
  | { kind: 'officials'; idHash: string; employer: string; officialKind: OfficialKind }
  | { kind: 'relatives'; cadreIdHash: string; relativeIdHash: string; relation: Relation }
  | { kind: 'vehicles'; idHash: string; plateTail: string | null }
  | { kind: 'businesses'; idHash: string; registeredOn: string };

const refuse = (fields: FieldErrors, status?: number): Result<never, RegistryErrors> => fail({ fields, rows: [], moreRows: 0 }, status);

function dateOf(text: string): string {
  return (text ?? '').normalize('NFKC').trim().replace(/[/.]/g, '-').replace(/^(\d{4})-(\d)-/, '$1-0$2-').replace(/-(\d)$/, '-0$1');
}

/** One row checked: what is stored, or the problem of each column. */
function checkRow(kind: RegistryKind, key: Buffer, row: Record<string, string>, today: string): { ok: true; stored: Stored } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const id = (column: string): string => {
    const value = normaliseIdNumber(row[column]);
    const problem = idNumberProblem(value, today);
    if (problem) errors[column] = problem;
    return problem ? '' : idHash(key, value);
  };
  const date = (column: string, what: string): string => {
    const value = dateOf(row[column] ?? '');
    if (!value) errors[column] = `请填写${what}`;
    else if (!isIsoDate(value)) errors[column] = `${what}应写成 2026-11-10 这样的格式，并且是真实的日期`;
    else if (value > today) errors[column] = `${what}晚于今天，请核对`;
    return value;
  };
  let stored: Stored;
  switch (kind) {
    case 'deaths':
      stored = { kind, idHash: id('身份证号码'), diedOn: date('死亡日期', '死亡日期') };
      break;
    case 'officials': {
      const employer = (row['工作单位'] ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ');
      if (visibleLength(employer) < 2 || characterCount(employer) > 60) errors['工作单位'] = '请填写工作单位（2至60个字），如：桑河县水利局、前营村民委员会';
      const officialKind = OFFICIAL_KIND_OF.get((row['人员类别'] ?? '').normalize('NFKC').replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）'));
      if (!officialKind) errors['人员类别'] = '人员类别应填“公职人员”或“村干部”';
      stored = { kind, idHash: id('身份证号码'), employer, officialKind: officialKind ?? 'public_employee' };
      break;
    }
    case 'relatives': {
      const relation = RELATION_OF.get((row['关系'] ?? '').normalize('NFKC').replace(/\s+/g, ''));
      if (!relation) errors['关系'] = '关系应为近亲属之一：配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女';
      const cadre = id('村干部身份证号码');
      const relative = id('亲属身份证号码');
      if (cadre && cadre === relative) errors['亲属身份证号码'] = '亲属的身份证号码与村干部本人的相同，请核对';
      stored = { kind, cadreIdHash: cadre, relativeIdHash: relative, relation: relation ?? 'spouse' };
      break;
    }
    case 'vehicles': {
      const plate = (row['号牌后三位'] ?? '').normalize('NFKC').toUpperCase().replace(/[\s·.-]/g, '');
      if (plate && !/^[\p{Script=Han}A-Z0-9]+$/u.test(plate)) errors['号牌后三位'] = '号牌只能是汉字、字母和数字；只保存最后三位，也可以不填';
      stored = { kind, idHash: id('身份证号码'), plateTail: plate ? Array.from(plate).slice(-3).join('') : null };
      break;
    }
    case 'businesses':
      stored = { kind, idHash: id('身份证号码'), registeredOn: date('登记日期', '登记日期') };
      break;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, stored };
}

const TABLES = { deaths: registryDeaths, officials: registryOfficials, relatives: registryRelatives, vehicles: registryVehicles, businesses: registryBusinesses } as const;

function valuesOf(stored: Stored, base: { importId: string; countyCode: string; line: number }) {
  switch (stored.kind) {
    case 'deaths':
      return { ...base, idHash: stored.idHash, diedOn: stored.diedOn };
    case 'officials':
      return { ...base, idHash: stored.idHash, employer: stored.employer, kind: stored.officialKind };
    case 'relatives':
      return { ...base, cadreIdHash: stored.cadreIdHash, relativeIdHash: stored.relativeIdHash, relation: stored.relation };
    case 'vehicles':
      return { ...base, idHash: stored.idHash, plateTail: stored.plateTail };
    case 'businesses':
      return { ...base, idHash: stored.idHash, registeredOn: stored.registeredOn };
  }
}

export function isRegistryKind(value: string): value is RegistryKind {
  return (REGISTRY_KINDS as readonly string[]).includes(value);
}

/**
 * Imports one registry file for the actor's county, replacing that kind's earlier rows, then reruns
 * the county's cross-checks (a failing run is logged and leaves the import standing: `run` null).
 */
export async function importRegistry(
  db: Db,
  actor: Actor,
  input: RegistryImportInput,
  options: { key?: Buffer; today?: string } = {},
): Promise<Result<{ id: string; kind: RegistryKind; count: number; run: CrossCheckRun | null }, RegistryErrors>> {
  const countyCode = actor.scopeCode ?? '';
  if (!can(actor, 'livelihood.registries', { scopeCode: countyCode })) return refuse({ form: '只有本县纪委监委可以导入比对用的登记信息' }, 403);
  if (!isRegistryKind(input.kind ?? '')) return refuse({ kind: '请选择登记信息的种类' });
  const kind = input.kind as RegistryKind;
  if (!/^[0-9a-f]{64}$/.test(input.sourceSha256 ?? '')) return refuse({ form: '没有收到导入文件，请重新选择文件上传' });
  if (input.rows.length === 0) return refuse({ rows: '文件中没有登记信息，请在表头下逐行填写' });
  const key = options.key ?? getConfig().livelihoodIdKey;
  const today = options.today ?? todayInShanghai();
  const lineOf = (index: number) => input.lines?.[index] ?? index + 2;
  const issues: RegistryRowIssue[] = [];
  const stored: Array<{ line: number; row: Stored }> = [];
  input.rows.forEach((row, index) => {
    const checked = checkRow(kind, key, row, today);
    if (checked.ok) stored.push({ line: lineOf(index), row: checked.stored });
    else for (const [column, message] of Object.entries(checked.errors)) issues.push({ line: lineOf(index), column, message });
  });
  if (issues.length > 0) {
    return fail({ fields: { rows: `有 ${issues.length} 处需要修改，整个文件未导入；改正后请重新上传` }, rows: issues.slice(0, MAX_REGISTRY_ISSUES), moreRows: Math.max(0, issues.length - MAX_REGISTRY_ISSUES) });
  }

  const imported = await db.transaction(async (tx) => {
    // One import of a county at a time: the county's row is the lock (the checks' run takes it too).
    const [county] = await tx.select({ code: areas.code }).from(areas).where(and(eq(areas.code, countyCode), eq(areas.level, 'county'))).for('update');
    if (!county) return refuse({ form: '没有找到本县' }, 403);
    const id = crypto.randomUUID();
    const replaced = await tx
      .update(registryImports)
      .set({ replacedAt: new Date() })
      .where(and(eq(registryImports.countyCode, countyCode), eq(registryImports.kind, kind), isNull(registryImports.replacedAt)))
      .returning({ id: registryImports.id });
    const table = TABLES[kind];
    await tx.delete(table).where(eq(table.countyCode, countyCode));
    await tx.insert(registryImports).values({ id, countyCode, kind, rowCount: stored.length, sourceSha256: input.sourceSha256, importedBy: actor.id });
    for (let start = 0; start < stored.length; start += 500) {
      const chunk = stored.slice(start, start + 500).map(({ line, row }) => valuesOf(row, { importId: id, countyCode, line }));
      await tx.insert(table).values(chunk as never);
    }
    await recordAudit(tx, {
      actor,
      action: 'livelihood.registryImported',
      subjectType: 'registry_import',
      subjectId: id,
      scopeCode: countyCode,
      detail: { kind, count: stored.length, sourceSha256: input.sourceSha256, replaced: replaced.length },
    });
    return ok({ id, kind, count: stored.length });
  });
  if (!imported.ok) return imported;
  let run: CrossCheckRun | null = null;
  try {
    run = (await db.transaction((tx) => runCrossChecks(tx, { countyCode }))) ?? null;
  } catch (error) {
    logger.warn({ ...describeError(error), registryImport: imported.value.id }, 'livelihood cross-checks failed after a registry import; the import stands');
  }
  return ok({ ...imported.value, run });
}

export interface RegistryImportLine {
  id: string;
  kind: RegistryKind;
  rowCount: number;
  importedAt: Date;
  importedBy: string;
  replacedAt: Date | null;
}

/** The county's registry imports, newest first, with who imported each (display name). */
export async function listRegistryImports(db: DbOrTx, countyCode: string): Promise<RegistryImportLine[]> {
  return db
    .select({ id: registryImports.id, kind: registryImports.kind, rowCount: registryImports.rowCount, importedAt: registryImports.importedAt, importedBy: sql<string>`coalesce(${users.displayName}, ${registryImports.importedBy})`, replacedAt: registryImports.replacedAt })
    .from(registryImports)
    .leftJoin(users, eq(users.id, registryImports.importedBy))
    .where(eq(registryImports.countyCode, countyCode))
    .orderBy(desc(registryImports.importedAt), desc(registryImports.id));
}

/** A registry file read with its kind's columns (file.ts readColumnFile): the rows by column, or what is wrong with the file. */
export function readRegistryFile(bytes: Uint8Array, kind: RegistryKind): Promise<ColumnFileResult<string>> {
  return readColumnFile(bytes, REGISTRY_SPECS[kind]);
}

/** A row problem as one sentence: 第5行“死亡日期”：…  (the message never holds the cell's content). */
export function registryRowProblem(issue: RegistryRowIssue): string {
  return `第${issue.line}行“${issue.column}”：${issue.message}`;
}

/** The kind's template as CSV: the header only. */
export function registryTemplateCsv(kind: RegistryKind): string {
  return templateCsv(REGISTRY_SPECS[kind].columns);
}

/** The kind's template as a workbook, the ID number columns formatted as text. */
export function registryTemplateXlsx(kind: RegistryKind): Promise<Uint8Array> {
  return templateXlsx(REGISTRY_SPECS[kind], REGISTRY_NAMES[kind]);
}
