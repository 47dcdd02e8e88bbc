/**
 * The one way in for a filing, whichever door it comes through — the form at /report or
 * `POST /api/v1/complaints`: the honeypot, the per-client hourly limit, the proof of work and the
 * no-JavaScript rule, then the filing itself. The form and the API differ only in how they read
 * the body and how they put a refusal (`formRefusal`, `intakeJson`).
 *
 * Order: the honeypot first (a form field: bots get a plain refusal, whatever else is wrong), then
 * the limit (before the body is parsed, so a client over it costs nothing), then the body, then the
 * proof of work. The form works without JavaScript, so a form with no solution is filed — and
 * counts twice against the limit; the API always needs one.
 *
 * A direct reporting point (直报点, src/lib/server/direct-report/) comes through here too: a signed-in
 * liaison types what a villager reported. There is no honeypot and no proof of work (the account is
 * known); its limit is per account and per day (`directPointThrottle`), and the complaint records
 * its channel, nothing about the liaison. So does a case opened on a finding of a cross-check
 * (地地交叉检查, zones/cross-checks.ts): channel `cross_check`, by a signed-in commission account inside
 * the finding's transaction, with the same per-account daily limit as a direct point.
 */
import type { Translate } from '../../../i18n/index.ts';
import { formatWait, retryAfterSeconds } from '../auth/throttle.ts';
import { RETRY_AFTER_SECONDS, unavailableReason } from '../database-errors.ts';
import type { DbOrTx } from '../db.ts';
import { jsonError, noStoreJson } from '../http.ts';
import { describeError, logger } from '../logger.ts';
import { fail, ok, type FieldErrors, type Result } from '../result.ts';
import { fileComplaint, type ComplaintUpload, type Filed } from './filing.ts';
import { acceptPow, powEnabled } from './pow.ts';
import { directPointThrottle, filingThrottle, rateLimited } from './throttles.ts';

export interface IntakeRequest {
  channel: 'form' | 'api' | 'direct_point' | 'cross_check';
  /** The client's rotating keyed hash (`clientKeyOf`), for the limit only; a direct point's or a cross-check's account id. */
  client: string;
  /** The form's field people never see. */
  honeypot?: string;
  /** The filing and its proof of work; throws when the body is not one (the API's JSON). */
  read: () => Promise<{ input: unknown; pow: string | undefined }>;
  idempotencyKey?: string;
  files?: ComplaintUpload[];
  keepMetadata?: boolean;
}

export type IntakeRefusal =
  | { code: 'refused' }
  | { code: 'rate_limited'; waitMs: number }
  | { code: 'invalid_json' }
  | { code: 'pow_required' }
  | { code: 'invalid'; fields: FieldErrors }
  /** The database failed mid-way: nothing was committed, no receipt exists. */
  | { code: 'unavailable' };

/** The stored channel of a door: the form and the API are one (`online`); the signed-in doors keep theirs. */
const STORED_CHANNEL = { form: 'online', api: 'online', direct_point: 'direct_point', cross_check: 'cross_check' } as const;

export async function intakeComplaint(db: DbOrTx, request: IntakeRequest): Promise<Result<Filed, IntakeRefusal>> {
  // The honeypot: bots get a plain refusal, nothing is stored.
  if (request.honeypot) return fail({ code: 'refused' }, 400);
  const throttle = request.channel === 'direct_point' || request.channel === 'cross_check' ? directPointThrottle : filingThrottle;
  const wait = throttle.retryAfter('client', request.client);
  if (wait > 0) return { ...fail({ code: 'rate_limited', waitMs: wait }, 429), retryAfterMs: wait };
  let body: Awaited<ReturnType<IntakeRequest['read']>>;
  try {
    body = await request.read();
  } catch {
    return fail({ code: 'invalid_json' }, 400);
  }
  const mustProve = request.channel === 'api' || (request.channel === 'form' && Boolean(body.pow));
  if (powEnabled() && mustProve && !(await acceptPow(body.pow))) return fail({ code: 'pow_required' }, 400);
  let filed: Awaited<ReturnType<typeof fileComplaint>>;
  try {
    filed = await fileComplaint(db, body.input, { idempotencyKey: request.idempotencyKey, files: request.files, keepMetadata: request.keepMetadata, channel: STORED_CHANNEL[request.channel] });
  } catch (error) {
    // Nothing was committed, so no receipt is shown; a retry reuses the same key and files once.
    // A database that is away (restarting, its disk full) is an outage, not a bug: a warning, and
    // the client is told when to try again (database-errors.ts).
    const reason = unavailableReason(error);
    if (!reason) {
      logger.error(describeError(error), 'complaint filing failed');
      return fail({ code: 'unavailable' }, 503);
    }
    logger.warn(describeError(error), 'complaint filing failed: database unavailable');
    return { ...fail({ code: 'unavailable' }, 503), retryAfterMs: RETRY_AFTER_SECONDS[reason] * 1000 };
  }
  if (!filed.ok) return fail({ code: 'invalid', fields: filed.errors }, 400);
  // Without JavaScript there is no proof of work: such filings count double against the limit.
  if (!filed.value.repeated) throttle.record('client', request.client, request.channel === 'form' && powEnabled() && !body.pow ? 2 : 1);
  return ok(filed.value);
}

/**
 * A refusal as the form shows it: the error summary's messages, and whether to say that chosen
 * files must be chosen again (browsers cannot refill a file field) once the form itself was read.
 */
export function formRefusal(refusal: IntakeRefusal, t: Translate, filesChosen: boolean): { errors: FieldErrors; reattach: boolean } {
  switch (refusal.code) {
    case 'invalid':
      return { errors: refusal.fields, reattach: filesChosen };
    case 'unavailable':
      return { errors: { form: t('report.failed') }, reattach: filesChosen };
    case 'rate_limited':
      return { errors: { form: t('report.tooMany', { wait: formatWait(t, refusal.waitMs) }) }, reattach: false };
    case 'pow_required':
      return { errors: { form: t('report.powFailed') }, reattach: false };
    case 'refused':
    case 'invalid_json':
      return { errors: { form: t('report.refused') }, reattach: false };
  }
}

/** The API's answer: 201 with the receipt (200 for a retried key), or the refusal as JSON (Chinese messages, like the rest of the API). */
export function intakeJson(result: Result<Filed, IntakeRefusal>): Response {
  if (result.ok) return noStoreJson({ receipt: result.value.receipt }, { status: result.value.repeated ? 200 : 201 });
  const refusal = result.errors;
  switch (refusal.code) {
    case 'rate_limited':
      return rateLimited(refusal.waitMs, '这个网络近一小时提交的反映太多');
    case 'invalid_json':
      return jsonError(400, 'invalid_json', '请求体应为 JSON');
    case 'pow_required':
      return jsonError(400, 'pow_required', '缺少或无效的工作量证明：先 GET /api/v1/complaints/challenge 并求解');
    case 'invalid':
      return jsonError(400, 'invalid', '提交的内容有误', { fields: refusal.fields });
    case 'unavailable': {
      const headers = result.retryAfterMs ? { 'Retry-After': retryAfterSeconds(result.retryAfterMs) } : undefined;
      return jsonError(503, 'unavailable', '系统暂时出错，反映没有提交成功（没有生成查询码），请稍后用同一个 Idempotency-Key 重试', {}, headers);
    }
    case 'refused':
      return jsonError(400, 'refused', '提交没有成功');
  }
}
