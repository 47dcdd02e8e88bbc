import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { clientKeyOf } from '../../../../lib/server/client-address.ts';
import { fileComplaint } from '../../../../lib/server/complaints/filing.ts';
import { filingThrottle, rateLimited } from '../../../../lib/server/complaints/throttles.ts';
import { acceptPow, powEnabled } from '../../../../lib/server/complaints/pow.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });

/**
 * POST /api/v1/complaints — filing for other front ends (a WeChat mini program, a kiosk). Same
 * validation and protections as the form; an `Idempotency-Key` header makes retries safe.
 */
export const POST: APIRoute = async (context) => {
  const client = clientKeyOf(context);
  const wait = filingThrottle.retryAfter('client', client);
  if (wait > 0) return rateLimited(wait, '这个网络近一小时提交的反映太多');
  let body: unknown;
  try {
    body = await context.request.json();
  } catch {
    return json(400, { error: { code: 'invalid_json', message: '请求体应为 JSON' } });
  }
  if (powEnabled() && !(await acceptPow((body as { pow?: string } | null)?.pow))) {
    return json(400, { error: { code: 'pow_required', message: '缺少或无效的工作量证明：先 GET /api/v1/complaints/challenge 并求解' } });
  }
  const idempotencyKey = context.request.headers.get('Idempotency-Key') ?? undefined;
  const result = await fileComplaint(await getDb(), body, { idempotencyKey });
  if (!result.ok) return json(400, { error: { code: 'invalid', message: '提交的内容有误', fields: result.errors } });
  if (!result.repeated) filingThrottle.record('client', client);
  return json(result.repeated ? 200 : 201, { receipt: result.receipt });
};
