import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, logLevelOf, parseConfig } from './config.ts';

const KEYS = { COMPLAINT_KEY: randomBytes(32).toString('base64'), RECEIPT_KEY: randomBytes(32).toString('base64'), LIVELIHOOD_ID_KEY: randomBytes(32).toString('base64'), CHECKPOINT_SIGNING_KEY: randomBytes(32).toString('base64') };
const PROD = { APP_ENV: 'production', DATABASE_URL: 'postgres://u@db/x', PUBLIC_ORIGIN: 'https://ydt.example.gov.cn', ...KEYS };

describe('configuration', () => {
  it('defaults to the demo configuration on embedded PGlite', () => {
    const config = parseConfig({ ...KEYS });
    expect(config).toMatchObject({ env: 'development', isProduction: false, port: 4321, seedDemo: true, databaseUrl: undefined });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('honours PORT, HOST and DATABASE_URL', () => {
    const config = parseConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db/x', ...KEYS });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db/x' });
  });

  it('rejects a malformed port with the variable named', () => {
    expect(() => parseConfig({ PORT: 'eighty', ...KEYS })).toThrow(/PORT/);
    expect(() => parseConfig({ PORT: '70000', ...KEYS })).toThrow(ConfigError);
  });

  it('refuses production without a PostgreSQL server', () => {
    expect(() => parseConfig({ APP_ENV: 'production', ...KEYS })).toThrow(/DATABASE_URL/);
  });

  it('never seeds demo data in production, whatever DEMO_SEED says', () => {
    const config = parseConfig({ ...PROD, DEMO_SEED: 'on' });
    expect(config.seedDemo).toBe(false);
  });

  it('refuses production without the public https origin', () => {
    expect(() => parseConfig({ ...PROD, PUBLIC_ORIGIN: undefined })).toThrow(/PUBLIC_ORIGIN/);
    expect(() => parseConfig({ ...PROD, PUBLIC_ORIGIN: 'http://ydt.example.gov.cn' })).toThrow(/https/);
  });

  it('demands real complaint and receipt keys in production, of the right length', () => {
    expect(() => parseConfig({ ...PROD, COMPLAINT_KEY: undefined })).toThrow(/COMPLAINT_KEY/);
    expect(() => parseConfig({ ...PROD, RECEIPT_KEY: undefined })).toThrow(/RECEIPT_KEY/);
    expect(() => parseConfig({ ...PROD, RECEIPT_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 random bytes/);
    expect(parseConfig(PROD).complaintKey).toHaveLength(32);
  });

  it('refuses one key used for both purposes in production', () => {
    // One leaked secret would then both decrypt identities and let anyone test receipt codes offline.
    expect(() => parseConfig({ ...PROD, RECEIPT_KEY: PROD.COMPLAINT_KEY })).toThrow(/COMPLAINT_KEY and RECEIPT_KEY must be different/);
    expect(parseConfig({ ...KEYS, RECEIPT_KEY: KEYS.COMPLAINT_KEY }).receiptKey).toHaveLength(32);
  });

  it('demands a real, separate key for ID-number hashes in production (LIVELIHOOD_ID_KEY)', () => {
    expect(() => parseConfig({ ...PROD, LIVELIHOOD_ID_KEY: undefined })).toThrow(/LIVELIHOOD_ID_KEY/);
    expect(() => parseConfig({ ...PROD, LIVELIHOOD_ID_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 random bytes/);
    expect(() => parseConfig({ ...PROD, LIVELIHOOD_ID_KEY: Buffer.from('yidiantong-livelihood-id-key-26!').toString('base64') })).toThrow(/does not look random/);
    expect(() => parseConfig({ ...PROD, LIVELIHOOD_ID_KEY: PROD.RECEIPT_KEY })).toThrow(/LIVELIHOOD_ID_KEY must differ/);
    expect(() => parseConfig({ ...PROD, LIVELIHOOD_ID_KEY: PROD.COMPLAINT_KEY })).toThrow(/LIVELIHOOD_ID_KEY must differ/);
    expect(parseConfig(PROD).livelihoodIdKey).toEqual(Buffer.from(KEYS.LIVELIHOOD_ID_KEY, 'base64'));
  });

  it('demands a real, separate key for signing ledger checkpoints in production (CHECKPOINT_SIGNING_KEY), and a usable log name', () => {
    expect(() => parseConfig({ ...PROD, CHECKPOINT_SIGNING_KEY: undefined })).toThrow(/APP_ENV=production requires CHECKPOINT_SIGNING_KEY \(openssl rand -base64 32\)/);
    expect(() => parseConfig({ ...PROD, CHECKPOINT_SIGNING_KEY: Buffer.alloc(31, 7).toString('base64') })).toThrow(/32 random bytes/);
    expect(() => parseConfig({ ...PROD, CHECKPOINT_SIGNING_KEY: Buffer.from('yidiantong-checkpoint-signing-26').toString('base64') })).toThrow(/does not look random/);
    expect(() => parseConfig({ ...PROD, CHECKPOINT_SIGNING_KEY: PROD.COMPLAINT_KEY })).toThrow(/CHECKPOINT_SIGNING_KEY must differ/);
    expect(() => parseConfig({ ...PROD, CHECKPOINT_SIGNING_KEY: PROD.LIVELIHOOD_ID_KEY })).toThrow(/CHECKPOINT_SIGNING_KEY must differ/);
    const config = parseConfig(PROD);
    expect(config.checkpoint).toEqual({ origin: 'ydt.example.gov.cn/ledgers', signingSeed: Buffer.from(KEYS.CHECKPOINT_SIGNING_KEY, 'base64') });
    expect(parseConfig({ ...PROD, CHECKPOINT_ORIGIN: 'sanjian.example.gov.cn/province-ledgers' }).checkpoint.origin).toBe('sanjian.example.gov.cn/province-ledgers');
    expect(parseConfig(KEYS).checkpoint.origin).toBe('localhost/ledgers');
    for (const bad of ['ydt.example.gov.cn/三资 公开', 'ydt.example.gov.cn/a+b']) expect(() => parseConfig({ ...KEYS, CHECKPOINT_ORIGIN: bad })).toThrow(/CHECKPOINT_ORIGIN/);
  });

  it('refuses keys in production that were typed or patterned rather than generated', () => {
    const zero = Buffer.alloc(32).toString('base64');
    const repeated = Buffer.alloc(32, 0xab).toString('base64');
    const twoBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i % 2 ? 0x5a : 0xa5))).toString('base64');
    const phrase = Buffer.from('sanghe-county-commission-key-26!').toString('base64');
    for (const weak of [zero, repeated, twoBytes, phrase]) {
      expect(() => parseConfig({ ...PROD, COMPLAINT_KEY: weak })).toThrow(/COMPLAINT_KEY does not look random/);
      expect(() => parseConfig({ ...PROD, RECEIPT_KEY: weak })).toThrow(/RECEIPT_KEY does not look random/);
      // Outside production fixed keys stay usable (the tests themselves run on typed keys).
      expect(parseConfig({ ...KEYS, COMPLAINT_KEY: weak }).complaintKey).toHaveLength(32);
    }
    for (let i = 0; i < 200; i++) {
      expect(parseConfig({ ...PROD, COMPLAINT_KEY: randomBytes(32).toString('base64') }).complaintKey).toHaveLength(32);
    }
  });

  it('trusts no forwarding proxy unless told, and validates the list it is given', () => {
    expect(parseConfig(KEYS).trustedProxies).toEqual([]);
    expect(parseConfig({ ...KEYS, TRUSTED_PROXIES: ' ' }).trustedProxies).toEqual([]);
    expect(parseConfig({ ...KEYS, TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12 ::1,loopback' }).trustedProxies).toEqual(['10.0.0.5', '172.16.0.0/12', '::1', 'loopback']);
    expect(() => parseConfig({ ...KEYS, TRUSTED_PROXIES: '10.0.0.5,nginx.internal' })).toThrow(/TRUSTED_PROXIES: "nginx.internal" is not an IP address/);
    expect(() => parseConfig({ ...KEYS, TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/33"/);
    // Trusting every address would let any client write its own address into X-Forwarded-For.
    expect(() => parseConfig({ ...KEYS, TRUSTED_PROXIES: '0.0.0.0/0' })).toThrow(/TRUSTED_PROXIES: "0.0.0.0\/0" would trust every address/);
    expect(() => parseConfig({ ...KEYS, TRUSTED_PROXIES: '::/0' })).toThrow(/would trust every address/);
  });

  it('refuses the test-only proof-of-work switch in production', () => {
    expect(() => parseConfig({ ...PROD, PROOF_OF_WORK: 'off' })).toThrow(/PROOF_OF_WORK/);
    expect(parseConfig({ ...KEYS, PROOF_OF_WORK: 'off' }).proofOfWork).toBe(false);
    expect(parseConfig(PROD).proofOfWork).toBe(true);
  });

  it('lets a non-production run skip the demo seed', () => {
    expect(parseConfig({ DEMO_SEED: 'off', ...KEYS }).seedDemo).toBe(false);
  });

  it('rejects an unknown APP_ENV rather than guessing', () => {
    expect(() => parseConfig({ APP_ENV: 'prod', ...KEYS })).toThrow(/APP_ENV/);
  });

  it('gives the logger its level from LOG_LEVEL, and `info` for a bad one that the full check then refuses', () => {
    expect(logLevelOf({ LOG_LEVEL: 'error' })).toBe('error');
    expect(logLevelOf({})).toBe('info');
    expect(logLevelOf({ LOG_LEVEL: 'verbose' })).toBe('info');
    expect(() => parseConfig({ ...KEYS, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(parseConfig({ ...KEYS, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});
