import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { requireStaff } from '../../../../../lib/server/auth/guard.ts';
import { caseResource, getComplaint } from '../../../../../lib/server/complaints/cases.ts';
import { openComplaintAttachment } from '../../../../../lib/server/complaints/console.ts';
import { extensionOf } from '../../../../../lib/server/attachments/index.ts';

/** A case attachment for the commission handling it: always a download; `?original=1` is audited. */
export const GET: APIRoute = async (context) => {
  const db = await getDb();
  const found = await getComplaint(db, context.params.id ?? '');
  const user = await requireStaff(context, 'complaint.handle', caseResource(found?.complaint));
  if (user instanceof Response) return user;
  const original = context.url.searchParams.get('original') === '1';
  const opened = found ? await openComplaintAttachment(db, user, { complaintId: found.complaint.id, attachmentId: context.params.attachment ?? '', original }) : undefined;
  if (!opened?.ok) return new Response('没有找到该附件', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const file = opened.value;
  return new Response(new Blob([new Uint8Array(file.bytes)]), {
    headers: {
      'Content-Type': file.mime,
      'Content-Disposition': `attachment; filename="${original ? 'original' : 'attachment'}-${file.id.slice(0, 8)}.${extensionOf(file.mime)}"`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
  });
};
