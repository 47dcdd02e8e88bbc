/**
 * The county-item form as plain text fields (works without JavaScript): lists are one entry per
 * line, steps and risks use "｜" (or "|") between their parts. This module turns the fields into a
 * CustomItem and back, so a form that fails validation re-renders exactly what was typed.
 */
import type { CustomItem } from '../../../../db/schema/county-lists.ts';
import { say, type ListErrors } from './messages.ts';

export type CustomItemFields = Record<string, string>;

const lines = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

const parts = (line: string) => line.split(/[｜|]/).map((part) => part.trim());

export function parseCustomItemFields(code: string, fields: CustomItemFields): { item: CustomItem; errors: ListErrors } {
  const errors: ListErrors = {};
  const steps = lines(fields.steps).map((line, index) => {
    const [actor = '', action = '', limit = ''] = parts(line);
    if (!actor || !action || !limit) errors.steps ??= say('lists.error.stepLine', { line: index + 1 });
    return { actor, action, limit };
  });
  const risks = lines(fields.risks).map((line, index) => {
    const [risk = '', level = '', control = ''] = parts(line);
    if (!risk || !control) errors.risks ??= say('lists.error.riskLine', { line: index + 1 });
    else if (!['高', '中', '低'].includes(level)) errors.risks ??= say('lists.error.riskLevel', { line: index + 1 });
    return { risk, level: level as '高' | '中' | '低', control };
  });
  const unit = (['workingDays', 'calendarDays', 'onTheSpot', 'periodic'] as const).find((u) => u === fields.timeLimitUnit) ?? 'workingDays';
  const daysText = (fields.timeLimitDays ?? '').normalize('NFKC').trim();
  const days = unit === 'onTheSpot' || daysText === '' ? null : Number(daysText);
  if (days !== null && (!Number.isInteger(days) || days <= 0)) errors.timeLimitDays = say('lists.error.positiveDays');
  const item: CustomItem = {
    code,
    categoryCode: (['enforcement', 'approval', 'management', 'service'] as const).find((c) => c === fields.categoryCode) ?? ('' as never),
    name: (fields.name ?? '').trim(),
    nameEn: (fields.nameEn ?? '').trim(),
    level: fields.level === 'village' ? 'village' : 'township',
    summary: (fields.summary ?? '').trim(),
    legalBasis: lines(fields.legalBasis),
    implementingBody: (fields.implementingBody ?? '').trim(),
    materials: lines(fields.materials),
    ...(fields.materialsNote?.trim() ? { materialsNote: fields.materialsNote.trim() } : {}),
    fee: (fields.fee ?? '').trim(),
    timeLimit: {
      unit,
      days: Number.isInteger(days) ? days : null,
      ...(fields.timeLimitNote?.trim() ? { note: fields.timeLimitNote.trim() } : {}),
    },
    steps,
    risks,
    accountability: lines(fields.accountability),
    channel: (fields.channel ?? '').trim(),
  };
  return { item, errors };
}

export function customItemToFields(item: CustomItem): CustomItemFields {
  return {
    name: item.name,
    nameEn: item.nameEn,
    categoryCode: item.categoryCode,
    level: item.level,
    summary: item.summary,
    legalBasis: item.legalBasis.join('\n'),
    implementingBody: item.implementingBody,
    materials: item.materials.join('\n'),
    materialsNote: item.materialsNote ?? '',
    fee: item.fee,
    timeLimitUnit: item.timeLimit.unit,
    timeLimitDays: item.timeLimit.days === null ? '' : String(item.timeLimit.days),
    timeLimitNote: item.timeLimit.note ?? '',
    steps: item.steps.map((step) => `${step.actor}｜${step.action}｜${step.limit}`).join('\n'),
    risks: item.risks.map((risk) => `${risk.risk}｜${risk.level}｜${risk.control}`).join('\n'),
    accountability: item.accountability.join('\n'),
    channel: item.channel,
  };
}
