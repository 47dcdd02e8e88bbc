/**
 * The village accounts page says its codes — periods, income or expense, how a sum was paid, whether
 * a contract's fee is paid — in the page's language: Chinese exactly as before, English on English
 * pages (the ledger's own entries, subjects and register terms stay as the village wrote them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../../../tests/support/pages.ts';
import Village from './index.astro';

// 后营村 (桑河镇, 桑河县): 2026-Q3 published, with transfers, one cash payment and paid-up contracts.
const HOUYING = '990121001202';
let pages: PageTester;

beforeAll(async () => {
  pages = await createPageTester();
});
afterAll(async () => pages?.test.dispose());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the village page in both languages', () => {
  it('Chinese: periods, directions, payment methods and fee status as before', async () => {
    const { status, html } = await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'zh-CN');
    expect(status).toBe(200);
    const page = text(html);
    for (const said of ['2026年第3季度', '2025年第4季度', '（收入）', '（支出）', '转账', '现金', '已缴清', '支出（元）']) expect(page).toContain(said);
  });

  it('English: the same codes in English, no Chinese label left', async () => {
    const { status, html } = await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'en');
    expect(status).toBe(200);
    const page = text(html);
    for (const said of ['Q3 2026', 'Q4 2025', ' (Income)', ' (Expense)', 'Bank transfer', 'Cash', 'Paid in full', 'Expense (yuan)']) expect(page).toContain(said);
    for (const chinese of ['2026年第3季度', '转账', '现金', '已缴清', '（收入）', '（支出）']) expect(page).not.toContain(chinese);
    // What the village wrote is content, not a label: it stays as written.
    expect(page).toContain('经营收入');
  });
});
