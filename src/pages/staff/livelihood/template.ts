import type { APIRoute } from 'astro';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { paymentTemplateCsv, paymentTemplateXlsx } from '../../../lib/server/livelihood/file.ts';

/** The recipient list template (发放名单), as XLSX (ID number and account columns as text) or CSV. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'livelihood.import');
  if (user instanceof Response) return user;
  const xlsx = context.url.searchParams.get('format') === 'xlsx';
  const body = xlsx ? new Blob([new Uint8Array(await paymentTemplateXlsx())]) : paymentTemplateCsv();
  return new Response(body, {
    headers: {
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="fafang-mingdan-moban.${xlsx ? 'xlsx' : 'csv'}"`,
    },
  });
};
