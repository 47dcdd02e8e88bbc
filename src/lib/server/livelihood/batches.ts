/**
 * Importing a payment batch (issue 14 item 1), the write behind the coming upload page: one item,
 * one village, one period, and the recipient rows already read from the department's file. All or
 * nothing: every row is checked (payment-row.ts), every problem is reported with its row number as
 * the person sees it in Excel (header = row 1), and a single problem imports nothing.
 *
 * The shape of the house: the rows are checked first, then one transaction locks the item, asks
 * `can('livelihood.import')` for the item's department and county with the account's department
 * re-read inside, re-checks that the item is active and the village is in the county, inserts the
 * batch and its payments, and writes an audit entry that names the item, village, period, count,
 * total and the file's SHA-256 — never a name, ID number or account. Once committed, the county's
 * cross-checks run (cross-checks.ts) in their own transaction; a failing check is logged and the
 * batch stays.
 */
import { and, eq } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { livelihoodDepartments, paymentBatches, payments, subsidyItems } from '../../../../db/schema/livelihood.ts';
import { isWithin } from '../areas/codes.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import { getConfig } from '../config.ts';
import type { Db } from '../db.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import { todayInShanghai } from '../time.ts';
import { departmentOf } from './items.ts';
import { runChecksAfter } from './cross-checks.ts';
import { checkPaymentRow, type PaymentRowInput, type StoredPayment } from './payment-row.ts';

/** Most rows one batch takes (a large village's 耕地地力保护补贴 list is a few thousand). */
export const MAX_BATCH_ROWS = 5_000;
/** Most row problems reported at once; the rest are counted. */
export const MAX_REPORTED_ISSUES = 100;

const PERIOD = /^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;

export interface BatchInput {
  itemId: string;
  villageCode: string;
  period: string;
  /** SHA-256 (hex) of the uploaded file. */
  sourceSha256: string;
  rows: PaymentRowInput[];
  /** Each row's number in the file as the spreadsheet shows it (blank rows or a title shift it); default: index + 2. */
  lines?: number[];
}

export interface RowIssue {
  /** The row as the spreadsheet numbers it: the header is row 1, the first recipient row 2. */
  line: number;
  field: keyof PaymentRowInput;
  message: string;
}

export interface BatchErrors {
  fields: FieldErrors;
  rows: RowIssue[];
  /** Problems beyond MAX_REPORTED_ISSUES, counted only. */
  moreRows: number;
}

const refuse = (fields: FieldErrors, status?: number): Result<never, BatchErrors> => fail({ fields, rows: [], moreRows: 0 }, status);

export async function importBatch(
  db: Db,
  actor: Actor,
  input: BatchInput,
  options: { key?: Buffer; today?: string } = {},
): Promise<Result<{ id: string; count: number; totalFen: number }, BatchErrors>> {
  if (!can(actor, 'livelihood.import')) return refuse({ form: '您无权导入发放批次' }, 403);
  const key = options.key ?? getConfig().livelihoodIdKey;
  const today = options.today ?? todayInShanghai();
  const fields: FieldErrors = {};
  const period = (input.period ?? '').normalize('NFKC').trim().toUpperCase();
  if (!PERIOD.test(period)) fields.period = '请填写发放期间，如：2026-11（月）、2026-Q4（季度）、2026-H2（半年）或 2026（年度）';
  if (!/^[0-9]{12}$/.test(input.villageCode ?? '')) fields.villageCode = '请选择发放的村';
  if (!/^[0-9a-f]{64}$/.test(input.sourceSha256 ?? '')) fields.form = '没有收到导入文件，请重新选择文件上传';
  if (input.rows.length === 0) fields.rows = '文件中没有领取人，请在表头下逐行填写';
  if (input.rows.length > MAX_BATCH_ROWS) fields.rows = `一个批次最多 ${MAX_BATCH_ROWS} 行，本文件有 ${input.rows.length} 行，请分村或分批导入`;
  if (Object.keys(fields).length > 0) return refuse(fields);

  const lineOf = (index: number) => input.lines?.[index] ?? index + 2;
  const issues: RowIssue[] = [];
  const stored: StoredPayment[] = [];
  input.rows.forEach((row, index) => {
    const checked = checkPaymentRow(key, row, today);
    if (checked.ok) stored.push(checked.payment);
    else for (const [field, message] of Object.entries(checked.errors)) issues.push({ line: lineOf(index), field: field as keyof PaymentRowInput, message });
  });
  if (issues.length > 0) {
    return fail({ fields: { rows: `有 ${issues.length} 处需要修改，整批未导入；改正后请重新上传` }, rows: issues.slice(0, MAX_REPORTED_ISSUES), moreRows: Math.max(0, issues.length - MAX_REPORTED_ISSUES) });
  }

  const imported = await db.transaction(async (tx): Promise<Result<{ id: string; count: number; totalFen: number }, BatchErrors>> => {
    const [item] = /^[0-9a-f-]{36}$/.test(input.itemId ?? '')
      ? await tx
          .select({ item: subsidyItems, countyCode: livelihoodDepartments.countyCode })
          .from(subsidyItems)
          .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, subsidyItems.departmentId))
          .where(eq(subsidyItems.id, input.itemId))
          .for('update', { of: subsidyItems })
      : [];
    const department = await departmentOf(tx, actor);
    if (!item || !department || !can({ ...actor, departmentId: department.id }, 'livelihood.import', { scopeCode: item.countyCode, departmentId: item.item.departmentId })) {
      return refuse({ itemId: '请选择本部门的补贴项目' }, item && department ? 404 : 403);
    }
    if (!item.item.active) return refuse({ itemId: '该补贴项目已停用，不能再导入发放批次' });
    const [village] = await tx.select({ code: areas.code, level: areas.level }).from(areas).where(and(eq(areas.code, input.villageCode), eq(areas.level, 'village')));
    if (!village || !isWithin(item.countyCode, village.code)) return refuse({ villageCode: '该村不在本县，请选择本县的村' });
    const id = crypto.randomUUID();
    await tx.insert(paymentBatches).values({ id, itemId: item.item.id, villageCode: village.code, period, sourceSha256: input.sourceSha256, importedBy: actor.id });
    for (let start = 0; start < stored.length; start += 500) {
      await tx.insert(payments).values(stored.slice(start, start + 500).map((payment, offset) => ({ ...payment, batchId: id, line: lineOf(start + offset) })));
    }
    const totalFen = stored.reduce((sum, payment) => sum + payment.amountFen, 0);
    await recordAudit(tx, {
      actor,
      action: 'livelihood.batchImported',
      subjectType: 'payment_batch',
      subjectId: id,
      scopeCode: village.code,
      detail: { item: item.item.name, period, count: stored.length, totalFen, sourceSha256: input.sourceSha256 },
    });
    return ok({ id, count: stored.length, totalFen });
  });
  // The cross-checks run once the batch is in, in a transaction of their own: a failing check never loses the batch.
  if (imported.ok) await runChecksAfter(db, imported.value.id);
  return imported;
}
