/**
 * A bookkeeper and a supervision committee for a demo village that has none, made through the
 * staff pages as the county commission would. Browser tests that sign, countersign and approve a
 * period use a village of their own (one without seeded ledgers), so they neither depend on nor
 * disturb the seeded 前营村 periods that ledgers.e2e.ts walks through.
 */
import type { Browser, Page } from 'playwright-core';
import { signIn, staffPage } from './browser.ts';

export interface Account {
  username: string;
  password: string;
}

export const COUNTY_COMMISSION: Account = { username: 'sanghe.jw', password: 'yidiantong-jiwei-2026' };

const INITIAL_PASSWORD = 'chu-shi-mi-ma-2026';

async function submitMain(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click('main form button[type="submit"]')]);
}

/** Creates one account as the county commission; the person then signs in and sets their own password. */
async function createAccount(commission: Page, baseUrl: string, role: 'cadre' | 'supervisor', village: string, displayName: string, account: Account): Promise<void> {
  await commission.goto(baseUrl + '/staff/users/new');
  await commission.selectOption('#field-role', role);
  await commission.fill('#field-scopeCode', village);
  await commission.fill('#field-displayName', displayName);
  await commission.fill('#field-username', account.username);
  await commission.fill('#field-password', INITIAL_PASSWORD);
  await submitMain(commission);
  if (!(await commission.locator('.success').count())) throw new Error(`${account.username} was not created: ${await commission.locator('.error-summary').textContent()}`);
  const page = await (await commission.context().browser()!.newContext()).newPage();
  await signIn(page, baseUrl, account.username, INITIAL_PASSWORD);
  await page.fill('#field-currentPassword', INITIAL_PASSWORD);
  await page.fill('#field-newPassword', account.password);
  await page.fill('#field-confirmPassword', account.password);
  await submitMain(page);
  if (!(await page.locator('.success').count())) throw new Error(`${account.username}: the password was not changed`);
  await page.context().close();
}

/** Creates `<prefix>.kj` (cadre) and `<prefix>.jd` (supervisor) for `village`, both with their own passwords. */
export async function villageTeam(browser: Browser, baseUrl: string, village: string, prefix: string, villageName: string): Promise<{ cadre: Account; supervisor: Account }> {
  const cadre = { username: `${prefix}.kj`, password: `${prefix}-baozhang-2026` };
  const supervisor = { username: `${prefix}.jd`, password: `${prefix}-jiandu-2026` };
  const commission = await staffPage(browser, baseUrl, COUNTY_COMMISSION.username, COUNTY_COMMISSION.password);
  await createAccount(commission, baseUrl, 'cadre', village, `${villageName}报账员`, cadre);
  await createAccount(commission, baseUrl, 'supervisor', village, `${villageName}村务监督委员会`, supervisor);
  await commission.context().close();
  return { cadre, supervisor };
}
