/**
 * How the livelihood statistics' figures read on a page: the count or its mask, the amount in
 * yuan or its mask, each with the note that explains a mask (shown as the cell's title).
 */
import type { Translate } from '../../../i18n/index.ts';
import { formatFen } from '../accounts/model.ts';
import { SMALL } from '../complaints/suppression.ts';
import type { PaymentFigures } from './statistics.ts';

export interface ShownFigure {
  text: string;
  note: string | undefined;
}

export function shownRecipients(t: Translate, figures: PaymentFigures): ShownFigure {
  const value = figures.recipients;
  if (typeof value === 'number') return { text: String(value), note: undefined };
  return { text: value, note: t(value === SMALL ? 'livelihoodStats.small' : 'livelihoodStats.withheld') };
}

export function shownAmount(t: Translate, figures: PaymentFigures): ShownFigure {
  if (typeof figures.amountFen === 'number') return { text: formatFen(figures.amountFen), note: undefined };
  return { text: figures.amountFen, note: t('livelihoodStats.amountWithheld') };
}
