/**
 * What an outbound message may say. A message goes to a phone or a mailbox the portal does not
 * control, so it never carries a complaint's title, text, place or reporter — only the case number
 * officers say on the phone, what is waiting, and a link that needs a staff sign-in. The input type
 * has no field that could hold anything else, so a caller cannot leak by accident.
 *
 * One message per person per round (a digest), however many things are waiting: a township officer
 * who gets twelve cases handed down in a morning gets one text, not twelve.
 */
import type { OutboundMessage } from './outbound.ts';

export const NOTICE_KINDS = ['assigned', 'handedDown', 'reportWaiting', 'approvalWaiting', 'proposalApproved', 'proposalRejected', 'objection', 'forwarded', 'dueSoon', 'overdue'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  kind: NoticeKind;
  /** The case number, e.g. 桑纪举〔2026〕12号 — never the title. */
  caseNumber: string;
  /** A path inside the staff area, e.g. /staff/complaints/42. */
  path: `/staff/${string}`;
}

/** Chinese: the recipients are commission staff, and the messages are read on work phones. */
const WHAT: Record<NoticeKind, string> = {
  assigned: '待您承办',
  handedDown: '已交办给本级，待承办',
  reportWaiting: '承办报告待审核',
  approvalWaiting: '待您审批',
  proposalApproved: '您的提请已审批同意',
  proposalRejected: '您的提请未获同意',
  objection: '检举人提出异议，待答复',
  forwarded: '已转至本机关，待受理',
  dueSoon: '本周到期',
  overdue: '已超期',
};

/** At most this many cases are listed; the rest are counted, so a text stays a text. */
const LISTED = 5;

export function digestMessage(to: string, notices: readonly Notice[], origin: string): OutboundMessage | null {
  if (notices.length === 0) return null;
  const lines = notices.slice(0, LISTED).map((notice) => `${notice.caseNumber}：${WHAT[notice.kind]} ${origin}${notice.path}`);
  if (notices.length > LISTED) lines.push(`另有${notices.length - LISTED}件，请登录查看：${origin}/staff/inbox`);
  return {
    to,
    subject: `一点通：${notices.length}件检举控告事项待您处理`,
    text: `${lines.join('\n')}\n\n登录后查看详情。本消息不含案件内容，请勿转发。`,
  };
}
