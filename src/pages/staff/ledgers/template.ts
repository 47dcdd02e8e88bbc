import type { APIRoute } from 'astro';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { fundEntriesTemplateCsv, fundEntriesTemplateXlsx } from '../../../lib/server/accounts/import/index.ts';

/** The import template, as the spreadsheet the accounting software exports would look. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'staff.enter');
  if (user instanceof Response) return user;
  const xlsx = context.url.searchParams.get('format') === 'xlsx';
  const body = xlsx ? new Blob([new Uint8Array(await fundEntriesTemplateXlsx())]) : fundEntriesTemplateCsv();
  return new Response(body, {
    headers: {
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${xlsx ? 'zijin-mingxi-moban.xlsx' : 'zijin-mingxi-moban.csv'}"`,
    },
  });
};
