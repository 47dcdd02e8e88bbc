/**
 * For tests: render Astro pages against a test database through the container API, as a signed-out
 * visitor, the way the public sees them.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from './test-db.ts';
import { translator, type Lang } from '../../src/i18n/index.ts';
import NotFound from '../../src/pages/404.astro';

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
