/**
 * Files sent with the complaint form, through the real page: a file the citizen chose must never
 * be dropped on the way (the complaint would get a receipt without its evidence).
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../lib/server/db.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../tests/support/test-db.ts';
import { filingThrottle } from '../../lib/server/complaints/throttles.ts';
import { translator } from '../../i18n/index.ts';
import Report from './index.astro';

let test: TestDatabase;
let container: AstroContainer;
beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
});
afterAll(async () => test?.dispose());
beforeEach(() => filingThrottle.reset('client', 'unknown'));

let sent = 0;
async function send(title: string, file: File) {
  const body = new FormData();
  const fields = {
    formKey: `attachments-test-key-${String(++sent).padStart(4, '0')}`,
    county: '990121000000',
    category: 'assets',
    areaCode: '990121001201',
    subjectLevel: 'village_cadre',
    title,
    content: '村里修路的补助款到了以后，村干部没有在公示栏公布用途，我把手机里的收据照片附在后面。',
    anonymous: 'yes',
  };
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  body.append('attachments', file);
  const response = await container.renderToResponse(Report, {
    request: new Request('http://localhost/report', { method: 'POST', body }),
    partial: false,
    locals: { lang: 'zh-CN', t: translator('zh-CN'), user: null, sessionId: null },
  });
  const [stored] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = ${title}`);
  return { status: response.status, html: await response.text(), stored: stored!.n };
}

it('refuses a chosen file that is empty, naming it, and files nothing', async () => {
  const { status, html, stored } = await send('修路补助款去向不明', new File([], '收据照片.jpg', { type: 'image/jpeg' }));
  expect(status).toBe(400);
  expect(html).not.toContain('receipt-code');
  expect(html).toMatch(/收据照片\.jpg）：文件是空的/);
  expect(html).toContain('村里修路的补助款到了以后'); // what was typed is kept
  expect(stored).toBe(0);
});

it('files the complaint when no file was chosen (the browser sends an empty, unnamed part)', async () => {
  const { status, html, stored } = await send('修路补助款没有公示', new File([], '', { type: 'application/octet-stream' }));
  expect(status).toBe(200);
  expect(html).toContain('receipt-code');
  expect(stored).toBe(1);
});
