/**
 * Demo county lists: three counties of 北原市 with different lists, so every public view has
 * something to show (full adoption, a subset, local changes, county-specific items, an older
 * version) and one county of 南塬市 without a published list (the empty state).
 */
import type { ItemOverrides } from '../schema/county-lists.ts';
import type { DraftEntry } from '../../src/lib/server/county-lists/index.ts';
import { allCatalogItems } from './catalog/index.ts';
import { liugangItems, qingheItems, sangheItems } from './demo-county-items.ts';

export interface DemoListVersion {
  effectiveOn: string;
  note: string;
  entries: DraftEntry[];
}

export interface DemoCountyLists {
  countyCode: string;
  versions: DemoListVersion[];
}

const catalog = allCatalogItems();

function adopt(
  include: (code: string, categoryCode: string) => boolean,
  overrides: Record<string, ItemOverrides> = {},
): DraftEntry[] {
  return catalog
    .filter((item) => include(item.code, item.categoryCode))
    .map((item) => ({ itemCode: item.code, ...(overrides[item.code] ? { overrides: overrides[item.code] } : {}) }));
}

/** A county's shorter limit: about four fifths of the catalog's, never below one day. */
function shortened(code: string): ItemOverrides {
  const days = catalog.find((item) => item.code === code)?.timeLimit.days;
  return days && days > 1 ? { timeLimitDays: Math.max(1, Math.floor(days * 0.8)) } : {};
}

const sangheOverrides: Record<string, ItemOverrides> = {
  'FW-01': { ...shortened('FW-01'), contactPhone: '0399-6210345', responsibleUnit: '桑河县民政局社会救助股' },
  'FW-03': { contactPhone: '0399-6210345', localNote: '急难情形可拨打乡镇值班电话，先行救助不设户籍门槛。' },
  // 16 working days instead of 20: the village review, the joint review and the approval each give a
  // day or two, so the steps still fit in the total (the step-limit rule, validateOverrides).
  'SP-01': {
    ...shortened('SP-01'),
    stepLimits: [null, null, '4个工作日', null, '8个工作日', '3个工作日', null],
    contactPhone: '0399-6218810',
    responsibleUnit: '各乡镇农业农村综合服务中心',
  },
  'GL-01': { localNote: '涉及5万元以上的事项，决议公开须同步上传“一点通”平台。' },
  'ZF-01': { contactPhone: '0399-6212110' },
};

const liugangUnits: Record<string, ItemOverrides> = {
  'FW-01': { responsibleUnit: '柳岗县民政局、各乡镇社会事务办', contactPhone: '0399-7331024' },
  'FW-02': { responsibleUnit: '柳岗县民政局、各乡镇社会事务办', contactPhone: '0399-7331024' },
  'SP-02': { responsibleUnit: '柳岗县自然资源和规划局、各乡镇规划建设办', contactPhone: '0399-7335066' },
  'GL-05': { localNote: '集体资产资源发包统一进入县农村产权交易中心公开交易。' },
};

export const demoCountyLists: DemoCountyLists[] = [
  {
    countyCode: '990121000000', // 桑河县: adopts all 110; the second version localises and adds its own items
    versions: [
      { effectiveOn: '2026-01-01', note: '桑纪发〔2025〕18号（演示）', entries: adopt(() => true) },
      {
        effectiveOn: '2026-07-01',
        note: '桑纪发〔2026〕9号（演示）：调整部分事项时限和联系电话，新增两项县级事项',
        entries: [...adopt(() => true, sangheOverrides), ...sangheItems.map((custom) => ({ custom }))],
      },
    ],
  },
  {
    countyCode: '990122000000', // 柳岗县: a subset (some enforcement powers stay with county departments)
    versions: [
      {
        effectiveOn: '2026-03-01',
        note: '柳纪发〔2026〕4号（演示）',
        entries: [
          ...adopt(
            (code) => !['ZF-20', 'ZF-21', 'ZF-22', 'ZF-23', 'ZF-24', 'SP-21', 'SP-22'].includes(code),
            liugangUnits,
          ),
          ...liugangItems.map((custom) => ({ custom })),
        ],
      },
    ],
  },
  {
    countyCode: '990123000000', // 青禾县: township enforcement reform not finished, so no enforcement items yet
    versions: [
      {
        effectiveOn: '2026-05-01',
        note: '青纪发〔2026〕7号（演示）：乡镇综合行政执法事项待赋权后另行公布',
        entries: [
          ...adopt((_code, category) => category !== 'enforcement', {
            'FW-05': { localNote: '高龄津贴由县财政按月直接发放至老年人社会保障卡。' },
          }),
          ...qingheItems.map((custom) => ({ custom })),
        ],
      },
    ],
  },
];
