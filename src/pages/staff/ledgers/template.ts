import type { APIRoute } from 'astro';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { fundEntriesTemplateCsv, fundEntriesTemplateXlsx } from '../../../lib/server/accounts/import/index.ts';
import { parsePeriod, periodContaining } from '../../../lib/server/accounts/periods.ts';
import { todayInShanghai } from '../../../lib/server/time.ts';

/**
 * The import template, as the spreadsheet the accounting software exports would look, for the
 * period named by `?period=` (2026-Q3, 2026-09; else the current quarter): its sample rows are
 * dated inside that period.
 */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'staff.enter');
  if (user instanceof Response) return user;
  const xlsx = context.url.searchParams.get('format') === 'xlsx';
  const period = parsePeriod(context.url.searchParams.get('period') ?? '') ?? periodContaining(todayInShanghai(), 'quarter');
  const body = xlsx ? new Blob([new Uint8Array(await fundEntriesTemplateXlsx(period))]) : fundEntriesTemplateCsv(period);
  return new Response(body, {
    headers: {
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="zijin-mingxi-moban-${period.code}.${xlsx ? 'xlsx' : 'csv'}"`,
    },
  });
};
