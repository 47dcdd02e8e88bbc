/**
 * Delivery through a real SMTP server (smtp-server, started here) and a real HTTP endpoint, and the
 * failures a township's mail relay or SMS gateway actually produce: refused connections, a 5xx,
 * a redirect, a hung server.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestMessage, type Notice } from './digest.ts';
import { smtpChannel, webhookChannel } from './outbound.ts';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../../../tests/support/mail.ts';

let smtp: MailCatcher;
let received: CaughtMail[] = [];
let smtpPort = 0;

const hooks: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
let http: Server;
let httpBase = '';

const NOTICE: Notice = { kind: 'handedDown', caseNumber: '桑纪举〔2026〕12号', path: '/staff/complaints/12' };

beforeAll(async () => {
  smtp = await startMailCatcher();
  received = smtp.messages;
  smtpPort = smtp.port;

  http = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hooks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (request.url === '/fail') response.writeHead(503).end();
      else if (request.url === '/redirect') response.writeHead(302, { Location: 'http://evil.invalid/' }).end();
      else if (request.url === '/hang') return; // never answers
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  http?.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve));
  await smtp?.close();
});

describe('the SMTP channel', () => {
  it('delivers a digest to a real SMTP server, in UTF-8, with nothing of the case but its number', async () => {
    const channel = smtpChannel({ url: `smtp://127.0.0.1:${smtpPort}`, from: 'noreply@ydt.example.gov.cn' });
    const message = digestMessage('lihua@sanghe.example.gov.cn', [NOTICE], 'https://ydt.example.gov.cn')!;
    expect(await channel.send(message)).toEqual({ ok: true });
    const mail = received.at(-1)!;
    expect(mail.from).toBe('noreply@ydt.example.gov.cn');
    expect(mail.to).toEqual(['lihua@sanghe.example.gov.cn']);
    // Headers are MIME-encoded; the body may be quoted-printable or base64: decode the way a mail client does.
    const { body } = mail;
    expect(body).toContain('桑纪举〔2026〕12号：已交办给本级，待承办 https://ydt.example.gov.cn/staff/complaints/12');
    expect(body).toContain('本消息不含案件内容');
  });

  it('reports a relay that refuses the connection, without throwing', async () => {
    const closed = smtpChannel({ url: 'smtp://127.0.0.1:1', from: 'noreply@ydt.example.gov.cn', timeoutMs: 2_000 });
    const result = await closed.send({ to: 'lihua@sanghe.example.gov.cn', subject: 's', text: 't' });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).not.toContain('lihua');
  });
});

describe('the webhook channel', () => {
  it('posts the message as JSON with the bearer token', async () => {
    const channel = webhookChannel({ url: `${httpBase}/sms`, token: 'gateway-token-1' });
    const message = digestMessage('13800138000', [NOTICE, { ...NOTICE, kind: 'overdue', caseNumber: '桑纪举〔2026〕9号', path: '/staff/complaints/9' }], 'https://ydt.example.gov.cn')!;
    expect(await channel.send(message)).toEqual({ ok: true });
    const hook = hooks.at(-1)!;
    expect(hook.headers.authorization).toBe('Bearer gateway-token-1');
    expect(JSON.parse(hook.body)).toEqual({ to: '13800138000', subject: '一点通：2件检举控告事项待您处理', text: message.text });
  });

  it.each([
    ['/fail', 'http 503'],
    ['/redirect', 'http 302'],
  ])('treats %s as a failed delivery (%s), never following a redirect', async (path, reason) => {
    const before = hooks.length;
    expect(await webhookChannel({ url: `${httpBase}${path}`, token: 't' }).send({ to: '13800138000', subject: 's', text: 't' })).toEqual({ ok: false, reason });
    expect(hooks.length).toBe(before + 1);
  });

  it('gives up on a gateway that never answers', async () => {
    const result = await webhookChannel({ url: `${httpBase}/hang`, timeoutMs: 300 }).send({ to: '13800138000', subject: 's', text: 't' });
    expect(result).toEqual({ ok: false, reason: 'TimeoutError' });
  });
});
