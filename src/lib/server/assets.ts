/**
 * Addresses of the site's own static files with their content hash: `/styles/site.css?v=3f9a…`.
 * The static server (src/server/static-files.ts) lets a browser keep a file for a year when the `v`
 * it asks for is the file's current hash, so a phone on a slow connection fetches the stylesheet
 * once per deployment instead of revalidating it on every page. Both sides hash the same bytes:
 * the files in public/, which the build copies unchanged to dist/client/.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 16);
}

const versions = new Map<string, string | null>();

/** `href` for a file under public/ (an absolute path such as "/styles/site.css"). */
export function assetUrl(file: `/${string}`): string {
  let version = versions.get(file);
  if (version === undefined) {
    try {
      version = contentHash(readFileSync(path.join(process.cwd(), 'public', file)));
    } catch {
      // Not there (a test without the vendored htmx): the plain address still works, uncached.
      version = null;
    }
    versions.set(file, version);
  }
  return version ? `${file}?v=${version}` : file;
}
