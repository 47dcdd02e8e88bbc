/**
 * The department's payment batches pages: /staff/livelihood/batches (the upload form and the list)
 * and /staff/livelihood/batches/<id> (one batch, publish and withdraw). One call per request; the
 * pages render what they return. The uploaded file is read here (file.ts) and handed to
 * importBatch; a refused upload comes back with the item, village and period kept (the file
 * cannot be: a browser never pre-fills a file input) and each row's problems listed.
 */
import { createHash } from 'node:crypto';
import type { LivelihoodDepartmentRow, SubsidyItemRow } from '../../../../db/schema/livelihood.ts';
import { listInSubtree } from '../areas/index.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { importBatch, type RowIssue } from './batches.ts';
import { getOwnBatch, listBatches, publishBatch, withdrawBatch, type BatchSummary, type StaffPaymentLine } from './batch-steps.ts';
import { COLUMN_FIELDS, PAYMENT_COLUMNS, readPaymentFile } from './file.ts';
import { departmentOf, listItems } from './items.ts';

export interface VillageOption {
  value: string;
  label: string;
}

export type BatchesPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | {
      kind: 'page';
      status: number;
      department: LivelihoodDepartmentRow;
      items: SubsidyItemRow[];
      villages: VillageOption[];
      batches: BatchSummary[];
      values: Record<string, string>;
      errors: FieldErrors;
      /** Row problems of a refused file, each a sentence naming its row and column. */
      problems: string[];
      moreProblems: number;
    };

const COLUMN_OF = Object.fromEntries(PAYMENT_COLUMNS.map((column) => [COLUMN_FIELDS[column], column]));

/** A row problem as one sentence: 第5行“身份证号码”：…  (the message never holds the cell's content). */
export function rowProblem(issue: RowIssue): string {
  return `第${issue.line}行“${COLUMN_OF[issue.field] ?? issue.field}”：${issue.message}`;
}

/** The county's villages, each labelled with its township, for the select. */
async function villageOptions(db: Db, countyCode: string): Promise<VillageOption[]> {
  const [townships, villages] = await Promise.all([listInSubtree(db, countyCode, 'township'), listInSubtree(db, countyCode, 'village')]);
  const townshipName = new Map(townships.map((township) => [township.code.slice(0, 9), township.name]));
  return villages.map((village) => ({ value: village.code, label: `${townshipName.get(village.code.slice(0, 9)) ?? ''} ${village.name}`.trim() }));
}

export async function batchesPage(db: Db, actor: Actor, request: Request): Promise<BatchesPage> {
  const department = await departmentOf(db, actor);
  if (!department) return { kind: 'forbidden' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let problems: string[] = [];
  let moreProblems = 0;
  if (request.method === 'POST') {
    const form = await request.clone().formData().catch(() => new FormData());
    const { fields } = await readForm(request);
    values = { itemId: fields.itemId ?? '', villageCode: fields.villageCode ?? '', period: fields.period ?? '' };
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) {
      errors = { file: '请选择要导入的发放名单文件（CSV 或 Excel）' };
    } else {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const read = await readPaymentFile(bytes);
      if (!read.ok) {
        errors = { file: `文件有 ${read.problems.length} 处问题，整批未导入；改正后请重新上传` };
        problems = read.problems.map((problem) => problem.message);
      } else {
        const result = await importBatch(db, actor, {
          itemId: values.itemId ?? '',
          villageCode: values.villageCode ?? '',
          period: values.period ?? '',
          sourceSha256: createHash('sha256').update(bytes).digest('hex'),
          rows: read.rows,
          lines: read.lines,
        });
        if (result.ok) return { kind: 'redirect', location: `/staff/livelihood/batches/${result.value.id}?done=imported` };
        if (result.status === 403) return { kind: 'forbidden' };
        const { rows: rowErrors, ...fieldsErrors } = result.errors.fields;
        errors = { ...fieldsErrors, ...(rowErrors ? { file: rowErrors } : {}) };
        problems = result.errors.rows.map(rowProblem);
        moreProblems = result.errors.moreRows;
      }
    }
  }
  const [items, villages, batches] = await Promise.all([listItems(db, department.id), villageOptions(db, department.countyCode), listBatches(db, department.id)]);
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, department, items: items.filter((item) => item.active), villages, batches, values, errors, problems, moreProblems };
}

export type BatchPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | { kind: 'page'; status: number; batch: BatchSummary; lines: StaffPaymentLine[]; values: Record<string, string>; errors: FieldErrors };

export async function batchPage(db: Db, actor: Actor, request: Request, batchId: string): Promise<BatchPage> {
  const department = await departmentOf(db, actor);
  if (!department) return { kind: 'forbidden' };
  const found = await getOwnBatch(db, actor, batchId);
  if (!found) return { kind: 'notFound' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    const { fields } = await readForm(request);
    values = { reason: fields.reason ?? '' };
    const result = fields.action === 'publish' ? await publishBatch(db, actor, batchId) : fields.action === 'withdraw' ? await withdrawBatch(db, actor, batchId, fields.reason ?? '') : null;
    if (result?.ok) return { kind: 'redirect', location: `/staff/livelihood/batches/${batchId}?done=${fields.action === 'publish' ? 'published' : 'withdrawn'}` };
    if (result?.status === 403) return { kind: 'forbidden' };
    if (result?.status === 404) return { kind: 'notFound' };
    errors = result ? result.errors : { form: '请选择公示或撤回' };
  }
  const fresh = request.method === 'POST' ? ((await getOwnBatch(db, actor, batchId)) ?? found) : found;
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, batch: fresh.batch, lines: fresh.lines, values, errors };
}
