/// <reference types="vitest/config" />
import { getViteConfig } from 'astro/config';

/**
 * Unit and integration tests run on PGlite; when TEST_DATABASE_URL is set, the same files run a
 * second time as the `postgres` project against that server. Each test file gets its own database
 * cloned from a migrated, seeded template built once per run (see tests/support/global-setup.ts).
 */
const include = ['src/**/*.test.ts', 'db/**/*.test.ts', 'tests/**/*.test.ts'];
const projects = [
  { extends: true, test: { name: 'pglite', include, globalSetup: ['tests/support/global-setup.ts'] } },
];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    extends: true,
    test: { name: 'postgres', include, globalSetup: ['tests/support/global-setup.ts'] },
  });
}

export default getViteConfig(
  {
    test: {
      projects,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // Fixed test keys: nothing is written to DATA_DIR during tests.
      env: { APP_ENV: 'test', LOG_LEVEL: 'warn', COMPLAINT_KEY: 'dGVzdC1jb21wbGFpbnQta2V5LTMyLWJ5dGVzLWxvbmc=', RECEIPT_KEY: 'dGVzdC1yZWNlaXB0LWtleS0zMi1ieXRlcy1sb25nISE=', LIVELIHOOD_ID_KEY: 'dGVzdC1saXZlbGlob29kLWlkLWtleS0zMmJ5dGVzISE=', CHECKPOINT_SIGNING_KEY: 'dGVzdC1jaGVja3BvaW50LXNpZ25pbmcta2V5LTMyYiE=' },
    },
  },
  { logLevel: 'error' },
);
