/**
 * The suspect workflow (疑点核查) on crafted hits in 柳岗县: a payment to a person recorded as
 * deceased is sent by the county commission to 柳岗县民政局, answered, reviewed, corrected and
 * closed; an explained one is sent back and closed; every refusal (wrong account, wrong state, bad
 * input) writes nothing; only the commission and the paying department read a suspect; the history
 * is append-only and the audit holds no recipient data. On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../../db/schema/auth.ts';
import { livelihoodHits } from '../../../../db/schema/livelihood-checks.ts';
import { livelihoodSuspects } from '../../../../db/schema/livelihood-suspects.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { auditActionsFor, listAuditEvents } from '../audit.ts';
import { queryRows } from '../db.ts';
import { createUser } from '../auth/users.ts';
import type { Actor } from '../result.ts';
import { importBatch } from './batches.ts';
import { hitScopeFor } from './cross-checks.ts';
import { checkCharacter } from './id-number.ts';
import { addItem } from './items.ts';
import { importRegistry } from './registries.ts';
import {
  answerSuspect,
  getSuspect,
  listSuspects,
  recordCorrection,
  reviewSuspect,
  sendSuspect,
  suspectFiguresByCounty,
  suspectFindingsByVillage,
  suspectsOfHits,
  suspectsWaiting,
} from './suspects.ts';

const KEY = Buffer.from('dGVzdC1saXZlbGlob29kLWlkLWtleS0zMmJ5dGVzISE=', 'base64');
const TODAY = '2026-12-02';
const LIUGANG = '990122000000';
const LIUGANG_CUN = '990122001201';
let test: TestDatabase;
type Who = Actor & { username: string };
let commission: Who;
let mzj: Who;
let cjl: Who;
let sanghe: Who;
let city: Who;
let admin: Who;
/** The hits: 周德海 and 吴桂英 paid after their recorded deaths, 郑长林 too (for the cleared case). */
const hits: number[] = [];

const idOf = (seq: number) => {
  const first17 = `431122193805${String(seq).padStart(2, '0')}0${String(seq).padStart(2, '0')}`.slice(0, 17);
  return first17 + checkCharacter(first17);
};
const PEOPLE = [
  { name: '周德海', idNumber: idOf(11) },
  { name: '吴桂英', idNumber: idOf(12) },
  { name: '郑长林', idNumber: idOf(13) },
];

async function actor(username: string): Promise<Who> {
  const [found] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: found!.id, username: found!.username, role: found!.role, scopeCode: found!.scopeCode };
}
const INSTRUCTION = '请核实该领取人是否已于登记日期死亡，死亡后发放的低保金是否应停发并追回。';
const ANSWER = '经入户核查并调取户籍注销记录，周德海已于2026年10月20日死亡，其家属未及时申报，死亡后多发放低保金一个月。';
const EVIDENCE = '死亡医学证明（编号X431122-2026-0183），户籍注销证明，入户核查记录';
const counts = async () => (await queryRows<{ suspects: number; steps: number; audits: number }>(test.db, sql`select (select count(*)::int from livelihood_suspects) as suspects, (select count(*)::int from livelihood_suspect_steps) as steps, (select count(*)::int from audit_events where action like 'livelihood.suspect%') as audits`))[0]!;

beforeAll(async () => {
  test = await createTestDatabase();
  admin = await actor('demo.admin');
  for (const input of [
    { username: 'liugang.jw', displayName: '柳岗县纪委监委', role: 'commission' as const, scopeCode: LIUGANG, password: 'suspect-test-password-1' },
    { username: 'liugang.mzj', displayName: '柳岗县民政局经办人', role: 'department' as const, scopeCode: LIUGANG, department: '柳岗县民政局', password: 'suspect-test-password-1' },
    { username: 'liugang.cjl', displayName: '柳岗县残联经办人', role: 'department' as const, scopeCode: LIUGANG, department: '柳岗县残疾人联合会', password: 'suspect-test-password-1' },
  ]) {
    const created = await createUser(test.db, admin, input);
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
  }
  commission = await actor('liugang.jw');
  mzj = await actor('liugang.mzj');
  cjl = await actor('liugang.cjl');
  sanghe = await actor('sanghe.jw');
  city = await actor('beiyuan.jw');
  const item = await addItem(test.db, mzj, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', standardYuan: '520', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!item.ok) throw new Error(JSON.stringify(item.errors));
  const registry = await importRegistry(test.db, commission, { kind: 'deaths', sourceSha256: 'd'.repeat(64), rows: PEOPLE.map((who) => ({ 身份证号码: who.idNumber, 死亡日期: '2026-10-20' })) }, { key: KEY, today: TODAY });
  if (!registry.ok) throw new Error(JSON.stringify(registry.errors));
  const batch = await importBatch(test.db, mzj, { itemId: item.value.id, villageCode: LIUGANG_CUN, period: '2026-11', sourceSha256: 'b'.repeat(64), rows: PEOPLE.map((who) => ({ ...who, amount: '520', paidOn: '2026-11-10' })) }, { key: KEY, today: TODAY });
  if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
  const found = await test.db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(eq(livelihoodHits.batchId, batch.value.id)).orderBy(livelihoodHits.paymentId);
  hits.push(...found.map((hit) => hit.id));
  if (hits.length !== 3) throw new Error(`expected three deceased hits, found ${hits.length}`);
});
afterAll(async () => test?.dispose());

describe('a confirmed suspect, from sending to closing with a correction', () => {
  let suspectId = '';

  it('is sent by the county commission only, once, with a deadline within 60 days', async () => {
    const before = await counts();
    const send = (who: Who, input: Partial<{ hitId: unknown; body: unknown; dueOn: unknown }> = {}) => sendSuspect(test.db, who, { hitId: hits[0], body: INSTRUCTION, dueOn: '2026-12-17', ...input }, TODAY);
    expect(await send(commission, { body: '请核实' })).toEqual({ ok: false, errors: { body: expect.stringContaining('至少10个字') } });
    expect(await send(commission, { dueOn: '2026-12-02' })).toEqual({ ok: false, errors: { dueOn: '期限应在明天到60天之内' } });
    expect(await send(commission, { dueOn: '2027-02-01' })).toEqual({ ok: false, errors: { dueOn: '期限应在明天到60天之内' } });
    expect(await send(commission, { dueOn: '12月17日' })).toMatchObject({ ok: false, errors: { dueOn: expect.stringContaining('日期') } });
    expect(await send(commission, { hitId: 'x' })).toMatchObject({ ok: false, status: 404 });
    expect(await send(commission, { hitId: 999_999 })).toMatchObject({ ok: false, status: 404 });
    for (const who of [mzj, sanghe, city, admin]) expect(await send(who), who.username).toMatchObject({ ok: false, status: 403 });
    expect(await counts()).toEqual(before);
    const sent = await send(commission);
    if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
    suspectId = sent.value.id;
    expect(await send(commission)).toEqual({ ok: false, status: 409, errors: { form: '这条比对疑点已经交部门核查了' } });
    const [row] = await test.db.select().from(livelihoodSuspects).where(eq(livelihoodSuspects.id, suspectId));
    expect(row).toMatchObject({ state: 'sent', dueOn: '2026-12-17', rule: 'deceased', countyCode: LIUGANG });
    expect((await suspectsOfHits(test.db, hits)).get(hits[0]!)).toEqual({ id: suspectId, state: 'sent' });
  });

  it('is answered by the paying department only, with its conclusion and evidence', async () => {
    const before = await counts();
    const answer = (who: Who, input: Partial<{ answer: unknown; body: unknown; evidence: unknown }> = {}) => answerSuspect(test.db, who, { suspectId, answer: 'confirmed', body: ANSWER, evidence: EVIDENCE, ...input });
    expect(await answer(mzj, { answer: 'maybe', body: '属实', evidence: '' })).toEqual({
      ok: false,
      errors: { answer: '请选择核查结论：属实，或有合理解释', body: expect.stringContaining('至少10个字'), evidence: expect.stringContaining('佐证材料') },
    });
    for (const who of [cjl, commission, city, admin]) expect(await answer(who), who.username).toMatchObject({ ok: false, status: 403 });
    expect(await answerSuspect(test.db, mzj, { suspectId: crypto.randomUUID(), answer: 'confirmed', body: ANSWER, evidence: EVIDENCE })).toMatchObject({ ok: false, status: 404 });
    expect(await counts()).toEqual(before);
    expect(await answer(mzj)).toEqual({ ok: true, value: null });
    expect(await answer(mzj)).toMatchObject({ ok: false, status: 409 });
    // The department cannot review its own answer.
    expect(await reviewSuspect(test.db, mzj, { suspectId, decision: 'accept', body: '认可核查结论，请立即停发。', dueOn: '2026-12-31' }, TODAY)).toMatchObject({ ok: false, status: 403 });
  });

  it('is accepted as confirmed with a day to correct by; a correction is refused until then and checked', async () => {
    const review = (input: Partial<{ decision: unknown; body: unknown; dueOn: unknown }>) => reviewSuspect(test.db, commission, { suspectId, decision: 'accept', body: '核查结论属实，请停发并追回死亡后发放的低保金。', ...input }, TODAY);
    expect(await review({ decision: '', body: '' })).toEqual({ ok: false, errors: { decision: '请选择审核结果：认可，或退回重新核查', body: expect.stringContaining('至少10个字') } });
    expect(await review({})).toEqual({ ok: false, errors: { dueOn: '整改期限应为日期，例如 2026-12-20' } });
    expect(await review({ dueOn: '2026-12-31' })).toEqual({ ok: true, value: { state: 'correcting' } });
    const correct = (who: Who, input: Partial<{ paymentStopped: unknown; toRecover: unknown; recovered: unknown; body: unknown }> = {}) =>
      recordCorrection(test.db, who, { suspectId, paymentStopped: 'yes', toRecover: '520', recovered: '520', body: '已于12月5日停发，死亡后多发的520元已由家属退回县财政专户。', ...input });
    expect(await correct(mzj, { paymentStopped: '', toRecover: '五百', recovered: '-1', body: '' })).toEqual({
      ok: false,
      errors: { paymentStopped: '请选择是否已停发', toRecover: expect.stringContaining('应追回金额'), recovered: expect.stringContaining('已追回金额'), body: expect.stringContaining('至少10个字') },
    });
    expect(await correct(mzj, { recovered: '600' })).toEqual({ ok: false, errors: { recovered: '已追回金额不能大于应追回金额' } });
    for (const who of [cjl, commission]) expect(await correct(who), who.username).toMatchObject({ ok: false, status: 403 });
    // A first report: stopped, nothing recovered yet; the commission sends it back with a new day.
    expect(await correct(mzj, { recovered: '0', body: '已于12月5日停发，多发的520元正在向家属追缴。' })).toEqual({ ok: true, value: null });
    expect(await correct(mzj)).toMatchObject({ ok: false, status: 409 });
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'return', body: '多发金额尚未追回，请追回后再报。' }, TODAY)).toEqual({ ok: false, errors: { dueOn: '期限应为日期，例如 2026-12-20' } });
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'return', body: '多发金额尚未追回，请追回后再报。', dueOn: '2027-01-15' }, TODAY)).toEqual({ ok: true, value: { state: 'correcting' } });
    expect(await correct(mzj)).toEqual({ ok: true, value: null });
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'accept', body: '已停发并全额追回，同意办结。' }, TODAY)).toEqual({ ok: true, value: { state: 'closed' } });
    expect(await answerSuspect(test.db, mzj, { suspectId, answer: 'confirmed', body: ANSWER, evidence: EVIDENCE })).toMatchObject({ ok: false, status: 409 });
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'accept', body: '已停发并全额追回，同意办结。' }, TODAY)).toMatchObject({ ok: false, status: 409 });
  });

  it('keeps its whole history in order, read by the commission and the paying department only', async () => {
    const view = await getSuspect(test.db, commission, suspectId, TODAY);
    expect(view!.suspect).toMatchObject({ state: 'closed', answer: 'confirmed', toRecoverFen: 52_000, recoveredFen: 52_000, nameMasked: '周*海', amountFen: 52_000, itemName: '最低生活保障金' });
    expect(view!.steps.map((step) => step.kind)).toEqual(['sent', 'answered', 'accepted', 'corrected', 'returned', 'corrected', 'closed']);
    expect(view!.steps[1]).toMatchObject({ answer: 'confirmed', evidence: EVIDENCE, by: '柳岗县民政局经办人' });
    expect(view!.steps[3]).toMatchObject({ paymentStopped: true, toRecoverFen: 52_000, recoveredFen: 0 });
    expect(view!.steps[4]).toMatchObject({ dueOn: '2027-01-15' });
    expect(view).toMatchObject({ mayAnswer: false, mayCorrect: false, mayReview: false });
    expect(await getSuspect(test.db, mzj, suspectId, TODAY)).toBeDefined();
    expect(await getSuspect(test.db, city, suspectId, TODAY)).toMatchObject({ mayReview: false });
    for (const who of [cjl, sanghe, admin]) expect(await getSuspect(test.db, who, suspectId, TODAY), who.username).toBeUndefined();
    expect(await getSuspect(test.db, commission, 'not-an-id', TODAY)).toBeUndefined();
  });

  it('writes an audit row per step without the recipient’s name, ID number or amount', async () => {
    const rows = await queryRows<{ action: string; detail: Record<string, unknown> }>(test.db, sql`select action, detail from audit_events where subject_type = 'livelihood_suspect' order by id`);
    expect(rows.map((row) => row.action)).toEqual(['livelihood.suspectSent', 'livelihood.suspectAnswered', 'livelihood.suspectReviewed', 'livelihood.suspectCorrected', 'livelihood.suspectReviewed', 'livelihood.suspectCorrected', 'livelihood.suspectReviewed']);
    const text = JSON.stringify(rows);
    for (const secret of [PEOPLE[0]!.name, PEOPLE[0]!.idNumber, PEOPLE[0]!.idNumber.slice(0, 14)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/amount|Fen|name/i);
    // The log shows them to the commission, not to an administrator (a suspicion is the hits' business).
    expect((await listAuditEvents(test.db, commission, { action: 'livelihood.suspectSent' })).rows).toHaveLength(1);
    expect((await listAuditEvents(test.db, admin, {})).rows.filter((row) => row.action.startsWith('livelihood.suspect'))).toEqual([]);
    expect(auditActionsFor(admin)).not.toContain('livelihood.suspectSent');
    expect(auditActionsFor(commission)).toContain('livelihood.suspectSent');
  });
});

describe('an explained suspect', () => {
  let suspectId = '';
  it('is sent back, answered again, and closed when the explanation holds; it is no finding', async () => {
    const sent = await sendSuspect(test.db, commission, { hitId: hits[1], body: INSTRUCTION, dueOn: '2026-12-10' }, TODAY);
    if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
    suspectId = sent.value.id;
    const explanation = { suspectId, answer: 'explained', body: '死亡登记有误：吴桂英健在，系同名同姓的另一人身份证号录错，已由派出所更正。', evidence: '派出所户籍更正证明（桑公户〔2026〕118号）' };
    expect(await answerSuspect(test.db, mzj, explanation)).toEqual({ ok: true, value: null });
    // An accepted explanation needs no day; sending back does.
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'return', body: '请补充入户核查记录，证明本人健在。', dueOn: '2026-12-20' }, TODAY)).toEqual({ ok: true, value: { state: 'returned' } });
    expect((await getSuspect(test.db, mzj, suspectId, TODAY))!).toMatchObject({ mayAnswer: true, suspect: { state: 'returned', dueOn: '2026-12-20' } });
    expect(await answerSuspect(test.db, mzj, { ...explanation, evidence: '派出所户籍更正证明（桑公户〔2026〕118号），12月8日入户核查记录及本人照片' })).toEqual({ ok: true, value: null });
    expect(await reviewSuspect(test.db, commission, { suspectId, decision: 'accept', body: '解释成立，死亡登记已更正，办结。' }, TODAY)).toEqual({ ok: true, value: { state: 'closed' } });
    const [row] = await test.db.select().from(livelihoodSuspects).where(eq(livelihoodSuspects.id, suspectId));
    expect(row!.closedAt).toBeInstanceOf(Date);
    expect(row!.toRecoverFen).toBeNull();
    // The explained one is no finding; the confirmed one (closed with a correction) is.
    expect((await suspectFindingsByVillage(test.db, [LIUGANG_CUN], TODAY)).map((finding) => [finding.kind, finding.rule, finding.period])).toEqual([['confirmed', 'deceased', '2026-11']]);
  });
});

describe('lists and counts', () => {
  it('lists by what waits on whom, earliest due first, for the commission and the department', async () => {
    const sent = await sendSuspect(test.db, commission, { hitId: hits[2], body: INSTRUCTION, dueOn: '2026-12-05' }, TODAY);
    if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
    const county = (await hitScopeFor(test.db, commission))!;
    const department = (await hitScopeFor(test.db, mzj))!;
    const later = '2026-12-06';
    expect((await listSuspects(test.db, county, { filter: 'open', today: later })).suspects.map((line) => [line.nameMasked, line.state, line.overdue])).toEqual([['郑*林', 'sent', true]]);
    expect((await listSuspects(test.db, county, { filter: 'closed', today: later })).total).toBe(2);
    expect((await listSuspects(test.db, county, { filter: 'commission', today: later })).total).toBe(0);
    expect((await listSuspects(test.db, department, { filter: 'all', today: later })).total).toBe(3);
    expect((await listSuspects(test.db, (await hitScopeFor(test.db, cjl))!, { filter: 'all' })).total).toBe(0);
    expect(await suspectsWaiting(test.db, department, later)).toEqual({ waiting: 1, overdue: 1 });
    // Unanswered past its day: a point of the integrity picture; on its last day, not yet.
    expect((await suspectFindingsByVillage(test.db, [LIUGANG_CUN], later)).map((finding) => finding.kind)).toEqual(['confirmed', 'overdue']);
    expect((await suspectFindingsByVillage(test.db, [LIUGANG_CUN], '2026-12-05')).map((finding) => finding.kind)).toEqual(['confirmed']);
    expect(await suspectsWaiting(test.db, county, later)).toEqual({ waiting: 0, overdue: 0 });
    // A city commission reads its counties' suspects.
    expect((await listSuspects(test.db, (await hitScopeFor(test.db, city))!, { filter: 'all' })).total).toBe(3);
    expect((await suspectFiguresByCounty(test.db, [LIUGANG])).get(LIUGANG)).toEqual({ hits: 3, sent: 3, corrected: 1, recoveredFen: 52_000 });
  });

  it('refuses to send a hit that no longer holds', async () => {
    // A hit of another rule on the same payment, cleared by a later run (a registry was replaced).
    const [extra] = await queryRows<{ id: number }>(
      test.db,
      sql`insert into livelihood_hits (rule, payment_id, batch_id, item_id, department_id, village_code, county_code, period, detail, cleared_at) select 'above_standard', payment_id, batch_id, item_id, department_id, village_code, county_code, period, '{}'::jsonb, now() from livelihood_hits where id = ${hits[0]} returning id`,
    );
    expect(await sendSuspect(test.db, commission, { hitId: extra!.id, body: INSTRUCTION, dueOn: '2026-12-17' }, TODAY)).toMatchObject({ ok: false, status: 409 });
  });
});

describe('the history in the database', () => {
  it('refuses to change or delete a step, and to delete a suspect', async () => {
    await expect(queryRows(test.db, sql`update livelihood_suspect_steps set body = '改写' where kind = 'answered'`)).rejects.toThrow();
    await expect(queryRows(test.db, sql`delete from livelihood_suspect_steps`)).rejects.toThrow();
    await expect(queryRows(test.db, sql`delete from livelihood_suspects`)).rejects.toThrow();
    expect((await counts()).steps).toBeGreaterThan(0);
  });
});
