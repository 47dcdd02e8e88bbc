/**
 * Subsidy items (补贴项目) a county department defines (issue 14): what it pays, by what standard,
 * on what legal basis, linked to the catalog item where one exists, and which registry conflicts
 * forbid it (a vehicle, a registered business: read by the later cross-checks).
 *
 * The write shape of the house: validate (zod) → one transaction that locks the department's row,
 * re-reads the account's department and asks `can` inside the lock → audit → Result. A department
 * sees and changes its own items only; an item of another department is "not found".
 */
import { and, asc, desc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../../../db/schema/auth.ts';
import { catalogItems } from '../../../../db/schema/catalog.ts';
import { livelihoodDepartments, subsidyItems, type LivelihoodDepartmentRow, type SubsidyItemRow } from '../../../../db/schema/livelihood.ts';
import { parseYuanToFen } from '../accounts/model.ts';
import { recordAudit } from '../audit.ts';
import { can } from '../auth/permissions.ts';
import type { Db, DbOrTx } from '../db.ts';
import { fail, ok, type Actor, type Result } from '../result.ts';
import { fieldErrors, visibleText } from '../validation.ts';

/** The department an account acts for, or undefined (not a department account, or disabled). */
export async function departmentOf(db: DbOrTx, actor: Pick<Actor, 'id'>): Promise<LivelihoodDepartmentRow | undefined> {
  const [row] = await db
    .select({ department: livelihoodDepartments })
    .from(users)
    .innerJoin(livelihoodDepartments, eq(livelihoodDepartments.id, users.departmentId))
    .where(and(eq(users.id, actor.id), eq(users.role, 'department'), isNull(users.disabledAt)));
  return row?.department;
}

/** The department's items: the active ones first, then by name. */
export async function listItems(db: DbOrTx, departmentId: string): Promise<SubsidyItemRow[]> {
  return db.select().from(subsidyItems).where(eq(subsidyItems.departmentId, departmentId)).orderBy(desc(subsidyItems.active), asc(subsidyItems.name));
}

/** One item of the actor's own department, or undefined. */
export async function getOwnItem(db: DbOrTx, actor: Actor, itemId: string): Promise<SubsidyItemRow | undefined> {
  const department = await departmentOf(db, actor);
  if (!department || !/^[0-9a-f-]{36}$/.test(itemId)) return undefined;
  const [item] = await db.select().from(subsidyItems).where(and(eq(subsidyItems.id, itemId), eq(subsidyItems.departmentId, department.id)));
  return item;
}

const checkbox = z.union([z.boolean(), z.string()]).optional().transform((value) => value === true || value === 'on' || value === 'yes');

const ItemSchema = z.object({
  // Counted as the schema's CHECK counts (code points): a two-unit emoji is one character, not a name.
  name: visibleText({ label: '补贴项目名称', min: 2, max: 40, minMessage: '请填写补贴项目名称（至少2个字），如：最低生活保障金' }),
  standardText: visibleText({ label: '补助标准', min: 4, max: 300, minMessage: '请写明补助标准或计算办法（至少4个字），如：按户月人均收入与低保标准的差额发放' }),
  /** Yuan as typed; empty when the rule has no single figure. */
  standardYuan: z.string().optional().default(''),
  legalBasis: visibleText({ label: '政策依据', min: 4, max: 300, minMessage: '请写明政策依据（文件名称和文号）' }),
  catalogCode: z.string().optional().default(''),
  forbidsVehicle: checkbox,
  forbidsBusiness: checkbox,
  /** 'allowed' when officials and village cadres may lawfully receive it; absent means not. */
  officials: z
    .string()
    .optional()
    .default('')
    .refine((value) => value === '' || value === 'forbidden' || value === 'allowed', '请选择公职人员、村干部能否享受该项补贴'),
  active: z.union([z.boolean(), z.string()]).optional(),
});

export type ItemInput = z.input<typeof ItemSchema>;

interface ItemFields {
  name: string;
  standardText: string;
  standardFen: number | null;
  legalBasis: string;
  catalogCode: string | null;
  forbidsVehicle: boolean;
  forbidsBusiness: boolean;
  officialsMayReceive: boolean;
}

/** The form checked and converted; the catalog code must name a real catalog item. */
async function itemFields(db: DbOrTx, input: ItemInput): Promise<Result<ItemFields>> {
  const parsed = ItemSchema.safeParse(input);
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  let standardFen: number | null = null;
  const yuan = (input.standardYuan ?? '').trim();
  if (yuan) {
    standardFen = parseYuanToFen(yuan);
    if (standardFen === null || standardFen === 0) errors.standardYuan = '标准金额应为大于0、最多两位小数的金额（元），如：680 或 1,250.50；没有统一金额的请留空';
  }
  const catalogCode = (input.catalogCode ?? '').normalize('NFKC').trim().toUpperCase() || null;
  if (catalogCode) {
    const [found] = await db.select({ code: catalogItems.code }).from(catalogItems).where(eq(catalogItems.code, catalogCode));
    if (!found) errors.catalogCode = `事项目录中没有编码为 ${catalogCode.slice(0, 12)} 的事项，请核对（如：FW-01），没有对应事项的请留空`;
  }
  if (!parsed.success || Object.keys(errors).length > 0) return fail(errors);
  const { name, standardText, legalBasis, forbidsVehicle, forbidsBusiness, officials } = parsed.data;
  return ok({ name, standardText, standardFen, legalBasis, catalogCode, forbidsVehicle, forbidsBusiness, officialsMayReceive: officials === 'allowed' });
}

/**
 * Locks the actor's department row and answers whether the actor may act for it, inside the
 * transaction: a disabled account or one moved to another department fails here.
 */
async function lockOwnDepartment(tx: DbOrTx, actor: Actor, departmentId?: string): Promise<Result<LivelihoodDepartmentRow>> {
  const department = await departmentOf(tx, actor);
  if (!department) return fail({ form: '您的账号没有所属部门，不能维护补贴项目' }, 403);
  const [locked] = await tx.select().from(livelihoodDepartments).where(eq(livelihoodDepartments.id, department.id)).for('update');
  const asker = { ...actor, departmentId: department.id };
  if (!locked || !can(asker, 'livelihood.items', { scopeCode: locked.countyCode, departmentId: departmentId ?? locked.id })) {
    return fail({ form: departmentId ? '没有找到该补贴项目' : '您无权维护该部门的补贴项目' }, departmentId ? 404 : 403);
  }
  return ok(locked);
}

async function nameTaken(tx: DbOrTx, departmentId: string, name: string, exceptId?: string): Promise<boolean> {
  const conditions = [eq(subsidyItems.departmentId, departmentId), eq(subsidyItems.name, name)];
  if (exceptId) conditions.push(ne(subsidyItems.id, exceptId));
  const [row] = await tx.select({ id: subsidyItems.id }).from(subsidyItems).where(and(...conditions));
  return !!row;
}

const NAME_TAKEN = '本部门已有同名的补贴项目';

/** Adds an item to the actor's department. */
export async function addItem(db: Db, actor: Actor, input: ItemInput): Promise<Result<{ id: string }>> {
  if (!can(actor, 'livelihood.items')) return fail({ form: '您无权维护补贴项目' }, 403);
  const fields = await itemFields(db, input);
  if (!fields.ok) return fields;
  return db.transaction(async (tx) => {
    const department = await lockOwnDepartment(tx, actor);
    if (!department.ok) return department;
    if (await nameTaken(tx, department.value.id, fields.value.name)) return fail({ name: NAME_TAKEN });
    const id = crypto.randomUUID();
    await tx.insert(subsidyItems).values({ id, departmentId: department.value.id, ...fields.value, createdBy: actor.id });
    await recordAudit(tx, {
      actor,
      action: 'livelihood.itemAdded',
      subjectType: 'subsidy_item',
      subjectId: id,
      scopeCode: department.value.countyCode,
      detail: { name: fields.value.name, department: department.value.name },
    });
    return ok({ id });
  });
}

/** Changes an item of the actor's department; `active` retires it (no new batches) or takes it back. */
export async function updateItem(db: Db, actor: Actor, itemId: string, input: ItemInput): Promise<Result> {
  if (!can(actor, 'livelihood.items')) return fail({ form: '您无权维护补贴项目' }, 403);
  const fields = await itemFields(db, input);
  if (!fields.ok) return fields;
  const active = input.active === undefined ? undefined : input.active === true || input.active === 'yes' || input.active === 'on';
  return db.transaction(async (tx) => {
    const [item] = /^[0-9a-f-]{36}$/.test(itemId) ? await tx.select().from(subsidyItems).where(eq(subsidyItems.id, itemId)).for('update') : [];
    if (!item) return fail({ form: '没有找到该补贴项目' }, 404);
    const department = await lockOwnDepartment(tx, actor, item.departmentId);
    if (!department.ok) return department;
    if (await nameTaken(tx, item.departmentId, fields.value.name, item.id)) return fail({ name: NAME_TAKEN });
    const next = { ...fields.value, active: active ?? item.active };
    const changed = (Object.keys(next) as Array<keyof typeof next>).filter((key) => next[key] !== item[key]);
    if (changed.length === 0) return fail({ form: '没有改动' });
    await tx.update(subsidyItems).set({ ...next, updatedAt: new Date(), updatedBy: actor.id }).where(eq(subsidyItems.id, item.id));
    await recordAudit(tx, {
      actor,
      action: 'livelihood.itemChanged',
      subjectType: 'subsidy_item',
      subjectId: item.id,
      scopeCode: department.value.countyCode,
      detail: { name: next.name, changed },
    });
    return ok();
  });
}
