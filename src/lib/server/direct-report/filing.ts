/**
 * Filing at a direct reporting point (直报点, issue 13 §3): a village discipline member or
 * supervision liaison (role `liaison`) types what a villager reported, on paper or in person. It
 * goes through the one intake (complaints/intake.ts, channel `direct_point`) with the public form's
 * fields and validation, and is routed as any complaint is (complaints/routing.ts): to the county
 * commission, or the city when it is about county leaders — never to the township.
 *
 * What the liaison keeps: nothing. The receipt is shown once, on the slip they hand the villager;
 * the complaint stores its channel and no link to the account (no audit row either: an audit row
 * has a time and an actor, which would date the filing finer than the day and name who typed it).
 * The liaison has no path to the case afterwards (complaintReach is for commissions only); the
 * villager tracks it with the receipt at /track like anyone.
 *
 * The limit is per account and per day (DIRECT_POINT_FILINGS_PER_DAY); there is no proof of work,
 * the account is known.
 */
import { isAreaCode } from '../areas/codes.ts';
import { can } from '../auth/permissions.ts';
import { formatWait } from '../auth/throttle.ts';
import type { ComplaintUpload } from '../complaints/filing.ts';
import { complaintFromForm } from '../complaints/form.ts';
import { formRefusal, intakeComplaint, type IntakeRefusal } from '../complaints/intake.ts';
import { DIRECT_POINT_FILINGS_PER_DAY } from '../complaints/throttles.ts';
import type { Db } from '../db.ts';
import { fail, ok, type Actor, type FieldErrors, type Result } from '../result.ts';
import type { Translate } from '../../../i18n/index.ts';

export type DirectPointRefusal = IntakeRefusal | { code: 'forbidden' };

/**
 * A filing at a direct reporting point: the receipt the first time only. A form sent again (a
 * second click, or the browser's resubmission later) files nothing and shows no code — otherwise
 * the liaison could get the receipt back from the browser's history and follow the case.
 */
export type DirectPointFiled = { receipt: string; repeated: false } | { receipt: null; repeated: true };

/** The county (12 digits) a village, township or county code lies in. */
export function countyOfCode(code: string): string {
  return code.slice(0, 6).padEnd(12, '0');
}

/**
 * Files what the villager reported, as the liaison typed it on the form (the public form's field
 * names). The place must lie in the liaison's own county: its commission is where a direct
 * reporting point reports to.
 */
export async function fileAtDirectPoint(
  db: Db,
  actor: Actor,
  fields: Record<string, string>,
  files: ComplaintUpload[] = [],
): Promise<Result<DirectPointFiled, DirectPointRefusal>> {
  if (!can(actor, 'directPoint.file')) return fail({ code: 'forbidden' }, 403);
  const areaCode = (fields.areaCode ?? '').trim();
  if (areaCode && isAreaCode(areaCode) && !can(actor, 'directPoint.file', { scopeCode: areaCode })) {
    return fail({ code: 'invalid', fields: { areaCode: '直报点只代为反映本县范围内的问题，请选择本县的乡镇或村' } }, 400);
  }
  const filed = await intakeComplaint(db, {
    channel: 'direct_point',
    client: actor.id,
    read: async () => ({ input: complaintFromForm(fields), pow: undefined }),
    idempotencyKey: fields.formKey,
    files,
    keepMetadata: false,
  });
  if (!filed.ok) return filed;
  return ok(filed.value.repeated ? { receipt: null, repeated: true } : { receipt: filed.value.receipt, repeated: false });
}

/** A refusal as the liaison's form shows it (the limit is the account's, per day). */
export function directPointRefusal(refusal: DirectPointRefusal, t: Translate, filesChosen: boolean): { errors: FieldErrors; reattach: boolean } {
  if (refusal.code === 'forbidden') return { errors: { form: t('directReport.forbidden') }, reattach: false };
  if (refusal.code === 'rate_limited') {
    return { errors: { form: t('directReport.tooMany', { n: DIRECT_POINT_FILINGS_PER_DAY, wait: formatWait(t, refusal.waitMs) }) }, reattach: false };
  }
  return formRefusal(refusal, t, filesChosen);
}
