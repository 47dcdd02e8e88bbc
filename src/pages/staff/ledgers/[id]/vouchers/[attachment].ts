import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { requireStaff } from '../../../../../lib/server/auth/guard.ts';
import { getDisclosure } from '../../../../../lib/server/accounts/disclosures.ts';
import { getVoucher } from '../../../../../lib/server/accounts/vouchers.ts';
import { extensionOf } from '../../../../../lib/server/attachments/index.ts';

/** A voucher scan, for staff who may see the village's ledger; always a download, never rendered inline. */
export const GET: APIRoute = async (context) => {
  const id = Number.parseInt(context.params.id ?? '', 10);
  const db = await getDb();
  const disclosure = Number.isSafeInteger(id) ? await getDisclosure(db, id) : undefined;
  const user = await requireStaff(context, 'ledger.view', { scopeCode: disclosure?.villageCode ?? '000000000000' });
  if (user instanceof Response) return user;
  const voucher = disclosure ? await getVoucher(db, id, context.params.attachment ?? '') : undefined;
  if (!voucher) return new Response('没有找到该凭证', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(new Blob([new Uint8Array(voucher.bytes)]), {
    headers: {
      'Content-Type': voucher.mime,
      'Content-Disposition': `attachment; filename="voucher-${voucher.id.slice(0, 8)}.${extensionOf(voucher.mime)}"`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
  });
};
