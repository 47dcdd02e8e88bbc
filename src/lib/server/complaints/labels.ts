/**
 * How the complaint side's codes are said: as message keys of the i18n catalog, never as text of
 * their own, so an English page shows English and the compiler checks each key exists. Exports
 * that are Chinese documents translate with `translator('zh-CN')` and say so where they do.
 */
import type { COMPLAINT_CATEGORIES, DISPOSALS } from '../../../../db/schema/complaints.ts';
import type { MessageKey } from '../../../i18n/index.ts';

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
export type Disposal = (typeof DISPOSALS)[number];

/**
 * Every kind of case event. The column is plain text; every writer in this folder passes one of
 * these, so readers may narrow to it (`eventKind`).
 */
export const COMPLAINT_EVENT_KINDS = [
  'received',
  'accepted',
  'declined',
  'transferred',
  'in_progress',
  'concluded',
  'escalated',
  'disposed',
  'material',
  'rated',
  'reviewRequested',
  'merged',
  'note',
] as const;
export type ComplaintEventKind = (typeof COMPLAINT_EVENT_KINDS)[number];

export function eventKind(kind: string): ComplaintEventKind {
  return kind as ComplaintEventKind;
}

export function complaintCategoryKey(category: ComplaintCategory): MessageKey {
  return `complaint.category.${category}`;
}

export function disposalKey(disposal: Disposal): MessageKey {
  return `complaint.disposal.${disposal}`;
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
