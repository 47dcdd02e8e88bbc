/**
 * How the complaint side's codes are said: as message keys of the i18n catalog, never as text of
 * their own, so an English page shows English and the compiler checks each key exists. Exports
 * that are Chinese documents translate with `translator('zh-CN')` and say so where they do.
 */
import type { PROPOSAL_KINDS } from '../../../../db/schema/complaint-casework.ts';
import type { COMPLAINT_CATEGORIES, ComplaintChannel, ComplaintEventKind, DISPOSALS, FINDINGS, MEASURES, SubjectLevel } from '../../../../db/schema/complaints.ts';
import type { MessageKey } from '../../../i18n/index.ts';

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
export type Disposal = (typeof DISPOSALS)[number];

export type { ComplaintEventKind } from '../../../../db/schema/complaints.ts';

export function complaintCategoryKey(category: ComplaintCategory): MessageKey {
  return `complaint.category.${category}`;
}

export function subjectLevelKey(level: SubjectLevel): MessageKey {
  return `complaint.subjectLevel.${level}`;
}

export function proposalKindKey(kind: (typeof PROPOSAL_KINDS)[number]): MessageKey {
  return `console.proposal.${kind}`;
}

export function disposalKey(disposal: Disposal): MessageKey {
  return `complaint.disposal.${disposal}`;
}

/** How a case arrived, as the registration sheet names it. */
export function complaintChannelKey(channel: ComplaintChannel): MessageKey {
  return channel === 'direct_point' ? 'casefile.channelDirectPoint' : channel === 'cross_check' ? 'casefile.channelCrossCheck' : 'casefile.channelOnline';
}

export function findingKey(finding: (typeof FINDINGS)[number]): MessageKey {
  return `complaint.finding.${finding}`;
}

export function measureKey(measure: (typeof MEASURES)[number]): MessageKey {
  return `complaint.measure.${measure}`;
}

/** An internal note is named by the console's own word for it; every other step by the timeline's. */
export function complaintEventKey(kind: ComplaintEventKind): MessageKey {
  return kind === 'note' ? 'console.note' : `complaint.event.${kind}`;
}

export const RATINGS = [5, 4, 3, 2, 1] as const;
export type Rating = (typeof RATINGS)[number];

export function isRating(value: unknown): value is Rating {
  return (RATINGS as readonly unknown[]).includes(value);
}

export function ratingKey(rating: Rating): MessageKey {
  return `track.rating.${rating}`;
}
