import { removeControlChars } from './validation.ts';

/**
 * Reads a submitted form into plain strings (files and repeated names handled by the callers that
 * need them). The middleware has already answered 415/400 for a body that is not a form or does not
 * parse (src/lib/server/edge.ts), so a failure here means a request made outside it (a test, a
 * rewrite) and reads as an empty form: the page then answers with its own field errors, never a 500.
 * Control characters other than TAB, CR and LF are removed from every value: they cannot be typed
 * or seen, and NUL cannot be stored.
 * The form is read from a clone, so the request's own body stays unread: a page that refuses after
 * reading its form (a command answering 403 or "not found") still rewrites to /403 or /404, which
 * Astro refuses once the body has been used (RewriteWithBodyUsed, a 500).
 */
export async function readForm(request: Request): Promise<{ fields: Record<string, string>; all: (name: string) => string[]; data: FormData }> {
  let data: FormData;
  try {
    data = await request.clone().formData();
  } catch {
    data = new FormData();
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of data.entries()) {
    if (typeof value === 'string' && !(key in fields)) fields[key] = removeControlChars(value);
  }
  return {
    fields,
    all: (name) => data.getAll(name).flatMap((value) => (typeof value === 'string' ? [removeControlChars(value)] : [])),
    /** The form itself, for the files in it. */
    data,
  };
}
