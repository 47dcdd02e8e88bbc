/**
 * The printed case file (issue 11 item 13): what the registration sheet (登记表) and the disposal
 * approval sheet (处置审批表) of one case show. Read-only, for the staff who may handle the case
 * (the pages ask the guard with `complaint.handle` first; an unknown case looks the same).
 *
 * The reporter: a sheet names a real-name reporter only for the handler whose identity release was
 * approved, and only when they ask for it on the sheet (a POST through `revealIdentity`, audited
 * like every look on the case page). Otherwise it says 匿名 (anonymous) or 实名（已保护）.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { areas } from '../../../../db/schema/areas.ts';
import { users } from '../../../../db/schema/auth.ts';
import { complaintProposals, type ComplaintProposalRow } from '../../../../db/schema/complaint-casework.ts';
import { complaintEvents, DISPOSALS, type ComplaintRow } from '../../../../db/schema/complaints.ts';
import { ancestorCodes, isWithin } from '../areas/codes.ts';
import type { Db, DbOrTx } from '../db.ts';
import { readForm } from '../forms.ts';
import type { MessageKey } from '../../../i18n/index.ts';
import type { Actor } from '../result.ts';
import { caseNumberOf, type CaseNumber } from './case-numbers.ts';
import { disposalKey, type Disposal } from './labels.ts';
import { revealIdentity } from './proposals.ts';

/** The sheets a case prints (the page's `[sheet]`): 检举控告登记表 and 问题线索处置审批表. */
export const CASE_SHEETS = ['registration', 'approval'] as const;

export interface CaseFile {
  number: CaseNumber | null;
  /** The area of the commission holding the case (桑河县): the sheets' heading names its commission. */
  commissionArea: string;
  /** The place from the county down (桑河县 桑河镇 前营村). */
  place: string;
  /** Who took the case up (the officer of its acceptance) and when, if it was accepted. */
  acceptedBy: { name: string; on: string } | null;
  handlerName: string | null;
  /** The latest disposal proposal (处置方式), whatever its state, with who proposed and who decided. */
  disposal: (ComplaintProposalRow & { disposal: Disposal | null; proposerName: string; approverName: string | null }) | null;
  /** Whether the actor holds an approved identity release on this case (then the sheet may name the reporter on request). */
  mayReveal: boolean;
}

/** What each printed sheet (components/complaints/*Sheet.astro) is given: the case, its file, and the reporter when revealed. */
export interface CaseSheetProps {
  complaint: ComplaintRow;
  file: CaseFile;
  identity: { name: string; phone: string } | null;
}

/** The message key of the proposed disposal both sheets print, or null when the proposal is free text or absent. */
export function proposedDisposalKey(file: CaseFile): MessageKey | null {
  return file.disposal?.disposal ? disposalKey(file.disposal.disposal) : null;
}

export async function loadCaseFile(db: DbOrTx, actor: Actor, complaint: ComplaintRow): Promise<CaseFile> {
  const [placeRows, accepted, proposals, reveal] = await Promise.all([
    db.select({ code: areas.code, name: areas.name, level: areas.level }).from(areas).where(inArray(areas.code, [...ancestorCodes(complaint.areaCode), complaint.areaCode, complaint.routedScopeCode])),
    db
      .select({ actorId: complaintEvents.actorId, on: complaintEvents.on })
      .from(complaintEvents)
      .where(and(eq(complaintEvents.complaintId, complaint.id), eq(complaintEvents.kind, 'accepted')))
      .orderBy(desc(complaintEvents.seq))
      .limit(1),
    db
      .select()
      .from(complaintProposals)
      .where(and(eq(complaintProposals.complaintId, complaint.id), eq(complaintProposals.kind, 'dispose')))
      .orderBy(desc(complaintProposals.proposedOn), desc(complaintProposals.decidedOn))
      .limit(1),
    db
      .select({ id: complaintProposals.id })
      .from(complaintProposals)
      .where(and(eq(complaintProposals.complaintId, complaint.id), eq(complaintProposals.kind, 'reveal'), eq(complaintProposals.state, 'approved'), eq(complaintProposals.proposedBy, actor.id)))
      .limit(1),
  ]);
  const disposal = proposals[0];
  const nameIds = [accepted[0]?.actorId, complaint.assigneeId, disposal?.proposedBy, disposal?.decidedBy].filter((id): id is string => !!id);
  const names = new Map(nameIds.length ? (await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, nameIds))).map((row) => [row.id, row.name]) : []);
  const place = placeRows
    .filter((row) => isWithin(row.code, complaint.areaCode) || row.code === complaint.areaCode)
    .filter((row) => row.level === 'county' || row.level === 'township' || row.level === 'village')
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((row) => row.name)
    .join(' ');
  return {
    number: caseNumberOf(complaint),
    commissionArea: placeRows.find((row) => row.code === complaint.routedScopeCode)?.name ?? '',
    place,
    acceptedBy: accepted[0] ? { name: (accepted[0].actorId && names.get(accepted[0].actorId)) || '—', on: accepted[0].on } : null,
    handlerName: complaint.assigneeId ? (names.get(complaint.assigneeId) ?? null) : null,
    disposal: disposal ? { ...disposal, disposal: DISPOSALS.find((code) => code === disposal.value) ?? null, proposerName: names.get(disposal.proposedBy) ?? '—', approverName: disposal.decidedBy ? (names.get(disposal.decidedBy) ?? null) : null } : null,
    mayReveal: !complaint.anonymous && reveal.length > 0,
  };
}

/**
 * A sheet's request: a GET shows it; a POST (`action=reveal`) asks to name the real-name reporter on
 * it — `revealIdentity` decides (an approved release of this actor's own) and audits the look.
 */
export async function openCaseFile(
  db: Db,
  actor: Actor,
  complaint: ComplaintRow,
  request: Request,
): Promise<{ file: CaseFile; identity: { name: string; phone: string } | null; refused: string | null }> {
  let identity: { name: string; phone: string } | null = null;
  let refused: string | null = null;
  if (request.method === 'POST') {
    const { fields } = await readForm(request);
    if (fields.action === 'reveal') {
      const revealed = await revealIdentity(db, actor, { complaintId: complaint.id });
      if (revealed.ok) identity = revealed.value;
      else refused = revealed.errors.form ?? '不能显示实名信息';
    }
  }
  return { file: await loadCaseFile(db, actor, complaint), identity, refused };
}
