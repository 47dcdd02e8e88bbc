import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { loadComplaintQueue, queueCsv } from '../../../lib/server/complaints/queue.ts';

/** The commission's queue as CSV, searched and filtered as the queue page was: case facts only, never a reporter's identity. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'complaint.queue');
  if (user instanceof Response) return user;
  const { entries } = await loadComplaintQueue(await getDb(), user, context.url.searchParams);
  return new Response(queueCsv(entries), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="complaints.csv"', 'Cache-Control': 'no-store' },
  });
};
