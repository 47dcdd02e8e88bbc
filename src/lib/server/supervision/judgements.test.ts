/**
 * Quarterly judgements (judgements.ts): written by the designating commission on a village in
 * force, with the figures of the picture as they were then (jsonb), append-only; refused for the
 * township, another county, an ended designation, a quarter other than this one or the last, and
 * a judgement too short to say anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { escalatedJudgements } from '../../../../db/schema/escalated.ts';
import { actorOf, fileCase } from '../../../../tests/support/complaint-cases.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { complaints } from '../../../../db/schema/complaints.ts';
import type { Actor } from '../result.ts';
import { designate, endDesignation } from './escalated.ts';
import { getJudgement, judgeableQuarters, listJudgements, writeJudgement } from './judgements.ts';

const XINGYUAN = '990121001204';
const BODY = '本季度该村集体资产处置程序基本规范，但大额现金支付仍未杜绝，群众对机动地发包意见较大；下一步重点监督机动地发包和征地补偿款发放。';
let test: TestDatabase;
let county: Actor;
let designationId = '';

beforeAll(async () => {
  test = await createTestDatabase();
  county = await actorOf(test.db, 'sanghe.jw');
  const done = await designate(test.db, county, { villageCode: XINGYUAN, reason: '城郊村，集体资产多，征地补偿款数额大', startsOn: '2026-10-01', reviewOn: '2027-03-31' });
  if (!done.ok) throw new Error(JSON.stringify(done.errors));
  designationId = done.value.id;
  const { id } = await fileCase(test.db, '杏园村：机动地发包费去向', { areaCode: XINGYUAN });
  await test.db.update(complaints).set({ status: 'concluded', finding: 'partly' }).where(eq(complaints.id, id));
});
afterAll(async () => test?.dispose());

describe('quarterly judgements (政治生态提级研判)', () => {
  it('offers this quarter and the last', () => {
    expect(judgeableQuarters('2026-12-02')).toEqual(['2026-Q4', '2026-Q3']);
    expect(judgeableQuarters('2027-02-10')).toEqual(['2027-Q1', '2026-Q4']);
  });

  it('refuses what it should, in Chinese', async () => {
    expect(await writeJudgement(test.db, county, { designationId, quarter: '2026-Q4', body: '情况良好' }, '2026-12-02')).toMatchObject({ ok: false, errors: { body: expect.stringContaining('至少30个字') } });
    expect(await writeJudgement(test.db, county, { designationId, quarter: '2026-Q1', body: BODY }, '2026-12-02')).toEqual({ ok: false, errors: { quarter: '只能对本季度或上一季度作出研判' } });
    expect(await writeJudgement(test.db, county, { designationId, quarter: '', body: BODY }, '2026-12-02')).toMatchObject({ ok: false, errors: { quarter: '请选择研判的季度' } });
    for (const name of ['sanghezhen.jw', 'sanghe.jgz', 'qianying.kj']) {
      expect(await writeJudgement(test.db, await actorOf(test.db, name), { designationId, quarter: '2026-Q4', body: BODY }, '2026-12-02')).toMatchObject({ ok: false, status: 403 });
    }
    expect(await writeJudgement(test.db, { ...county, scopeCode: '990122000000' }, { designationId, quarter: '2026-Q4', body: BODY }, '2026-12-02')).toMatchObject({ ok: false, status: 403 });
    expect(await writeJudgement(test.db, county, { designationId: crypto.randomUUID(), quarter: '2026-Q4', body: BODY }, '2026-12-02')).toMatchObject({ ok: false, status: 404 });
  });

  it('stores the judgement with the figures it was based on, append-only; the city above may judge too', async () => {
    const written = await writeJudgement(test.db, county, { designationId, quarter: '2026-Q4', body: BODY }, '2026-12-02');
    expect(written.ok).toBe(true);
    if (!written.ok) return;
    const judgement = (await getJudgement(test.db, XINGYUAN, written.value.id))!;
    expect(judgement).toMatchObject({ quarter: '2026-Q4', body: BODY, writtenBy: '桑河县纪委监委（演示）' });
    expect(judgement.figures.complaints).toMatchObject({ total: 1, substantiated: 1 });
    expect(judgement.figures.score).toBe(5 + 1);
    expect(judgement.figures.points).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'finding', points: 5, label: expect.stringMatching(/^桑纪举〔2026〕\d+号 partly$/) })]));
    expect((await writeJudgement(test.db, await actorOf(test.db, 'beiyuan.jw'), { designationId, quarter: '2026-Q4', body: BODY }, '2026-12-02')).ok).toBe(true);
    expect((await listJudgements(test.db, XINGYUAN)).length).toBe(2);
    expect(await getJudgement(test.db, '990121001201', written.value.id)).toBeUndefined();
    await expect(test.db.update(escalatedJudgements).set({ body: '改写' }).where(eq(escalatedJudgements.id, written.value.id))).rejects.toThrow();
    await expect(test.db.delete(escalatedJudgements).where(eq(escalatedJudgements.id, written.value.id))).rejects.toThrow();
  });

  it('is not written on an ended designation', async () => {
    expect((await endDesignation(test.db, county, { designationId, reason: '复核通过，结束提级监督' })).ok).toBe(true);
    expect(await writeJudgement(test.db, county, { designationId, quarter: '2026-Q4', body: BODY }, '2026-12-02')).toEqual({ ok: false, errors: { form: '该村的提级监督已经结束' } });
  });
});
