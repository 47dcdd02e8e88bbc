/**
 * /staff/escalated and /staff/integrity through the pages, without JavaScript: the county designates
 * a village with a plain form (a refused form comes back in Chinese with what was typed and summary
 * links that land on fields), assigns the township's commission as 包联 leader; the leader sees only
 * that village, records a visit on its picture; the picture and the ranked list state the score rule
 * and trace each point; the county writes the quarterly judgement, which prints with its figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { escalatedDesignations, escalatedJudgements } from '../../../../db/schema/escalated.ts';
import { createStaffPageTester, type StaffPageTester } from '../../../../tests/support/pages.ts';
import { summaryTargets } from '../../../../tests/support/error-summary.ts';
import Escalated from './index.astro';
import IntegrityList from '../integrity/index.astro';
import IntegrityVillage from '../integrity/[code]/index.astro';
import JudgementPrint from '../integrity/[code]/judgements/[id].astro';
import ComplaintCase from '../complaints/[id]/index.astro';
import ComplaintQueue from '../complaints/index.astro';
import LedgerOverview from '../ledgers/villages.astro';
import LedgerWorkspace from '../ledgers/[id]/index.astro';
import { disclosures } from '../../../../db/schema/accounts.ts';
import { and } from 'drizzle-orm';
import { designate } from '../../../lib/server/supervision/escalated.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';
import { actOnComplaint } from '../../../lib/server/complaints/console.ts';

const HEWAN = '990121001203'; // 河湾村: overdue with 2026-Q3 in the demo data
let pages: StaffPageTester;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);

beforeAll(async () => {
  pages = await createStaffPageTester();
});
afterAll(async () => pages?.test.dispose());

describe('designating through /staff/escalated', () => {
  it('shows the empty state and the form to the county; a refused form keeps what was typed', async () => {
    const empty = await pages.render(Escalated, '/staff/escalated', { as: 'sanghe.jw' });
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('还没有提级监督的村');
    expect(empty.html).toContain(`<option value="${HEWAN}">河湾村</option>`);
    const refused = await pages.render(Escalated, '/staff/escalated', { as: 'sanghe.jw', body: form({ form: 'designate', villageCode: HEWAN, reason: '城郊', startsOn: '2026-10-01', reviewOn: '2026-09-01' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请写明提级监督的理由（至少6个字）');
    expect(refused.html).toContain('复核日期不能早于开始日期');
    expect(refused.html).toContain('value="2026-09-01"');
    expect(refused.html).toMatch(new RegExp(`<option value="${HEWAN}" selected`));
    const { links, missing } = summaryTargets(refused.html);
    expect(links.length).toBe(2);
    expect(missing).toEqual([]);
  });

  it('designates, then assigns the township commission as leader; the township sees only what it leads', async () => {
    const done = await pages.render(Escalated, '/staff/escalated', { as: 'sanghe.jw', body: form({ form: 'designate', villageCode: HEWAN, reason: '城郊村，征地补偿款数额大，群众反映集中', startsOn: '2026-10-01', reviewOn: '2027-03-31' }) });
    expect(done).toMatchObject({ status: 303, location: '/staff/escalated?done=designate' });
    const [row] = await pages.test.db.select().from(escalatedDesignations).where(eq(escalatedDesignations.villageCode, HEWAN));
    const [town] = await pages.test.db.select().from(users).where(eq(users.username, 'sanghezhen.jw'));
    const listed = await pages.render(Escalated, '/staff/escalated?done=designate', { as: 'sanghe.jw' });
    expect(listed.html).toContain('已列入提级监督');
    expect(listed.html).toContain('城郊村，征地补偿款数额大');
    expect(listed.html).toContain(`<option value="${town!.id}">桑河镇纪委（演示）</option>`);
    expect(listed.html).not.toContain(`<option value="${HEWAN}">`);
    expect((await pages.render(Escalated, '/staff/escalated', { as: 'sanghezhen.jw' })).html).toContain('还没有提级监督的村');
    const led = await pages.render(Escalated, '/staff/escalated', { as: 'sanghe.jw', body: form({ form: 'leader', designationId: row!.id, leaderId: town!.id }) });
    expect(led).toMatchObject({ status: 303, location: '/staff/escalated?done=leader' });
    const township = await pages.render(Escalated, '/staff/escalated', { as: 'sanghezhen.jw' });
    expect(township.html).toContain('河湾村');
    expect(township.html).not.toContain('name="form" value="designate"');
    expect(township.html).not.toContain('name="form" value="end"');
    expect((await pages.render(Escalated, '/staff/escalated', { as: 'sanghezhen.jw', body: form({ form: 'end', designationId: row!.id, reason: '想结束它' }) })).status).toBe(403);
  });
});

describe('a designated village’s case in the console (问题线索提级处置)', () => {
  it('is marked 提级监督 on the case page and in the queue, and offers no hand-down; a posted one is refused', async () => {
    const { id } = await fileCase(pages.test.db, '河湾村征地补偿款被截留', { areaCode: HEWAN });
    const other = await fileCase(pages.test.db, '后营村机动地发包不公开', { areaCode: '990121001202' });
    const county = await actorOf(pages.test.db, 'sanghe.jw');
    for (const complaintId of [id, other.id]) expect((await actOnComplaint(pages.test.db, county, { complaintId, action: 'accept' })).ok).toBe(true);
    const page = await pages.render(ComplaintCase, `/staff/complaints/${id}`, { as: 'sanghe.jw', params: { id } });
    expect(page.status).toBe(200);
    expect(page.html).toContain('<span class="tag tag-warn">提级监督</span>');
    expect(page.html).toContain('该村已列入提级监督，本案由县级以上纪委监委直接处置');
    expect(page.html).not.toContain('name="action" value="handDown"');
    const plain = await pages.render(ComplaintCase, `/staff/complaints/${other.id}`, { as: 'sanghe.jw', params: { id: other.id } });
    expect(plain.html).toContain('name="action" value="handDown"');
    expect(plain.html).not.toContain('tag-warn">提级监督');
    const posted = await pages.render(ComplaintCase, `/staff/complaints/${id}`, { as: 'sanghe.jw', params: { id }, body: form({ action: 'handDown', townshipCode: '990121001000' }) });
    expect(posted.status).toBe(400);
    expect(posted.html).toContain('该村已列入提级监督，反映该村的问题线索由县级以上纪委监委直接处置');
    const queue = await pages.render(ComplaintQueue, '/staff/complaints', { as: 'sanghe.jw' });
    const row = (title: string) => queue.html.match(new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*${title}(?:(?!</tr>)[\\s\\S])*</tr>`))?.[0] ?? '';
    expect(row('河湾村征地补偿款被截留')).toContain('提级监督');
    expect(row('后营村机动地发包不公开')).not.toContain('提级监督');
  });
});

describe('red flags of a designated village in the ledger overview and workspace', () => {
  it('marks the village 提级监督村 beside its flags, and not the others', async () => {
    const county = await actorOf(pages.test.db, 'sanghe.jw');
    expect((await designate(pages.test.db, county, { villageCode: '990121001201', reason: '集体资产多，征地补偿款数额大', startsOn: '2026-10-01', reviewOn: '2027-03-31' })).ok).toBe(true);
    const overview = await pages.render(LedgerOverview, '/staff/ledgers/villages', { as: 'sanghe.jw' });
    expect(overview.status).toBe(200);
    expect(overview.html).toContain('<a class="tag tag-warn" href="/staff/integrity/990121001201">提级监督村</a>');
    expect(overview.html).toContain('href="/staff/integrity/990121001203">提级监督村</a>');
    expect(overview.html).not.toContain('href="/staff/integrity/990121001202">提级监督村');
    const [submitted] = await pages.test.db.select().from(disclosures).where(and(eq(disclosures.villageCode, '990121001201'), eq(disclosures.period, '2026-Q3')));
    const id = String(submitted!.id);
    const workspace = await pages.render(LedgerWorkspace, `/staff/ledgers/${id}`, { as: 'sanghe.jw', params: { id } });
    expect(workspace.status).toBe(200);
    expect(workspace.html).toMatch(/<h2 id="h-flags">[^<]*<span class="count">\d+<\/span> <span class="tag tag-warn">提级监督村<\/span>/);
  });
});

describe('the village picture and its record', () => {
  it('states the rule and traces each point to its source, linking the period', async () => {
    const { status, html } = await pages.render(IntegrityVillage, `/staff/integrity/${HEWAN}`, { as: 'sanghe.jw', params: { code: HEWAN } });
    expect(status).toBe(200);
    expect(html).toContain('河湾村廉情画像');
    expect(html).toContain('信访举报的件数本身不计分');
    expect(html).toMatch(/\+1 2026-Q3账目逾期未建账（应于2026-10-20前公开）/);
    expect(html).toContain('包联领导：桑河镇纪委（演示）');
    expect(html).toContain('监督力量提级统筹：片区任务');
    expect(html).toContain('还没有交给片区的监督任务');
    expect(html).toContain('name="form" value="judgement"');
    expect((await pages.render(IntegrityVillage, `/staff/integrity/${HEWAN}`, { as: 'liugang.jgz', params: { code: HEWAN } })).status).toBe(403);
  });

  it('lets the leader record a visit (a refused one keeps its text), but not judge', async () => {
    const url = `/staff/integrity/${HEWAN}`;
    const leader = await pages.render(IntegrityVillage, url, { as: 'sanghezhen.jw', params: { code: HEWAN } });
    expect(leader.status).toBe(200);
    expect(leader.html).toContain('name="form" value="visit"');
    expect(leader.html).not.toContain('name="form" value="judgement"');
    const refused = await pages.render(IntegrityVillage, url, { as: 'sanghezhen.jw', params: { code: HEWAN }, body: form({ form: 'visit', kind: 'visit', occurredOn: '', body: '到村查看' }) });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('请填写走访日期');
    expect(refused.html).toContain('到村查看</textarea>');
    expect(summaryTargets(refused.html).missing).toEqual([]);
    const saved = await pages.render(IntegrityVillage, url, { as: 'sanghezhen.jw', params: { code: HEWAN }, body: form({ form: 'visit', kind: 'visit', occurredOn: '2026-11-05', body: '到村查阅征地补偿款发放台账，与村监委会主任谈话。' }) });
    expect(saved).toMatchObject({ status: 303, location: `${url}?done=visit` });
    expect((await pages.render(IntegrityVillage, `${url}?done=visit`, { as: 'sanghe.jw', params: { code: HEWAN } })).html).toContain('到村查阅征地补偿款发放台账');
    const judge = await pages.render(IntegrityVillage, url, { as: 'sanghezhen.jw', params: { code: HEWAN }, body: form({ form: 'judgement', quarter: '2026-Q4', body: '某某'.repeat(20) }) });
    expect(judge.status).toBe(403);
  });

  it('saves the quarterly judgement with its figures and prints them', async () => {
    const url = `/staff/integrity/${HEWAN}`;
    const picture = await pages.render(IntegrityVillage, url, { as: 'sanghe.jw', params: { code: HEWAN } });
    const quarter = picture.html.match(/<option value="(\d{4}-Q[1-4])"/)![1]!;
    const body = '本季度该村2026年第三季度账目逾期未建账，征地补偿款发放台账不完整；下一步重点督促按期公开并核查补偿款发放。';
    const saved = await pages.render(IntegrityVillage, url, { as: 'sanghe.jw', params: { code: HEWAN }, body: form({ form: 'judgement', quarter, body }) });
    expect(saved).toMatchObject({ status: 303, location: `${url}?done=judgement` });
    const [judgement] = await pages.test.db.select().from(escalatedJudgements).where(eq(escalatedJudgements.villageCode, HEWAN));
    const printed = await pages.render(JudgementPrint, `${url}/judgements/${judgement!.id}`, { as: 'sanghe.jw', params: { code: HEWAN, id: String(judgement!.id) } });
    expect(printed.status).toBe(200);
    expect(printed.html).toContain(`河湾村政治生态提级研判意见（${quarter}）`);
    expect(printed.html).toContain(body);
    expect(printed.html).toContain('研判所依据的数据');
    // The stored snapshot keeps its codes ("2026-Q3 missing"); the print names them.
    expect(judgement!.figures).toMatchObject({ points: expect.arrayContaining([expect.objectContaining({ label: '2026-Q3 missing' })]) });
    expect(printed.html).toMatch(/\+1 2026-Q3账目逾期未建账/);
    expect(printed.html).not.toContain('2026-Q3 missing');
    expect(printed.html).toContain('提醒谈话（');
    const english = await pages.render(JudgementPrint, `${url}/judgements/${judgement!.id}`, { as: 'sanghe.jw', params: { code: HEWAN, id: String(judgement!.id) }, language: 'en' });
    expect(english.html).toContain('<li>+1 2025-Q4 accounts published late</li>');
    expect(english.html).toContain('<li>+1 2026-Q3 accounts missing</li>');
    expect(english.html).not.toContain('2025-Q4 published');
    expect(printed.html).toContain('print-sheet');
    expect((await pages.render(JudgementPrint, `${url}/judgements/${judgement!.id}`, { as: 'liugang.jgz', params: { code: HEWAN, id: String(judgement!.id) } })).status).toBe(403);
    expect((await pages.render(JudgementPrint, `${url}/judgements/999999`, { as: 'sanghe.jw', params: { code: HEWAN, id: '999999' } })).status).toBe(404);
  });
});

describe('in English', () => {
  it('says the pages and the score rule in English', async () => {
    const list = await pages.render(Escalated, '/staff/escalated', { as: 'sanghe.jw', language: 'en' });
    expect(list.html).toContain('Escalated supervision of village assets');
    const picture = await pages.render(IntegrityVillage, `/staff/integrity/${HEWAN}`, { as: 'sanghe.jw', params: { code: HEWAN }, language: 'en' });
    expect(picture.html).toContain('The number of complaints itself earns nothing');
    expect(picture.html).toMatch(/\+1 2026-Q3 accounts missing \(due 2026-10-20\)/);
  });
});

describe('the ranked list', () => {
  it('ranks the county’s villages by the stated rule, marks designated ones, and narrows to a township', async () => {
    const { status, html } = await pages.render(IntegrityList, '/staff/integrity', { as: 'sanghe.jw' });
    expect(status).toBe(200);
    expect(html).toContain('桑河县村级廉情画像排序');
    expect(html).toContain('信访举报的件数本身不计分');
    expect(html).toContain(`href="/staff/integrity/${HEWAN}"`);
    expect(html).toMatch(/河湾村<\/a><span class="tag tag-warn"> 提级监督/);
    const town = await pages.render(IntegrityList, '/staff/integrity?scope=990121002000', { as: 'sanghe.jw' });
    expect(town.html).toContain('东岭乡村级廉情画像排序');
    expect(town.html).not.toContain('河湾村');
    // Outside the county the scope falls back to the viewer's own.
    expect((await pages.render(IntegrityList, '/staff/integrity?scope=990122001000', { as: 'sanghe.jw' })).html).toContain('桑河县村级廉情画像排序');
    expect((await pages.render(IntegrityList, '/staff/integrity', { as: 'sanghezhen.jw' })).status).toBe(403);
  });
});
