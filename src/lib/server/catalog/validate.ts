/**
 * What makes an item complete enough to publish. Used by the seed completeness test and by
 * every path that accepts item content (county-specific items), so the bar is the same everywhere.
 */
import { z } from 'zod';

const text = (min: number, label: string) =>
  z.string().trim().min(min, `${label}至少${min}个字`).max(4000, `${label}过长`);

export const StepSchema = z.object({
  actor: text(2, '环节承办人'),
  action: text(6, '环节内容'),
  limit: text(1, '环节时限'),
});

export const RiskSchema = z.object({
  risk: text(6, '风险点'),
  level: z.enum(['高', '中', '低'], { message: '风险等级须为高、中或低' }),
  control: text(8, '防控措施'),
});

export const TimeLimitSchema = z
  .object({
    unit: z.enum(['workingDays', 'calendarDays', 'onTheSpot', 'periodic']),
    days: z.number().int().positive().nullable(),
    note: z.string().trim().min(2).optional(),
  })
  .refine((limit) => (limit.unit === 'onTheSpot' ? limit.days === null : true), {
    message: '当场办结的事项不填天数',
    params: { kind: 'onTheSpotNoDays' },
  })
  .refine((limit) => (limit.unit === 'workingDays' || limit.unit === 'calendarDays' ? limit.days !== null : true), {
    message: '按天计算的时限须填写天数',
    params: { kind: 'daysRequired' },
  });

export const ItemContentSchema = z.object({
  name: text(4, '事项名称').max(60, '事项名称不超过60个字'),
  nameEn: z.string().trim().min(4).max(120),
  level: z.enum(['township', 'village']),
  summary: text(20, '事项简介'),
  legalBasis: z.array(text(6, '实施依据')).min(1, '至少写明一项实施依据'),
  implementingBody: text(3, '实施主体'),
  materials: z.array(text(2, '申请材料')),
  materialsNote: z.string().trim().min(4).optional(),
  fee: text(3, '收费说明'),
  timeLimit: TimeLimitSchema,
  steps: z.array(StepSchema).min(3, '至少3个办理环节'),
  risks: z.array(RiskSchema).min(1, '至少1个廉政风险点'),
  accountability: z.array(text(8, '追责情形')).min(1, '至少1项追责情形'),
  channel: text(6, '监督渠道'),
});

export const CatalogItemSchema = ItemContentSchema.extend({
  code: z.string().regex(/^(ZF|SP|GL|FW)-\d{2}$/, '目录事项编码形如 ZF-01'),
}).refine((item) => item.materials.length > 0 || item.materialsNote !== undefined, {
  message: '没有申请材料时须说明',
  path: ['materials'],
});

export const CustomItemSchema = ItemContentSchema.extend({
  code: z.string().regex(/^DF-\d{2}$/, '县级自设事项编码形如 DF-01'),
  categoryCode: z.enum(['enforcement', 'approval', 'management', 'service']),
});
