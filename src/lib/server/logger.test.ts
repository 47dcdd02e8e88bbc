/**
 * No log line may carry query parameters or personal text (issue 8 item 4). Real failures are
 * forced on the test database, carrying a marker in the complaint text, and logged every way a
 * caller might (the error itself, under any key, its driver cause, its message in a string); the
 * captured output must never contain the marker, the receipt hash or the title, yet still say
 * what failed (name, SQLSTATE, the SQL shape with placeholders, stack frames).
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/test-db.ts';
import { createLogger, describeError, logger, redactAstroMessage } from './logger.ts';
import { fileComplaint } from './complaints/filing.ts';
import astroLogDestination from '../../server/astro-log.mjs';

const MARKER = '举报内容MARKER-秘密';
const TITLE = '村北机动地发包没有公开招标';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  // Any complaint whose text carries the marker now fails inside the filing transaction, exactly
  // as a real constraint or driver failure would: the failing INSERT carries id, receipt hash,
  // title and content as parameters, and the driver's `detail` repeats the whole row.
  await test.db.execute(sql.raw(`alter table complaints add constraint refuses_marker check (position('MARKER' in content) = 0)`));
});
afterAll(async () => test?.dispose());

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger(stream), text: () => lines.join('') };
}

async function failure<T>(promise: Promise<T>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the query to fail');
}

function fileWithMarker() {
  return fileComplaint(test.db, {
    category: 'assets',
    areaCode: '990121001201',
    title: TITLE,
    content: `今年三月村北四十多亩机动地重新发包，没有张贴公告，直接包给了村干部的亲戚。${MARKER}`,
    anonymous: false,
    name: '王秀兰',
    phone: '13912345678',
  });
}

/** Every way a caller could hand an error to the logger. */
function logEveryWay(log: pino.Logger, error: Error) {
  log.error(error);
  log.error(error, 'complaint filing failed');
  log.error({ err: error }, 'complaint filing failed');
  log.error({ error }, 'complaint filing failed');
  log.error({ failure: error, nested: { deeper: error } }, 'complaint filing failed');
  log.error(describeError(error), 'complaint filing failed');
  log.warn({ err: error.cause }, 'driver said');
  log.error(error.cause as Error);
  log.error(`complaint filing failed: ${error.message}`);
  log.error('complaint filing failed: %s', error.message);
  log.error({ detail: (error.cause as { detail?: string }).detail }, 'detail');
}

describe('the logger redacts every error', () => {
  it('a failed complaint filing logs no parameter, title, content, name or receipt hash', async () => {
    const error = await failure(fileWithMarker());
    // The raw error does carry everything (this is what must never be printed).
    expect(error.message).toContain(MARKER);
    expect(error.message).toMatch(/[0-9a-f]{64}/);
    const { log, text } = capture();
    logEveryWay(log, error);
    const output = text();
    expect(output).not.toContain('MARKER');
    expect(output).not.toContain('秘密');
    expect(output).not.toContain(TITLE);
    expect(output).not.toContain('王秀兰');
    expect(output).not.toMatch(/[0-9a-f]{64}/);
    expect(output).not.toContain('Failing row');
    // …but still says what failed and where.
    const first = JSON.parse(output.split('\n')[0]!);
    expect(first.err).toMatchObject({ name: 'DrizzleQueryError', code: '23514' });
    expect(first.err.message).toContain('insert into "complaints"');
    expect(first.err.message).toContain('$1');
    expect(first.err.stack).toMatch(/^\s+at /);
    expect(first.err.cause.message).toContain('violates check constraint "refuses_marker"');
  });

  it('a driver message that quotes a value keeps the reason and loses the value', async () => {
    const error = await failure(test.db.execute(sql`select ${MARKER}::integer as n`));
    const { log, text } = capture();
    logEveryWay(log, error);
    const output = text();
    expect(output).not.toContain('MARKER');
    const first = JSON.parse(output.split('\n')[0]!);
    expect(first.err.code).toBe('22P02');
    expect(first.err.cause.message).toMatch(/invalid input syntax for type integer/);
  });

  it('an unknown table is still named (identifiers come from the SQL, not from parameters)', async () => {
    const error = await failure(test.db.execute(sql`select * from dropped_reports where title = ${MARKER}`));
    const { log, text } = capture();
    log.error(error);
    const output = text();
    expect(output).not.toContain('MARKER');
    const line = JSON.parse(output);
    expect(line.err.code).toBe('42P01');
    expect(line.err.message).toContain('select * from dropped_reports where title = $1');
    expect(line.err.cause.message).toContain('relation "dropped_reports" does not exist');
  });

  it('SQL literals written into the query text are removed too', async () => {
    const error = await failure(test.db.execute(sql.raw(`select * from dropped_reports where title = '${MARKER}'`)));
    const { log, text } = capture();
    log.error(error);
    expect(text()).not.toContain('MARKER');
    expect(text()).toContain('dropped_reports');
  });

  it('the application logger itself (used by the 500 page and start-up) is the redacting one', async () => {
    const error = await failure(fileWithMarker());
    const stream = (logger as unknown as Record<symbol, { write(chunk: string): boolean }>)[pino.symbols.streamSym]!;
    const written: string[] = [];
    const spy = vi.spyOn(stream, 'write').mockImplementation((chunk: string) => (written.push(chunk), true));
    try {
      logger.error(describeError(error), 'unhandled error');
      logger.error(error);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('DrizzleQueryError');
    expect(written.join('')).not.toContain('MARKER');
  });
});

describe('the log level', () => {
  it('comes from the configuration module: LOG_LEVEL=warn drops info lines', () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    try {
      const lines: string[] = [];
      const log = createLogger(new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
      log.info('村级三资导入完成');
      log.warn('凭证扫描件过大');
      expect(log.level).toBe('warn');
      expect(lines.join('')).not.toContain('村级三资导入完成');
      expect(lines.join('')).toContain('凭证扫描件过大');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a mistyped LOG_LEVEL still leaves a logger that can report the bad configuration', () => {
    vi.stubEnv('LOG_LEVEL', 'verbose');
    try {
      expect(createLogger(new Writable({ write: (_chunk, _encoding, done) => done() })).level).toBe('info');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("Astro's own error log line", () => {
  it('prints the error name and stack frames, never the parameters', async () => {
    const error = await failure(fileWithMarker());
    // What Astro's request handler logs for an unhandled error: `err.stack`.
    const message = error.stack!;
    expect(message).toContain(MARKER);
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    try {
      astroLogDestination({ level: 'info' }).write({ level: 'error', label: null, message, newLine: true });
    } finally {
      spy.mockRestore();
    }
    const output = printed.join('');
    expect(output).toContain('Failed query: insert into "complaints"');
    expect(output).toMatch(/\n\s+at /);
    expect(output).not.toContain('MARKER');
    expect(output).not.toContain(TITLE);
    expect(output).not.toMatch(/[0-9a-f]{64}/);
  });

  it('a parameter that pretends to be a stack frame cannot smuggle the others out', () => {
    const message = [
      'DrizzleQueryError: Failed query: insert into "complaints" ("title", "receipt_hmac") values ($1, $2)',
      `params: 标题\n    at fake (file:///x.js:1:1),${'ab'.repeat(32)}`,
      '    at PgPreparedQuery.queryWithCache (file:///work/main/node_modules/drizzle-orm/pg-core/session.js:41:19)',
    ].join('\n');
    const output = redactAstroMessage(message);
    expect(output).not.toContain('ab'.repeat(32));
    expect(output).not.toContain('标题');
    expect(output).toContain('queryWithCache');
  });

  it('drops query strings from request URLs it mentions', () => {
    expect(redactAstroMessage('Could not render http://127.0.0.1:4321/search?q=%E4%BD%8E%E4%BF%9D')).toBe('Could not render http://127.0.0.1:4321/search?…');
  });

  it('is the logger Astro is configured with', async () => {
    const { default: config } = await import('../../../astro.config.mjs');
    expect(String(config.logger?.entrypoint)).toMatch(/src\/server\/astro-log\.mjs$/);
  });
});

describe('livelihood identifiers', () => {
  it('an ID number or bank account passed as a field is redacted, top level or one down', () => {
    const { log, text } = capture();
    log.warn({ idNumber: '11010519491231002X', recipient: { idNumber: '110101199003074477', bankAccount: '6217000010001234567' }, bankAccount: '6228480010001234567' }, 'batch row refused');
    expect(text()).toContain('batch row refused');
    for (const value of ['11010519491231002X', '110101199003074477', '6217000010001234567', '6228480010001234567']) expect(text()).not.toContain(value);
  });
});
