import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { listComplaintQueue, queueCsv } from '../../../lib/server/complaints/console.ts';
import { COMPLAINT_STATUSES, type ComplaintStatus } from '../../../../db/schema/complaints.ts';

/** The commission's queue as CSV: case facts only, never a reporter's identity. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'complaint.queue');
  if (user instanceof Response) return user;
  const requested = context.url.searchParams.get('status');
  const status = (COMPLAINT_STATUSES as readonly string[]).includes(requested ?? '') ? (requested as ComplaintStatus) : undefined;
  const queue = await listComplaintQueue(await getDb(), user, { status });
  return new Response(queueCsv(queue), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="complaints.csv"' },
  });
};
