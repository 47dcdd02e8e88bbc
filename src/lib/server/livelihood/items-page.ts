/**
 * The department's page of subsidy items (/staff/livelihood): the list, and one form that adds an
 * item or, with ?item=<id>, changes one. One call per request; the page renders what it returns.
 */
import type { LivelihoodDepartmentRow, SubsidyItemRow } from '../../../../db/schema/livelihood.ts';
import { listCatalogItems } from '../catalog/index.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import { formatFen } from '../accounts/model.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { addItem, departmentOf, getOwnItem, listItems, updateItem } from './items.ts';

export type ItemsPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | {
      kind: 'page';
      status: number;
      department: LivelihoodDepartmentRow;
      items: SubsidyItemRow[];
      /** The item being changed, when ?item= names one of the department's. */
      editing: SubsidyItemRow | undefined;
      catalog: Array<{ code: string; name: string }>;
      values: Record<string, string>;
      errors: FieldErrors;
    };

/** An item as the form shows it. */
function formValues(item: SubsidyItemRow): Record<string, string> {
  return {
    name: item.name,
    standardText: item.standardText,
    standardYuan: item.standardFen === null ? '' : formatFen(item.standardFen).replace(/,/g, ''),
    legalBasis: item.legalBasis,
    catalogCode: item.catalogCode ?? '',
    forbidsVehicle: item.forbidsVehicle ? 'on' : '',
    forbidsBusiness: item.forbidsBusiness ? 'on' : '',
    officials: item.officialsMayReceive ? 'allowed' : 'forbidden',
    active: item.active ? 'yes' : 'no',
  };
}

export async function itemsPage(db: Db, actor: Actor, request: Request, url: URL): Promise<ItemsPage> {
  const department = await departmentOf(db, actor);
  if (!department) return { kind: 'forbidden' };
  const itemId = url.searchParams.get('item');
  const editing = itemId ? await getOwnItem(db, actor, itemId) : undefined;
  if (itemId && !editing) return { kind: 'notFound' };
  let values: Record<string, string> = editing ? formValues(editing) : {};
  let errors: FieldErrors = {};
  if (request.method === 'POST') {
    const { fields } = await readForm(request);
    values = fields;
    const input = {
      name: fields.name ?? '',
      standardText: fields.standardText ?? '',
      standardYuan: fields.standardYuan ?? '',
      legalBasis: fields.legalBasis ?? '',
      catalogCode: fields.catalogCode ?? '',
      forbidsVehicle: fields.forbidsVehicle ?? '',
      forbidsBusiness: fields.forbidsBusiness ?? '',
      officials: fields.officials ?? '',
      ...(editing ? { active: fields.active ?? 'yes' } : {}),
    };
    const result = editing ? await updateItem(db, actor, editing.id, input) : await addItem(db, actor, input);
    if (result.ok) return { kind: 'redirect', location: `/staff/livelihood?done=${editing ? 'changed' : 'added'}` };
    if (result.status === 403) return { kind: 'forbidden' };
    if (result.status === 404) return { kind: 'notFound' };
    errors = result.errors;
  }
  const [items, catalog] = await Promise.all([listItems(db, department.id), listCatalogItems(db)]);
  return {
    kind: 'page',
    status: request.method === 'POST' ? 400 : 200,
    department,
    items,
    editing,
    catalog: catalog.map((item) => ({ code: item.code, name: item.name })),
    values,
    errors,
  };
}
