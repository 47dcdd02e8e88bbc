/**
 * For tests: render Astro pages against a test database through the container API, as a signed-out
 * visitor, the way the public sees them, or as a signed-in staff member.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from './test-db.ts';
import { translator, type Lang } from '../../src/i18n/index.ts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/auth.ts';
import NotFound from '../../src/pages/404.astro';
import Forbidden from '../../src/pages/403.astro';

export interface PageTester {
  test: TestDatabase;
  render(page: Parameters<AstroContainer['renderToResponse']>[0], url: string, params?: Record<string, string>, language?: Lang): Promise<{ status: number; html: string; headers: Headers }>;
}

/** A private database used by every page, and a container that serves /404 as the site does. */
export async function createPageTester(): Promise<PageTester> {
  const test = await createTestDatabase();
  useDatabaseForTests(test);
  const container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  return {
    test,
    async render(page, url, params = {}, language = 'zh-CN') {
      const response = await container.renderToResponse(page, {
        request: new Request(`http://localhost${url}`),
        params,
        partial: false,
        locals: { lang: language, t: translator(language), user: null, sessionId: null },
      });
      return { status: response.status, html: await response.text(), headers: response.headers };
    },
  };
}

export interface StaffPageTester {
  test: TestDatabase;
  /** Renders `page` for the signed-in staff member `as`; with `body`, as a same-origin POST. */
  render(
    page: Parameters<AstroContainer['renderToResponse']>[0],
    url: string,
    options: { as: string; params?: Record<string, string>; body?: BodyInit; language?: Lang; partial?: boolean },
  ): Promise<{ status: number; location: string | null; html: string }>;
}

/** As `createPageTester`, for staff pages: the user comes from the database, /403 renders as the site's. */
export async function createStaffPageTester(): Promise<StaffPageTester> {
  const [test, container] = await Promise.all([createTestDatabase(), AstroContainer.create()]);
  useDatabaseForTests(test);
  container.insertPageRoute('/404', NotFound);
  container.insertPageRoute('/403', Forbidden);
  return {
    test,
    async render(page, url, { as, params = {}, body, language = 'zh-CN', partial = false }) {
      const [row] = await test.db.select().from(users).where(eq(users.username, as));
      if (!row) throw new Error(`no staff account ${as}`);
      const request = new Request(`http://localhost${url}`, body === undefined ? {} : { method: 'POST', headers: { Origin: 'http://localhost' }, body });
      const response = await container.renderToResponse(page, {
        request,
        params,
        partial,
        locals: { lang: language, t: translator(language), user: { ...row, mustChangePassword: false }, sessionId: null },
      });
      return { status: response.status, location: response.headers.get('Location'), html: await response.text() };
    },
  };
}
