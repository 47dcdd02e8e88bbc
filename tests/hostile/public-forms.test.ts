/**
 * Hostile input to every public form (issue 16 item 3): the complaint form (/report, with its
 * attachments), tracking (the receipt lookup, adding material, rating and objecting to a reply),
 * the livelihood-fund lookup, staff sign-in and sign-out, and the JSON filing API
 * (POST /api/v1/complaints). The forms are read from the pages as a visitor gets them and attacked
 * as in fuzzFormRoute (tests/support/hostile-staff.ts); the API gets JSON bodies whose fields are
 * replaced by hostile strings and by wrong types (arrays, objects, numbers, booleans, null), left
 * out, repeated as duplicate keys, joined by strangers, or sent as something else than JSON. Every
 * answer is below 500; a refusal says why in Chinese (the form's error summary, the API's
 * error.message) and leaves every table as it was.
 */
import { solveChallenge } from 'altcha-lib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileComplaint } from '../../src/lib/server/complaints/filing.ts';
import { newPowChallenge } from '../../src/lib/server/complaints/pow.ts';
import { decide } from '../support/complaint-steps.ts';
import { actorOf } from '../support/complaint-cases.ts';
import { actOnComplaint } from '../../src/lib/server/complaints/console.ts';
import { changedTables, createHarness, expectSafeAnswer, expectShownEscaped, type Shown, FUZZ_TIMEOUT_MS, hostileString, hugeString, runs, type Harness } from '../support/hostile.ts';
import { fuzzFormRoute } from '../support/hostile-staff.ts';
import { publicFormRoutes, type Receipts } from '../support/hostile-routes.ts';
import { complaints } from '../../db/schema/complaints.ts';
import { eq } from 'drizzle-orm';


let harness: Harness;
let receipts: Receipts;
beforeAll(async () => {
  harness = await createHarness();
  const file = async (title: string) => {
    const filed = await fileComplaint(harness.test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content: '村集体鱼塘去年承包出去，承包费一直没有在村务公开栏公布，村民不知道钱去了哪里。', anonymous: true });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    return filed.value.receipt;
  };
  const open = await file('鱼塘承包费去向不明（恶意输入测试）');
  const concluded = await file('村道硬化工程偷工减料（恶意输入测试）');
  const [row] = await harness.test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '村道硬化工程偷工减料（恶意输入测试）'));
  const accepted = await actOnComplaint(harness.test.db, await actorOf(harness.test.db, 'sanghe.jw'), { complaintId: row!.id, action: 'accept' });
  if (!accepted.ok) throw new Error(JSON.stringify(accepted.errors));
  await decide(harness.test.db, row!.id, 'conclude', '经核查，村道硬化工程厚度不足的问题属实，已责令施工方返工并扣减工程款。');
  receipts = { open, concluded };
});
afterAll(async () => {
  console.info(`hostile public forms: ${harness?.sent} requests`);
  await harness?.test.dispose();
});


describe('public forms', () => {
  for (const route of publicFormRoutes()) fuzzFormRoute(route, () => ({ harness, fixtures: receipts }), 40);
});

/** A filing as the API documents it (README, Open data), about 前营村's cadres. */
const FILING: Record<string, unknown> = {
  category: 'assets',
  areaCode: '990121001201',
  title: '村集体林地承包不公开',
  content: '村集体的一百亩林地去年被村干部低价承包给亲戚，没有开村民代表会议，也没有公示承包合同。',
  anonymous: true,
  subjectLevel: 'village_cadre',
  occurredOn: '2026-03-01',
};

/** Values of every JSON type, hostile strings among them. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER, 0.5) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constant({ toString: 'x', valueOf: 1, __proto__: { admin: true } }) },
);

async function solvedPow(): Promise<string> {
  const challenge = await newPowChallenge();
  const solution = solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber);
  const found = await solution.promise;
  return Buffer.from(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: found!.number, salt: challenge.salt, signature: challenge.signature })).toString('base64');
}

type Edit = { op: 'set'; key: string; value: unknown } | { op: 'drop'; key: string } | { op: 'duplicate'; key: string; value: unknown };
const KEYS = [...Object.keys(FILING), 'name', 'phone', 'subjectRole', 'subjectName', 'itemCode', 'aboutCommissionHead', 'pow', 'fundEntryId'];
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS), value: anyJson }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), key: fc.constantFrom(...KEYS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), key: fc.constantFrom(...KEYS), value: anyJson }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), key: hostileString, value: anyJson }) },
);
type ApiBody = 'json' | 'notJson' | 'form' | 'empty' | 'badUtf8' | 'array' | 'deep';
const apiBody = fc.oneof({ weight: 6, arbitrary: fc.constant<ApiBody>('json') }, { weight: 2, arbitrary: fc.constantFrom<ApiBody>('notJson', 'form', 'empty', 'badUtf8', 'array', 'deep') });

function jsonText(object: Record<string, unknown>, duplicates: Array<[string, unknown]>): string {
  const text = JSON.stringify(object);
  // Duplicate keys are valid JSON text that JSON.stringify never writes: the later one wins in JSON.parse.
  return duplicates.reduce((body, [key, value]) => `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}}`, text);
}

describe('POST /api/v1/complaints', () => {
  it('hostile JSON gets a JSON 4xx with a code and a Chinese message, never a 5xx, and files nothing when refused', async () => {
    const api = await import('../../src/pages/api/v1/complaints/index.ts');
    let refused = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 0, maxLength: 3 }), apiBody, fc.boolean(), fc.option(hostileString), fc.context(), async (edits, kind, withPow, idempotencyKey, log) => {
        const object: Record<string, unknown> = { ...FILING };
        if (withPow) object.pow = await solvedPow();
        const duplicates: Array<[string, unknown]> = [];
        for (const change of edits) {
          if (change.op === 'set') object[change.key] = change.value;
          else if (change.op === 'drop') delete object[change.key];
          else duplicates.push([change.key, change.value]);
        }
        const text = jsonText(object, duplicates);
        const bodies: Record<ApiBody, { body: BodyInit; type?: string }> = {
          json: { body: text, type: 'application/json' },
          notJson: { body: text.slice(0, Math.max(1, text.length - 3)), type: 'application/json' },
          form: { body: new URLSearchParams(Object.entries(object).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value) ?? ''])).toString(), type: 'application/x-www-form-urlencoded' },
          empty: { body: '', type: 'application/json' },
          badUtf8: { body: new Uint8Array([...new TextEncoder().encode(text.slice(0, -1)), 0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), type: 'application/json' },
          array: { body: `[${text}]`, type: 'application/json' },
          deep: { body: `${'['.repeat(5000)}${']'.repeat(5000)}`, type: 'application/json' },
        };
        const { body, type } = bodies[kind];
        const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
        // Header bytes as Node hands them over (Latin-1 of what was sent).
        if (idempotencyKey !== null) headers['Idempotency-Key'] = Buffer.from(idempotencyKey, 'utf8').toString('latin1');
        log.log(`${kind}: ${typeof body === 'string' ? body.slice(0, 500) : '(bytes)'} key=${JSON.stringify(idempotencyKey)}`);
        const before = await harness.rowCounts();
        const answer = await harness.send(api as never, { url: '/api/v1/complaints', method: 'POST', body, headers, endpoint: true });
        if (await expectSafeAnswer(answer, { label: 'POST /api/v1/complaints', before, harness })) refused += 1;
        else {
          accepted += 1;
          expect(JSON.parse(answer.text).receipt).toMatch(/^\d{16}$/);
        }
      }),
      runs(40),
    );
    // A megabyte in a field (two runs).
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('title', 'content', 'name', 'areaCode', 'pow'), hugeString, async (key, huge) => {
        const before = await harness.rowCounts();
        const answer = await harness.send(api as never, { url: '/api/v1/complaints', method: 'POST', body: JSON.stringify({ ...FILING, [key]: huge }), headers: { 'Content-Type': 'application/json' }, endpoint: true });
        await expectSafeAnswer(answer, { label: `POST /api/v1/complaints (1 MB ${key})`, before, harness });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(changedTables(before, await harness.rowCounts())).toEqual({});
      }),
      runs(2),
    );
    console.info(`POST /api/v1/complaints: ${refused} refused, ${accepted} filed`);
    expect(accepted, 'some hostile filings are valid and filed (their text then shows escaped to staff)').toBeGreaterThan(0);
  }, FUZZ_TIMEOUT_MS);
});

describe('what citizens filed, shown to the commission', () => {
  it('runs nothing on the queue, the case pages, their print sheets and the exports', async () => {
    // Which random filings were valid depends on the run's seed; one known hostile filing makes sure
    // there is always script-looking text to render, whatever the properties above happened to file.
    const api = await import('../../src/pages/api/v1/complaints/index.ts');
    const planted = await harness.send(api as never, {
      url: '/api/v1/complaints',
      method: 'POST',
      body: JSON.stringify({ ...FILING, title: '"><img src=x onerror=alert(1)>\u202e林地\u200b承包', content: `<script>alert('村务')</script>${String(FILING.content)}`, pow: await solvedPow() }),
      headers: { 'Content-Type': 'application/json' },
      endpoint: true,
    });
    expect(planted.status, planted.text).toBe(201);
    const rows = await harness.test.db.select({ id: complaints.id }).from(complaints);
    const casePage = async () => (await import('../../src/pages/staff/complaints/[id]/index.astro')).default as never;
    const sheet = async () => (await import('../../src/pages/staff/complaints/[id]/print/[sheet].astro')).default as never;
    await expectShownEscaped(harness, [
      { page: async () => (await import('../../src/pages/staff/complaints/index.astro')).default as never, url: '/staff/complaints?merged=1', as: 'sanghe.jw' },
      { page: async () => (await import('../../src/pages/staff/complaints/today.astro')).default as never, url: '/staff/complaints/today', as: 'sanghe.jw' },
      ...rows.flatMap(({ id }): Shown[] => [
        { page: casePage, url: `/staff/complaints/${id}`, params: { id }, as: 'sanghe.jw' },
        { page: sheet, url: `/staff/complaints/${id}/print/registration`, params: { id, sheet: 'registration' }, as: 'sanghe.jw' },
      ]),
    ]);
    expect(rows.length, 'hostile filings were stored, so there is something to show').toBeGreaterThan(5);
  });
});
