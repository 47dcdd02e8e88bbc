/**
 * The public complaint form, without JavaScript: the citizen first picks a county, then the place
 * inside it. Loaders and the form-to-input mapping live here so the page stays thin.
 */
import { randomBytes } from 'node:crypto';
import type { AreaRow } from '../../../../db/schema/areas.ts';
import { getCounty, listCountiesByCity, type CityWithCounties } from '../areas/index.ts';
import { findPublishedEntry, listCountyVillages, type PublishedEntryRef, type TownshipVillages } from '../accounts/ledger.ts';
import { levelOfCode, PREFIX_LENGTH } from '../areas/codes.ts';
import type { DbOrTx } from '../db.ts';

export function newFormKey(): string {
  return randomBytes(18).toString('base64url');
}

export interface ReportFormContext {
  counties: CityWithCounties[];
  county: AreaRow | undefined;
  places: TownshipVillages[];
  /** The published ledger line the complaint is about ("query this line"), as the citizen saw it. */
  entry: PublishedEntryRef | undefined;
}

function countyOf(code: string | null): string {
  if (!code || !/^\d{12}$/.test(code) || levelOfCode(code) === 'province' || levelOfCode(code) === 'city') return '';
  return code.slice(0, PREFIX_LENGTH.county).padEnd(12, '0');
}

/**
 * The county the form is about: chosen directly, or the county of a pre-filled village/area. A form
 * sent back with an empty or invalid place still carries its county, so the citizen stays on the
 * place step with everything typed instead of being sent back to the county picker.
 */
export async function loadReportForm(db: DbOrTx, params: URLSearchParams, fundEntryId?: string): Promise<ReportFormContext> {
  const countyCode = ['county', 'village', 'area'].map((name) => countyOf(params.get(name))).find(Boolean) ?? '';
  const entryId = /^\d{1,15}$/.test(fundEntryId ?? '') ? Number(fundEntryId) : undefined;
  const [counties, county, entry] = await Promise.all([
    listCountiesByCity(db),
    countyCode ? getCounty(db, countyCode) : Promise.resolve(undefined),
    entryId ? findPublishedEntry(db, entryId) : Promise.resolve(undefined),
  ]);
  return { counties, county, places: county ? await listCountyVillages(db, county.code) : [], entry };
}

/** Form fields → the filing input (the domain validates it). */
export function complaintFromForm(fields: Record<string, string>) {
  const orNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);
  return {
    category: fields.category,
    areaCode: fields.areaCode ?? '',
    // The form always asks (不清楚 is a choice), so an empty answer is refused rather than defaulted.
    subjectLevel: fields.subjectLevel ?? '',
    subjectRole: orNull(fields.subjectRole),
    subjectName: orNull(fields.subjectName),
    itemCode: orNull(fields.itemCode),
    villageCode: null,
    fundEntryId: /^\d{1,15}$/.test(fields.fundEntryId ?? '') ? Number(fields.fundEntryId) : null,
    title: fields.title ?? '',
    content: fields.content ?? '',
    occurredOn: orNull(fields.occurredOn),
    anonymous: fields.anonymous !== 'no',
    aboutCommissionHead: fields.aboutCommissionHead === 'yes',
    name: orNull(fields.name),
    phone: orNull(fields.phone),
  };
}
