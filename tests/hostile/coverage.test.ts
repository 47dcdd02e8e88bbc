/**
 * The hostile-input group covers every route: each route file under src/pages is attacked with GET
 * (public pages, open data, staff pages) and, when it takes a POST, with hostile forms, or it is
 * named below with why not. A new route file fails here until it joins a list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataRoutes, PUBLIC_FORM_FILES, publicPageRoutes } from '../support/hostile-routes.ts';
import { STAFF_FORM_ROUTES, staffGetRoutes } from '../support/hostile-staff.ts';

const PAGES = path.resolve(import.meta.dirname, '../../src/pages');

/** Route files not attacked by address, with why. */
const NOT_ADDRESSED: Record<string, string> = {
  '400.astro': 'the error pages are rendered by rewrites from other routes (the edge check sends every malformed address to /400), never addressed with input of their own',
  '403.astro': 'as 400.astro',
  '500.astro': 'as 400.astro; it shows no input',
  'staff/sign-out.ts': 'POST only: attacked with hostile bodies in public-forms.test.ts',
  'api/v1/complaints/index.ts': 'POST only: attacked with hostile JSON in public-forms.test.ts',
};

function routeFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return routeFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.startsWith('_') || entry.name.endsWith('.test.ts') ? [] : [`${prefix}${entry.name}`];
  });
}

/** `villages/[code]/index.astro` → `/villages/[code]`, as the GET routes are named. */
const addressOf = (file: string) => `/${file.replace(/\.(astro|ts)$/, '').replace(/(^|\/)index$/, '')}`.replace(/\/$/, '') || '/';

describe('hostile-input coverage', () => {
  const files = routeFiles(PAGES);
  const none = () => '';
  const addressed = new Set([...publicPageRoutes(none), ...openDataRoutes(none, none), ...staffGetRoutes(() => ({}) as never)].map((route) => route.name));

  it('attacks every route file with hostile addresses', () => {
    const missing = files.filter((file) => !NOT_ADDRESSED[file] && !addressed.has(addressOf(file)) && !(file === '404.astro' && addressed.has('/404')));
    expect(missing).toEqual([]);
  });

  it('attacks every route that takes a POST with hostile forms', () => {
    const posted = new Set([...STAFF_FORM_ROUTES.map((route) => (route.file.startsWith('partials/') ? route.file : `staff/${route.file}`).replace(/ \(.*\)$/, '')), ...PUBLIC_FORM_FILES, 'api/v1/complaints/index.ts']);
    const takesPost = files.filter((file) => /method === 'POST'|export const POST|request\.method !== 'GET'|Astro\.request\b(?!\.url|\.method === 'GET')/.test(readFileSync(path.join(PAGES, file), 'utf8')));
    expect(takesPost.length).toBeGreaterThan(30);
    expect(takesPost.filter((file) => !posted.has(file))).toEqual([]);
  });
});
