/**
 * Astro's own log destination (astro.config.mjs `logger`). Astro prints `err.stack` for an error a
 * page or endpoint throws, and request URLs when the adapter fails; a failed query's stack starts
 * with its parameters. Every line goes through the same redaction as our JSON logs before Astro's
 * usual console output. (Plain JavaScript: Astro loads this file directly when the CLI starts.)
 */
import nodeDestination from 'astro/logger/node';
import { redactAstroMessage } from '../lib/server/logger.ts';

/** @param {{ level?: import('astro').AstroLoggerLevel } | undefined} config */
export default function redactingDestination(config) {
  const inner = nodeDestination(config);
  return {
    /** @param {{ label: string | null; level: import('astro').AstroLoggerLevel; message: string; newLine: boolean }} event */
    write(event) {
      inner.write({ ...event, message: redactAstroMessage(String(event.message)) });
    },
    flush: () => inner.flush?.(),
    close: () => inner.close?.(),
  };
}
