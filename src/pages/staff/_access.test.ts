/**
 * The authorization matrix: every staff route × every role × inside/outside scope, for GET and
 * POST. Routes are rendered through Astro's container with the signed-in user the middleware
 * would set. A route file under src/pages/staff that is missing from ROUTES fails the first test,
 * so no new staff page can ship without a rule.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { users } from '../../../db/schema/auth.ts';
import { queryRows } from '../../lib/server/db.ts';
import { createTestDatabase, type TestDatabase, useDatabaseForTests } from '../../../tests/support/test-db.ts';
import { createUser } from '../../lib/server/auth/users.ts';
import { startDraft } from '../../lib/server/county-lists/drafts.ts';
import type { SessionUser } from '../../lib/server/auth/sessions.ts';
import { translator } from '../../i18n/index.ts';
import NotFound from '../404.astro';
import Forbidden from '../403.astro';
import Dashboard from './index.astro';
import Password from './password.astro';
import SignIn from './sign-in.astro';
import * as SignOut from './sign-out.ts';
import Users from './users/index.astro';
import NewUser from './users/new.astro';
import UserDetail from './users/[id].astro';
import Lists from './lists/index.astro';
import CountyLists from './lists/[county]/index.astro';
import Draft from './lists/[county]/draft/index.astro';
import DraftItem from './lists/[county]/draft/items/[item].astro';
import DraftCustom from './lists/[county]/draft/custom/[code].astro';
import DraftPreview from './lists/[county]/draft/preview.astro';
import DraftPreviewItem from './lists/[county]/draft/preview/[item].astro';
import DraftPublish from './lists/[county]/draft/publish.astro';
import Audit from './audit/index.astro';
import Ledgers from './ledgers/index.astro';
import LedgerWorkspace from './ledgers/[id]/index.astro';
import LedgerOverview from './ledgers/villages.astro';
import LedgerEntry from './ledgers/[id]/entries/[line].astro';
import * as LedgerTemplate from './ledgers/template.ts';
import * as LedgerVoucher from './ledgers/[id]/vouchers/[attachment].ts';
import { addVoucher } from '../../lib/server/accounts/vouchers.ts';
import sharp from 'sharp';
import ComplaintQueue from './complaints/index.astro';
import Zones from './zones/index.astro';
import ZoneTasks from './zones/tasks.astro';
import ZoneCrossChecks from './zones/cross-checks.astro';
import ZoneAssessment from './zones/assessment.astro';
import ComplaintCase from './complaints/[id]/index.astro';
import ComplaintSheet from './complaints/[id]/print/[sheet].astro';
import ComplaintToday from './complaints/today.astro';
import Inbox from './inbox.astro';
import Escalated from './escalated/index.astro';
import IntegrityList from './integrity/index.astro';
import IntegrityVillage from './integrity/[code]/index.astro';
import IntegrityJudgement from './integrity/[code]/judgements/[id].astro';
import { assignLeader, designate } from '../../lib/server/supervision/escalated.ts';
import { writeJudgement } from '../../lib/server/supervision/judgements.ts';
import LivelihoodItems from './livelihood/index.astro';
import LivelihoodBatches from './livelihood/batches/index.astro';
import LivelihoodBatch from './livelihood/batches/[id].astro';
import * as LivelihoodTemplate from './livelihood/template.ts';
import LivelihoodRegistries from './livelihood/registries/index.astro';
import LivelihoodHits from './livelihood/hits/index.astro';
import LivelihoodSuspects from './livelihood/suspects/index.astro';
import LivelihoodSuspectNew from './livelihood/suspects/new.astro';
import LivelihoodSuspect from './livelihood/suspects/[id].astro';
import { livelihoodHits } from '../../../db/schema/livelihood-checks.ts';
import { importRegistry } from '../../lib/server/livelihood/registries.ts';
import { sendSuspect } from '../../lib/server/livelihood/suspects.ts';
import { importBatch } from '../../lib/server/livelihood/batches.ts';
import { checkCharacter } from '../../lib/server/livelihood/id-number.ts';
import { addItem } from '../../lib/server/livelihood/items.ts';
import ComplaintsSent from './complaints/sent/index.astro';
import ComplaintSentTrace from './complaints/sent/[id].astro';
import { forwardComplaint } from '../../lib/server/complaints/casework.ts';
import { fileComplaint } from '../../lib/server/complaints/filing.ts';
import { actOnComplaint } from '../../lib/server/complaints/console.ts';
import { assignHandler, handDown } from '../../lib/server/complaints/casework.ts';
import { complaintProposals } from '../../../db/schema/complaint-casework.ts';
import { decide, releaseIdentity } from '../../../tests/support/complaint-steps.ts';
import { fileObjection } from '../../lib/server/complaints/tracking.ts';
import { complaintObjections } from '../../../db/schema/complaint-casework.ts';
import ComplaintDepartments from './complaints/departments.astro';
import DirectReport from './direct-report/index.astro';
import Reminders from './reminders/index.astro';
import Talks from './talks/index.astro';
import * as TalksExport from './talks/export.ts';
import { AUDIT_ACTIONS } from '../../lib/server/audit.ts';
import { todayInShanghai } from '../../lib/server/time.ts';
import { complaints } from '../../../db/schema/complaints.ts';
import { attachments } from '../../../db/schema/attachments.ts';
import * as ComplaintAttachment from './complaints/[id]/attachments/[attachment].ts';
import * as ComplaintExport from './complaints/export.ts';
import * as ComplaintExportXlsx from './complaints/export.xlsx.ts';
import LedgerEntryPartial from '../partials/staff/ledgers/[id]/entries/[line].astro';
import { addFundEntry, getDisclosure, getDisclosureByPeriod, openDraft } from '../../lib/server/accounts/disclosures.ts';
import { loadVillagePage } from '../../lib/server/accounts/ledger.ts';
import { addDays } from '../../lib/server/accounts/supervision.ts';
import { signOff } from '../../../tests/support/ledgers.ts';

type Who = 'admin' | 'sanghe' | 'liugang' | 'township' | 'agency' | 'cadre' | 'supervisor' | 'department' | 'liaison';
const EVERYONE: Who[] = ['admin', 'sanghe', 'liugang', 'township', 'agency', 'cadre', 'supervisor', 'department', 'liaison'];
const COMMISSIONS: Who[] = ['admin', 'sanghe', 'liugang', 'township'];
const SANGHE_LIST: Who[] = ['admin', 'sanghe'];

const SANGHE = '990121000000';
let cadreId = '';
/** 前营村 2026-Q3, submitted by the demo seed: waiting for the supervisor. */
let submittedId = 0;
/** A draft of 前营村 with one entry, opened by this test. */
let draftId = 0;

interface RouteCase {
  file: string;
  url: () => string;
  params: () => Record<string, string>;
  page: Parameters<AstroContainer['renderToResponse']>[0];
  allowed: Who[];
  /** Form body for the POST check; undefined when the route takes no POST. */
  post?: string;
  /** Who may POST, when that differs from who may GET. */
  postAllowed?: Who[];
}

const ROUTES: RouteCase[] = [
  { file: 'index.astro', url: () => '/staff', params: () => ({}), page: Dashboard, allowed: EVERYONE },
  { file: 'password.astro', url: () => '/staff/password', params: () => ({}), page: Password, allowed: EVERYONE, post: '' },
  // Every staff user's own inbox (their notices only; marking read and their contact).
  { file: 'inbox.astro', url: () => '/staff/inbox', params: () => ({}), page: Inbox, allowed: EVERYONE, post: 'action=readAll' },
  { file: 'users/index.astro', url: () => '/staff/users', params: () => ({}), page: Users, allowed: COMMISSIONS },
  { file: 'users/new.astro', url: () => '/staff/users/new', params: () => ({}), page: NewUser, allowed: COMMISSIONS, post: '' },
  // The cadre of 前营村 (桑河县, 桑河镇): visible to its county and township commissions, not to 柳岗县.
  { file: 'users/[id].astro', url: () => `/staff/users/${cadreId}`, params: () => ({ id: cadreId }), page: UserDetail, allowed: ['admin', 'sanghe', 'township'], post: 'action=none' },
  { file: 'lists/index.astro', url: () => '/staff/lists', params: () => ({}), page: Lists, allowed: COMMISSIONS },
  { file: 'lists/[county]/index.astro', url: () => `/staff/lists/${SANGHE}`, params: () => ({ county: SANGHE }), page: CountyLists, allowed: SANGHE_LIST, post: '' },
  { file: 'lists/[county]/draft/index.astro', url: () => `/staff/lists/${SANGHE}/draft`, params: () => ({ county: SANGHE }), page: Draft, allowed: SANGHE_LIST, post: 'adopt=SP-01&adopt=FW-01' },
  { file: 'lists/[county]/draft/items/[item].astro', url: () => `/staff/lists/${SANGHE}/draft/items/SP-01`, params: () => ({ county: SANGHE, item: 'SP-01' }), page: DraftItem, allowed: SANGHE_LIST, post: 'localNote=' },
  { file: 'lists/[county]/draft/custom/[code].astro', url: () => `/staff/lists/${SANGHE}/draft/custom/DF-01`, params: () => ({ county: SANGHE, code: 'DF-01' }), page: DraftCustom, allowed: SANGHE_LIST, post: 'name=' },
  { file: 'lists/[county]/draft/preview.astro', url: () => `/staff/lists/${SANGHE}/draft/preview`, params: () => ({ county: SANGHE }), page: DraftPreview, allowed: SANGHE_LIST },
  { file: 'lists/[county]/draft/preview/[item].astro', url: () => `/staff/lists/${SANGHE}/draft/preview/SP-01`, params: () => ({ county: SANGHE, item: 'SP-01' }), page: DraftPreviewItem, allowed: SANGHE_LIST },
  { file: 'lists/[county]/draft/publish.astro', url: () => `/staff/lists/${SANGHE}/draft/publish`, params: () => ({ county: SANGHE }), page: DraftPublish, allowed: SANGHE_LIST, post: 'effectiveOn=&note=' },
  { file: 'audit/index.astro', url: () => '/staff/audit', params: () => ({}), page: Audit, allowed: COMMISSIONS },
  // Everyone has a ledger page (their village, or a review queue); only the cadre opens periods.
  // A county department (桑河县民政局) and a direct reporting point (前营村's liaison) have no part in village accounts, not even the queue.
  { file: 'ledgers/index.astro', url: () => '/staff/ledgers', params: () => ({}), page: Ledgers, allowed: EVERYONE.filter((who) => who !== 'department' && who !== 'liaison'), post: 'period=', postAllowed: ['cadre'] },
  // Livelihood subsidy items: the department's own page; nobody else defines what a department pays.
  { file: 'livelihood/index.astro', url: () => '/staff/livelihood', params: () => ({}), page: LivelihoodItems, allowed: ['department'], post: 'name=' },
  // Payment batches: the paying department imports, publishes and withdraws its own; nobody else touches them.
  { file: 'livelihood/batches/index.astro', url: () => '/staff/livelihood/batches', params: () => ({}), page: LivelihoodBatches, allowed: ['department'], post: 'period=' },
  { file: 'livelihood/batches/[id].astro', url: () => `/staff/livelihood/batches/${livelihoodBatchId}`, params: () => ({ id: livelihoodBatchId }), page: LivelihoodBatch, allowed: ['department'], post: 'action=none' },
  // Registries for the cross-checks: the county commission of each county imports its own (柳岗县's for 柳岗县); nobody else.
  { file: 'livelihood/registries/index.astro', url: () => '/staff/livelihood/registries', params: () => ({}), page: LivelihoodRegistries, allowed: ['sanghe', 'liugang'], post: 'action=import' },
  // Cross-check hits: the commissions of the county or above and the paying department (its own items); not townships, villages or administrators.
  { file: 'livelihood/hits/index.astro', url: () => '/staff/livelihood/hits', params: () => ({}), page: LivelihoodHits, allowed: ['sanghe', 'liugang', 'department'] },
  // Suspects (疑点核查): read as the hits are; the county commission of the hit's county sends and reviews, the paying department answers and corrects.
  { file: 'livelihood/suspects/index.astro', url: () => '/staff/livelihood/suspects', params: () => ({}), page: LivelihoodSuspects, allowed: ['sanghe', 'liugang', 'department'] },
  { file: 'livelihood/suspects/new.astro', url: () => `/staff/livelihood/suspects/new?hit=${livelihoodHitId}`, params: () => ({}), page: LivelihoodSuspectNew, allowed: ['sanghe'], post: 'body=' },
  { file: 'livelihood/suspects/[id].astro', url: () => `/staff/livelihood/suspects/${livelihoodSuspectId}`, params: () => ({ id: livelihoodSuspectId }), page: LivelihoodSuspect, allowed: ['sanghe', 'department'], post: 'form=answer', postAllowed: ['department'] },
  // 前营村 (桑河镇, 桑河县): its people, its township agency, its township and county commissions, and
  // administrators may look; only the supervisor may countersign a submitted period.
  { file: 'ledgers/[id]/index.astro', url: () => `/staff/ledgers/${submittedId}`, params: () => ({ id: String(submittedId) }), page: LedgerWorkspace, allowed: ['admin', 'sanghe', 'township', 'agency', 'cadre', 'supervisor'], post: 'action=countersign', postAllowed: ['supervisor'] },
  // The village overview: the agency and the commissions, each for its own scope; only the agency sets a cadence (前营村's, unchanged).
  { file: 'ledgers/villages.astro', url: () => '/staff/ledgers/villages', params: () => ({}), page: LedgerOverview, allowed: ['sanghe', 'liugang', 'township', 'agency'], post: 'village=990121001201&cadence=quarterly', postAllowed: ['agency'] },
  // Complaints: commissions only, and only the one the case is routed to (township commissions see
  // only cases assigned to them; administrators, cadres and supervisors see none).
  // Zones: a county commission manages its own county's (no ?county= means "mine").
  { file: 'zones/index.astro', url: () => '/staff/zones', params: () => ({}), page: Zones, allowed: ['sanghe', 'liugang'], post: 'name=' },
  // Zone tasks and cross-checks: the county commission assigns and schedules (its own county); a
  // commission account sees those of its zones (桑河镇's is a member of 第一片区) or its township; nobody else.
  { file: 'zones/tasks.astro', url: () => '/staff/zones/tasks', params: () => ({}), page: ZoneTasks, allowed: ['sanghe', 'liugang', 'township'], post: 'action=assign&zone=', postAllowed: ['sanghe', 'liugang'] },
  { file: 'zones/cross-checks.astro', url: () => '/staff/zones/cross-checks', params: () => ({}), page: ZoneCrossChecks, allowed: ['sanghe', 'liugang', 'township'], post: 'action=schedule&subject=', postAllowed: ['sanghe', 'liugang'] },
  // The assessment per zone: the county commission only.
  { file: 'zones/assessment.astro', url: () => '/staff/zones/assessment', params: () => ({}), page: ZoneAssessment, allowed: ['sanghe', 'liugang'], post: 'tasks-none=1&cases-none=1' },
  // The county's transfer units and time limits: its own commission (no ?county= means "mine").
  // A direct reporting point (直报点): only the liaison files for villagers (an incomplete form: 400).
  { file: 'direct-report/index.astro', url: () => '/staff/direct-report', params: () => ({}), page: DirectReport, allowed: ['liaison'], post: 'title=' },
  // The county's reminders for its liaisons: the liaison reads, the county commission publishes (a township commission neither).
  { file: 'reminders/index.astro', url: () => '/staff/reminders', params: () => ({}), page: Reminders, allowed: ['sanghe', 'liugang', 'liaison'], post: 'action=add&title=', postAllowed: ['sanghe', 'liugang'] },
  // Reminders and talks (提醒谈话): every commission for its own area, a township's too.
  { file: 'talks/index.astro', url: () => '/staff/talks', params: () => ({}), page: Talks, allowed: ['sanghe', 'liugang', 'township'], post: 'note=' },
  { file: 'complaints/departments.astro', url: () => '/staff/complaints/departments', params: () => ({}), page: ComplaintDepartments, allowed: ['sanghe', 'liugang'], post: 'action=add&name=' },
  // Escalated supervision (issue 13): county and city commissions designate; a township commission sees the villages it leads (杏园村, designated below with 桑河镇 as leader).
  { file: 'escalated/index.astro', url: () => '/staff/escalated', params: () => ({}), page: Escalated, allowed: ['sanghe', 'liugang', 'township'], post: 'form=designate&villageCode=', postAllowed: ['sanghe', 'liugang'] },
  // The ranked integrity list: county (or city) commissions, each of its own scope.
  { file: 'integrity/index.astro', url: () => '/staff/integrity', params: () => ({}), page: IntegrityList, allowed: ['sanghe', 'liugang'] },
  // 杏园村's picture: its county commission and its 包联 leader (桑河镇's commission); the leader and the county record visits.
  { file: 'integrity/[code]/index.astro', url: () => '/staff/integrity/990121001204', params: () => ({ code: '990121001204' }), page: IntegrityVillage, allowed: ['sanghe', 'township'], post: 'form=visit&kind=visit&body=' },
  { file: 'integrity/[code]/judgements/[id].astro', url: () => `/staff/integrity/990121001204/judgements/${judgementId}`, params: () => ({ code: '990121001204', id: judgementId }), page: IntegrityJudgement, allowed: ['sanghe', 'township'] },
  { file: 'complaints/index.astro', url: () => '/staff/complaints', params: () => ({}), page: ComplaintQueue, allowed: ['sanghe', 'liugang', 'township'] },
  // What waits today: every commission for its own work (a township: its hand-downs); nobody else.
  { file: 'complaints/today.astro', url: () => '/staff/complaints/today', params: () => ({}), page: ComplaintToday, allowed: ['sanghe', 'liugang', 'township'] },
  // The cases a commission sent on: its own trace (a township sends nothing); one trace only for the sender — not the receiver.
  { file: 'complaints/sent/index.astro', url: () => '/staff/complaints/sent', params: () => ({}), page: ComplaintsSent, allowed: ['sanghe', 'liugang'] },
  { file: 'complaints/sent/[id].astro', url: () => `/staff/complaints/sent/${sentReferralId}`, params: () => ({ id: sentReferralId }), page: ComplaintSentTrace, allowed: ['sanghe'] },
  { file: 'complaints/[id]/index.astro', url: () => `/staff/complaints/${complaintId}`, params: () => ({ id: complaintId }), page: ComplaintCase, allowed: ['sanghe'], post: 'action=note&text=' + encodeURIComponent('已调取发包合同，待核实') },
  // The printed case file: whoever may handle the case (its commission; a township only once handed down).
  { file: 'complaints/[id]/print/[sheet].astro', url: () => `/staff/complaints/${complaintId}/print/registration`, params: () => ({ id: complaintId, sheet: 'registration' }), page: ComplaintSheet, allowed: ['sanghe'] },
  { file: 'ledgers/[id]/entries/[line].astro', url: () => `/staff/ledgers/${draftId}/entries/1`, params: () => ({ id: String(draftId), line: '1' }), page: LedgerEntry, allowed: ['cadre'], post: 'summary=' },
];

/** htmx fragments under src/pages/partials/staff: the same rules, but no redirects (401 for anyone signed out). */
const PARTIALS: RouteCase[] = [
  { file: 'ledgers/[id]/entries/[line].astro', url: () => `/partials/staff/ledgers/${draftId}/entries/1`, params: () => ({ id: String(draftId), line: '1' }), page: LedgerEntryPartial, allowed: ['cadre'], post: 'summary=' },
];
/** Routes outside the matrix, each tested on its own below. */
const SPECIAL = ['talks/export.ts', 'sign-in.astro', 'sign-out.ts', 'ledgers/template.ts', 'ledgers/[id]/vouchers/[attachment].ts', 'complaints/[id]/attachments/[attachment].ts', 'complaints/export.ts', 'complaints/export.xlsx.ts', 'livelihood/template.ts', 'livelihood/registries/template.ts'];
let voucherId = '';
let judgementId = '';
/** An anonymous complaint about 前营村, routed to the 桑河县 commission. */
let complaintId = '';
/** 桑河县's forward of another case to 柳岗县. */
let sentReferralId = '';
/** A payment batch of 桑河县民政局 for 前营村 (imported, not published). */
let livelihoodBatchId = '';
/** Its hit (王秀兰 recorded deceased) and the suspect 桑河县 sent to 桑河县民政局. */
let livelihoodHitId = '';
let livelihoodSuspectId = '';

let test: TestDatabase;
let container: AstroContainer;
const actors = new Map<Who, SessionUser>();

function listRouteFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listRouteFiles(full, `${prefix}${name}/`);
    return /\.test\.ts$/.test(name) ? [] : [`${prefix}${name}`];
  });
}

async function sessionUser(username: string): Promise<SessionUser> {
  const [row] = await test.db.select().from(users).where(eq(users.username, username));
  return { id: row!.id, username: row!.username, displayName: row!.displayName, role: row!.role, scopeCode: row!.scopeCode, mustChangePassword: false };
}

async function render(route: RouteCase, user: SessionUser | null, method: 'GET' | 'POST') {
  const url = `http://localhost${route.url()}`;
  const request =
    method === 'GET'
      ? new Request(url)
      : new Request(url, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' }, body: route.post ?? '' });
  const response = await container.renderToResponse(route.page, {
    request,
    params: route.params(),
    partial: false,
    locals: { lang: 'zh-CN', t: translator('zh-CN'), user, sessionId: null },
  });
  return { status: response.status, location: response.headers.get('Location'), body: await response.text() };
}

async function auditCount(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from audit_events`);
  return row!.n;
}

beforeAll(async () => {
  test = await createTestDatabase();
  useDatabaseForTests(test);
  container = await AstroContainer.create();
  container.insertPageRoute('/404', NotFound);
  container.insertPageRoute('/403', Forbidden);
  const admin = await sessionUser('demo.admin');
  // 桑河镇's commission (sanghezhen.jw) is in the demo seed; 柳岗县's is made here.
  for (const [username, scopeCode] of [['liugang.jw', '990122000000']] as const) {
    const created = await createUser(test.db, { ...admin, scopeCode: null }, { username, displayName: username, role: 'commission', scopeCode, password: 'matrix-test-password-1' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
  }
  actors.set('admin', admin);
  actors.set('sanghe', await sessionUser('sanghe.jw'));
  actors.set('liugang', await sessionUser('liugang.jw'));
  actors.set('township', await sessionUser('sanghezhen.jw'));
  actors.set('agency', await sessionUser('sanghe.jgz'));
  actors.set('cadre', await sessionUser('qianying.kj'));
  actors.set('supervisor', await sessionUser('qianying.jd'));
  actors.set('department', await sessionUser('sanghe.mzj'));
  actors.set('liaison', await sessionUser('qianying.jjwy'));
  cadreId = actors.get('cadre')!.id;
  const draft = await startDraft(test.db, admin, { countyCode: SANGHE });
  if (!draft.ok) throw new Error(JSON.stringify(draft.errors));
  submittedId = (await getDisclosureByPeriod(test.db, '990121001201', '2026-Q3'))!.id;
  const opened = await openDraft(test.db, null, '990121001201', '2024-Q4');
  if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
  draftId = opened.value.id;
  const added = await addFundEntry(test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-11-05', direction: 'income', amountFen: 50_000, subject: '其他收入', summary: '银行存款利息', counterparty: '桑河农商银行', voucherNo: '记-2024Q4-001', method: 'transfer' } });
  if (!added.ok) throw new Error(JSON.stringify(added.errors));
  const scan = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#eee' } }).png().toBuffer();
  const voucher = await addVoucher(test.db, actors.get('cadre')!, draftId, 1, new Uint8Array(scan));
  if (!voucher.ok) throw new Error(JSON.stringify(voucher.errors));
  voucherId = voucher.value.id;
  const evidence = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#9a9' } }).jpeg().withExif({ IFD0: { Model: 'MatrixPhone' } }).toBuffer();
  const filed = await fileComplaint(
    test.db,
    { category: 'assets', areaCode: '990121001201', title: '机动地发包不公开', content: '村北机动地今年重新发包，没有公告也没有开会，直接给了村干部亲属，价格偏低。', anonymous: true },
    { files: [{ bytes: new Uint8Array(evidence), name: 'IMG_2001.jpg' }], keepMetadata: true },
  );
  if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
  complaintId = (await test.db.select({ id: complaints.id }).from(complaints))[0]!.id;
  // A case 桑河县 forwarded to 柳岗县: the sender's trace.
  const sent = await fileComplaint(test.db, { category: 'conduct', areaCode: '990121001201', title: '柳岗县干部在桑河县的事', content: '柳岗县派驻的干部在桑河县前营村收取好处费，群众意见很大，请查处。', anonymous: true });
  if (!sent.ok) throw new Error(JSON.stringify(sent.errors));
  const [sentCase] = await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '柳岗县干部在桑河县的事'));
  const forwarded = await forwardComplaint(test.db, actors.get('sanghe')!, { complaintId: sentCase!.id, toScopeCode: '990122000000', reason: '被反映人系柳岗县管理的干部，按管理权限转送' });
  if (!forwarded.ok) throw new Error(JSON.stringify(forwarded.errors));
  sentReferralId = (await queryRows<{ id: string }>(test.db, sql`select id from complaint_referrals where complaint_id = ${sentCase!.id}`))[0]!.id;
  const livelihoodItem = await addItem(test.db, actors.get('department')!, { name: '最低生活保障金', standardText: '农村低保标准每人每月520元', legalBasis: '《社会救助暂行办法》（国务院令第649号）' });
  if (!livelihoodItem.ok) throw new Error(JSON.stringify(livelihoodItem.errors));
  const first17 = '43112119560312024';
  const livelihoodKey = { key: Buffer.alloc(32, 3), today: '2026-12-02' };
  // 王秀兰 is recorded as deceased before the payment: the batch leaves a hit, sent on as a suspect.
  const deaths = await importRegistry(test.db, actors.get('sanghe')!, { kind: 'deaths', sourceSha256: 'c'.repeat(64), rows: [{ 身份证号码: first17 + checkCharacter(first17), 死亡日期: '2026-10-01' }] }, livelihoodKey);
  if (!deaths.ok) throw new Error(JSON.stringify(deaths.errors));
  const livelihoodBatch = await importBatch(test.db, actors.get('department')!, { itemId: livelihoodItem.value.id, villageCode: '990121001201', period: '2026-11', sourceSha256: 'a'.repeat(64), rows: [{ name: '王秀兰', idNumber: first17 + checkCharacter(first17), amount: '520', paidOn: '2026-11-10' }] }, livelihoodKey);
  if (!livelihoodBatch.ok) throw new Error(JSON.stringify(livelihoodBatch.errors));
  livelihoodBatchId = livelihoodBatch.value.id;
  const [hit] = await test.db.select({ id: livelihoodHits.id }).from(livelihoodHits).where(eq(livelihoodHits.batchId, livelihoodBatchId));
  livelihoodHitId = String(hit!.id);
  const suspect = await sendSuspect(test.db, actors.get('sanghe')!, { hitId: hit!.id, body: '请核实王秀兰是否已于10月1日死亡，死亡后的低保金是否应停发。', dueOn: addDays(todayInShanghai(), 15) });
  if (!suspect.ok) throw new Error(JSON.stringify(suspect.errors));
  livelihoodSuspectId = suspect.value.id;
  const designated = await designate(test.db, actors.get('sanghe')!, { villageCode: '990121001204', reason: '城郊村，征地补偿款数额大', startsOn: '2026-10-01', reviewOn: '2027-03-31' });
  if (!designated.ok) throw new Error(JSON.stringify(designated.errors));
  const led = await assignLeader(test.db, actors.get('sanghe')!, { designationId: designated.value.id, leaderId: actors.get('township')!.id });
  if (!led.ok) throw new Error(JSON.stringify(led.errors));
  const judged = await writeJudgement(test.db, actors.get('sanghe')!, { designationId: designated.value.id, quarter: todayQuarter(), body: '本季度该村集体资产处置程序基本规范，但大额现金支付仍未杜绝，下一步重点监督征地补偿款发放。' });
  if (!judged.ok) throw new Error(JSON.stringify(judged.errors));
  judgementId = String(judged.value.id);
});

function todayQuarter(): string {
  const today = todayInShanghai();
  return `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
}
afterAll(async () => test?.dispose());

describe('authorization matrix', () => {
  it('has a rule for every staff route file', () => {
    const files = listRouteFiles(path.resolve('src/pages/staff'));
    const covered = new Set([...ROUTES.map((route) => route.file), ...SPECIAL]);
    expect(files.filter((file) => !covered.has(file))).toEqual([]);
    const partials = listRouteFiles(path.resolve('src/pages/partials/staff'));
    expect(partials.filter((file) => !PARTIALS.some((route) => route.file === file))).toEqual([]);
  });

  for (const route of PARTIALS) {
    it(`partial ${route.file}: signed-out requests get 401, never a page`, async () => {
      expect((await render(route, null, 'GET')).status).toBe(401);
      expect((await render(route, null, 'POST')).status).toBe(401);
    });
    for (const who of EVERYONE) {
      const allowed = route.allowed.includes(who);
      it(`partial ${route.file} as ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const get = await render(route, actors.get(who)!, 'GET');
        const before = await auditCount();
        const post = await render(route, actors.get(who)!, 'POST');
        if (allowed) {
          expect(get.status).toBe(200);
          expect(get.body).toContain('<form');
          expect([200, 400]).toContain(post.status);
        } else {
          expect([403, 404]).toContain(get.status);
          expect([403, 404]).toContain(post.status);
          expect(get.body).not.toContain('银行存款利息');
          expect(await auditCount()).toBe(before);
        }
      });
    }
  }

  for (const route of ROUTES) {
    it(`GET ${route.file}: anonymous visitors are sent to sign in`, async () => {
      const { status, location } = await render(route, null, 'GET');
      expect(status).toBe(303);
      expect(location).toMatch(/^\/staff\/sign-in\?next=/);
    });

    for (const who of EVERYONE) {
      const allowed = route.allowed.includes(who);
      it(`GET ${route.file} as ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const { status, location, body } = await render(route, actors.get(who)!, 'GET');
        if (allowed) {
          expect([200, 303]).toContain(status);
          if (status === 303) expect(location).not.toMatch(/sign-in/);
        } else {
          expect([403, 404]).toContain(status);
          // Refusals carry no data: not the draft, not the account, not the log.
          expect(body).not.toContain('qianying');
          expect(body).not.toContain('草稿');
          expect(body).not.toContain('audit_events');
          expect(body).not.toContain('机动地发包不公开');
        }
      });
    }
  }

  for (const route of ROUTES.filter((candidate) => candidate.post !== undefined)) {
    it(`POST ${route.file}: anonymous requests are refused`, async () => {
      expect((await render(route, null, 'POST')).status).toBe(401);
    });

    for (const who of EVERYONE) {
      const allowed = (route.postAllowed ?? route.allowed).includes(who);
      it(`POST ${route.file} as ${who}: ${allowed ? 'allowed' : 'refused, nothing written'}`, async () => {
        const before = await auditCount();
        const { status } = await render(route, actors.get(who)!, 'POST');
        if (allowed) {
          expect([200, 303, 400, 409]).toContain(status);
        } else {
          expect([403, 404]).toContain(status);
          expect(await auditCount()).toBe(before);
        }
      });
    }
  }
});

describe('special staff routes', () => {
  it('the reminders-and-talks CSV is for commissions only', async () => {
    const call = (user: SessionUser | null) =>
      TalksExport.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        url: new URL('http://localhost/staff/talks/export'),
        request: new Request('http://localhost/staff/talks/export'),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) expect((await call(actors.get(who)!)).status, who).toBe(['sanghe', 'liugang', 'township'].includes(who) ? 200 : 403);
  });

  it('sign-in is public and a signed-in visitor is sent to the staff home', async () => {
    const page = { file: 'sign-in.astro', url: () => '/staff/sign-in', params: () => ({}), page: SignIn, allowed: [] };
    expect((await render(page, null, 'GET')).status).toBe(200);
    const signedIn = await render(page, actors.get('cadre')!, 'GET');
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/staff');
  });

  it('sign-out accepts only POST and always lands on the sign-in page', async () => {
    expect(SignOut).not.toHaveProperty('GET');
    const cookies = { set: () => {} };
    const response = await SignOut.POST({ locals: { user: null, sessionId: null }, cookies, redirect: (to: string, status: number) => new Response(null, { status, headers: { Location: to } }) } as never);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/staff/sign-in');
  });

  it('the import template is for signed-in staff only', async () => {
    const call = (user: SessionUser | null) =>
      LedgerTemplate.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        url: new URL('http://localhost/staff/ledgers/template?format=csv'),
        request: new Request('http://localhost/staff/ledgers/template?format=csv'),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    expect((await call(null)).status).toBe(303);
    const response = await call(actors.get('cadre')!);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('会计科目');
  });

  /** The voucher route for `user`, as a download or (`?view=inline`) a preview. */
  const voucherCall = (user: SessionUser | null, query = '') => {
    const url = `http://localhost/staff/ledgers/${draftId}/vouchers/${voucherId}${query}`;
    return LedgerVoucher.GET({
      locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
      params: { id: String(draftId), attachment: voucherId },
      url: new URL(url),
      request: new Request(url),
      redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
      rewrite: async () => new Response('forbidden', { status: 403 }),
    } as never);
  };

  it('voucher scans download only for staff who may see the village’s ledger', async () => {
    const call = (user: SessionUser | null) => voucherCall(user);
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) {
      const response = await call(actors.get(who)!);
      const allowed = ['admin', 'sanghe', 'township', 'agency', 'cadre', 'supervisor'].includes(who);
      expect(response.status, who).toBe(allowed ? 200 : 403);
      if (allowed) {
        expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="voucher-[0-9a-f]{8}\.png"$/);
        expect(response.headers.get('Content-Type')).toBe('image/png');
      }
    }
  });

  it('voucher scans preview inline for the same people, still under a sandboxing policy', async () => {
    const call = (user: SessionUser | null) => voucherCall(user, '?view=inline');
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) {
      const response = await call(actors.get(who)!);
      expect(response.status, who).toBe(['admin', 'sanghe', 'township', 'agency', 'cadre', 'supervisor'].includes(who) ? 200 : 403);
      if (response.status === 200) {
        expect(response.headers.get('Content-Disposition')).toMatch(/^inline; filename="voucher-[0-9a-f]{8}\.png"$/);
        expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'; sandbox");
      }
    }
  });

  it('complaint attachments open only for the commission handling the case; opening an original is audited', async () => {
    const [file] = await test.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.complaintId, complaintId));
    const call = (user: SessionUser | null, original = false) => {
      const url = `http://localhost/staff/complaints/${complaintId}/attachments/${file!.id}${original ? '?original=1' : ''}`;
      return ComplaintAttachment.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        params: { id: complaintId, attachment: file!.id },
        url: new URL(url),
        request: new Request(url),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    };
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) expect((await call(actors.get(who)!)).status, who).toBe(who === 'sanghe' ? 200 : 403);
    const stored = Buffer.from(await (await call(actors.get('sanghe')!)).arrayBuffer());
    expect(stored.includes(Buffer.from('MatrixPhone'))).toBe(false);
    const before = await auditCount();
    const original = Buffer.from(await (await call(actors.get('sanghe')!, true)).arrayBuffer());
    expect(original.includes(Buffer.from('MatrixPhone'))).toBe(true);
    expect(await auditCount()).toBe(before + 1);
  });

  it('the payment list template is for departments only', async () => {
    const call = (user: SessionUser | null) =>
      LivelihoodTemplate.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        url: new URL('http://localhost/staff/livelihood/template?format=xlsx'),
        request: new Request('http://localhost/staff/livelihood/template?format=xlsx'),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) expect((await call(actors.get(who)!)).status, who).toBe(who === 'department' ? 200 : 403);
    expect((await call(actors.get('department')!)).headers.get('content-disposition')).toContain('fafang-mingdan-moban.xlsx');
  });

  it('the complaint export is for commissions only', async () => {
    const call = (user: SessionUser | null) =>
      ComplaintExport.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        url: new URL('http://localhost/staff/complaints/export'),
        request: new Request('http://localhost/staff/complaints/export'),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    expect((await call(null)).status).toBe(303);
    for (const who of EVERYONE) expect((await call(actors.get(who)!)).status, who).toBe(['sanghe', 'liugang', 'township'].includes(who) ? 200 : 403);
    expect(await (await call(actors.get('sanghe')!)).text()).toContain('机动地发包不公开');
    expect(await (await call(actors.get('liugang')!)).text()).not.toContain('机动地发包不公开');
    const xlsx = (user: SessionUser | null) =>
      ComplaintExportXlsx.GET({
        locals: { user, sessionId: null, lang: 'zh-CN', t: translator('zh-CN') },
        url: new URL('http://localhost/staff/complaints/export.xlsx'),
        request: new Request('http://localhost/staff/complaints/export.xlsx'),
        redirect: (to: string, status = 302) => new Response(null, { status, headers: { Location: to } }),
        rewrite: async () => new Response('forbidden', { status: 403 }),
      } as never);
    expect((await xlsx(null)).status).toBe(303);
    for (const who of EVERYONE) expect((await xlsx(actors.get(who)!)).status, who).toBe(['sanghe', 'liugang', 'township'].includes(who) ? 200 : 403);
  });

  it('a user who must change their password can open only the password page', async () => {
    const cadre = { ...actors.get('cadre')!, mustChangePassword: true };
    const dashboard = await render(ROUTES[0]!, cadre, 'GET');
    expect(dashboard.status).toBe(303);
    expect(dashboard.location).toBe('/staff/password');
    expect((await render(ROUTES[1]!, cadre, 'GET')).status).toBe(200);
  });
});

describe('the audit log keeps complaints to their handlers', () => {
  const REASON = '矩阵测试：需要电话联系反映人补充低保评审材料';
  const NOTE = '矩阵测试：已调取低保评审会议记录';
  let caseId = '';
  const today = todayInShanghai();
  /** Every value of every filter the page offers (and a combination), plus the next page. */
  const QUERIES = [
    '',
    ...AUDIT_ACTIONS.map((action) => `action=${action}`),
    'actor=sanghe.jw',
    `scope=${SANGHE}`,
    'scope=990121001203',
    `from=${today}&to=${today}`,
    `action=complaint.identityRevealed&actor=sanghe.jw&scope=${SANGHE}&from=${today}&to=${today}`,
    'page=2',
  ];
  const audit = (query: string): RouteCase => ({ file: 'audit/index.astro', url: () => `/staff/audit?${query}`, params: () => ({}), page: Audit, allowed: COMMISSIONS });
  const complaintLabels = AUDIT_ACTIONS.filter((action) => action.startsWith('complaint.')).map((action) => translator('zh-CN')(`audit.${action}`));

  beforeAll(async () => {
    const sanghe = actors.get('sanghe')!;
    const filed = await fileComplaint(test.db, {
      category: 'item',
      areaCode: '990121001203',
      title: '矩阵：河湾村低保名单有村干部亲属',
      content: '河湾村今年的低保名单里有三户是村干部的亲属，家里有车有楼房，真正困难的人家却没有评上。',
      anonymous: false,
      name: '孙丽娟',
      phone: '13655556666',
    });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    caseId = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '矩阵：河湾村低保名单有村干部亲属')))[0]!.id;
    for (const [action, text] of [['accept', ''], ['note', NOTE]] as const) {
      if (!(await actOnComplaint(test.db, sanghe, { complaintId: caseId, action, text })).ok) throw new Error(action);
    }
    await releaseIdentity(test.db, caseId, REASON);
  });

  for (const who of EVERYONE) {
    const handler = who === 'sanghe';
    const complaintsAtAll = ['sanghe', 'liugang', 'township'].includes(who);
    it(`as ${who}: ${handler ? 'the handler sees the case’s entries' : 'no trace of the case under any filter'}${complaintsAtAll ? '' : ', and no complaint filter'}`, async () => {
      for (const query of QUERIES) {
        const { status, body } = await render(audit(query), actors.get(who)!, 'GET');
        if (!handler) {
          for (const trace of [caseId, complaintId, REASON, NOTE, '孙丽娟']) expect(body, `${query}: ${trace}`).not.toContain(trace);
        }
        if (!complaintsAtAll) {
          expect([200, 403]).toContain(status);
          expect(body, query).not.toContain('complaint:');
          expect(body, query).not.toMatch(/value="complaint\./);
          for (const label of complaintLabels) expect(body, `${query}: ${label}`).not.toContain(label);
        }
      }
      if (handler) {
        const { body } = await render(audit('action=complaint.identityRevealed'), actors.get(who)!, 'GET');
        expect(body).toContain(REASON);
        expect(body).toContain(caseId);
        expect(body).toMatch(/value="complaint\.identityRevealed"/);
      }
    });
  }
});

describe('a case handed down to a township commission', () => {
  /** Assigned to 桑河镇's commission. */
  let handedDown = '';
  /** A likely duplicate that stays with the county: the township must learn nothing of it. */
  let countyOnly = '';
  const TITLE = '矩阵：县里保留的后营村养殖补贴案';
  const route = (): RouteCase => ({
    file: 'complaints/[id]/index.astro',
    url: () => `/staff/complaints/${handedDown}`,
    params: () => ({ id: handedDown }),
    page: ComplaintCase,
    allowed: ['sanghe', 'township'],
    post: `action=merge&into=${countyOnly}`,
  });
  const state = async () => ({
    audit: await auditCount(),
    merged: (await test.db.select({ id: complaints.id, into: complaints.mergedIntoId }).from(complaints).where(sql`${complaints.id} in (${handedDown}, ${countyOnly})`)).map((row) => row.into),
  });

  beforeAll(async () => {
    const content = '后营村去年的生猪养殖补贴按每头一百元发放，可是没有养猪的几户也领到了补贴，名单一直没有公示。';
    const one = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001202', title: '矩阵：后营村养殖补贴冒领', content, anonymous: true });
    const two = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001202', title: TITLE, content: content.replace('去年', '去年秋天'), anonymous: true });
    if (!one.ok || !two.ok) throw new Error('filing failed');
    const idOf = async (title: string) => (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    handedDown = await idOf('矩阵：后营村养殖补贴冒领');
    countyOnly = await idOf(TITLE);
    if (!(await actOnComplaint(test.db, actors.get('sanghe')!, { complaintId: handedDown, action: 'accept' })).ok) throw new Error('accept');
    const handed = await handDown(test.db, actors.get('sanghe')!, { complaintId: handedDown, townshipCode: '990121001000' });
    if (!handed.ok) throw new Error(JSON.stringify(handed.errors));
  });

  for (const who of EVERYONE) {
    const allowed = route().allowed.includes(who);
    it(`GET as ${who}: ${who === 'sanghe' ? 'suggests the county’s duplicate' : allowed ? 'suggests nothing outside its cases' : 'refused'}`, async () => {
      const { status, body } = await render(route(), actors.get(who)!, 'GET');
      expect(status).toBe(allowed ? 200 : 403);
      if (who === 'sanghe') expect(body).toContain(TITLE);
      else {
        expect(body).not.toContain(TITLE);
        expect(body).not.toContain(countyOnly);
      }
    });
  }

  for (const who of EVERYONE.filter((candidate) => candidate !== 'sanghe')) {
    it(`POST merge into the county’s case as ${who}: refused, nothing written`, async () => {
      const before = await state();
      const { status, body } = await render(route(), actors.get(who)!, 'POST');
      expect([403, 404]).toContain(status);
      // Merging is the county's step: the township is refused whatever the target, so nothing is learnt of it.
      if (who === 'township') expect(status).toBe(403);
      expect(body).not.toContain(TITLE);
      expect(await state()).toEqual(before);
    });
  }

  it('POST merge as the county, which handles both: merged', async () => {
    const { status, location } = await render(route(), actors.get('sanghe')!, 'POST');
    expect(status).toBe(303);
    expect(location).toBe(`/staff/complaints/${countyOnly}?done=merge`);
  });
});

describe('township hand-down scope (交办, 回避)', () => {
  /** Handed down to 桑河镇; about a 前营村 cadre. */
  let handed = '';
  /** A 桑河镇 case the county keeps. */
  let kept = '';
  /** About 桑河镇's own leadership: never the township's, even if a hand-down were forced. */
  let ownLeadership = '';
  const TITLES = { handed: '交办：前营村会计挪用公款', kept: '县留：前营村低保优亲厚友', own: '回避：桑河镇副镇长收受好处费' };
  const page = (id: () => string, post?: string): RouteCase => ({ file: 'complaints/[id]/index.astro', url: () => `/staff/complaints/${id()}`, params: () => ({ id: id() }), page: ComplaintCase, allowed: [], post });
  let dongling: SessionUser;

  beforeAll(async () => {
    const content = '前营村会计把去年的土地流转费借给亲戚做生意，至今没有归还，村民代表多次询问都没有答复。';
    const file = async (title: string, extra: Record<string, unknown> = {}) => {
      const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001201', subjectLevel: 'village_cadre', title, content, anonymous: true, ...extra });
      if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
      return (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, title)))[0]!.id;
    };
    handed = await file(TITLES.handed);
    kept = await file(TITLES.kept);
    ownLeadership = await file(TITLES.own, { areaCode: '990121001000', subjectLevel: 'township_leader' });
    const sanghe = actors.get('sanghe')!;
    for (const id of [handed, ownLeadership]) if (!(await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' })).ok) throw new Error('accept');
    if (!(await handDown(test.db, sanghe, { complaintId: handed, townshipCode: '990121001000' })).ok) throw new Error('hand down');
    const created = await createUser(test.db, null, { username: 'dongling.jw', displayName: '东岭乡纪委', role: 'commission', scopeCode: '990121002000', password: 'matrix-test-password-2' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    dongling = await sessionUser('dongling.jw');
  });

  it('refuses in the domain a hand-down of a case about the township’s own leadership', async () => {
    const before = await auditCount();
    const refused = await handDown(test.db, actors.get('sanghe')!, { complaintId: ownLeadership, townshipCode: '990121001000' });
    expect(refused).toMatchObject({ ok: false, errors: { townshipCode: expect.stringMatching(/回避/) } });
    expect(await auditCount()).toBe(before);
    // Another township may take it.
    expect((await handDown(test.db, actors.get('sanghe')!, { complaintId: ownLeadership, townshipCode: '990121002000' })).ok).toBe(true);
  });

  it('shows the township the case handed to it and nothing else — not the county’s, not one about its own leadership even if forced', async () => {
    // Forced past the domain (as a bug or a hand edit would): the reach rule still hides it.
    await test.db.update(complaints).set({ handedDownTo: '990121001000' }).where(eq(complaints.id, ownLeadership));
    const township = actors.get('township')!;
    expect((await render(page(() => handed), township, 'GET')).status).toBe(200);
    for (const id of [kept, ownLeadership]) {
      const { status, body } = await render(page(() => id), township, 'GET');
      expect(status).toBe(403);
      expect(body).not.toContain(TITLES.kept);
      expect(body).not.toContain(TITLES.own);
    }
    const queue = await render({ file: 'complaints/index.astro', url: () => '/staff/complaints', params: () => ({}), page: ComplaintQueue, allowed: [] }, township, 'GET');
    expect(queue.body).toContain(TITLES.handed);
    expect(queue.body).toMatch(/交办报告 \d{4}-\d{2}-\d{2}/); // its next deadline, and what it is for
    expect(queue.body).not.toContain(TITLES.kept);
    expect(queue.body).not.toContain(TITLES.own);
    const audit = await render({ file: 'audit/index.astro', url: () => '/staff/audit', params: () => ({}), page: Audit, allowed: [] }, township, 'GET');
    expect(audit.body).toContain(handed);
    expect(audit.body).not.toContain(ownLeadership);
    expect(audit.body).not.toContain(kept);
    // Another township commission of the county sees none of 桑河镇's.
    expect((await render(page(() => handed), dongling, 'GET')).status).toBe(403);
    await test.db.update(complaints).set({ handedDownTo: '990121002000' }).where(eq(complaints.id, ownLeadership));
  });

  it('lets the township send its report and nothing the county decides; the county reviews it', async () => {
    const township = actors.get('township')!;
    const before = await auditCount();
    for (const post of ['action=accept', 'action=handDown&townshipCode=990121002000', `action=conclude&text=${encodeURIComponent('经核查情况属实，已责令退还。')}`, 'action=review&decision=accept']) {
      expect((await render(page(() => handed, post), township, 'POST')).status, post).toBe(403);
    }
    expect(await auditCount()).toBe(before);
    const report = `action=report&text=${encodeURIComponent('经核查，前营村会计确将土地流转费三万元借给亲属，现已全部追回入账，建议对其诫勉谈话。')}`;
    expect((await render(page(() => handed, report), township, 'POST')).status).toBe(303);
    expect((await render(page(() => handed, report), township, 'POST')).status).toBe(400); // already reported
    // Someone else's township may not report on it.
    expect((await render(page(() => handed, report), dongling, 'POST')).status).toBe(403);
    const back = `action=review&decision=return&text=${encodeURIComponent('请补充借款协议和还款凭证复印件')}`;
    expect((await render(page(() => handed, back), actors.get('sanghe')!, 'POST')).status).toBe(303);
    expect((await render(page(() => handed, report), township, 'POST')).status).toBe(303);
    expect((await render(page(() => handed, 'action=review&decision=accept'), actors.get('sanghe')!, 'POST')).status).toBe(303);
    const { body } = await render(page(() => handed), actors.get('sanghe')!, 'GET');
    expect(body).toContain('承办报告审核通过');
    expect(body).toContain('承办报告退回重办');
  });
});

describe('handler and approver on the case page (two-person rule)', () => {
  let caseId = '';
  let handler: SessionUser;
  let plain: SessionUser;
  const TITLE = '审批：后营村危房改造补助冒领';
  const page = (post?: string): RouteCase => ({ file: 'complaints/[id]/index.astro', url: () => `/staff/complaints/${caseId}`, params: () => ({ id: caseId }), page: ComplaintCase, allowed: [], post });
  const REPLY = encodeURIComponent('经核实，危房改造补助系按程序评定发放，反映的冒领问题不属实，已向村民公示评定结果。');
  const pending = async () => test.db.select().from(complaintProposals).where(eq(complaintProposals.complaintId, caseId));

  beforeAll(async () => {
    const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001202', subjectLevel: 'village_cadre', title: TITLE, content: '后营村今年危房改造补助名单里有两户的房子是新盖的楼房，真正的危房户却没有评上。', anonymous: true });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    caseId = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, TITLE)))[0]!.id;
    handler = await sessionUser('sanghe.cb');
    const created = await createUser(test.db, null, { username: 'sanghe.kz', displayName: '桑河县纪委监委科员', role: 'commission', scopeCode: SANGHE, password: 'matrix-test-password-3' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    plain = await sessionUser('sanghe.kz');
    if (!(await actOnComplaint(test.db, actors.get('sanghe')!, { complaintId: caseId, action: 'accept' })).ok) throw new Error('accept');
    if (!(await assignHandler(test.db, actors.get('sanghe')!, { complaintId: caseId, handlerId: handler.id })).ok) throw new Error('handler');
  });

  it('lets only the handler propose', async () => {
    for (const who of [...EVERYONE.map((name) => actors.get(name)!), plain]) {
      const before = await auditCount();
      const { status } = await render(page(`action=conclude&finding=unsubstantiated&text=${REPLY}`), who, 'POST');
      expect([403, 404], who.username).toContain(status);
      expect(await auditCount()).toBe(before);
    }
    expect((await render(page(`action=conclude&finding=unsubstantiated&text=${REPLY}`), handler, 'POST')).status).toBe(303);
    expect(await pending()).toMatchObject([{ kind: 'conclude', state: 'pending', proposedBy: handler.id }]);
  });

  it('refuses the approval by the handler, by a colleague without approval rights and by anyone outside, writing nothing', async () => {
    const [proposal] = await pending();
    for (const who of [handler, plain, ...EVERYONE.filter((name) => name !== 'sanghe').map((name) => actors.get(name)!)]) {
      const before = await auditCount();
      const { status } = await render(page(`action=approve&proposal=${proposal!.id}`), who, 'POST');
      expect([403, 404], who.username).toContain(status);
      expect(await auditCount()).toBe(before);
    }
    expect((await pending())[0]!.state).toBe('pending');
  });

  it('refuses an approver whose right was withdrawn a moment ago, then applies it for one who has it', async () => {
    const [proposal] = await pending();
    await test.db.update(users).set({ approver: false }).where(eq(users.username, 'sanghe.jw'));
    expect((await render(page(`action=approve&proposal=${proposal!.id}`), actors.get('sanghe')!, 'POST')).status).toBe(403);
    await test.db.update(users).set({ approver: true }).where(eq(users.username, 'sanghe.jw'));
    expect((await render(page(`action=approve&proposal=${proposal!.id}`), actors.get('sanghe')!, 'POST')).status).toBe(303);
    expect((await test.db.select({ status: complaints.status }).from(complaints).where(eq(complaints.id, caseId)))[0]!.status).toBe('concluded');
    const { body } = await render(page(), actors.get('sanghe')!, 'GET');
    expect(body).toContain('桑河县纪委监委承办人（演示）'); // the history names its officers, inside the commission
  });
});

describe('objections on the case page: the holding commission answers, the one above presses', () => {
  let caseId = '';
  let city: SessionUser;
  const TITLE = '异议：前营村公益林补偿款未发放';
  const page = (post?: string): RouteCase => ({ file: 'complaints/[id]/index.astro', url: () => `/staff/complaints/${caseId}`, params: () => ({ id: caseId }), page: ComplaintCase, allowed: [], post });
  const objection = async () => (await test.db.select().from(complaintObjections).where(eq(complaintObjections.complaintId, caseId)))[0]!;

  beforeAll(async () => {
    const filed = await fileComplaint(test.db, { category: 'assets', areaCode: '990121001202', subjectLevel: 'village_cadre', title: TITLE, content: '前营村去年的公益林生态补偿款到现在还没有发到农户手里，村里说钱被镇上扣着。', anonymous: true });
    if (!filed.ok) throw new Error(JSON.stringify(filed.errors));
    caseId = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, TITLE)))[0]!.id;
    if (!(await actOnComplaint(test.db, actors.get('sanghe')!, { complaintId: caseId, action: 'accept' })).ok) throw new Error('accept');
    await decide(test.db, caseId, 'conclude', '经核实，补偿款已于本月拨付到户，延迟系资金下达较晚所致。');
    const objected = await fileObjection(test.db, filed.value.receipt, { reasons: '到今天我家还没有收到补偿款，村里其他几户也没有收到，答复不属实。' });
    if (!objected.ok) throw new Error(JSON.stringify(objected.errors));
    const created = await createUser(test.db, null, { username: 'yunshan.jw.matrix', displayName: '云山市纪委监委（矩阵）', role: 'commission', scopeCode: '990100000000', password: 'matrix-test-password-4' });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    city = await sessionUser('yunshan.jw.matrix');
  });

  it('lets only the commission above press, writing nothing for anyone else', async () => {
    const PRESS = `action=pressObjection&text=${encodeURIComponent('请于期限内答复，并核实补偿款到户情况。')}`;
    for (const who of EVERYONE.map((name) => actors.get(name)!)) {
      const before = await auditCount();
      expect([403, 404], who.username).toContain((await render(page(PRESS), who, 'POST')).status);
      expect(await auditCount()).toBe(before);
    }
    expect((await render(page(), city, 'GET')).body).toContain('到今天我家还没有收到补偿款');
    expect((await render(page(PRESS), city, 'POST')).status).toBe(303);
    expect((await objection()).pressedOn).not.toBeNull();
  });

  it('lets only the holding commission answer', async () => {
    const ANSWER = `action=objection&decision=explain&text=${encodeURIComponent('经再次核对拨付记录，补偿款已于本月十日打入农户一卡通。')}`;
    for (const who of [city, ...EVERYONE.filter((name) => name !== 'sanghe').map((name) => actors.get(name)!)]) {
      const before = await auditCount();
      expect([403, 404], who.username).toContain((await render(page(ANSWER), who, 'POST')).status);
      expect(await auditCount()).toBe(before);
    }
    expect((await objection()).state).toBe('open');
    expect((await render(page(ANSWER), actors.get('sanghe')!, 'POST')).status).toBe(303);
    expect((await objection())).toMatchObject({ state: 'answered', answer: 'explained' });
  });
});

describe('a countersigned period: the township agency approves, the commission supervises', () => {
  const HEWAN = '990121001203'; // 河湾村 (桑河镇): its 2026-Q3 is opened here
  let id = 0;
  const workspace = (post?: string): RouteCase => ({ file: 'ledgers/[id]/index.astro', url: () => `/staff/ledgers/${id}`, params: () => ({ id: String(id) }), page: LedgerWorkspace, allowed: [], post });
  const OPINION = '矩阵：第1条支出未见村民代表会议决议，请核实';
  const ANSWER = '矩阵：已核实，决议为河湾村〔2026〕5号，已补注';

  beforeAll(async () => {
    const opened = await openDraft(test.db, null, HEWAN, '2026-Q3');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    id = opened.value.id;
    const added = await addFundEntry(test.db, null, { disclosureId: id, entry: { entryDate: '2026-08-12', direction: 'expense', amountFen: 6_000_000, subject: '公益支出', summary: '修缮村小学围墙', counterparty: '桑河镇永固建筑队', voucherNo: '记-2026Q3-001', method: 'transfer' } });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    const signed = await signOff(test.db, id, 'countersigned');
    if (!signed.ok) throw new Error(JSON.stringify(signed.errors));
  });

  it('offers approval to the agency only, and refuses it from the commissions, writing nothing', async () => {
    for (const who of ['sanghe', 'township'] as const) {
      const page = await render(workspace(), actors.get(who)!, 'GET');
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('value="approve"');
      expect(page.body).toContain('value="raise-opinion"');
      const before = await auditCount();
      expect((await render(workspace('action=approve'), actors.get(who)!, 'POST')).status).toBe(403);
      expect(await auditCount()).toBe(before);
    }
    expect((await render(workspace(), actors.get('agency')!, 'GET')).body).toContain('value="approve"');
    expect((await getDisclosure(test.db, id))!.status).toBe('countersigned');
  });

  it('publishes on the agency’s approval; the commission’s opinion and the agency’s answer join the public history', async () => {
    const approved = await render(workspace('action=approve'), actors.get('agency')!, 'POST');
    expect(approved).toMatchObject({ status: 303, location: `/villages/${HEWAN}?period=2026-Q3` });
    const dueOn = addDays(todayInShanghai(), 10);
    const raised = await render(workspace(`action=raise-opinion&opinion=${encodeURIComponent(OPINION)}&lineNo=1&dueOn=${dueOn}`), actors.get('sanghe')!, 'POST');
    expect(raised).toMatchObject({ status: 303, location: `/staff/ledgers/${id}?done=raise-opinion` });
    expect((await render(workspace(`action=answer-opinion&opinionId=1&answer=x`), actors.get('sanghe')!, 'POST')).status).toBe(403);
    const [opinion] = await queryRows<{ id: number }>(test.db, sql`select id from supervision_opinions where disclosure_id = ${id}`);
    const answered = await render(workspace(`action=answer-opinion&opinionId=${opinion!.id}&answer=${encodeURIComponent(ANSWER)}`), actors.get('agency')!, 'POST');
    expect(answered).toMatchObject({ status: 303, location: `/staff/ledgers/${id}?done=answer-opinion` });
    const page = await loadVillagePage(test.db, HEWAN, '2026-Q3');
    expect(page!.history.opinions).toMatchObject([{ body: OPINION, lineNo: 1, raisedBy: null, answer: { body: ANSWER, by: null } }]);
    expect(page!.history.steps.map((step) => step.kind)).toEqual(['submitted', 'countersigned', 'published']);
  });
});
