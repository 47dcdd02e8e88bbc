/**
 * The V8 flags the portal's server process starts with. They cannot be set from inside the process
 * (v8.setFlagsFromString after start-up leaves the heap as configured), so every launcher passes
 * them: package.json's `start`/`serve`, deploy/yidiantong@.service, the benchmark and the browser
 * tests' server; node-flags.test.ts keeps those in step with this list.
 *
 * --max-semi-space-size=8: on a machine with a lot of memory V8 sizes the young generation for
 * throughput (up to 64 MB per semi-space), and module loading alone grows it and touches the pages:
 * measured here, importing drizzle-orm took the heap from 22 to 143 MB committed with 13 MB in use.
 * With 8 MB the idle server is 203 MB instead of 327, and 380 MB at peak under 50 connections
 * instead of 523, at the same request rate (the extra scavenges cost about 1 ms each).
 *
 * --max-old-space-size=256: at province scale (random village pages, 50 connections) V8 let the old
 * generation grow to 230 MB between mark-compacts that left 60–70 MB live, and the process reached
 * 560 MB. Capped at 256 MB it peaked at 360 MB, for 15–20 % fewer village pages a second (more
 * frequent full collections); measured 2026-12-03 on the 河北 database. The cap is four times the
 * live heap under that load, leaving room for a staff import's workbook; the front cache's bodies
 * are Buffers outside this heap.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=256'] as const;
