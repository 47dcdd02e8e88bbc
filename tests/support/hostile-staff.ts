/**
 * For the hostile-input tests of staff forms (tests/hostile/staff-*.test.ts): the cases, periods,
 * batches and suspects the matrix's routes need (as in src/pages/staff/_access.test.ts), and every
 * staff route that takes a POST with the demo account that may use it, so that validation, not
 * permission, is what the hostile input meets.
 */
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import sharp from 'sharp';
import type { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { users } from '../../db/schema/auth.ts';
import { complaints } from '../../db/schema/complaints.ts';
import { livelihoodHits } from '../../db/schema/livelihood-checks.ts';
import type { Db } from '../../src/lib/server/db.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { startDraft } from '../../src/lib/server/county-lists/drafts.ts';
import { addFundEntry, getDisclosureByPeriod, openDraft } from '../../src/lib/server/accounts/disclosures.ts';
import { addVoucher } from '../../src/lib/server/accounts/vouchers.ts';
import { addDays } from '../../src/lib/server/accounts/supervision.ts';
import { fileComplaint } from '../../src/lib/server/complaints/filing.ts';
import { actOnComplaint } from '../../src/lib/server/complaints/console.ts';
import { assignHandler, forwardComplaint } from '../../src/lib/server/complaints/casework.ts';
import { attachments } from '../../db/schema/attachments.ts';
import { complaintReferrals } from '../../db/schema/complaint-casework.ts';
import { addItem } from '../../src/lib/server/livelihood/items.ts';
import { importRegistry } from '../../src/lib/server/livelihood/registries.ts';
import { importBatch } from '../../src/lib/server/livelihood/batches.ts';
import { sendSuspect } from '../../src/lib/server/livelihood/suspects.ts';
import { checkCharacter } from '../../src/lib/server/livelihood/id-number.ts';
import { assignLeader, designate } from '../../src/lib/server/supervision/escalated.ts';
import { writeJudgement } from '../../src/lib/server/supervision/judgements.ts';
import { todayInShanghai } from '../../src/lib/server/time.ts';
import { actorOf } from './complaint-cases.ts';
import { applyMutations, bodyKind, encodeBody, expectSafeAnswer, formsOf, hostileFile, hugeString, FUZZ_TIMEOUT_MS, markupInText, mutations, pairsOf, runs, type GetRoute, type Harness, type PageForm, type UploadPart } from './hostile.ts';

export const SANGHE = '990121000000';
export const QIANYING = '990121001201';
export const XINGYUAN = '990121001204';

export interface StaffFixtures {
  /** 前营村 2026-Q3 as the demo seeds it: submitted, waiting for the supervisor. */
  submittedId: number;
  /** A 前营村 draft with one entry and its voucher scan, for the cadre. */
  draftId: number;
  /** An accepted anonymous case at 桑河县, handled by sanghe.cb. */
  complaintId: string;
  /** A new case at 桑河县, not yet accepted. */
  newComplaintId: string;
  /** Another accepted case at 桑河县, without a handler: the county's own steps. */
  countyCaseId: string;
  /** The draft's entry 1 voucher scan. */
  voucherId: string;
  /** The accepted case's photo (kept with its metadata, encrypted). */
  attachmentId: string;
  /** 桑河县's forward of a third case to 柳岗县. */
  sentReferralId: string;
  /** A throwaway 桑河县 cadre account, for the account page's forms (disable, reset …). */
  spareUserId: string;
  livelihoodBatchId: string;
  /** A standing hit not yet sent on (the send form's). */
  livelihoodHitId: string;
  livelihoodSuspectId: string;
  judgementId: string;
}

export async function createStaffFixtures(db: Db): Promise<StaffFixtures> {
  const admin = await actorOf(db, 'demo.admin');
  const sanghe = await actorOf(db, 'sanghe.jw');
  const cadre = await actorOf(db, 'qianying.kj');
  const department = await actorOf(db, 'sanghe.mzj');
  const must = <T>(result: { ok: true; value: T } | { ok: false; errors: unknown }): T => {
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.value;
  };
  must(await startDraft(db, admin, { countyCode: SANGHE }));
  const submittedId = (await getDisclosureByPeriod(db, QIANYING, '2026-Q3'))!.id;
  const draftId = must(await openDraft(db, null, QIANYING, '2024-Q4')).id;
  must(await addFundEntry(db, null, { disclosureId: draftId, entry: { entryDate: '2024-11-05', direction: 'income', amountFen: 50_000, subject: '其他收入', summary: '银行存款利息', counterparty: '桑河农商银行', voucherNo: '记-2024Q4-001', method: 'transfer' } }));
  const scan = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#eee' } }).png().toBuffer();
  const voucher = must(await addVoucher(db, cadre, draftId, 1, new Uint8Array(scan)));
  const evidence = new Uint8Array(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#9a9' } }).jpeg().withExif({ IFD0: { Model: 'HostilePhone' } }).toBuffer());
  const file = async (title: string, withPhoto = false) => {
    must(await fileComplaint(db, { category: 'assets', areaCode: QIANYING, subjectLevel: 'village_cadre', title, content: '村北机动地今年重新发包，没有公告也没有开会，直接给了村干部亲属，价格偏低。', anonymous: true }, withPhoto ? { files: [{ bytes: evidence, name: 'IMG_2001.jpg' }], keepMetadata: true } : {}));
    return (await db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
  };
  const complaintId = await file('机动地发包不公开（恶意输入测试）', true);
  const newComplaintId = await file('村务公开栏长期不更新（恶意输入测试）');
  const countyCaseId = await file('村干部虚报冒领危房改造补助（恶意输入测试）');
  must(await actOnComplaint(db, sanghe, { complaintId: countyCaseId, action: 'accept' }));
  const [photo] = await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.complaintId, complaintId));
  // A case 桑河县 forwarded to 柳岗县: the sender's trace.
  const sentId = await file('柳岗县干部在桑河县收取好处费（恶意输入测试）');
  must(await forwardComplaint(db, sanghe, { complaintId: sentId, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' }));
  const [referral] = await db.select({ id: complaintReferrals.id }).from(complaintReferrals).where(eq(complaintReferrals.complaintId, sentId));
  must(await actOnComplaint(db, sanghe, { complaintId, action: 'accept' }));
  const handler = await actorOf(db, 'sanghe.cb');
  must(await assignHandler(db, sanghe, { complaintId, handlerId: handler.id }));
  const spare = must(await createUser(db, { ...admin, scopeCode: null }, { username: 'hostile.spare', displayName: '恶意输入测试账号', role: 'cadre', scopeCode: '990121001202', password: 'hostile-spare-password-1' }));
  // Its own account for the password form: a changed password ends the sessions of the one who changed it.
  must(await createUser(db, { ...admin, scopeCode: null }, { username: 'hostile.password', displayName: '改密码测试账号', role: 'cadre', scopeCode: '990121001202', password: 'hostile-spare-password-2' }));
  const item = must(await addItem(db, department, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' }));
  const idOf = (first17: string) => first17 + checkCharacter(first17);
  const idNumber = idOf('43112119560312024');
  const second = idOf('43112119580417023');
  const key = { key: Buffer.alloc(32, 3), today: '2026-12-02' };
  must(await importRegistry(db, sanghe, { kind: 'deaths', sourceSha256: 'c'.repeat(64), rows: [{ 身份证号码: idNumber, 死亡日期: '2026-10-01' }, { 身份证号码: second, 死亡日期: '2026-09-12' }] }, key));
  const batch = must(await importBatch(db, department, { itemId: item.id, villageCode: QIANYING, period: '2026-11', sourceSha256: 'a'.repeat(64), rows: [{ name: '王秀兰', idNumber, amount: '520', paidOn: '2026-11-10' }, { name: '李桂芝', idNumber: second, amount: '520', paidOn: '2026-11-10' }] }, key));
  // Two hits (both recorded deceased): one is sent on as a suspect, the other waits for the send form.
  const [hit, unsent] = await db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(eq(livelihoodHits.batchId, batch.id)).orderBy(livelihoodHits.id);
  const suspect = must(await sendSuspect(db, sanghe, { hitId: hit!.id, body: '请核实王秀兰是否已于10月1日死亡，死亡后的低保金是否应停发。', dueOn: addDays(todayInShanghai(), 15) }));
  const designation = must(await designate(db, sanghe, { villageCode: XINGYUAN, reason: '城郊村，征地补偿款数额大', startsOn: '2026-10-01', reviewOn: '2027-03-31' }));
  const township = await actorOf(db, 'sanghezhen.jw');
  must(await assignLeader(db, sanghe, { designationId: designation.id, leaderId: township.id }));
  const today = todayInShanghai();
  const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
  const judgement = must(await writeJudgement(db, sanghe, { designationId: designation.id, quarter, body: '本季度该村集体资产处置程序基本规范，但大额现金支付仍未杜绝。' }));
  return {
    submittedId,
    draftId,
    complaintId,
    newComplaintId,
    countyCaseId,
    spareUserId: spare.id,
    voucherId: voucher.id,
    attachmentId: photo!.id,
    sentReferralId: referral!.id,
    livelihoodBatchId: batch.id,
    livelihoodHitId: String(unsent!.id),
    livelihoodSuspectId: suspect.id,
    judgementId: String(judgement.id),
  };
}

type Page = Parameters<AstroContainer['renderToResponse']>[0];

export interface FormRoute<F = StaffFixtures> {
  /** The route file under src/pages/staff (or partials/staff), as in the authorization matrix; a public one from src/pages. */
  file: string;
  url: (f: F) => string;
  params: (f: F) => Record<string, string>;
  page: () => Promise<Page>;
  /** The demo account that may POST here (none: a citizen). */
  as?: string;
  /** The page's forms are the answer to this POST (the tracking page shows its steps once the receipt is given). */
  readWith?: (f: F) => Record<string, string>;
  /** An htmx fragment: its forms post to the full page, htmx to the fragment itself. */
  partial?: boolean;
  /** An endpoint module (no page of its own). */
  endpoint?: boolean;
  /**
   * What a person would type where the page leaves a field empty and the generic guess is wrong
   * (a period's dates, the current password); `@last` picks a select's last option. Without these
   * most runs would be refused for the untouched fields, and the accepted path — input stored and
   * shown again — would go untested.
   */
  values?: Record<string, string>;
  /** A valid file for each file field, sent unless an attack replaces it. */
  files?: Record<string, () => Promise<UploadPart> | UploadPart>;
  /** The page shows no form in the fixtures' state (said where it is set). */
  noForm?: boolean;
  /** `action` values to send as forms of their own, for forms the page shows only in other states. */
  actions?: string[];
  /** Buttons that end what the page is about (merge, submit, publish…): pressed only in the last fifth of the runs. */
  terminal?: string[];
}

const load = (loader: () => Promise<{ default: Page }>) => async () => (await loader()).default;
const text = (value: string) => new TextEncoder().encode(value);
const png = async (): Promise<UploadPart> => ({ name: 'voucher', filename: '凭证.png', type: 'image/png', bytes: new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ddd' } }).png().toBuffer()) });
const jpeg = async (name: string): Promise<UploadPart> => ({ name, filename: 'IMG_0001.jpg', type: 'image/jpeg', bytes: new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#9a9' } }).jpeg().toBuffer()) });
const recipientCsv = (): UploadPart => ({ name: 'file', filename: '发放名单.csv', type: 'text/csv', bytes: text('\uFEFF姓名,身份证号码,金额（元）,发放日期\r\n张建国,431121195603120249,520,2026-11-10\r\n') });
const deathsCsv = (): UploadPart => ({ name: 'file', filename: '死亡登记.csv', type: 'text/csv', bytes: text('\uFEFF身份证号码,死亡日期\r\n431121195603120249,2026-10-01\r\n') });
const fundsCsv = (): UploadPart => ({ name: 'file', filename: '资金明细.csv', type: 'text/csv', bytes: text('\uFEFF日期,收支,金额（元）,会计科目,摘要,对方单位或个人,凭证号,结算方式,决议文号\r\n2024-11-20,收入,1200.00,经营收入,收取鱼塘承包费,张建国,记-2024Q4-009,转账,\r\n') });

const ENTRY_VALUES = { entryDate: '2024-11-20', counterparty: '桑河农商银行', voucherNo: '记-2024Q4-002', decisionRef: '', openingBalance: '1000.00', quantity: '1', unit: '间', originalValue: '50000.00', annualRent: '0', areaMu: '12.5', annualFee: '3000.00', arrears: '0', lessee: '', gapReason: '' };

/** Every staff route of the authorization matrix that takes a POST, with an account allowed to send it. */
export const STAFF_FORM_ROUTES: FormRoute[] = [
  { file: 'password.astro', url: () => '/staff/password', params: () => ({}), page: load(() => import('../../src/pages/staff/password.astro')), as: 'hostile.password', values: { currentPassword: 'hostile-spare-password-2', newPassword: 'qingshui-hetang-2027', confirmPassword: 'qingshui-hetang-2027' } },
  { file: 'inbox.astro', url: () => '/staff/inbox', params: () => ({}), page: load(() => import('../../src/pages/staff/inbox.astro')), as: 'sanghe.cb' },
  { file: 'users/new.astro', url: () => '/staff/users/new', params: () => ({}), page: load(() => import('../../src/pages/staff/users/new.astro')), as: 'sanghe.jw', values: { username: 'hostile.created', scopeCode: QIANYING, department: '', password: 'qingshui-hetang-2027' } },
  { file: 'users/[id].astro', url: (f) => `/staff/users/${f.spareUserId}`, params: (f) => ({ id: f.spareUserId }), page: load(() => import('../../src/pages/staff/users/[id].astro')), as: 'demo.admin', values: { password: 'qingshui-hetang-2027' }, terminal: ['disable'] },
  // Its one form starts a draft, shown only while there is none (the fixtures started one): the unknown-action form alone.
  { file: 'lists/[county]/index.astro', url: () => `/staff/lists/${SANGHE}`, params: () => ({ county: SANGHE }), page: load(() => import('../../src/pages/staff/lists/[county]/index.astro')), as: 'sanghe.jw', noForm: true },
  { file: 'lists/[county]/draft/items/[item].astro', url: () => `/staff/lists/${SANGHE}/draft/items/SP-01`, params: () => ({ county: SANGHE, item: 'SP-01' }), page: load(() => import('../../src/pages/staff/lists/[county]/draft/items/[item].astro')), as: 'sanghe.jw', values: { timeLimitDays: '20' } },
  { file: 'lists/[county]/draft/custom/[code].astro', url: () => `/staff/lists/${SANGHE}/draft/custom/DF-01`, params: () => ({ county: SANGHE, code: 'DF-01' }), page: load(() => import('../../src/pages/staff/lists/[county]/draft/custom/[code].astro')), as: 'sanghe.jw', terminal: ['remove'] },
  { file: 'lists/[county]/draft/index.astro', url: () => `/staff/lists/${SANGHE}/draft`, params: () => ({ county: SANGHE }), page: load(() => import('../../src/pages/staff/lists/[county]/draft/index.astro')), as: 'sanghe.jw' },
  { file: 'lists/[county]/draft/publish.astro', url: () => `/staff/lists/${SANGHE}/draft/publish`, params: () => ({ county: SANGHE }), page: load(() => import('../../src/pages/staff/lists/[county]/draft/publish.astro')), as: 'sanghe.jw', terminal: [''] },
  { file: 'ledgers/index.astro', url: () => '/staff/ledgers', params: () => ({}), page: load(() => import('../../src/pages/staff/ledgers/index.astro')), as: 'qianying.kj' },
  { file: 'ledgers/[id]/entries/[line].astro', url: (f) => `/staff/ledgers/${f.draftId}/entries/1`, params: (f) => ({ id: String(f.draftId), line: '1' }), page: load(() => import('../../src/pages/staff/ledgers/[id]/entries/[line].astro')), as: 'qianying.kj', values: ENTRY_VALUES, files: { voucher: png, file: png } },
  { file: 'partials/staff/ledgers/[id]/entries/[line].astro', url: (f) => `/partials/staff/ledgers/${f.draftId}/entries/1`, params: (f) => ({ id: String(f.draftId), line: '1' }), page: load(() => import('../../src/pages/partials/staff/ledgers/[id]/entries/[line].astro')), as: 'qianying.kj', partial: true, values: ENTRY_VALUES, files: { voucher: png } },
  { file: 'ledgers/[id]/index.astro (cadre, draft)', url: (f) => `/staff/ledgers/${f.draftId}`, params: (f) => ({ id: String(f.draftId) }), page: load(() => import('../../src/pages/staff/ledgers/[id]/index.astro')), as: 'qianying.kj', values: ENTRY_VALUES, files: { voucher: png, file: fundsCsv }, terminal: ['submit', 'delete-entry'] },
  { file: 'ledgers/[id]/index.astro (commission, submitted)', url: (f) => `/staff/ledgers/${f.submittedId}`, params: (f) => ({ id: String(f.submittedId) }), page: load(() => import('../../src/pages/staff/ledgers/[id]/index.astro')), as: 'sanghe.jw' },
  { file: 'ledgers/[id]/index.astro (supervisor, submitted)', url: (f) => `/staff/ledgers/${f.submittedId}`, params: (f) => ({ id: String(f.submittedId) }), page: load(() => import('../../src/pages/staff/ledgers/[id]/index.astro')), as: 'qianying.jd', terminal: ['countersign', 'return'] },
  { file: 'ledgers/villages.astro', url: () => '/staff/ledgers/villages', params: () => ({}), page: load(() => import('../../src/pages/staff/ledgers/villages.astro')), as: 'sanghe.jgz' },
  { file: 'livelihood/index.astro', url: () => '/staff/livelihood', params: () => ({}), page: load(() => import('../../src/pages/staff/livelihood/index.astro')), as: 'sanghe.mzj', values: { catalogCode: '' } },
  { file: 'livelihood/suspects/new.astro', url: (f) => `/staff/livelihood/suspects/new?hit=${f.livelihoodHitId}`, params: () => ({}), page: load(() => import('../../src/pages/staff/livelihood/suspects/new.astro')), as: 'sanghe.jw', terminal: [''] },
  { file: 'livelihood/suspects/[id].astro', url: (f) => `/staff/livelihood/suspects/${f.livelihoodSuspectId}`, params: (f) => ({ id: f.livelihoodSuspectId }), page: load(() => import('../../src/pages/staff/livelihood/suspects/[id].astro')), as: 'sanghe.mzj' },
  { file: 'livelihood/batches/index.astro', url: () => '/staff/livelihood/batches', params: () => ({}), page: load(() => import('../../src/pages/staff/livelihood/batches/index.astro')), as: 'sanghe.mzj', values: { period: '2026-10' }, files: { file: recipientCsv } },
  { file: 'livelihood/batches/[id].astro', url: (f) => `/staff/livelihood/batches/${f.livelihoodBatchId}`, params: (f) => ({ id: f.livelihoodBatchId }), page: load(() => import('../../src/pages/staff/livelihood/batches/[id].astro')), as: 'sanghe.mzj', terminal: ['withdraw'] },
  { file: 'livelihood/registries/index.astro', url: () => '/staff/livelihood/registries', params: () => ({}), page: load(() => import('../../src/pages/staff/livelihood/registries/index.astro')), as: 'sanghe.jw', values: { kind: 'deaths' }, files: { file: deathsCsv } },
  { file: 'zones/index.astro', url: () => '/staff/zones', params: () => ({}), page: load(() => import('../../src/pages/staff/zones/index.astro')), as: 'sanghe.jw' },
  { file: 'zones/tasks.astro', url: () => '/staff/zones/tasks', params: () => ({}), page: load(() => import('../../src/pages/staff/zones/tasks.astro')), as: 'sanghe.jw', values: { caseNumber: '', villageCode: '' } },
  { file: 'zones/cross-checks.astro', url: () => '/staff/zones/cross-checks', params: () => ({}), page: load(() => import('../../src/pages/staff/zones/cross-checks.astro')), as: 'sanghe.jw', values: { inspectedTownshipCode: '@last' } },
  { file: 'zones/assessment.astro', url: () => '/staff/zones/assessment', params: () => ({}), page: load(() => import('../../src/pages/staff/zones/assessment.astro')), as: 'sanghe.jw' },
  { file: 'direct-report/index.astro', url: () => '/staff/direct-report', params: () => ({}), page: load(() => import('../../src/pages/staff/direct-report/index.astro')), as: 'qianying.jjwy', values: { subjectName: '', itemCode: '', phone: '13800138000' }, files: { attachments: () => jpeg('attachments') } },
  { file: 'reminders/index.astro', url: () => '/staff/reminders', params: () => ({}), page: load(() => import('../../src/pages/staff/reminders/index.astro')), as: 'sanghe.jw' },
  { file: 'talks/index.astro', url: () => '/staff/talks', params: () => ({}), page: load(() => import('../../src/pages/staff/talks/index.astro')), as: 'sanghe.jw' },
  { file: 'complaints/departments.astro', url: () => '/staff/complaints/departments', params: () => ({}), page: load(() => import('../../src/pages/staff/complaints/departments.astro')), as: 'sanghe.jw' },
  { file: 'integrity/[code]/index.astro', url: () => `/staff/integrity/${XINGYUAN}`, params: () => ({ code: XINGYUAN }), page: load(() => import('../../src/pages/staff/integrity/[code]/index.astro')), as: 'sanghe.jw' },
  { file: 'escalated/index.astro', url: () => '/staff/escalated', params: () => ({}), page: load(() => import('../../src/pages/staff/escalated/index.astro')), as: 'sanghe.jw', values: { reviewOn: '2027-06-30' }, terminal: ['end'] },
  // The case file's sheets take one POST, naming a real-name reporter (action=reveal), offered only with an approved release.
  { file: 'complaints/[id]/print/[sheet].astro', url: (f) => `/staff/complaints/${f.complaintId}/print/registration`, params: (f) => ({ id: f.complaintId, sheet: 'registration' }), page: load(() => import('../../src/pages/staff/complaints/[id]/print/[sheet].astro')), as: 'sanghe.cb', noForm: true, actions: ['reveal'] },
  { file: 'complaints/[id]/index.astro (handler)', url: (f) => `/staff/complaints/${f.complaintId}`, params: (f) => ({ id: f.complaintId }), page: load(() => import('../../src/pages/staff/complaints/[id]/index.astro')), as: 'sanghe.cb', terminal: CASE_TERMINAL() },
  { file: 'complaints/[id]/index.astro (county)', url: (f) => `/staff/complaints/${f.countyCaseId}`, params: (f) => ({ id: f.countyCaseId }), page: load(() => import('../../src/pages/staff/complaints/[id]/index.astro')), as: 'sanghe.jw', terminal: CASE_TERMINAL() },
  { file: 'complaints/[id]/index.astro (new case)', url: (f) => `/staff/complaints/${f.newComplaintId}`, params: (f) => ({ id: f.newComplaintId }), page: load(() => import('../../src/pages/staff/complaints/[id]/index.astro')), as: 'sanghe.jw', terminal: CASE_TERMINAL() },
];

/** Steps after which the case has left this commission's hands or its console (merged, sent on, decided). */
function CASE_TERMINAL(): string[] {
  return ['merge', 'forward', 'escalate', 'handDown', 'transfer', 'approve'];
}

/** The staff account's id, for tests that need it. */
export async function userIdOf(db: Db, username: string): Promise<string> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return row!.id;
}

/** The route's forms as the page offers them, with the route's own values put in. */
function formsFor<F>(route: FormRoute<F>, html: string, path: string): PageForm[] {
  return formsOf(html)
    .filter((form) => route.partial || form.action === null || form.action.split('?')[0] === path)
    .map((form) => ({
      ...form,
      fields: form.fields.map((field) => {
        const wanted = route.values?.[field.name];
        if (wanted === undefined || field.button) return field;
        return { ...field, value: wanted === '@last' ? (field.options?.at(-1) ?? field.value) : wanted };
      }),
    }));
}

const buttonOf = (form: PageForm, index: number) => {
  const buttons = form.fields.filter((field) => field.button || field.name === 'action' || field.name === 'form');
  return buttons.length === 0 ? '' : buttons[index % buttons.length]!.value;
};

/**
 * The property for one staff route: each run reads the page as its user (which must run no script
 * from anything an earlier run stored), picks one of its POST forms and the button pressed, attacks
 * one to three fields (replaced by hostile values, left out, sent twice, joined by strangers), may
 * replace the valid file by hostile ones, sends it as one of the body types, and holds the answer
 * to the rule of `expectSafeAnswer`: no 5xx; a refusal says why in Chinese and leaves every table
 * as it was. A synthetic form with a hostile `action`/`form` value reaches the pages' unknown-action
 * branches. Returns the counts of refused and accepted inputs.
 */
export function fuzzFormRoute<F>(route: FormRoute<F>, context: () => { harness: Harness; fixtures: F }, numRuns: number): void {
  it(`POST ${route.file}${route.as ? ` as ${route.as}` : ''}: hostile forms get a 4xx with a Chinese message and change nothing, accepted ones show escaped`, async () => {
    const { harness, fixtures } = context();
    const page = await route.page();
    const url = route.url(fixtures);
    const path = url.split('?')[0]!;
    const read = async () => {
      const body = route.readWith ? encodeBody(Object.entries(route.readWith(fixtures)), 'urlencoded') : undefined;
      if (route.endpoint) return [];
      const got = await harness.send(page, { url, params: route.params(fixtures), as: route.as, body: body?.body, headers: body?.headers });
      await expectSafeAnswer(got, { label: `${body ? 'POST' : 'GET'} ${url}`, harness });
      return formsFor(route, got.text, path);
    };
    if (!route.noForm) expect((await read()).length, `${route.file} offers forms`).toBeGreaterThan(0);
    const counts = { refused: 0, accepted: 0 };
    const parameters = runs(numRuns);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer(), bodyKind, fc.array(fc.nat(), { maxLength: 2 }), fc.boolean(), fc.option(markupInText, { freq: 3 }), fc.context(), async (formIndex, buttonIndex, seed, kind, filePicks, keepFile, gentle, log) => {
        run += 1;
        const late = run > (parameters.numRuns ?? 100) * 0.8;
        const synthetic: PageForm[] = ['none', ...(route.actions ?? [])].map((value) => ({ action: null, multipart: false, files: [], fields: [{ name: 'action', value, kind: 'choice' }, { name: 'form', value, kind: 'choice' }] }));
        const forms = [...(await read()), ...synthetic].filter((form) => late || !route.terminal?.includes(buttonOf(form, buttonIndex)));
        const form = forms[formIndex % forms.length]!;
        const base = pairsOf(form, buttonIndex);
        const kinds = base.map(([name]) => form.fields.find((field) => field.name === name)?.kind ?? 'text');
        // One run in three puts markup into one text field of an otherwise valid form: input that is
        // accepted, stored and shown again, which is where a page could run it.
        const texts = kinds.flatMap((fieldKind, index) => (fieldKind === 'text' ? [index] : []));
        const list = gentle !== null && texts.length > 0 ? [{ op: 'replace' as const, index: texts[(seed >>> 0) % texts.length]!, value: gentle }] : fc.sample(mutations((index) => kinds[index]!, base.length), { numRuns: 1, seed })[0]!;
        const pairs = applyMutations(base, list);
        const files: UploadPart[] = [];
        if (kind === 'multipart' || form.multipart) {
          for (const field of form.files) {
            const valid = route.files?.[field];
            if (valid && keepFile) files.push({ ...(await valid()), name: field });
          }
          for (const pick of filePicks) if (form.files.length > 0) files.push(fc.sample(hostileFile(form.files[pick % form.files.length]!), { numRuns: 1, seed: pick })[0]!);
        }
        const encoded = encodeBody(pairs, form.multipart && kind === 'urlencoded' ? 'multipart' : kind, files);
        const target = route.partial ? url : (form.action ?? url);
        log.log(`${kind} → ${target}: ${JSON.stringify(pairs).slice(0, 600)} files=${files.map((file) => `${file.name}:${file.filename}`).join(',')}`);
        if (route.as) await harness.signIn(route.as);
        const before = await harness.rowCounts();
        const answer = await harness.send(page, { url: target, params: route.params(fixtures), as: route.as, body: encoded.body, headers: encoded.headers, endpoint: route.endpoint });
        counts[(await expectSafeAnswer(answer, { label: `POST ${target}`, before, harness, formPage: true })) ? 'refused' : 'accepted'] += 1;
        if (process.env.HOSTILE_DEBUG) console.info(route.file, answer.status, (answer.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 200), JSON.stringify(pairs).slice(0, 300));
      }),
      parameters,
    );
    // 1 MB in one text field of a form (two runs: every layer copies it).
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), hugeString, fc.boolean(), async (formIndex, fieldIndex, huge, multipart) => {
        const forms = (await read()).filter((form) => !route.terminal?.includes(buttonOf(form, 0)) && form.fields.some((field) => field.kind === 'text'));
        if (forms.length === 0) return;
        const form = forms[formIndex % forms.length]!;
        const pairs = pairsOf(form);
        const texts = pairs.flatMap(([name], index) => (form.fields.find((field) => field.name === name)?.kind === 'text' ? [index] : []));
        const index = texts[fieldIndex % texts.length]!;
        pairs[index] = [pairs[index]![0], huge];
        const encoded = encodeBody(pairs, multipart || form.multipart ? 'multipart' : 'urlencoded');
        const target = route.partial ? url : (form.action ?? url);
        if (route.as) await harness.signIn(route.as);
        const before = await harness.rowCounts();
        const answer = await harness.send(page, { url: target, params: route.params(fixtures), as: route.as, body: encoded.body, headers: encoded.headers });
        counts[(await expectSafeAnswer(answer, { label: `POST ${target} (1 MB ${pairs[index]![0]})`, before, harness, formPage: true })) ? 'refused' : 'accepted'] += 1;
      }),
      runs(2),
    );
    // The page as it stands after every accepted input: still nothing runs.
    await read();
    tally[route.file] = counts;
  }, FUZZ_TIMEOUT_MS);
}

/** Per-route counts of refused and accepted inputs, for the file's summary line. */
export const tally: Record<string, { refused: number; accepted: number }> = {};

const staffPage = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
const staffEndpoint = (loader: () => Promise<unknown>) => async () => (await loader()) as never;
const QUEUE_QUERY = ['q', 'handler', 'status', 'category', 'subject', 'zone', 'area', 'overdue', 'merged', 'page'];
const ACTS_QUERY = ['category', 'area', 'from', 'through', 'done'];

/**
 * Every staff route of the authorization matrix read with GET (pages, the htmx fragment, exports,
 * templates, downloads, print sheets), with its path and query parameters, as an account that may
 * read it. `fixtures` is read when the test runs.
 */
export function staffGetRoutes(fixtures: () => StaffFixtures): GetRoute[] {
  const f = fixtures;
  return [
    { name: '/staff', page: staffPage(() => import('../../src/pages/staff/index.astro')), params: () => ({}), path: () => '/staff', query: [], as: 'sanghe.jw' },
    { name: '/staff/password', page: staffPage(() => import('../../src/pages/staff/password.astro')), params: () => ({}), path: () => '/staff/password', query: ['changed'], as: 'qianying.kj' },
    { name: '/staff/inbox', page: staffPage(() => import('../../src/pages/staff/inbox.astro')), params: () => ({}), path: () => '/staff/inbox', query: ['saved'], as: 'sanghe.cb' },
    { name: '/staff/users', page: staffPage(() => import('../../src/pages/staff/users/index.astro')), params: () => ({}), path: () => '/staff/users', query: ['role', 'q', 'disabled', 'page'], as: 'sanghe.jw' },
    { name: '/staff/users/new', page: staffPage(() => import('../../src/pages/staff/users/new.astro')), params: () => ({}), path: () => '/staff/users/new', query: ['role'], as: 'demo.admin' },
    { name: '/staff/users/[id]', page: staffPage(() => import('../../src/pages/staff/users/[id].astro')), params: () => ({ id: f().spareUserId }), path: (p) => `/staff/users/${p.id}`, query: ['created', 'done'], as: 'demo.admin' },
    { name: '/staff/lists', page: staffPage(() => import('../../src/pages/staff/lists/index.astro')), params: () => ({}), path: () => '/staff/lists', query: [], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]', page: staffPage(() => import('../../src/pages/staff/lists/[county]/index.astro')), params: () => ({ county: SANGHE }), path: (p) => `/staff/lists/${p.county}`, query: ['saved'], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/index.astro')), params: () => ({ county: SANGHE }), path: (p) => `/staff/lists/${p.county}/draft`, query: ['saved'], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft/items/[item]', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/items/[item].astro')), params: () => ({ county: SANGHE, item: 'SP-01' }), path: (p) => `/staff/lists/${p.county}/draft/items/${p.item}`, query: ['saved'], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft/custom/[code]', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/custom/[code].astro')), params: () => ({ county: SANGHE, code: 'DF-01' }), path: (p) => `/staff/lists/${p.county}/draft/custom/${p.code}`, query: ['saved'], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft/preview', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/preview.astro')), params: () => ({ county: SANGHE }), path: (p) => `/staff/lists/${p.county}/draft/preview`, query: [], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft/preview/[item]', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/preview/[item].astro')), params: () => ({ county: SANGHE, item: 'SP-01' }), path: (p) => `/staff/lists/${p.county}/draft/preview/${p.item}`, query: [], as: 'sanghe.jw' },
    { name: '/staff/lists/[county]/draft/publish', page: staffPage(() => import('../../src/pages/staff/lists/[county]/draft/publish.astro')), params: () => ({ county: SANGHE }), path: (p) => `/staff/lists/${p.county}/draft/publish`, query: [], as: 'sanghe.jw' },
    { name: '/staff/audit', page: staffPage(() => import('../../src/pages/staff/audit/index.astro')), params: () => ({}), path: () => '/staff/audit', query: ['action', 'actor', 'from', 'to', 'scope', 'page'], as: 'sanghe.jw' },
    { name: '/staff/ledgers', page: staffPage(() => import('../../src/pages/staff/ledgers/index.astro')), params: () => ({}), path: () => '/staff/ledgers', query: ['period'], as: 'qianying.kj' },
    { name: '/staff/ledgers/[id]', page: staffPage(() => import('../../src/pages/staff/ledgers/[id]/index.astro')), params: () => ({ id: String(f().draftId) }), path: (p) => `/staff/ledgers/${p.id}`, query: ['done', 'view', 'tab'], as: 'qianying.kj' },
    { name: '/staff/ledgers/villages', page: staffPage(() => import('../../src/pages/staff/ledgers/villages.astro')), params: () => ({}), path: () => '/staff/ledgers/villages', query: ['township', 'scope', 'done'], as: 'sanghe.jw' },
    { name: '/staff/ledgers/[id]/entries/[line]', page: staffPage(() => import('../../src/pages/staff/ledgers/[id]/entries/[line].astro')), params: () => ({ id: String(f().draftId), line: '1' }), path: (p) => `/staff/ledgers/${p.id}/entries/${p.line}`, query: ['done', 'view'], as: 'qianying.kj' },
    { name: '/partials/staff/ledgers/[id]/entries/[line]', page: staffPage(() => import('../../src/pages/partials/staff/ledgers/[id]/entries/[line].astro')), params: () => ({ id: String(f().draftId), line: '1' }), path: (p) => `/partials/staff/ledgers/${p.id}/entries/${p.line}`, query: ['view'], as: 'qianying.kj' },
    { name: '/staff/ledgers/[id]/vouchers/[attachment]', page: staffEndpoint(() => import('../../src/pages/staff/ledgers/[id]/vouchers/[attachment].ts')), params: () => ({ id: String(f().draftId), attachment: f().voucherId }), path: (p) => `/staff/ledgers/${p.id}/vouchers/${p.attachment}`, query: ['view'], as: 'qianying.kj', endpoint: true },
    { name: '/staff/ledgers/template', page: staffEndpoint(() => import('../../src/pages/staff/ledgers/template.ts')), params: () => ({}), path: () => '/staff/ledgers/template', query: ['format', 'period'], as: 'qianying.kj', endpoint: true },
    { name: '/staff/livelihood', page: staffPage(() => import('../../src/pages/staff/livelihood/index.astro')), params: () => ({}), path: () => '/staff/livelihood', query: ['item', 'done'], as: 'sanghe.mzj' },
    { name: '/staff/livelihood/batches', page: staffPage(() => import('../../src/pages/staff/livelihood/batches/index.astro')), params: () => ({}), path: () => '/staff/livelihood/batches', query: ['page'], as: 'sanghe.mzj' },
    { name: '/staff/livelihood/batches/[id]', page: staffPage(() => import('../../src/pages/staff/livelihood/batches/[id].astro')), params: () => ({ id: f().livelihoodBatchId }), path: (p) => `/staff/livelihood/batches/${p.id}`, query: ['done'], as: 'sanghe.mzj' },
    { name: '/staff/livelihood/template', page: staffEndpoint(() => import('../../src/pages/staff/livelihood/template.ts')), params: () => ({}), path: () => '/staff/livelihood/template', query: ['format'], as: 'sanghe.mzj', endpoint: true },
    { name: '/staff/livelihood/registries', page: staffPage(() => import('../../src/pages/staff/livelihood/registries/index.astro')), params: () => ({}), path: () => '/staff/livelihood/registries', query: ['done', 'rows', 'kind'], as: 'sanghe.jw' },
    { name: '/staff/livelihood/registries/template', page: staffEndpoint(() => import('../../src/pages/staff/livelihood/registries/template.ts')), params: () => ({}), path: () => '/staff/livelihood/registries/template', query: ['kind', 'format'], as: 'sanghe.jw', endpoint: true },
    { name: '/staff/livelihood/hits', page: staffPage(() => import('../../src/pages/staff/livelihood/hits/index.astro')), params: () => ({}), path: () => '/staff/livelihood/hits', query: ['rule', 'page', 'cleared'], as: 'sanghe.jw' },
    { name: '/staff/livelihood/suspects', page: staffPage(() => import('../../src/pages/staff/livelihood/suspects/index.astro')), params: () => ({}), path: () => '/staff/livelihood/suspects', query: ['show', 'page'], as: 'sanghe.jw' },
    { name: '/staff/livelihood/suspects/new', page: staffPage(() => import('../../src/pages/staff/livelihood/suspects/new.astro')), params: () => ({}), path: () => '/staff/livelihood/suspects/new', query: ['hit'], as: 'sanghe.jw' },
    { name: '/staff/livelihood/suspects/[id]', page: staffPage(() => import('../../src/pages/staff/livelihood/suspects/[id].astro')), params: () => ({ id: f().livelihoodSuspectId }), path: (p) => `/staff/livelihood/suspects/${p.id}`, query: ['done'], as: 'sanghe.mzj' },
    { name: '/staff/zones', page: staffPage(() => import('../../src/pages/staff/zones/index.astro')), params: () => ({}), path: () => '/staff/zones', query: ['county', 'zone', 'done'], as: 'sanghe.jw' },
    { name: '/staff/zones/tasks', page: staffPage(() => import('../../src/pages/staff/zones/tasks.astro')), params: () => ({}), path: () => '/staff/zones/tasks', query: ['county', 'done'], as: 'sanghe.jw' },
    { name: '/staff/zones/cross-checks', page: staffPage(() => import('../../src/pages/staff/zones/cross-checks.astro')), params: () => ({}), path: () => '/staff/zones/cross-checks', query: ['county', 'done'], as: 'sanghe.jw' },
    { name: '/staff/zones/assessment', page: staffPage(() => import('../../src/pages/staff/zones/assessment.astro')), params: () => ({}), path: () => '/staff/zones/assessment', query: ['county', 'period', 'done'], as: 'sanghe.jw' },
    { name: '/staff/direct-report', page: staffPage(() => import('../../src/pages/staff/direct-report/index.astro')), params: () => ({}), path: () => '/staff/direct-report', query: [], as: 'qianying.jjwy' },
    { name: '/staff/reminders', page: staffPage(() => import('../../src/pages/staff/reminders/index.astro')), params: () => ({}), path: () => '/staff/reminders', query: ['county', 'done'], as: 'sanghe.jw' },
    { name: '/staff/talks', page: staffPage(() => import('../../src/pages/staff/talks/index.astro')), params: () => ({}), path: () => '/staff/talks', query: ACTS_QUERY, as: 'sanghe.jw' },
    { name: '/staff/talks/export', page: staffEndpoint(() => import('../../src/pages/staff/talks/export.ts')), params: () => ({}), path: () => '/staff/talks/export', query: ACTS_QUERY, as: 'sanghe.jw', endpoint: true },
    { name: '/staff/complaints/departments', page: staffPage(() => import('../../src/pages/staff/complaints/departments.astro')), params: () => ({}), path: () => '/staff/complaints/departments', query: ['county', 'done'], as: 'sanghe.jw' },
    { name: '/staff/escalated', page: staffPage(() => import('../../src/pages/staff/escalated/index.astro')), params: () => ({}), path: () => '/staff/escalated', query: ['done'], as: 'sanghe.jw' },
    { name: '/staff/integrity', page: staffPage(() => import('../../src/pages/staff/integrity/index.astro')), params: () => ({}), path: () => '/staff/integrity', query: ['scope', 'township'], as: 'sanghe.jw' },
    { name: '/staff/integrity/[code]', page: staffPage(() => import('../../src/pages/staff/integrity/[code]/index.astro')), params: () => ({ code: XINGYUAN }), path: (p) => `/staff/integrity/${p.code}`, query: ['done'], as: 'sanghe.jw' },
    { name: '/staff/integrity/[code]/judgements/[id]', page: staffPage(() => import('../../src/pages/staff/integrity/[code]/judgements/[id].astro')), params: () => ({ code: XINGYUAN, id: f().judgementId }), path: (p) => `/staff/integrity/${p.code}/judgements/${p.id}`, query: [], as: 'sanghe.jw' },
    { name: '/staff/complaints', page: staffPage(() => import('../../src/pages/staff/complaints/index.astro')), params: () => ({}), path: () => '/staff/complaints', query: QUEUE_QUERY, as: 'sanghe.jw' },
    { name: '/staff/complaints/export', page: staffEndpoint(() => import('../../src/pages/staff/complaints/export.ts')), params: () => ({}), path: () => '/staff/complaints/export', query: QUEUE_QUERY, as: 'sanghe.jw', endpoint: true },
    { name: '/staff/complaints/export.xlsx', page: staffEndpoint(() => import('../../src/pages/staff/complaints/export.xlsx.ts')), params: () => ({}), path: () => '/staff/complaints/export.xlsx', query: QUEUE_QUERY, as: 'sanghe.jw', endpoint: true },
    { name: '/staff/complaints/today', page: staffPage(() => import('../../src/pages/staff/complaints/today.astro')), params: () => ({}), path: () => '/staff/complaints/today', query: [], as: 'sanghe.jw' },
    { name: '/staff/complaints/sent', page: staffPage(() => import('../../src/pages/staff/complaints/sent/index.astro')), params: () => ({}), path: () => '/staff/complaints/sent', query: ['page'], as: 'sanghe.jw' },
    { name: '/staff/complaints/sent/[id]', page: staffPage(() => import('../../src/pages/staff/complaints/sent/[id].astro')), params: () => ({ id: f().sentReferralId }), path: (p) => `/staff/complaints/sent/${p.id}`, query: [], as: 'sanghe.jw' },
    { name: '/staff/complaints/[id]', page: staffPage(() => import('../../src/pages/staff/complaints/[id]/index.astro')), params: () => ({ id: f().complaintId }), path: (p) => `/staff/complaints/${p.id}`, query: ['done'], as: 'sanghe.jw' },
    { name: '/staff/complaints/[id]/print/[sheet]', page: staffPage(() => import('../../src/pages/staff/complaints/[id]/print/[sheet].astro')), params: () => ({ id: f().complaintId, sheet: 'registration' }), path: (p) => `/staff/complaints/${p.id}/print/${p.sheet}`, query: [], as: 'sanghe.jw' },
    { name: '/staff/complaints/[id]/attachments/[attachment]', page: staffEndpoint(() => import('../../src/pages/staff/complaints/[id]/attachments/[attachment].ts')), params: () => ({ id: f().complaintId, attachment: f().attachmentId }), path: (p) => `/staff/complaints/${p.id}/attachments/${p.attachment}`, query: ['original'], as: 'sanghe.cb', endpoint: true },
  ];
}
