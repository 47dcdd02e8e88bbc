/**
 * axe-core (through @axe-core/playwright) on every public and staff page type, in Chinese and in
 * English, on a 360 px phone and a 1280 px screen (issue 16 item 1). No serious or critical
 * violation is allowed anywhere; a moderate or minor one only if KEPT below names it with the
 * reason (the README lists the same). The site's Content-Security-Policy refuses the injected axe
 * script, so the browser contexts bypass CSP — the policy itself stays as it is.
 *
 * Per language one public context and one signed-in context per staff account (the language is
 * the `lang` cookie), each reused for both widths (the viewport); the two languages run at once.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { browserForThisFile, signIn } from './browser.ts';
import { villageTeam, type Account } from './village-team.ts';

const baseUrl = inject('baseUrl');
const browser = browserForThisFile();

const COUNTY = '990121000000';
const CITY = '990100000000';
const HOUYING = '990121001202';
/** 白杨村 has no seeded ledgers: this file's own bookkeeper opens a draft there. */
const BAIYANG = '990121003201';

/**
 * Moderate or minor findings we keep, with why. Empty: every one axe reported was fixed. A new
 * one fails the test until it is fixed or added here (and to the README) with its reason.
 */
const KEPT: Record<string, string> = {};

/** An invented ID number under address code 431121 with its GB 11643 check character. */
function idNumber(birth: string, sequence: number): string {
  const first17 = `431121${birth}${String(sequence).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return first17 + '10X98765432'[sum % 11];
}
const LIVELIHOOD_ITEM = '重度残疾人护理补贴（无障碍检查）';
const RECIPIENT = { name: '孙桂兰', idNumber: idNumber('19560312', 41) };

type Who = 'public' | 'commission' | 'agency' | 'cadre' | 'supervisor' | 'ownCadre' | 'liaison' | 'department' | 'admin';

const ACCOUNTS: Record<Exclude<Who, 'public' | 'ownCadre'>, Account> = {
  commission: { username: 'sanghe.jw', password: 'yidiantong-jiwei-2026' },
  agency: { username: 'sanghe.jgz', password: 'yidiantong-jingguan-2026' },
  cadre: { username: 'qianying.kj', password: 'yidiantong-baozhang-2026' },
  supervisor: { username: 'qianying.jd', password: 'yidiantong-jiandu-2026' },
  liaison: { username: 'qianying.jjwy', password: 'yidiantong-zhibao-2026' },
  department: { username: 'sanghe.mzj', password: 'yidiantong-minzheng-2026' },
  admin: { username: 'demo.admin', password: 'yidiantong-guanli-2026' },
};

interface Visit {
  name: string;
  who: Who;
  /** Brings the page to the state to check (an address, or a form sent). */
  go: (page: Page) => Promise<unknown>;
}

const goto = (path: string) => (page: Page) => page.goto(baseUrl + path);
const send = async (page: Page, selector: string) => Promise.all([page.waitForEvent('load'), page.click(selector)]);

/** Addresses learnt in beforeAll: things the seed does not have (a complaint, a suspect, a draft). */
const found = {
  receipt: '',
  caseUrl: '',
  workspace: '',
  draft: '',
  user: '',
  batch: '',
  suspect: '',
  livelihoodItem: '',
};

const VISITS: Visit[] = [
  // The public site.
  { name: 'home', who: 'public', go: goto('/') },
  { name: 'counties', who: 'public', go: goto('/counties') },
  { name: 'county list', who: 'public', go: goto(`/counties/${COUNTY}`) },
  { name: 'county item', who: 'public', go: goto(`/counties/${COUNTY}/items/FW-01`) },
  { name: 'county changes', who: 'public', go: goto(`/counties/${COUNTY}/changes`) },
  { name: 'overdue', who: 'public', go: goto(`/counties/${COUNTY}/overdue`) },
  { name: 'catalog', who: 'public', go: goto('/catalog') },
  { name: 'catalog item', who: 'public', go: goto('/catalog/SP-01') },
  { name: 'search results', who: 'public', go: goto('/search?q=' + encodeURIComponent('低保')) },
  { name: 'search empty', who: 'public', go: goto('/search?q=' + encodeURIComponent('没有这样的事项')) },
  { name: 'village finder', who: 'public', go: goto('/villages?q=' + encodeURIComponent('河湾')) },
  { name: 'village', who: 'public', go: goto(`/villages/${HOUYING}`) },
  { name: 'village print sheet', who: 'public', go: goto(`/villages/${HOUYING}/print`) },
  { name: 'village verify', who: 'public', go: goto(`/villages/${HOUYING}/verify`) },
  { name: 'ledgers head', who: 'public', go: goto('/ledgers/head') },
  { name: 'statistics county', who: 'public', go: goto(`/statistics/${COUNTY}`) },
  { name: 'statistics city', who: 'public', go: goto(`/statistics/${CITY}`) },
  { name: 'livelihood statistics', who: 'public', go: goto(`/statistics/${COUNTY}/livelihood`) },
  { name: 'livelihood statistics item', who: 'public', go: (page) => page.goto(found.livelihoodItem) },
  { name: 'livelihood lookup', who: 'public', go: goto('/livelihood/lookup') },
  {
    name: 'livelihood lookup found',
    who: 'public',
    go: async (page) => {
      await page.goto(baseUrl + '/livelihood/lookup');
      await page.fill('#field-idNumber', RECIPIENT.idNumber);
      await page.fill('#field-name', RECIPIENT.name);
      await send(page, 'form[action="/livelihood/lookup"] button[type="submit"]');
      expect(await page.locator('#lookup-found').count()).toBe(1);
    },
  },
  { name: 'report county picker', who: 'public', go: goto('/report') },
  { name: 'report form', who: 'public', go: goto(`/report?village=${HOUYING}`) },
  {
    name: 'report form with errors',
    who: 'public',
    go: async (page) => {
      await page.goto(`${baseUrl}/report?village=${HOUYING}`);
      await send(page, 'form.report-form button[type="submit"]');
    },
  },
  { name: 'track', who: 'public', go: goto('/track') },
  {
    name: 'track with a receipt',
    who: 'public',
    go: async (page) => {
      await page.goto(baseUrl + '/track');
      await page.fill('#field-receipt', found.receipt);
      await send(page, 'form[action="/track"] button[type="submit"]');
    },
  },
  {
    name: 'track with a wrong receipt',
    who: 'public',
    go: async (page) => {
      await page.goto(baseUrl + '/track');
      await page.fill('#field-receipt', '1234 5678 9012 3456');
      await send(page, 'form[action="/track"] button[type="submit"]');
    },
  },
  { name: 'not found', who: 'public', go: goto('/no-such-page') },
  { name: 'sign-in', who: 'public', go: goto('/staff/sign-in') },
  // The staff area, each page type once, as an account that reaches it.
  { name: 'staff home', who: 'commission', go: goto('/staff') },
  { name: 'ledger queue', who: 'commission', go: goto('/staff/ledgers') },
  { name: 'village overview (commission)', who: 'commission', go: goto('/staff/ledgers/villages') },
  { name: 'village overview (agency, cadence forms)', who: 'agency', go: goto('/staff/ledgers/villages') },
  { name: 'workspace (commission)', who: 'commission', go: (page) => page.goto(found.workspace) },
  { name: 'workspace (agency)', who: 'agency', go: (page) => page.goto(found.workspace) },
  { name: 'workspace (supervisor)', who: 'supervisor', go: (page) => page.goto(found.workspace) },
  { name: 'ledger queue (cadre)', who: 'cadre', go: goto('/staff/ledgers') },
  { name: 'draft workspace (cadre)', who: 'ownCadre', go: (page) => page.goto(found.draft) },
  { name: 'entry page (cadre)', who: 'ownCadre', go: (page) => page.goto(found.draft + '/entries/1') },
  { name: 'complaint queue', who: 'commission', go: goto('/staff/complaints') },
  { name: 'complaints today', who: 'commission', go: goto('/staff/complaints/today') },
  { name: 'complaint case', who: 'commission', go: (page) => page.goto(found.caseUrl) },
  { name: 'complaint registration sheet', who: 'commission', go: (page) => page.goto(found.caseUrl + '/print/registration') },
  { name: 'complaints sent', who: 'commission', go: goto('/staff/complaints/sent') },
  { name: 'transfer departments', who: 'commission', go: goto('/staff/complaints/departments') },
  { name: 'reminders (commission)', who: 'commission', go: goto('/staff/reminders') },
  { name: 'talks', who: 'commission', go: goto('/staff/talks') },
  { name: 'escalated', who: 'commission', go: goto('/staff/escalated') },
  { name: 'integrity list', who: 'commission', go: goto('/staff/integrity') },
  { name: 'integrity picture', who: 'commission', go: goto('/staff/integrity/990121001201') },
  { name: 'zones', who: 'commission', go: goto('/staff/zones') },
  { name: 'zone tasks', who: 'commission', go: goto('/staff/zones/tasks') },
  { name: 'zone cross-checks', who: 'commission', go: goto(`/staff/zones/cross-checks?county=${COUNTY}`) },
  { name: 'zone assessment', who: 'commission', go: goto(`/staff/zones/assessment?county=${COUNTY}`) },
  { name: 'registries', who: 'commission', go: goto('/staff/livelihood/registries') },
  { name: 'livelihood hits', who: 'commission', go: goto('/staff/livelihood/hits') },
  { name: 'livelihood suspects', who: 'commission', go: goto('/staff/livelihood/suspects') },
  { name: 'livelihood suspect', who: 'commission', go: (page) => page.goto(found.suspect) },
  {
    name: 'send a suspect',
    who: 'commission',
    go: async (page) => page.goto(await hrefOf(page, '/staff/livelihood/hits', 'main a[href^="/staff/livelihood/suspects/new"]')),
  },
  { name: 'livelihood items', who: 'department', go: goto('/staff/livelihood') },
  { name: 'payment batches', who: 'department', go: goto('/staff/livelihood/batches') },
  { name: 'payment batch', who: 'department', go: (page) => page.goto(found.batch) },
  { name: 'direct report', who: 'liaison', go: goto('/staff/direct-report') },
  { name: 'reminders (liaison)', who: 'liaison', go: goto('/staff/reminders') },
  { name: 'county lists', who: 'admin', go: goto('/staff/lists') },
  { name: 'county list versions', who: 'admin', go: goto(`/staff/lists/${COUNTY}`) },
  { name: 'list draft', who: 'admin', go: goto('/staff/lists/990123000000/draft') },
  { name: 'list draft item', who: 'admin', go: goto('/staff/lists/990123000000/draft/items/SP-01') },
  { name: 'list draft preview', who: 'admin', go: goto('/staff/lists/990123000000/draft/preview') },
  { name: 'list draft preview item', who: 'admin', go: goto('/staff/lists/990123000000/draft/preview/SP-01') },
  { name: 'list draft publish', who: 'admin', go: goto('/staff/lists/990123000000/draft/publish') },
  { name: 'list draft county item', who: 'admin', go: goto('/staff/lists/990123000000/draft/custom/new') },
  { name: 'users', who: 'commission', go: goto('/staff/users') },
  { name: 'new user', who: 'commission', go: goto('/staff/users/new') },
  { name: 'user', who: 'commission', go: (page) => page.goto(found.user) },
  { name: 'audit log', who: 'commission', go: goto('/staff/audit') },
  { name: 'inbox', who: 'commission', go: goto('/staff/inbox') },
  { name: 'password', who: 'commission', go: goto('/staff/password') },
  { name: 'forbidden', who: 'cadre', go: goto('/staff/complaints') },
];

/** Signed-in pages that prepare what the seed lacks (closed after the setup). */
const setup = new Map<Who, Page>();
/** Everyone who visits, with their password; the own cadre is made in beforeAll. */
const accounts = new Map<Who, Account | undefined>([['public', undefined], ...(Object.entries(ACCOUNTS) as Array<[Who, Account]>)]);

async function hrefOf(page: Page, path: string, selector: string): Promise<string> {
  await page.goto(baseUrl + path);
  const href = await page.locator(selector).first().getAttribute('href');
  if (!href) throw new Error(`no ${selector} on ${path}`);
  return new URL(href, baseUrl).href;
}

beforeAll(async () => {
  // A complaint through the form's POST (no proof of work: accepted, as without JavaScript).
  const form = new FormData();
  for (const [key, value] of Object.entries({
    formKey: 'e2e-a11y-000000000000001',
    category: 'assets',
    areaCode: HOUYING,
    subjectLevel: 'village_cadre',
    title: '后营村机井维修费重复列支',
    content: '后营村三号机井去年维修过一次，今年公开栏里又列了一笔同样的维修费，请核实是不是重复报账。',
    anonymous: 'yes',
  })) form.set(key, value);
  const filed = await (await fetch(baseUrl + '/report', { method: 'POST', body: form, headers: { Origin: baseUrl } })).text();
  found.receipt = /class="receipt-code"[^]*?<strong>([\d ]+)<\/strong>/.exec(filed)?.[1] ?? '';
  expect(found.receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);

  const team = await villageTeam(browser(), baseUrl, BAIYANG, 'baiyang.a11y', '白杨村');
  accounts.set('ownCadre', team.cadre);
  for (const who of ['public', 'commission', 'department', 'admin', 'ownCadre'] as const) {
    const page = await (await browser().newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const account = accounts.get(who);
    if (account) await signIn(page, baseUrl, account.username, account.password);
    setup.set(who, page);
  }

  const commission = setup.get('commission')!;
  found.caseUrl = await hrefOf(commission, '/staff/complaints', 'main a:has-text("后营村机井维修费重复列支")');
  found.workspace = await hrefOf(commission, '/staff/ledgers', 'main table a[href^="/staff/ledgers/"]');
  found.user = await hrefOf(commission, '/staff/users', 'main a[href^="/staff/users/"]:not([href$="/new"])');
  // A suspect sent on the first cross-check hit that can still be sent.
  await commission.goto(await hrefOf(commission, '/staff/livelihood/hits', 'main a[href^="/staff/livelihood/suspects/new"]'));
  await commission.fill('#field-body', '请核实该户是否符合领取条件，如不符合请停发并说明原因。');
  await send(commission, 'main form[method="post"] button[type="submit"]');
  found.suspect = commission.url().split('?')[0]!;
  expect(found.suspect).toMatch(/\/staff\/livelihood\/suspects\/[0-9a-f-]{36}$/);

  // 桑河县民政局 pays one person of 白杨村 under an item of its own, and publishes the batch.
  const department = setup.get('department')!;
  await department.goto(`${baseUrl}/staff/livelihood`);
  await department.fill('#field-name', LIVELIHOOD_ITEM);
  await department.fill('#field-standardText', '一级、二级重度残疾人每人每月80元');
  await department.fill('#field-standardYuan', '80');
  await department.fill('#field-legalBasis', '《桑河县困难残疾人生活补贴和重度残疾人护理补贴实施办法》（演示）');
  await send(department, 'main form:has(#field-legalBasis) button[type="submit"]');
  await department.goto(`${baseUrl}/staff/livelihood/batches`);
  await department.selectOption('#field-itemId', { label: LIVELIHOOD_ITEM });
  await department.selectOption('#field-villageCode', BAIYANG);
  await department.fill('#field-period', '2026-11');
  const csv = `\uFEFF姓名,身份证号码,金额（元）,发放日期\n${RECIPIENT.name},${RECIPIENT.idNumber},80,2026-11-10\n`;
  await department.setInputFiles('#field-file', { name: '白杨村护理补贴.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await send(department, 'form[enctype="multipart/form-data"] button[type="submit"]');
  found.batch = department.url().split('?')[0]!;
  expect(found.batch).toMatch(/\/staff\/livelihood\/batches\/[0-9a-f-]{36}$/);
  await send(department, 'form:has(input[name="action"][value="publish"]) button[type="submit"]');
  found.livelihoodItem = await hrefOf(setup.get('public')!, `/statistics/${COUNTY}/livelihood`, 'main th a');

  // A draft of the county list no other test edits (青禾县), and a draft period of 白杨村 with one entry.
  const admin = setup.get('admin')!;
  await admin.goto(baseUrl + '/staff/lists/990123000000');
  if (await admin.locator('main form button[type="submit"]').count()) await send(admin, 'main form button[type="submit"]');
  const cadre = setup.get('ownCadre')!;
  await cadre.goto(baseUrl + '/staff/ledgers');
  await send(cadre, 'form:has(select[name="period"]) button[type="submit"]');
  found.draft = cadre.url().split('?')[0]!;
  await cadre.fill('#field-entryDate', '2026-08-14');
  await cadre.fill('#field-amount', '1200');
  await cadre.fill('#field-summary', '村委会办公室空调维修');
  await cadre.fill('#field-counterparty', '白杨乡家电维修部');
  await cadre.fill('#field-voucherNo', '记-08-003');
  await send(cadre, 'form:has(input[name="action"][value="add-entry"]) button[type="submit"]');
  for (const page of setup.values()) await page.context().close();
}, 300_000);

interface Finding {
  page: string;
  rule: string;
  impact: string;
  targets: string[];
}

/**
 * axe's default rules plus those it ships switched off: target-size (WCAG 2.2 2.5.8, off by default
 * in axe 4) and the experimental ones, label-content-name-mismatch among them (WCAG 2.5.3). At the
 * second width colour contrast is left out: it is half of axe's time, and no colour in site.css
 * depends on the width (none is set inside a width media query), so 360 px has checked the same pairs.
 */
const EXTRA_RULES = ['target-size', 'css-orientation-lock', 'focus-order-semantics', 'hidden-content', 'label-content-name-mismatch', 'p-as-heading', 'table-fake-caption', 'td-has-header'];

async function audit(page: Page, name: string, contrast: boolean): Promise<Finding[]> {
  const rules = Object.fromEntries([...EXTRA_RULES.map((rule) => [rule, { enabled: true }]), ['color-contrast', { enabled: contrast }]]);
  // Legacy mode runs axe.run in the page itself; the default opens a second page for every result to
  // merge frames, which the portal has none of, at two to three times the cost per page.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'], rules }).analyze();
  return results.violations.map((violation) => ({
    page: name,
    rule: violation.id,
    impact: violation.impact ?? 'unknown',
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

const readable = (findings: Finding[]) => findings.map((f) => `${f.page}: ${f.rule} (${f.impact}) → ${f.targets.slice(0, 4).join(' | ')}${f.targets.length > 4 ? ` … +${f.targets.length - 4}` : ''}`);

const WIDTHS = [
  { width: 360, height: 740, contrast: true },
  { width: 1280, height: 900, contrast: false },
] as const;

// The two languages run side by side (each its own browser contexts): axe's work is in the page
// processes, so two at once use both CPUs.
describe.concurrent('axe-core on every page type', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`finds no serious or critical violation, and only kept moderate ones, in ${lang} at 360 and 1280 px`, async () => {
      const pages = new Map<Who, Page>();
      for (const [who, account] of accounts) {
        const context = await browser().newContext({ bypassCSP: true, viewport: { width: 360, height: 740 } });
        await context.addCookies([{ name: 'lang', value: lang, url: baseUrl }]);
        const page = await context.newPage();
        if (account) await signIn(page, baseUrl, account.username, account.password);
        pages.set(who, page);
      }
      const findings: Finding[] = [];
      try {
        for (const { width, height, contrast } of WIDTHS) {
          for (const page of pages.values()) await page.setViewportSize({ width, height });
          for (const visit of VISITS) {
            const page = pages.get(visit.who)!;
            await visit.go(page);
            expect(await page.locator('html').getAttribute('lang'), `${visit.name} is in ${lang}`).toBe(lang);
            findings.push(...(await audit(page, `${lang} ${width}px ${visit.name}`, contrast)));
          }
        }
      } finally {
        for (const page of pages.values()) await page.context().close();
      }
      const counts = new Map<string, number>();
      for (const finding of findings) counts.set(`${finding.rule} (${finding.impact})`, (counts.get(`${finding.rule} (${finding.impact})`) ?? 0) + 1);
      console.log(`${lang}: ${VISITS.length} page types × ${WIDTHS.length} widths; pages per rule: ${JSON.stringify(Object.fromEntries(counts))}`);
      const severe = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
      expect(readable(severe)).toEqual([]);
      const unexplained = findings.filter((f) => !(f.rule in KEPT));
      expect(readable(unexplained)).toEqual([]);
    }, 900_000);
  }
});
