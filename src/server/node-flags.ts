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
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'] as const;
