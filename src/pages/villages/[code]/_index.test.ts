/**
 * The village accounts page says its codes — periods, income or expense, how a sum was paid, whether
 * a contract's fee is paid — in the page's language: Chinese exactly as before, English on English
 * pages (the ledger's own entries, subjects and register terms stay as the village wrote them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../../../tests/support/pages.ts';
import Village from './index.astro';
import { addFundEntry, getDisclosureByPeriod, openDraft } from '../../../lib/server/accounts/disclosures.ts';
import { publishMajorMatter, reportMajorMatter } from '../../../lib/server/accounts/major-matters.ts';
import { addDays, answerOpinion, raiseOpinion } from '../../../lib/server/accounts/supervision.ts';
import { todayInShanghai } from '../../../lib/server/time.ts';

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

describe('what supervision and major matters add to the public page', () => {
  const OPINION = '公开页测试：第2条补助收入的拨付文件未公开，请核实';
  const ANSWER = '公开页测试：已核实，拨付文件为桑财〔2026〕21号，已补充公开';

  it('shows a published period’s opinions with their answers, by body and not by name', async () => {
    const { test } = pages;
    const period = (await getDisclosureByPeriod(test.db, HOUYING, '2026-Q3'))!;
    const raised = await raiseOpinion(test.db, null, { disclosureId: period.id, lineNo: 2, body: OPINION, dueOn: addDays(todayInShanghai(), 15) });
    if (!raised.ok) throw new Error(JSON.stringify(raised.errors));
    const before = text((await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'zh-CN')).html);
    expect(before).toContain(OPINION);
    expect(before).toContain('等待答复');
    expect((await answerOpinion(test.db, null, { opinionId: raised.value.id, body: ANSWER })).ok).toBe(true);
    const after = text((await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'zh-CN')).html);
    expect(after).toContain('纪委监委监督意见');
    expect(after).toContain(ANSWER);
    expect(after).not.toContain('三资代理服务中心（演示）'); // the demo agency's account name
  });

  it('shows a major matter once the supervision committee has countersigned it, before its period is published', async () => {
    const { test } = pages;
    const opened = await openDraft(test.db, null, HOUYING, '2026-Q4');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const added = await addFundEntry(test.db, null, { disclosureId: opened.value.id, entry: { entryDate: '2026-10-12', direction: 'expense', amountFen: 7_200_000, subject: '公益支出', summary: '公开页测试：村文化广场建设工程首付款', counterparty: '桑河县宏远建筑有限公司', voucherNo: '记-2026Q4-001', method: 'transfer', decisionRef: '后营村村民代表会议决议〔2026〕5号' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    const reported = await reportMajorMatter(test.db, null, { disclosureId: opened.value.id, lineNo: 1 });
    if (!reported.ok) throw new Error(JSON.stringify(reported.errors));
    expect(text((await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'zh-CN')).html)).not.toContain('村文化广场建设工程首付款');
    expect((await publishMajorMatter(test.db, null, { noticeId: reported.value.id })).ok).toBe(true);
    const zh = text((await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'zh-CN')).html);
    expect(zh).toContain('重大事项公开');
    expect(zh).toContain('公开页测试：村文化广场建设工程首付款');
    expect(zh).toContain('72,000.00');
    expect(text((await pages.render(Village, `/villages/${HOUYING}`, { code: HOUYING }, 'en')).html)).toContain('Major matters');
  });
});

describe('the period’s breakdown and the debts register on the public page', () => {
  const QIANYING = '990121001201'; // 前营村: 2026-Q2 published with three debts

  it('Chinese: income and expense apart from other movements, the identity to the fen, and each debt with its age', async () => {
    const { status, html } = await pages.render(Village, `/villages/${QIANYING}?period=2026-Q2`, { code: QIANYING }, 'zh-CN');
    expect(status).toBe(200);
    const page = text(html);
    for (const said of ['本期收益与其他收付', '其他收款（专项资金、借款、暂收、代收等）', '核对：期初', '债权债务', '债权合计', '债务合计', '王建军', '2024年度村北机动地承包费欠款', '1年5个月', '前营村三组村民（6户）', '2年1个月']) {
      expect(page).toContain(said);
    }
  });

  it('English: the same sections in English', async () => {
    const { html } = await pages.render(Village, `/villages/${QIANYING}?period=2026-Q2`, { code: QIANYING }, 'en');
    const page = text(html);
    for (const said of ['Income, expense and other movements this period', 'Receivables and payables', 'Receivable (owed to the village)', '1 yr 5 mo']) expect(page).toContain(said);
    for (const chinese of ['本期收益与其他收付', '债权合计', '1年5个月']) expect(page).not.toContain(chinese);
  });
});
