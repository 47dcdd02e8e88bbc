import type { APIRoute } from 'astro';
import { requireStaff } from '../../../../lib/server/auth/guard.ts';
import { isRegistryKind, registryTemplateCsv, registryTemplateXlsx } from '../../../../lib/server/livelihood/registries.ts';

/** A registry's template (header only), as XLSX (ID number columns as text) or CSV: ?kind=deaths|officials|relatives|vehicles|businesses&format=xlsx|csv. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'livelihood.registries');
  if (user instanceof Response) return user;
  const kind = context.url.searchParams.get('kind') ?? '';
  if (!isRegistryKind(kind)) return new Response('Not found', { status: 404 });
  const xlsx = context.url.searchParams.get('format') === 'xlsx';
  const body = xlsx ? new Blob([new Uint8Array(await registryTemplateXlsx(kind))]) : registryTemplateCsv(kind);
  return new Response(body, {
    headers: {
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="registry-${kind}-template.${xlsx ? 'xlsx' : 'csv'}"`,
    },
  });
};
