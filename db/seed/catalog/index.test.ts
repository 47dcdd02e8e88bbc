/**
 * The provincial catalog is the product's content: these tests keep it complete and honest.
 */
import { describe, expect, it } from 'vitest';
import { CatalogItemSchema } from '../../../src/lib/server/catalog/validate.ts';
import { laneOfActor } from '../../../src/components/format.ts';
import { allCatalogItems, catalogCategories } from './index.ts';
import { citedLaws } from './laws.ts';

const items = allCatalogItems();
const PREFIX = { enforcement: 'ZF', approval: 'SP', management: 'GL', service: 'FW' } as const;

function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[\s，。、；：“”（）《》()]/g, '')];
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

/** The titles an item cites, as written inside 《》, with the edition year where the citation states one. */
function citations(item: (typeof items)[number]): Array<{ title: string; year: number | null }> {
  return item.legalBasis.flatMap((basis) =>
    [...basis.matchAll(/《([^》]+)》(?:（(\d{4})年(?:修订|修正))?/g)].map((match) => ({
      title: match[1]!,
      year: match[2] ? Number(match[2]) : null,
    })),
  );
}

/** Whether a step decides the matter (approves, confirms, recognises) rather than collecting or reviewing. */
const DECIDES = /审批|批准|审定|审核确认|认定/;

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

  it('cites every law by a title on the project list of cited laws', () => {
    const known = new Set(citedLaws.map((law) => law.title));
    const unknown = items.flatMap((item) => citations(item).filter(({ title }) => !known.has(title)).map(({ title }) => `${item.code} 《${title}》`));
    expect(unknown).toEqual([]);
  });

  it('states an edition only where it is the edition on the list, and lists only laws it cites', () => {
    const edition = new Map(citedLaws.map((law) => [law.title, law.edition]));
    expect(edition.size, 'a title listed twice').toBe(citedLaws.length);
    const cited = items.flatMap((item) => citations(item).map((citation) => ({ code: item.code, ...citation })));
    const wrongEdition = cited
      .filter(({ title, year }) => year !== null && edition.has(title) && edition.get(title) !== year)
      .map(({ code, title, year }) => `${code} 《${title}》${year} ≠ ${edition.get(title)}`);
    expect(wrongEdition).toEqual([]);
    const citedTitles = new Set(cited.map(({ title }) => title));
    expect(citedLaws.map((law) => law.title).filter((title) => !citedTitles.has(title))).toEqual([]);
  });

  it('tags as village items only those no county body decides', () => {
    const decidedAboveTheVillage = items
      .filter((item) => item.level === 'village')
      .filter((item) => item.steps.some((step) => DECIDES.test(step.action) && laneOfActor(step.actor) === 'county'))
      .map((item) => `${item.code} ${item.name}`);
    expect(decidedAboveTheVillage).toEqual([]);
  });

  it('keeps filings out of the approval category', () => {
    const approval = catalogCategories.find((category) => category.code === 'approval')!;
    expect(approval.items.filter((item) => /备案/.test(item.name)).map((item) => item.code)).toEqual([]);
  });

  it('covers each topic in one item: those once split in two, and those every county list has', () => {
    const topics = ['一事一议筹资筹劳', '报账', '村干部报酬', '一卡通', '代办', '进场交易', '发展党员', '防止返贫', '临时用工'];
    const count = Object.fromEntries(topics.map((topic) => [topic, items.filter((item) => item.name.includes(topic)).length]));
    expect(count).toEqual(Object.fromEntries(topics.map((topic) => [topic, 1])));
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
