/**
 * The statistics page and its open data: closed months only, the period stated, and the very same
 * masks on the page, in JSON and in CSV.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageTester, type PageTester } from '../../../tests/support/pages.ts';
import { fileComplaint } from '../../lib/server/complaints/filing.ts';
import { lastClosedMonth, type ComplaintStatistics, type Figures } from '../../lib/server/complaints/statistics.ts';
import { todayInShanghai } from '../../lib/server/time.ts';
import type { Lang } from '../../i18n/index.ts';
import Statistics from './[code].astro';
import * as api from '../api/v1/statistics/[code].ts';

const SANGHE = '990121000000';
const BEIYUAN = '990100000000';
const JUNE = '2026-06';

let pages: PageTester;

beforeAll(async () => {
  pages = await createPageTester();
  const base = { subjectRole: '村（社区）“两委”干部', content: '村里的集体收入去向不明，几年来从没有张榜公布过账目，群众多次询问也没有答复。', anonymous: true };
  let serial = 0;
  // June 2026 in 北原市: 桑河镇 7, 东岭乡 6, 白杨乡 3, 桑河县 itself 6; 柳岗县 and 青禾县 a few more.
  for (const [count, category, areaCode] of [
    [7, 'assets', '990121001201'],
    [6, 'conduct', '990121002201'],
    [3, 'item', '990121003201'],
    [6, 'other', SANGHE],
    [8, 'assets', '990122001201'],
    [6, 'conduct', '990122002201'],
    [9, 'assets', '990123001201'],
    [7, 'conduct', '990123002201'],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const filed = await fileComplaint(pages.test.db, { ...base, category, areaCode, title: `页面统计第${++serial}件` }, { today: '2026-06-10' });
      if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    }
  }
});
afterAll(async () => pages?.test.dispose());

const render = (url: string, code: string, language: Lang = 'zh-CN') => pages.render(Statistics, url, { code }, language);

async function call(url: string, code: string) {
  return api.GET({ params: { code }, url: new URL(`http://localhost${url}`), request: new Request(`http://localhost${url}`) } as never);
}

/** The text of every cell of the table under the heading `heading`, row by row. */
function table(html: string, heading: string): string[][] {
  const start = html.indexOf(`<h2>${heading}</h2>`);
  expect(start, heading).toBeGreaterThan(-1);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&amp;/g, '&').trim()));
}

const shown = (figures: Figures) => [String(figures.received), String(figures.accepted), String(figures.concluded), figures.averageDaysToConclude === null ? '—' : String(figures.averageDaysToConclude)];

describe('the statistics page', () => {
  it('covers the last complete month and says up to which day', async () => {
    const { status, html, headers } = await render(`/statistics/${SANGHE}`, SANGHE);
    expect(status).toBe(200);
    expect(headers.get('Cache-Control')).toContain('public');
    const last = lastClosedMonth(todayInShanghai());
    const lastDay = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 0)).getUTCDate();
    expect(html).toContain(`统计截至${Number(last.slice(0, 4))}年${Number(last.slice(5, 7))}月${lastDay}日`);
    expect(html).toContain('0至4件一律显示为“&lt;5”');
    expect(html).not.toContain('暂无信访举报');
  });

  it('shows a chosen closed month with every township, the county itself and the last 12 months', async () => {
    const { html } = await render(`/statistics/${SANGHE}?month=${JUNE}`, SANGHE);
    expect(html).toContain('统计期间：2026年6月1日至2026年6月30日，统计截至2026年6月30日。');
    expect(table(html, '按乡镇').map((row) => row[0])).toEqual(['桑河镇', '东岭乡', '白杨乡', '县本级']);
    const months = table(html, '近12个月（每月单独统计，不相加）').map((row) => row[0]);
    expect(months[0]).toBe('2026年6月');
    expect(months.at(-1)).toBe('2025年7月');
    expect(html).toContain(`href="/api/v1/statistics/${SANGHE}?month=${JUNE}&amp;format=csv"`);
  });

  it('refuses the running month and malformed months with a 400 that says what to write', async () => {
    for (const month of [todayInShanghai().slice(0, 7), '2026-13', 'abc', '2026-06%00']) {
      const { status, html } = await render(`/statistics/${SANGHE}?month=${month}`, SANGHE);
      expect(status, month).toBe(400);
      expect(html).toContain('月份应为已经结束的整月，写成 2026-10 这样的格式。');
    }
    const english = await render(`/statistics/${SANGHE}?month=2099-01`, SANGHE, 'en');
    expect(english.status).toBe(400);
    expect(english.html).toContain('The month must be a complete month that has ended');
  });

  it('404s for places that are not a county or a city', async () => {
    expect((await render('/statistics/990121001000', '990121001000')).status).toBe(404);
    expect((await render('/statistics/nope', 'nope')).status).toBe(404);
  });
});

describe('open data', () => {
  it('gives the page’s figures in JSON and CSV with identical masks', async () => {
    for (const code of [SANGHE, BEIYUAN]) {
      const { html } = await render(`/statistics/${code}?month=${JUNE}`, code);
      const json: ComplaintStatistics & { apiVersion: number } = await (await call(`/api/v1/statistics/${code}?month=${JUNE}`, code)).json();
      expect(json.apiVersion).toBe(1);
      expect(json.period.month).toBe(JUNE);

      // Page = JSON.
      expect(table(html, '按问题类别').map((row) => row.slice(1))).toEqual(json.byCategory.map((entry) => shown(entry.figures)));
      expect(table(html, '按反映渠道').map((row) => row[0])).toEqual(['网上举报（网页、开放接口）', '村直报点代为反映', '交叉检查发现立案']);
      expect(table(html, '按反映渠道').map((row) => row.slice(1))).toEqual(json.byChannel.map((entry) => shown(entry.figures)));
      const places = code === SANGHE ? [...json.byTownship.map((entry) => entry.figures), json.ownLevel!] : json.byCounty.map((entry) => entry.figures);
      expect(table(html, code === SANGHE ? '按乡镇' : '按县（市、区）').map((row) => row.slice(1))).toEqual(places.map(shown));

      // CSV = JSON.
      const response = await call(`/api/v1/statistics/${code}?month=${JUNE}&format=csv`, code);
      expect(response.headers.get('Content-Type')).toContain('text/csv');
      const rows: Record<string, string>[] = parse((await response.text()).replace(/^\uFEFF/, ''), { columns: true });
      const csvFigures = (table: string) => rows.filter((row) => row['表'] === table && row['月份'] === JUNE).map((row) => [row['收到'], row['受理'], row['办结'], row['平均办结天数'] || '—']);
      expect(csvFigures('合计')).toEqual([shown(json.totals)]);
      expect(csvFigures('按问题类别')).toEqual(json.byCategory.map((entry) => shown(entry.figures)));
      expect([...csvFigures(code === SANGHE ? '按乡镇' : '按县（市、区）'), ...csvFigures('县本级')]).toEqual(places.map(shown));
      expect(csvFigures('按月份')).toEqual([shown(json.byMonth.at(-1)!.figures)]);
    }
  });

  it('masks small counts in the open data too, and never shows a running month', async () => {
    const json: ComplaintStatistics = await (await call(`/api/v1/statistics/${SANGHE}?month=${JUNE}`, SANGHE)).json();
    expect(json.byTownship.find((entry) => entry.name === '白杨乡')!.figures.received).toBe('<5');
    const bad = await call(`/api/v1/statistics/${SANGHE}?month=${todayInShanghai().slice(0, 7)}`, SANGHE);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_month');
    expect((await call('/api/v1/statistics/990121001000', '990121001000')).status).toBe(404);
  });
});
