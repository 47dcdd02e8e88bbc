import type { APIRoute } from 'astro';
import { getDb } from '../../../../../lib/server/db.ts';
import { requireStaff } from '../../../../../lib/server/auth/guard.ts';
import { getDisclosure } from '../../../../../lib/server/accounts/disclosures.ts';
import { getVoucher, voucherResponseHeaders } from '../../../../../lib/server/accounts/vouchers.ts';
import { parseRowNumber } from '../../../../../lib/server/validation.ts';

/**
 * A voucher scan, for staff who may see the village's ledger: a download, or with `?view=inline`
 * shown in the browser (the supervision committee checks vouchers without saving copies).
 */
export const GET: APIRoute = async (context) => {
  const id = parseRowNumber(context.params.id);
  const db = await getDb();
  const disclosure = id ? await getDisclosure(db, id) : undefined;
  const user = await requireStaff(context, 'ledger.view', { scopeCode: disclosure?.villageCode ?? '000000000000' });
  if (user instanceof Response) return user;
  const voucher = disclosure ? await getVoucher(db, disclosure.id, context.params.attachment ?? '') : undefined;
  if (!voucher) return new Response('没有找到该凭证', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(new Blob([new Uint8Array(voucher.bytes)]), { headers: voucherResponseHeaders(voucher, context.url.searchParams.get('view') === 'inline') });
};
