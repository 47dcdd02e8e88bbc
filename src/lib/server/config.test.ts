import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the demo configuration on embedded PGlite', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ env: 'development', isProduction: false, port: 4321, seedDemo: true, databaseUrl: undefined });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('honours PORT, HOST and DATABASE_URL', () => {
    const config = parseConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db/x' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db/x' });
  });

  it('rejects a malformed port with the variable named', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseConfig({ PORT: '70000' })).toThrow(ConfigError);
  });

  it('refuses production without a PostgreSQL server', () => {
    expect(() => parseConfig({ APP_ENV: 'production' })).toThrow(/DATABASE_URL/);
  });

  it('never seeds demo data in production, whatever DEMO_SEED says', () => {
    const config = parseConfig({ APP_ENV: 'production', DATABASE_URL: 'postgres://u@db/x', PUBLIC_ORIGIN: 'https://ydt.example.gov.cn', DEMO_SEED: 'on' });
    expect(config.seedDemo).toBe(false);
  });

  it('refuses production without the public https origin', () => {
    expect(() => parseConfig({ APP_ENV: 'production', DATABASE_URL: 'postgres://u@db/x' })).toThrow(/PUBLIC_ORIGIN/);
    expect(() => parseConfig({ APP_ENV: 'production', DATABASE_URL: 'postgres://u@db/x', PUBLIC_ORIGIN: 'http://ydt.example.gov.cn' })).toThrow(/https/);
  });

  it('lets a non-production run skip the demo seed', () => {
    expect(parseConfig({ DEMO_SEED: 'off' }).seedDemo).toBe(false);
  });

  it('rejects an unknown APP_ENV rather than guessing', () => {
    expect(() => parseConfig({ APP_ENV: 'prod' })).toThrow(/APP_ENV/);
  });
});
