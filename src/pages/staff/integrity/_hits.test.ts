/**
 * The livelihood cross-check hits on the village integrity picture and the ranked list, through
 * the pages in Chinese and English (issue 13 §2): the picture of 石槽村 counts its standing hits by
 * rule — not the cleared one, not 马家村's — and links the hits page for the county commission; the
 * township's 包联 leader sees the counts without the link (hits are for the county's commissions
 * and the paying department); no name, masked name or ID number is on the picture; the score is
 * what it was before the hits, and the rule says why. The ranked list has the counts as a column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { actorOf } from '../../../../tests/support/complaint-cases.ts';
import { craftHits, type Person } from '../../../../tests/support/livelihood-hits.ts';
import { assignLeader, designate } from '../../../lib/server/supervision/escalated.ts';
import { integrityFigures } from '../../../lib/server/supervision/integrity.ts';
import IntegrityList from './index.astro';
import IntegrityVillage from './[code]/index.astro';

const SANGHE = '990121000000';
const SHICAO = '990121002202';
const MAJIA = '990121002203';
let pages: StaffPageTester;
let scoreBefore = 0;
let people: Person[] = [];

beforeAll(async () => {
  pages = await createStaffPageTester();
  const county = await actorOf(pages.test.db, 'sanghe.jw');
  const designated = await designate(pages.test.db, county, { villageCode: SHICAO, reason: '低保、特困供养资金集中，群众反映较多', startsOn: '2026-11-01', reviewOn: '2027-04-30' });
  if (!designated.ok) throw new Error(JSON.stringify(designated.errors));
  const leader = await assignLeader(pages.test.db, county, { designationId: designated.value.id, leaderId: (await actorOf(pages.test.db, 'dongling.xjw')).id });
  if (!leader.ok) throw new Error(JSON.stringify(leader.errors));
  scoreBefore = (await integrityFigures(pages.test.db, SANGHE, [SHICAO])).get(SHICAO)!.score;
  const { flagged, redoDeaths } = await craftHits(pages.test.db, [
    { villageCode: SHICAO, deceased: 2, official: 1, aboveStandard: 1 },
    { villageCode: MAJIA, deceased: 1, aboveStandard: 2 },
  ]);
  const shicao = flagged.get(SHICAO)!;
  const majia = flagged.get(MAJIA)!;
  // One of 石槽村's deceased is no longer in the new registry: that hit is cleared; 马家村's stays.
  await redoDeaths([shicao.deceased[0]!, majia.deceased[0]!]);
  people = [...flagged.values()].flatMap((group) => [...group.deceased, ...group.official, ...group.aboveStandard, group.clean]);
});
afterAll(async () => pages?.test.dispose());

describe('the hits on the village picture', () => {
  it('counts the standing hits by rule for the county, links the hits page, and leaves the score as it was', async () => {
    const { status, html } = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'sanghe.jw', params: { code: SHICAO } });
    expect(status).toBe(200);
    expect(html).toContain('<h2 id="h-hits">惠民惠农补贴比对线索</h2>');
    expect(html).toContain('本村发放名单尚未排除的比对线索共3条（只统计，不计分）。 <a href="/staff/livelihood/hits">查看比对线索</a>');
    expect(html).toContain('按比对规则：领取人登记死亡后仍发放 1，领取人为公职人员或村干部 1，发放金额超过补贴标准 1');
    expect(html).toContain('因此只统计条数、不计分');
    expect(html).toContain(`<h2 id="h-score">得分：${scoreBefore}</h2>`);
    for (const who of people) for (const secret of [who.name, `${who.name[0]}*${who.name.at(-1)}`, who.idNumber, who.idNumber.slice(-4)]) expect(html).not.toContain(secret);
  });

  it('shows the township’s 包联 leader the counts without the link to the hits', async () => {
    const { status, html } = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'dongling.xjw', params: { code: SHICAO } });
    expect(status).toBe(200);
    expect(html).toContain('本村发放名单尚未排除的比对线索共3条（只统计，不计分）。');
    expect(html).not.toContain('href="/staff/livelihood/hits"');
  });

  it('says it in English', async () => {
    const { html } = await pages.render(IntegrityVillage, `/staff/integrity/${SHICAO}`, { as: 'sanghe.jw', params: { code: SHICAO }, language: 'en' });
    expect(html).toContain('<h2 id="h-hits">Livelihood subsidy cross-check hits</h2>');
    expect(html).toMatch(/3 standing cross-check hits on this village(&#39;|')s payments \(counted, not scored\)\. <a href="\/staff\/livelihood\/hits">See the hits<\/a>/);
    expect(html).toContain('By rule: Paid after the recipient’s recorded death 1, Recipient is a public employee or village cadre 1, Amount above the item’s standard 1');
    expect(html).toContain('so hits are counted and earn nothing');
    expect(html).not.toContain('惠民惠农补贴比对线索');
  });
});

describe('the hits on the ranked list', () => {
  it('has the standing hits of each village as a column, in Chinese and English', async () => {
    const { status, html } = await pages.render(IntegrityList, '/staff/integrity?scope=990121002000', { as: 'sanghe.jw' });
    expect(status).toBe(200);
    expect(html).toContain('<th scope="col">比对线索</th></tr>');
    expect(html).toContain('因此只统计条数、不计分');
    const cells = (code: string) => [...html.match(new RegExp(`<tr>(?:(?!</tr>).)*/staff/integrity/${code}"(?:(?!</tr>).)*</tr>`, 's'))![0].matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells(SHICAO).at(-1)).toBe('3');
    expect(cells(MAJIA).at(-1)).toBe('3');
    const english = await pages.render(IntegrityList, '/staff/integrity?scope=990121002000', { as: 'sanghe.jw', language: 'en' });
    expect(english.html).toContain('<th scope="col">Cross-check hits</th></tr>');
  });
});
