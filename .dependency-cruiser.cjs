/**
 * Import rules checked by `npm run deps` (a step of .ci/run). Why each exists:
 * - no-circular: a cycle means two modules cannot be understood, loaded or tested apart
 *   (db.ts once reached the seed, the seed the domain, the domain db.ts again).
 * - lib-not-into-pages / lib-not-into-components: pages and components sit on top of the
 *   domain; the domain never reaches up into them. Page tests live beside the pages (src/pages/_*.test.ts)
 *   and test support in tests/support/, so no exception is needed.
 * - no-test-support-in-production: production code never imports tests/ (it once held the hook that
 *   swaps the database).
 * dependency-cruiser reads .ts/.mjs/.js sources; imports inside .astro files are not parsed.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle: move the shared code into a module both sides can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-not-into-pages',
      severity: 'error',
      comment: 'src/lib is the domain; it must not import from src/pages.',
      from: { path: '^src/lib/' },
      to: { path: '^src/pages/' },
    },
    {
      name: 'lib-not-into-components',
      severity: 'error',
      comment: 'src/lib is the domain; it must not import from src/components.',
      from: { path: '^src/lib/' },
      to: { path: '^src/components/' },
    },
    {
      name: 'no-test-support-in-production',
      severity: 'error',
      comment: 'Only test files may import from tests/.',
      from: { path: '^(src|db)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
