import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const KEYS = { COMPLAINT_KEY: Buffer.alloc(32, 1).toString('base64'), RECEIPT_KEY: Buffer.alloc(32, 2).toString('base64') };
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
});
