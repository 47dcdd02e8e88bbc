import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { actFiltersFrom, exportActsCsv } from '../../../lib/server/daily-supervision/acts.ts';

/** The commission's reminders and talks as CSV, filtered as the page was (text cells neutralised against formulas). */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'talks.view');
  if (user instanceof Response) return user;
  const csv = await exportActsCsv(await getDb(), user, actFiltersFrom(context.url.searchParams));
  return new Response(csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="supervision-talks.csv"', 'Cache-Control': 'no-store' },
  });
};
