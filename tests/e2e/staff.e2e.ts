import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signIn as signInAs } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

const signIn = (page: Page, username: string, password: string) => signInAs(page, baseUrl, username, password);

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies(baseUrl)).find((cookie) => cookie.name === 'ydt_session');
}

describe('staff accounts in a real browser', () => {
  it('signs in with a fresh session (no fixation), flags the cookie, and signs out on the server', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'ydt_session', value: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', url: baseUrl }]);
    const page = await context.newPage();
    await signIn(page, 'sanghe.jw', 'yidiantong-jiwei-2026');
    expect(new URL(page.url()).pathname).toBe('/staff');
    expect(await page.locator('h1').textContent()).toContain('您好');
    const cookie = await sessionCookie(context);
    expect(cookie?.value).not.toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const token = cookie!.value;

    await Promise.all([page.waitForEvent('load'), page.click('form.sign-out button')]);
    expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
    // The old token is dead on the server, not only forgotten by this browser.
    const replay = await fetch(baseUrl + '/staff', { headers: { Cookie: `ydt_session=${token}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('Location')).toMatch(/^\/staff\/sign-in/);
    await context.close();
  });

  it('says the same thing for an unknown user and a wrong password', async () => {
    const page = await browser.newPage();
    await signIn(page, 'nobody.here', 'some-password-1');
    const unknown = await page.locator('.error-summary').textContent();
    await signIn(page, 'qianying.jd', 'wrong-password-1');
    expect(await page.locator('.error-summary').textContent()).toBe(unknown);
    expect(await page.locator('#field-username').inputValue()).toBe('qianying.jd');
    await page.close();
  });

  it('creates a cadre who must change the password, then disables them: their next request fails', async () => {
    const commission = await browser.newContext();
    const admin = await commission.newPage();
    await signIn(admin, 'sanghe.jw', 'yidiantong-jiwei-2026');
    await admin.goto(baseUrl + '/staff/users/new');
    await admin.selectOption('#field-role', 'cadre');
    await admin.fill('#field-scopeCode', '990121001202');
    await admin.fill('#field-displayName', '后营村报账员');
    await admin.fill('#field-username', 'houying.kj');
    await admin.fill('#field-password', 'chu-shi-mi-ma-2026');
    await Promise.all([admin.waitForEvent('load'), admin.click('main form button[type="submit"]')]);
    expect(await admin.locator('.success').first().textContent()).toContain('账号已创建');
    const accountUrl = admin.url();

    const cadreContext = await browser.newContext();
    const cadre = await cadreContext.newPage();
    await signIn(cadre, 'houying.kj', 'chu-shi-mi-ma-2026');
    expect(new URL(cadre.url()).pathname).toBe('/staff/password');
    await cadre.goto(baseUrl + '/staff/users');
    expect(new URL(cadre.url()).pathname).toBe('/staff/password'); // nothing else until the password is changed
    await cadre.fill('#field-currentPassword', 'chu-shi-mi-ma-2026');
    await cadre.fill('#field-newPassword', 'wo-zi-ji-de-mi-ma-88');
    await cadre.fill('#field-confirmPassword', 'wo-zi-ji-de-mi-ma-88');
    await Promise.all([cadre.waitForEvent('load'), cadre.click('main form button[type="submit"]')]);
    expect(await cadre.locator('.success').textContent()).toContain('密码已修改');
    await cadre.goto(baseUrl + '/staff');
    expect(new URL(cadre.url()).pathname).toBe('/staff');
    const forbidden = await cadre.goto(baseUrl + '/staff/users');
    expect(forbidden?.status()).toBe(403);

    await admin.goto(accountUrl);
    admin.once('dialog', (dialog) => dialog.accept());
    await admin.fill('#field-reason-disable', '岗位调整，停用账号');
    await Promise.all([admin.waitForEvent('load'), admin.click('form[data-confirm] button.button-danger')]);
    expect(await admin.locator('.success').textContent()).toContain('已停用');

    await cadre.goto(baseUrl + '/staff');
    expect(new URL(cadre.url()).pathname).toBe('/staff/sign-in');
    await signIn(cadre, 'houying.kj', 'wo-zi-ji-de-mi-ma-88');
    expect(new URL(cadre.url()).pathname).toBe('/staff/sign-in');
    await cadreContext.close();
    await commission.close();
  });

  it('edits, previews and publishes a new version of the county list, which citizens see at once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'sanghe.jw', 'yidiantong-jiwei-2026');
    await page.goto(baseUrl + '/staff/lists/990121000000');
    await Promise.all([page.waitForEvent('load'), page.click('main form button[type="submit"]')]);
    expect(new URL(page.url()).pathname).toBe('/staff/lists/990121000000/draft');

    await page.click('a[href="/staff/lists/990121000000/draft/items/SP-02"]');
    await page.fill('#field-contactPhone', '0399-6218899');
    await page.fill('#field-localNote', '规划许可与宅基地审批同窗受理、一并发证。');
    await Promise.all([page.waitForEvent('load'), page.click('main form button[type="submit"]')]);
    expect(await page.locator('.success').textContent()).toContain('已保存');

    await page.goto(baseUrl + '/staff/lists/990121000000/draft/preview');
    expect(await page.locator('.notice').textContent()).toContain('预览');

    await page.goto(baseUrl + '/staff/lists/990121000000/draft/publish');
    // Today in Beijing: an earlier date would first ask to confirm the back-dating.
    await page.fill('#field-effectiveOn', new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
    await page.fill('#field-note', '桑纪发〔2026〕12号（演示）');
    page.once('dialog', (dialog) => dialog.accept());
    await Promise.all([page.waitForEvent('load'), page.click('main form button[type="submit"]')]);
    expect(new URL(page.url()).pathname).toBe('/counties/990121000000');

    const citizen = await browser.newPage();
    await citizen.goto(baseUrl + '/counties/990121000000');
    expect(await citizen.locator('.list-meta').textContent()).toContain('第3版');
    await citizen.goto(baseUrl + '/counties/990121000000/items/SP-02');
    expect(await citizen.locator('.item-facts').textContent()).toContain('0399-6218899');
    await citizen.goto(baseUrl + '/counties/990121000000?v=2');
    expect(await citizen.locator('.notice').textContent()).toContain('不是现行版本');
    await citizen.close();

    await page.goto(baseUrl + '/staff/audit?action=countyList.published');
    expect(await page.locator('table').textContent()).toContain('桑纪发〔2026〕12号');
    await context.close();
  });
});

describe('protective headers and cross-site writes over HTTP', () => {
  it('refuses cross-site writes whatever the body type', async () => {
    const bodies: Array<[string, BodyInit]> = [
      ['application/x-www-form-urlencoded', 'username=a&password=b'],
      ['text/plain', 'username=a'],
      ['application/json', '{"username":"a"}'],
    ];
    for (const [type, body] of bodies) {
      const response = await fetch(baseUrl + '/staff/sign-in', { method: 'POST', headers: { 'Content-Type': type, Origin: 'https://evil.example' }, body, redirect: 'manual' });
      expect(response.status, type).toBe(403);
    }
    const form = new FormData();
    form.set('username', 'a');
    const multipart = await fetch(baseUrl + '/staff/users/new', { method: 'POST', headers: { Origin: 'https://evil.example' }, body: form, redirect: 'manual' });
    expect(multipart.status).toBe(403);
  });

  it('sends the security headers on pages, partials, JSON and errors, and keeps staff pages private', async () => {
    for (const path of ['/', '/partials/search?q=低保', '/api/v1/counties', '/no-such-page', '/staff/sign-in']) {
      const response = await fetch(baseUrl + encodeURI(path), { redirect: 'manual' });
      expect(response.headers.get('Content-Security-Policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('Content-Security-Policy'), path).not.toContain('unsafe-inline');
      expect(response.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
    }
    const staff = await fetch(baseUrl + '/staff/sign-in');
    expect(staff.headers.get('Cache-Control')).toBe('no-store');
    expect(staff.headers.get('Referrer-Policy')).toBe('no-referrer');
  });
});
