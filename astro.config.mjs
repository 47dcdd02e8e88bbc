// @ts-check
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

/** Serves htmx from our own origin (CSP `script-src 'self'`), at the version package-lock pins. */
const vendorHtmx = {
  name: 'vendor-htmx',
  hooks: {
    'astro:config:setup': () => {
      const target = path.resolve('public/vendor');
      mkdirSync(target, { recursive: true });
      copyFileSync(path.resolve('node_modules/htmx.org/dist/htmx.min.js'), path.join(target, 'htmx.min.js'));
    },
  },
};

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { port: 4321 },
  // Cross-site writes are refused by our own middleware (src/lib/server/auth/origin.ts), which
  // covers every body type and understands `Origin: null`: browsers send it on same-origin form
  // posts from pages with `Referrer-Policy: no-referrer` (staff and complaint pages), which Astro's
  // built-in check would refuse outright. Tested in origin.test.ts and the browser tests.
  security: { checkOrigin: false },
  devToolbar: { enabled: false },
  // Astro prints the stack of an unhandled error, whose first line for a failed query lists the
  // query's parameters (complaint text, receipt hash): its log lines go through our redaction.
  logger: { entrypoint: './src/server/astro-log.mjs' },
  build: { inlineStylesheets: 'never' },
  integrations: [vendorHtmx],
  vite: {
    build: { assetsInlineLimit: 0 },
  },
});
