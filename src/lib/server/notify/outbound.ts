/**
 * Messages that leave the portal: e-mail through SMTP (nodemailer) and a generic HTTPS webhook for an
 * SMS gateway or a government messaging robot. What a message may say is decided in digest.ts; this
 * module only delivers text it is given and reports whether delivery worked.
 *
 * Neither channel logs the recipient or the text: a failure is returned, the caller logs the channel
 * name and the error kind.
 */
import nodemailer from 'nodemailer';

export interface OutboundMessage {
  /** An e-mail address (SMTP) or a phone number / robot id (webhook), from the staff account. */
  to: string;
  subject: string;
  text: string;
}

export type Delivery = { ok: true } | { ok: false; reason: string };

export interface Channel {
  readonly name: 'smtp' | 'webhook';
  send(message: OutboundMessage): Promise<Delivery>;
}

/**
 * `url` is a nodemailer connection URL (`smtps://user:pass@mail.example.gov.cn:465`,
 * `smtp://relay.internal:25`); `from` is the sender address shown to staff.
 */
export function smtpChannel(options: { url: string; from: string; timeoutMs?: number }): Channel {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: errorKind(error) };
      }
    },
  };
}

/**
 * POSTs `{ to, subject, text }` as JSON to `url`, with `Authorization: Bearer <token>` when a token is
 * configured. Any 2xx answer is a delivery; redirects are not followed (a gateway that redirects is
 * misconfigured, and following would send the bearer token elsewhere).
 */
export function webhookChannel(options: { url: string; token?: string; timeoutMs?: number }): Channel {
  return {
    name: 'webhook',
    async send(message) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: message.to, subject: message.subject, text: message.text }),
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
        await response.body?.cancel();
        return response.ok ? { ok: true } : { ok: false, reason: `http ${response.status}` };
      } catch (error) {
        return { ok: false, reason: errorKind(error) };
      }
    },
  };
}

/** A short, fixed description of a failure: never the message, which may echo addresses. */
function errorKind(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown';
}
