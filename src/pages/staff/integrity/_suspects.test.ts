/**
 * Livelihood suspects in the village integrity picture's score (issue 13 §2 with issue 14 item 5):
 * in 石槽村, a deceased hit the department confirmed and the commission accepted earns +5, one
 * left unanswered past its day +2, an explained one nothing; each point names its rule and period
 * and links the suspect for the county commission, not for the township's 包联 leader; a judgement
 * stores the points and its print names them in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { livelihoodHits } from '../../../../db/schema/livelihood-checks.ts';
import { translator } from '../../../i18n/index.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { actorOf } from '../../../../tests/support/complaint-cases.ts';
import { craftHits } from '../../../../tests/support/livelihood-hits.ts';
import { answerSuspect, reviewSuspect, sendSuspect } from '../../../lib/server/livelihood/suspects.ts';
import { assignLeader, designate } from '../../../lib/server/supervision/escalated.ts';
import { integrityFigures, POINTS } from '../../../lib/server/supervision/integrity.ts';
import { getJudgement, writeJudgement } from '../../../lib/server/supervision/judgements.ts';
import { snapshotPointLabel } from '../../../lib/server/supervision/labels.ts';
import { todayInShanghai } from '../../../lib/server/time.ts';
import IntegrityVillage from './[code]/index.astro';

const SANGHE = '990121000000';
const SHICAO = '990121002202';
let pages: StaffPageTester;
let scoreBefore = 0;
let designationId = '';
const ids: string[] = [];

beforeAll(async () => {
  pages = await createStaffPageTester();
  const db = pages.test.db;
  const county = await actorOf(db, 'sanghe.jw');
  const department = await actorOf(db, 'sanghe.mzj');
  const designated = await designate(db, county, { villageCode: SHICAO, reason: '低保、特困供养资金集中，群众反映较多', startsOn: '2026-11-01', reviewOn: '2027-04-30' });
  if (!designated.ok) throw new Error(JSON.stringify(designated.errors));
  designationId = designated.value.id;
  const leader = await assignLeader(db, county, { designationId, leaderId: (await actorOf(db, 'dongling.xjw')).id });
  if (!leader.ok) throw new Error(JSON.stringify(leader.errors));
  scoreBefore = (await integrityFigures(db, SANGHE, [SHICAO])).get(SHICAO)!.score;
  const { flagged } = await craftHits(db, [{ villageCode: SHICAO, deceased: 3 }], { itemName: '最低生活保障金（廉情画像测试）', seq: 700 });
  expect(flagged.get(SHICAO)!.deceased).toHaveLength(3);
  const hits = await db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(and(eq(livelihoodHits.villageCode, SHICAO), inArray(livelihoodHits.rule, ['deceased']))).orderBy(livelihoodHits.paymentId);
  // Sent a month ago with a day that has passed: the third is unanswered and overdue.
  for (const hit of hits.slice(-3)) {
    const sent = await sendSuspect(db, county, { hitId: hit.id, body: '请核实该领取人是否已死亡，死亡后发放的资金是否应停发追回。', dueOn: '2026-11-10' }, '2026-11-01');
    if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
    ids.push(sent.value.id);
  }
  const steps = [
    await answerSuspect(db, department, { suspectId: ids[0], answer: 'confirmed', body: '经入户核查，该领取人已于9月30日死亡，死亡后多发一个月。', evidence: '死亡医学证明、户籍注销证明' }),
    await reviewSuspect(db, county, { suspectId: ids[0], decision: 'accept', body: '核查结论属实，请停发并追回。', dueOn: '2026-12-20' }, '2026-12-01'),
    await answerSuspect(db, department, { suspectId: ids[1], answer: 'explained', body: '死亡登记系身份证号录入错误，本人健在，已由派出所更正。', evidence: '派出所户籍更正证明' }),
    await reviewSuspect(db, county, { suspectId: ids[1], decision: 'accept', body: '解释成立，同意办结。' }, '2026-12-01'),
  ];
  for (const step of steps) if (!step.ok) throw new Error(JSON.stringify(step.errors));
});
afterAll(async () => pages?.test.dispose());

describe('suspects in the integrity score', () => {
  it('score a confirmed suspect as a finding and an unanswered one as an overdue flag; an explained one earns nothing', async () => {
    const figures = (await integrityFigures(pages.test.db, SANGHE, [SHICAO], todayInShanghai())).get(SHICAO)!;
    const suspects = figures.points.filter((point) => point.source === 'suspect');
    expect(suspects).toEqual([
      { source: 'suspect', points: POINTS.confirmedSuspect, suspectId: ids[0], rule: 'deceased', period: '2026-11', kind: 'confirmed', dueOn: '2026-12-20' },
      { source: 'suspect', points: POINTS.overdueSuspect, suspectId: ids[2], rule: 'deceased', period: '2026-11', kind: 'overdue', dueOn: '2026-11-10' },
    ]);
    expect(figures.score).toBe(scoreBefore + 5 + 2);
  });

  it('traces each point to its suspect for the county commission, without the link for the 包联 leader', async () => {
    const county = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'sanghe.jw', params: { code: SHICAO } });
    expect(county.html).toContain(`<a href="/staff/livelihood/suspects/${ids[0]}">+5 补贴比对疑点经核查属实：领取人登记死亡后仍发放（2026-11）</a>`);
    expect(county.html).toContain(`<a href="/staff/livelihood/suspects/${ids[2]}">+2 补贴比对疑点部门逾期未答复：领取人登记死亡后仍发放（2026-11，应于2026-11-10前答复）</a>`);
    expect(county.html).not.toContain(ids[1]);
    expect(county.html).toContain('部门逾期未答复的每条+2分');
    const leader = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'dongling.xjw', params: { code: SHICAO } });
    expect(leader.html).toContain('+5 补贴比对疑点经核查属实');
    expect(leader.html).not.toContain('/staff/livelihood/suspects/');
    const english = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'sanghe.jw', params: { code: SHICAO }, language: 'en' });
    expect(english.html).toContain('+5 livelihood suspect confirmed: Paid after the recipient’s recorded death (2026-11)');
  });

  it('are kept in a judgement and named on its print in both languages', async () => {
    const county = await actorOf(pages.test.db, 'sanghe.jw');
    const today = todayInShanghai();
    const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const written = await writeJudgement(pages.test.db, county, { designationId, quarter, body: '本季度石槽村低保资金发放存在向已死亡人员发放的问题，部门核查属实并整改，另有一条疑点逾期未答复，下一步重点督促。' });
    if (!written.ok) throw new Error(JSON.stringify(written.errors));
    const judgement = (await getJudgement(pages.test.db, SHICAO, written.value.id))!;
    const stored = judgement.figures.points.filter((point) => point.source === 'suspect');
    expect(stored.map((point) => point.label)).toEqual(['2026-11 deceased confirmed', '2026-11 deceased overdue']);
    expect(stored.map((point) => snapshotPointLabel(point, translator('zh-CN')))).toEqual(['补贴比对疑点经核查属实：领取人登记死亡后仍发放（2026-11）', '补贴比对疑点部门逾期未答复：领取人登记死亡后仍发放（2026-11）']);
    expect(snapshotPointLabel(stored[0]!, translator('en'))).toBe('Livelihood suspect confirmed: Paid after the recipient’s recorded death (2026-11)');
  });
});
