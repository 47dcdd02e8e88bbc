/**
 * Structured JSON logs (pino) on stdout. Callers log an event name plus fields they choose; request
 * headers, IP addresses and bodies are never passed in.
 *
 * Errors are the dangerous part: a failed query's error carries the query's parameters (drizzle's
 * message is "Failed query: <sql>\nparams: <values>", the driver error has `query`, `params` and a
 * `detail` that repeats the row), and for a complaint those are its id, receipt hash, title and
 * text. So the logger itself reduces every error, whatever key or argument it arrives in, to safe
 * fields: name, error code, a message without parameters or literals, and the stack frames only
 * (the first stack line repeats the message). `redact` is a further line for field names.
 */
import pino, { type DestinationStream } from 'pino';
import { logLevelOf, type LogLevel } from './config.ts';

/** A SQL string literal ('…' with '' escapes) or a dollar-quoted string. */
const SQL_LITERAL = /'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g;
/** A quoted segment of a database message: `"…"` or `'…'`. */
const QUOTED = /"(?:[^"]|"")*"|'(?:[^']|'')*'/g;
/** Where a driver (or drizzle) starts listing the values: everything after it is withheld. */
const PARAMS_START = /(?:^|\n)[ \t]*(?:params|parameters)\s*:/i;
/** A stack frame line, anchored at both ends so that no text around it passes for one. */
const FRAME = /^\s+at (?:async |new )?(?:[^\s()]+(?: \[as [^\s\]]+\])? \()?(?:[^\s()]+:\d+:\d+|native|<anonymous>)\)?$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_DEPTH = 3;

export interface SafeError {
  name: string;
  code?: string;
  message: string;
  table?: string;
  column?: string;
  constraint?: string;
  stack?: string;
  cause?: SafeError;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function stringField(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

/** A schema identifier (table, column, constraint names): never a value. */
function identifierField(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  const value = stringField(record, ...keys);
  return value && /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(value) ? value : undefined;
}

/** Only the frames of a stack: the first line(s) repeat the message, which may carry values. */
export function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => FRAME.test(line))
    .join('\n');
}

/** Text with a parameter list cut off and, after "Failed query:", SQL literals replaced by `?`. */
export function redactText(text: string): string {
  const cut = text.search(PARAMS_START);
  let out = cut >= 0 ? `${text.slice(0, cut)}\nparams: [withheld]` : text;
  const query = out.indexOf('Failed query:');
  if (query >= 0) out = out.slice(0, query) + out.slice(query).replace(SQL_LITERAL, '?');
  return out;
}

/** Words of the SQL text once literals are gone: table and column names, keywords, placeholders. */
function sqlIdentifiers(sqlText: string | undefined): Set<string> {
  return new Set((sqlText ?? '').replace(SQL_LITERAL, '?').match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? []);
}

/**
 * A database server's message: values it quotes (`invalid input syntax for type integer: "…"`)
 * are withheld; quoted names that are identifiers of the query or of the error are kept.
 */
function redactDatabaseMessage(message: string, known: Set<string>): string {
  return message.replace(QUOTED, (quoted) => {
    const inner = quoted.slice(1, -1);
    return known.has(inner) ? quoted : `${quoted[0]}…${quoted[0]}`;
  });
}

function isDatabaseError(record: Record<string, unknown>): boolean {
  const code = record.code;
  return (typeof code === 'string' && SQLSTATE.test(code)) || 'severity' in record || 'routine' in record;
}

/** Objects `safeError` made: passing one through again (serializer after formatter) keeps it. */
const alreadySafe = new WeakSet<object>();

function nameOf(error: object, record: Record<string, unknown>): string {
  const own = stringField(record, 'name') ?? 'Error';
  // drizzle's DrizzleQueryError and some drivers leave `name` as "Error"; the class says more.
  const className = error instanceof Error ? error.constructor.name : '';
  return (own === 'Error' && className && className !== 'Error' ? className : own).slice(0, 80);
}

/** Any thrown value → the fields that are safe to print. */
export function safeError(error: unknown, depth = 0, queryText?: string): SafeError {
  if (typeof error !== 'object' || error === null) {
    return { name: typeof error, message: redactText(String(error)).slice(0, 500) };
  }
  if (alreadySafe.has(error)) return error as SafeError;
  const record = asRecord(error);
  const name = nameOf(error, record);
  const message = stringField(record, 'message') ?? '';
  // drizzle's DrizzleQueryError keeps the SQL in `query`; the driver's cause inherits it.
  const sqlText = stringField(record, 'query') ?? queryText;
  const cause = depth < MAX_DEPTH && record.cause !== undefined ? safeError(record.cause, depth + 1, sqlText) : undefined;
  const table = identifierField(record, 'table', 'table_name');
  const column = identifierField(record, 'column', 'column_name');
  const constraint = identifierField(record, 'constraint', 'constraint_name');
  const known = sqlIdentifiers(sqlText);
  for (const identifier of [table, column, constraint, identifierField(record, 'schema', 'schema_name')]) if (identifier) known.add(identifier);
  const safeMessage = isDatabaseError(record) ? redactDatabaseMessage(redactText(message), known) : redactText(message);
  const ownCode = stringField(record, 'code');
  const code = ownCode && /^[A-Za-z0-9_.-]{1,40}$/.test(ownCode) ? ownCode : cause?.code;
  const stack = stringField(record, 'stack');
  const safe: SafeError = {
    name,
    ...(code ? { code } : {}),
    message: safeMessage.slice(0, 2000),
    ...(table ? { table } : {}),
    ...(column ? { column } : {}),
    ...(constraint ? { constraint } : {}),
    ...(stack ? { stack: stackFrames(stack) } : {}),
    ...(cause ? { cause } : {}),
  };
  alreadySafe.add(safe);
  return safe;
}

/** Replaces every Error inside a log object (any key, a few levels deep) by its safe form. */
function redactErrors(value: unknown, depth: number): unknown {
  if (value instanceof Error) return safeError(value);
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return typeof value === 'string' ? redactText(value) : value;
  if (Array.isArray(value)) return value.map((item) => redactErrors(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactErrors(item, depth + 1)]));
}

/**
 * The application logger, writing to `destination` (stdout by default; tests pass a stream), at the
 * level the configuration module reads from LOG_LEVEL.
 */
export function createLogger(destination?: DestinationStream, level: LogLevel = logLevelOf()) {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['password', 'token', 'cookie', 'ip', 'userAgent', 'params', 'parameters', 'detail', '*.password', '*.token', '*.cookie', '*.params', '*.parameters', '*.detail', 'idNumber', '*.idNumber', 'bankAccount', '*.bankAccount'],
        censor: '[redacted]',
      },
      serializers: { err: safeError, error: safeError, msg: (message: unknown) => (typeof message === 'string' ? redactText(message) : message) },
      formatters: { log: (object) => redactErrors(object, 0) as Record<string, unknown> },
      hooks: {
        // `logger.error(error)` would otherwise use the raw message as the log message.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (first instanceof Error) {
            const safe = safeError(first);
            return method.apply(this, [{ err: first }, ...(rest.length > 0 ? rest : [safe.message])] as Parameters<typeof method>);
          }
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
}

export const logger = createLogger();

/** `{ err }` for a log call: the error's safe fields only (see `safeError`). */
export function describeError(error: unknown): { err: SafeError } {
  return { err: safeError(error) };
}

/**
 * A line from Astro's own logger (it prints `err.stack` for an unhandled error, and request URLs):
 * the part before the first stack frame is redacted like any message, only frame lines survive
 * after a parameter list, and query strings are dropped from URLs.
 */
export function redactAstroMessage(message: string): string {
  const withoutQueries = message.replace(/((?:https?:\/\/[^\s/?#]+)?\/[^\s?#]*)\?[^\s#]*/g, '$1?…');
  const lines = withoutQueries.split('\n');
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  const head = firstFrame < 0 ? withoutQueries : lines.slice(0, firstFrame).join('\n');
  const redactedHead = redactText(head);
  if (firstFrame < 0) return redactedHead;
  // Once a parameter list has started, a line is kept only if it is exactly a stack frame.
  const paramsStarted = redactedHead !== head || PARAMS_START.test(head);
  const tail = lines.slice(firstFrame).filter((line) => !paramsStarted || FRAME.test(line));
  return [redactedHead, ...tail].join('\n');
}
