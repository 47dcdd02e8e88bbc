/**
 * The provincial catalog is the product's content: these tests keep it complete and honest.
 */
import { describe, expect, it } from 'vitest';
import { CatalogItemSchema } from '../../../src/lib/server/catalog/validate.ts';
import { laneOfActor } from '../../../src/components/format.ts';
import { allCatalogItems, catalogCategories } from './index.ts';

const items = allCatalogItems();
const PREFIX = { enforcement: 'ZF', approval: 'SP', management: 'GL', service: 'FW' } as const;

function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[\s，。、；：“”（）《》()]/g, '')];
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  return shared / (a.size + b.size - shared);
}

describe('provincial catalog seed', () => {
  it('has exactly 4 categories and 110 items', () => {
    expect(catalogCategories.map((category) => category.code)).toEqual(['enforcement', 'approval', 'management', 'service']);
    expect(items).toHaveLength(110);
    for (const category of catalogCategories) expect(category.items.length).toBeGreaterThan(10);
  });

  it('gives every item a unique code carrying its category prefix, numbered without gaps', () => {
    const codes = items.map((item) => item.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const category of catalogCategories) {
      const numbers = category.items.map((item) => {
        expect(item.code.startsWith(`${PREFIX[category.code]}-`)).toBe(true);
        return Number(item.code.slice(3));
      });
      expect(numbers).toEqual(numbers.map((_n, index) => index + 1));
    }
  });

  it('has no duplicate names, in Chinese or English', () => {
    expect(new Set(items.map((item) => item.name)).size).toBe(items.length);
    expect(new Set(items.map((item) => item.nameEn.toLowerCase())).size).toBe(items.length);
  });

  it('fills every required field with real content', () => {
    const failures = items.flatMap((item) => {
      const parsed = CatalogItemSchema.safeParse(item);
      return parsed.success ? [] : [`${item.code}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join(', ')}`];
    });
    expect(failures).toEqual([]);
  });

  it('contains no placeholders', () => {
    const placeholder = /TODO|TBD|待补充|待完善|示例文本|lorem|XXX|某某事项/i;
    const offenders = items.filter((item) => placeholder.test(JSON.stringify(item))).map((item) => item.code);
    expect(offenders).toEqual([]);
  });

  it('has no near-copies: no two items share most of their text', () => {
    const bodies = items.map((item) => ({
      code: item.code,
      grams: bigrams([item.summary, ...item.steps.map((step) => step.action), ...item.risks.map((risk) => risk.risk)].join('')),
    }));
    const nearCopies: string[] = [];
    for (let i = 0; i < bodies.length; i++) {
      for (let j = i + 1; j < bodies.length; j++) {
        const similarity = jaccard(bodies[i]!.grams, bodies[j]!.grams);
        if (similarity > 0.6) nearCopies.push(`${bodies[i]!.code}~${bodies[j]!.code} ${similarity.toFixed(2)}`);
      }
    }
    expect(nearCopies).toEqual([]);
  });

  it('never lets a village be the final approver of statutory benefits or homesteads', () => {
    const statutory = items.filter((item) => /最低生活保障|宅基地审批|特困人员|临时救助（一般|残疾人生活补贴|重度残疾人护理补贴/.test(item.name));
    expect(statutory.length).toBeGreaterThanOrEqual(5);
    for (const item of statutory) {
      const deciding = item.steps.filter((step) => /审批|审核确认|审定|批准|认定|确认/.test(step.action));
      expect(deciding.length, item.code).toBeGreaterThan(0);
      const deciders = deciding.map((step) => laneOfActor(step.actor));
      expect(deciders.some((lane) => lane === 'township' || lane === 'county'), `${item.code} ${item.name}`).toBe(true);
      expect(item.level, item.code).toBe('township');
    }
  });

  it('states a number of days for every day-counted limit and none for on-the-spot items', () => {
    for (const item of items) {
      if (item.timeLimit.unit === 'onTheSpot') expect(item.timeLimit.days, item.code).toBeNull();
      if (item.timeLimit.unit === 'workingDays' || item.timeLimit.unit === 'calendarDays') {
        expect(item.timeLimit.days, item.code).toBeGreaterThan(0);
      }
    }
  });

  it('has both township and village items, and mostly free ones', () => {
    const village = items.filter((item) => item.level === 'village').length;
    expect(village).toBeGreaterThan(10);
    expect(items.length - village).toBeGreaterThan(50);
    const free = items.filter((item) => /^(不收费|免费|不收取)/.test(item.fee)).length;
    expect(free / items.length).toBeGreaterThan(0.7);
  });
});
