import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db.ts';
import { requireStaff } from '../../../lib/server/auth/guard.ts';
import { loadComplaintQueue, queueXlsx } from '../../../lib/server/complaints/queue.ts';

/** The commission's queue as an XLSX workbook: the CSV export's columns, never a reporter's identity. */
export const GET: APIRoute = async (context) => {
  const user = await requireStaff(context, 'complaint.queue');
  if (user instanceof Response) return user;
  const { entries } = await loadComplaintQueue(await getDb(), user, context.url.searchParams);
  return new Response(new Blob([new Uint8Array(await queueXlsx(entries))]), {
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': 'attachment; filename="complaints.xlsx"',
      'Cache-Control': 'no-store',
    },
  });
};
