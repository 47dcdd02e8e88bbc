// @ts-check
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/**
 * `astro dev` has no start script, so this is its entry point for start-up: it runs the same
 * bootstrap as `npm start` (open → migrate → seed) when the dev server starts. Imported natively by
 * file URL (Node strips the types), outside Vite; the handle is kept on globalThis, so the pages'
 * own copy of db.ts finds this one instead of opening a second database on the same directory.
 */
const devBootstrap = {
  name: 'dev-bootstrap',
  hooks: {
    'astro:server:start': async () => {
      const { bootstrap } = await import(pathToFileURL(path.resolve('src/lib/server/bootstrap.ts')).href);
      await bootstrap();
    },
  },
};

export default defineConfig({
  output: 'server',
  // Middleware mode: src/server/start.ts runs its own node:http server, answers static files and
  // cached public pages itself, and hands the rest to Astro's handler (DESIGN.md §4).
  adapter: node({ mode: 'middleware' }),
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
  integrations: [vendorHtmx, devBootstrap],
  vite: {
    build: { assetsInlineLimit: 0 },
  },
});
