/**
 * Every public page type, and the staff sign-in page, is valid HTML according to the Nu Html
 * Checker (the engine behind the W3C validator, shipped by the `vnu-jar` package and run on
 * Debian's Java). Invalid markup is what makes screen readers, old phone browsers and the
 * no-JavaScript path behave differently from what we test in chromium.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');
const run = promisify(execFile);
const vnuJar: string = createRequire(import.meta.url)('vnu-jar');

const county = '990121000000';
const village = '990121001202';

/** One address per page type (and language where the markup differs). */
const PAGE_TYPES: Record<string, string> = {
  home: '/',
  counties: '/counties',
  county: `/counties/${county}`,
  countyItem: `/counties/${county}/items/FW-01`,
  countyChanges: `/counties/${county}/changes`,
  countyOverdue: `/counties/${county}/overdue`,
  catalog: '/catalog',
  catalogItem: '/catalog/FW-01',
  search: '/search?q=%E4%BD%8E%E4%BF%9D',
  searchEmpty: '/search',
  searchPartial: '/partials/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0',
  villages: '/villages',
  villagesSearch: '/villages?q=%E6%B2%B3%E6%B9%BE',
  village: `/villages/${village}`,
  villagePrint: `/villages/${village}/print`,
  villageVerify: `/villages/${village}/verify`,
  ledgerHead: '/ledgers/head',
  report: '/report',
  reportCounty: `/report?county=${county}`,
  track: '/track',
  statistics: `/statistics/${county}`,
  notFound: '/no-such-page',
  signIn: '/staff/sign-in',
};

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ydt-vnu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fetchPages(lang: 'zh-CN' | 'en'): Promise<string[]> {
  const files: string[] = [];
  for (const [name, address] of Object.entries(PAGE_TYPES)) {
    const response = await fetch(baseUrl + address, { headers: { Cookie: `lang=${lang}` } });
    const type = response.headers.get('Content-Type') ?? '';
    expect(type, `${address} is HTML`).toContain('text/html');
    const file = path.join(dir, `${lang}-${name}.html`);
    let html = await response.text();
    // Partials are fragments: check them inside a minimal document.
    if (!/^\s*<!doctype/i.test(html)) html = `<!doctype html><html lang="zh-CN"><head><title>片段</title></head><body>${html}</body></html>`;
    writeFileSync(file, html);
    files.push(file);
  }
  return files;
}

async function check(files: string[]): Promise<VnuMessage[]> {
  // vnu exits 1 when it reports errors; its JSON report goes to stderr either way.
  const result = await run('java', ['-jar', vnuJar, '--errors-only', '--format', 'json', ...files], { maxBuffer: 32 * 1024 * 1024 }).catch(
    (error: { stderr?: string; code?: number }) => {
      if (error.code === 1 && error.stderr) return { stderr: error.stderr };
      throw error;
    },
  );
  const report = JSON.parse(result.stderr || '{"messages":[]}') as { messages: VnuMessage[] };
  return report.messages.filter((message) => message.type === 'error' || message.subType === 'fatal');
}

describe('valid HTML on every page type', () => {
  it('has no Nu Html Checker errors, in Chinese and in English', async () => {
    // One checker run for both languages: the JVM start-up is most of its cost.
    const files = [...(await fetchPages('zh-CN')), ...(await fetchPages('en'))];
    const errors = await check(files);
    const readable = errors.map((error) => `${path.basename(error.url ?? '')}:${error.lastLine ?? '?'} ${error.message} «${error.extract ?? ''}»`);
    expect(readable).toEqual([]);
  }, 180_000);
});
