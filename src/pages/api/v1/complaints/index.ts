import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { clientKeyOf } from '../../../../lib/server/client-address.ts';
import { intakeComplaint, intakeJson } from '../../../../lib/server/complaints/intake.ts';

/**
 * POST /api/v1/complaints — filing for other front ends (a WeChat mini program, a kiosk). Same
 * validation and protections as the form (one intake); an `Idempotency-Key` header makes retries safe.
 */
export const POST: APIRoute = async (context) => {
  const result = await intakeComplaint(await getDb(), {
    channel: 'api',
    client: clientKeyOf(context),
    read: async () => {
      const body: unknown = await context.request.json();
      const pow = (body as { pow?: unknown } | null)?.pow;
      return { input: body, pow: typeof pow === 'string' ? pow : undefined };
    },
    idempotencyKey: context.request.headers.get('Idempotency-Key') ?? undefined,
  });
  return intakeJson(result);
};
