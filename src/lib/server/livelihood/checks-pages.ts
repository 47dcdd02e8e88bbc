/**
 * The county commission's registries page (/staff/livelihood/registries: the imports of each kind,
 * the upload form, the button that reruns the county's checks) and the hits page
 * (/staff/livelihood/hits, for the commission and the paying department). One call per request;
 * the pages render what they return. No page shows a registry's content: an import is its kind,
 * date, row count and who imported it.
 */
import { createHash } from 'node:crypto';
import { getArea } from '../areas/index.ts';
import type { Db } from '../db.ts';
import { readForm } from '../forms.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { HIT_RULES, hitScopeFor, listHits, rerunCrossChecks, type CrossCheckRun, type HitLine, type HitRule } from './cross-checks.ts';
import { suspectsOfHits } from './suspects.ts';
import type { SuspectState } from '../../../../db/schema/livelihood-suspects.ts';
import { can } from '../auth/permissions.ts';
import { importRegistry, isRegistryKind, listRegistryImports, readRegistryFile, REGISTRY_KINDS, registryRowProblem, type RegistryImportLine, type RegistryKind } from './registries.ts';

export type RegistriesPage =
  | { kind: 'redirect'; location: string }
  | { kind: 'forbidden' }
  | {
      kind: 'page';
      status: number;
      countyName: string;
      /** Each kind's imports, newest first (the first one without replacedAt is in force). */
      imports: Record<RegistryKind, RegistryImportLine[]>;
      values: Record<string, string>;
      errors: FieldErrors;
      problems: string[];
      moreProblems: number;
    };

export async function registriesPage(db: Db, actor: Actor, request: Request): Promise<RegistriesPage> {
  if (actor.role !== 'commission' || !actor.scopeCode) return { kind: 'forbidden' };
  const county = await getArea(db, actor.scopeCode);
  if (!county || county.level !== 'county') return { kind: 'forbidden' };
  let values: Record<string, string> = {};
  let errors: FieldErrors = {};
  let problems: string[] = [];
  let moreProblems = 0;
  if (request.method === 'POST') {
    const form = await request.clone().formData().catch(() => new FormData());
    const { fields } = await readForm(request);
    if (fields.action === 'rerun') {
      const result = await rerunCrossChecks(db, actor);
      if (result.ok) return { kind: 'redirect', location: `/staff/livelihood/registries?${runQuery(result.value)}` };
      if (result.status === 403) return { kind: 'forbidden' };
      errors = result.errors;
    } else {
      values = { kind: fields.kind ?? '' };
      const file = form.get('file');
      if (!isRegistryKind(values.kind ?? '')) errors = { kind: '请选择登记信息的种类' };
      else if (!(file instanceof File) || file.size === 0) errors = { file: '请选择要导入的登记信息文件（CSV 或 Excel）' };
      else {
        const kind = values.kind as RegistryKind;
        const bytes = new Uint8Array(await file.arrayBuffer());
        const read = await readRegistryFile(bytes, kind);
        if (!read.ok) {
          errors = { file: `文件有 ${read.problems.length} 处问题，整个文件未导入；改正后请重新上传` };
          problems = read.problems.map((problem) => problem.message);
        } else {
          const result = await importRegistry(db, actor, { kind, sourceSha256: createHash('sha256').update(bytes).digest('hex'), rows: read.rows, lines: read.lines });
          if (result.ok) return { kind: 'redirect', location: `/staff/livelihood/registries?done=${kind}&rows=${result.value.count}${result.value.run ? `&${runQuery(result.value.run)}` : ''}` };
          if (result.status === 403) return { kind: 'forbidden' };
          const { rows: rowErrors, ...fieldsErrors } = result.errors.fields;
          errors = { ...fieldsErrors, ...(rowErrors ? { file: rowErrors } : {}) };
          problems = result.errors.rows.map(registryRowProblem);
          moreProblems = result.errors.moreRows;
        }
      }
    }
  }
  const all = await listRegistryImports(db, county.code);
  const imports = Object.fromEntries(REGISTRY_KINDS.map((kind) => [kind, all.filter((line) => line.kind === kind)])) as Record<RegistryKind, RegistryImportLine[]>;
  return { kind: 'page', status: request.method === 'POST' ? 400 : 200, countyName: county.name, imports, values, errors, problems, moreProblems };
}

function runQuery(run: CrossCheckRun): string {
  return `holding=${run.holding}&added=${run.added}&cleared=${run.cleared}`;
}

export type HitsPage =
  | { kind: 'forbidden' }
  | {
      kind: 'page';
      areaName: string;
      scope: 'area' | 'department';
      hits: HitLine[];
      total: number;
      page: number;
      pages: number;
      rule: HitRule | null;
      mayRerun: boolean;
      /** The suspect each sent hit became (suspects.ts), by hit id. */
      suspects: Map<number, { id: string; state: SuspectState }>;
      /** Whether this viewer sends hits to the departments (the county commission). */
      maySend: boolean;
    };

export async function hitsPage(db: Db, actor: Actor, url: URL): Promise<HitsPage> {
  const scope = await hitScopeFor(db, actor);
  if (!scope) return { kind: 'forbidden' };
  const ruleParam = url.searchParams.get('rule') ?? '';
  const rule = (HIT_RULES as readonly string[]).includes(ruleParam) ? (ruleParam as HitRule) : null;
  const pageParam = Number(url.searchParams.get('page') ?? '1');
  const listed = await listHits(db, scope, Number.isInteger(pageParam) ? pageParam : 1, rule ? { rule } : {});
  const area = await getArea(db, scope.kind === 'area' ? scope.areaCode : scope.countyCode);
  const suspects = await suspectsOfHits(db, listed.hits.map((hit) => hit.id));
  const maySend = scope.kind === 'area' && can(actor, 'livelihood.supervise', { scopeCode: scope.areaCode });
  return { kind: 'page', areaName: area?.name ?? '', scope: scope.kind, ...listed, rule, mayRerun: actor.role === 'commission' && area?.level === 'county', suspects, maySend };
}
