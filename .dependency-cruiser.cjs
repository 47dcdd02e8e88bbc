/**
 * Import rules checked by `npm run deps` (a step of .ci/run). Why each exists:
 * - no-circular: a cycle means two modules cannot be understood, loaded or tested apart
 *   (db.ts once reached the seed, the seed the domain, the domain db.ts again).
 * - lib-not-into-pages / lib-not-into-components: pages and components sit on top of the
 *   domain; the domain never reaches up into them. Test files and the test support folder are left
 *   out: page tests render pages by design (test support moves to tests/support/, issue 9 item 6).
 * dependency-cruiser reads .ts/.mjs/.js sources; imports inside .astro files are not parsed.
 */
const TESTS = '(\\.test\\.ts$|^src/lib/server/testing/)';
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
      from: { path: '^src/lib/', pathNot: TESTS },
      to: { path: '^src/pages/' },
    },
    {
      name: 'lib-not-into-components',
      severity: 'error',
      comment: 'src/lib is the domain; it must not import from src/components.',
      from: { path: '^src/lib/', pathNot: TESTS },
      to: { path: '^src/components/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
