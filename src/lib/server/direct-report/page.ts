/**
 * The liaison's page (/staff/direct-report): the public form's fields for the liaison's county,
 * and after a filing the receipt slip — shown in the answer to that POST only, never put in a URL
 * or kept anywhere the liaison could open it again.
 */
import QRCode from 'qrcode';
import { uploadsFromForm } from '../attachments/index.ts';
import { loadReportForm, newFormKey, type ReportFormContext } from '../complaints/form.ts';
import { getConfig } from '../config.ts';
import type { Db } from '../db.ts';
import type { Actor, FieldErrors } from '../result.ts';
import { readForm } from '../forms.ts';
import type { Translate } from '../../../i18n/index.ts';
import { countyOfCode, directPointRefusal, fileAtDirectPoint } from './filing.ts';

export interface ReceiptSlip {
  code: string;
  /** The tracking page's address, and the same as a QR code (SVG). */
  trackUrl: string;
  qrSvg: string;
}

export type DirectReportPage =
  | { kind: 'slip'; slip: ReceiptSlip }
  /** The same form sent again: nothing filed, and no code shown (it was shown the first time). */
  | { kind: 'repeated' }
  | { kind: 'form'; status: number; form: ReportFormContext; values: Record<string, string>; errors: FieldErrors; reattach: boolean };

/** The slip's tracking address: the public origin's /track (never with the receipt in it). */
export async function trackingTarget(fallbackOrigin: string): Promise<{ trackUrl: string; qrSvg: string }> {
  const trackUrl = `${getConfig().publicOrigin ?? fallbackOrigin}/track`;
  return { trackUrl, qrSvg: await QRCode.toString(trackUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
}

export async function directReportPage(db: Db, actor: Actor, request: Request, url: URL, t: Translate): Promise<DirectReportPage> {
  const county = countyOfCode(actor.scopeCode ?? '');
  let values: Record<string, string> = { anonymous: 'yes', formKey: newFormKey() };
  let errors: FieldErrors = {};
  let reattach = false;
  let status = 200;
  if (request.method === 'POST') {
    const { fields, data } = await readForm(request);
    const uploads = await uploadsFromForm(data, 'attachments');
    values = fields;
    const result = await fileAtDirectPoint(db, actor, fields, uploads);
    if (result.ok) return result.value.repeated ? { kind: 'repeated' } : { kind: 'slip', slip: { code: result.value.receipt, ...(await trackingTarget(url.origin)) } };
    ({ errors, reattach } = directPointRefusal(result.errors, t, uploads.length > 0));
    status = result.status ?? 400;
  }
  const form = await loadReportForm(db, new URLSearchParams({ county }));
  return { kind: 'form', status, form, values, errors, reattach };
}
