/**
 * Structured JSON logs (pino) on stdout. Callers log an event name plus fields they choose; request
 * headers, IP addresses and bodies are never passed in, so personal data cannot reach the logs by
 * accident. `redact` is a second line of defence for field names that must never appear.
 */
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: undefined,
  redact: {
    paths: ['password', 'token', 'cookie', 'ip', 'userAgent', '*.password', '*.token', '*.cookie'],
    censor: '[redacted]',
  },
});

/** Error details safe to log: name, message and stack, nothing attached to the error object. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { err: { name: error.name, message: error.message, stack: error.stack } };
  return { err: String(error) };
}
