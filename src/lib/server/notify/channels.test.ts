/**
 * The notice channels' settings (config.ts `notify`, channels.ts): none means the inbox only; an SMTP
 * URL needs its sender; production demands TLS for both; a refusal names the variable, never its
 * value (which holds the relay's password).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { notifyChannels } from './channels.ts';

const KEYS = { COMPLAINT_KEY: randomBytes(32).toString('base64'), RECEIPT_KEY: randomBytes(32).toString('base64'), LIVELIHOOD_ID_KEY: randomBytes(32).toString('base64'), CHECKPOINT_SIGNING_KEY: randomBytes(32).toString('base64') };
const PROD = { APP_ENV: 'production', DATABASE_URL: 'postgres://u@db/x', PUBLIC_ORIGIN: 'https://ydt.example.gov.cn', ...KEYS };

describe('notice channel settings', () => {
  it('configures none by default: the inbox only', () => {
    const { notify } = parseConfig({ ...KEYS });
    expect(notify).toEqual({ smtp: undefined, webhook: undefined, digestIntervalMs: 3_600_000 });
    expect(notifyChannels(notify)).toEqual({});
  });

  it('builds both channels when set', () => {
    const { notify } = parseConfig({ ...KEYS, SMTP_URL: 'smtp://relay.internal:25', SMTP_FROM: 'noreply@ydt.example.gov.cn', NOTIFY_WEBHOOK_URL: 'https://sms.example.gov.cn/send', NOTIFY_WEBHOOK_TOKEN: 'gw-token', NOTIFY_DIGEST_MINUTES: '30' });
    expect(notify).toEqual({ smtp: { url: 'smtp://relay.internal:25', from: 'noreply@ydt.example.gov.cn' }, webhook: { url: 'https://sms.example.gov.cn/send', token: 'gw-token' }, digestIntervalMs: 1_800_000 });
    const channels = notifyChannels(notify);
    expect([channels.smtp?.name, channels.webhook?.name]).toEqual(['smtp', 'webhook']);
  });

  it.each([
    [{ SMTP_URL: 'smtp://relay.internal:25' }, /SMTP_FROM/],
    [{ SMTP_URL: 'http://relay.internal', SMTP_FROM: 'noreply@ydt.example.gov.cn' }, /smtp:\/\/ or smtps:\/\//],
    [{ NOTIFY_WEBHOOK_URL: 'ftp://sms.example.gov.cn' }, /NOTIFY_WEBHOOK_URL/],
    [{ NOTIFY_DIGEST_MINUTES: '1' }, /NOTIFY_DIGEST_MINUTES/],
  ])('refuses %o', (env, message) => {
    expect(() => parseConfig({ ...KEYS, ...env })).toThrow(message);
  });

  it('demands TLS in production, without echoing the password', () => {
    let thrown = '';
    try {
      parseConfig({ ...PROD, SMTP_URL: 'smtp://ydt:s3cret-relay-pass@mail.example.gov.cn:25', SMTP_FROM: 'noreply@ydt.example.gov.cn' });
    } catch (error) {
      thrown = String(error);
    }
    expect(thrown).toMatch(/smtps/);
    expect(thrown).not.toContain('s3cret-relay-pass');
    expect(() => parseConfig({ ...PROD, NOTIFY_WEBHOOK_URL: 'http://sms.example.gov.cn/send' })).toThrow(/https/);
    // The browser tests' seconds-long digest round is a test-only switch.
    expect(parseConfig({ ...KEYS, NOTIFY_DIGEST_SECONDS: '2' }).notify.digestIntervalMs).toBe(2000);
    expect(() => parseConfig({ ...PROD, NOTIFY_DIGEST_SECONDS: '2' })).toThrow(/test-only/);
    expect(parseConfig({ ...PROD, SMTP_URL: 'smtps://ydt:pass@mail.example.gov.cn:465', SMTP_FROM: 'noreply@ydt.example.gov.cn', NOTIFY_WEBHOOK_URL: 'https://sms.example.gov.cn/send' }).notify.smtp?.url).toMatch(/^smtps:/);
  });
});
