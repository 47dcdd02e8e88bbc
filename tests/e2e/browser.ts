/** Launches Debian's chromium through playwright-core (no browser download). */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One chromium for the whole test file: launched before its first test, closed after its last. */
export function browserForThisFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
}

/** Signs `page` in through the staff sign-in form, as a person would. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/staff/sign-in');
  await page.fill('#field-username', username);
  await page.fill('#field-password', password);
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/staff/sign-in"] button[type="submit"]')]);
}

/** A fresh browser context signed in as a staff member; confirmation dialogs (data-confirm) are accepted. */
export async function staffPage(browser: Browser, baseUrl: string, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('dialog', (dialog) => dialog.accept());
  await signIn(page, baseUrl, username, password);
  return page;
}
