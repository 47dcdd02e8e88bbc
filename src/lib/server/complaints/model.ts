/** What a complaint is made of, shared by the form, the JSON API and the console. */
import { z } from 'zod';
import { COMPLAINT_CATEGORIES, SUBJECT_LEVELS } from '../../../../db/schema/complaints.ts';
import { isAreaCode } from '../areas/codes.ts';
import { boundedDate, visibleText } from '../validation.ts';

/** The 10 categories of key personnel (DESIGN.md §3), as detail beside `subjectLevel`. */
export const SUBJECT_ROLES = [
  '乡镇行政综合执法队长',
  '综合服务中心主任',
  '退役军人服务站长',
  '卫生院长',
  '中小学校长',
  '供电所长',
  '派出所长',
  '基层法庭庭长',
  '市场监管分局局长',
  '村（社区）“两委”干部',
] as const;

const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

export const ComplaintInputSchema = z
  .object({
    category: z.enum(COMPLAINT_CATEGORIES, { message: '请选择反映的问题类别' }),
    areaCode: z.string().refine(isAreaCode, '请选择问题发生的地方（乡镇或村）'),
    /** Who it is about (管理权限): decides the commission. The JSON API may leave it out (不清楚). */
    subjectLevel: z.enum(SUBJECT_LEVELS, { message: '请选择被反映人属于哪一类（不清楚可选“不清楚”）' }).default('unknown'),
    subjectRole: z.enum(SUBJECT_ROLES, { message: '请从列表中选择被反映人的身份' }).nullable().optional(),
    subjectName: visibleText({ label: '被反映人姓名', max: 40 }).nullable().optional(),
    itemCode: z.string().trim().regex(/^([A-Z]{2}-\d{2})$/, '事项编码格式不正确').nullable().optional(),
    villageCode: z.string().refine(isAreaCode, '村代码格式不正确').nullable().optional(),
    fundEntryId: z.number().int().positive().nullable().optional(),
    // Counted by what is visible: zero-width characters alone are not a title (issue 8 item 12).
    title: visibleText({ label: '标题', min: 4, max: 60 }),
    content: visibleText({ label: '内容', min: 20, max: 5000, minMessage: '请把事情经过写清楚，至少20个字', maxMessage: '内容不超过5000字，可以分次补充材料' }),
    occurredOn: boundedDate({ label: '发生日期', latest: 'today' }).nullable().optional(),
    anonymous: z.boolean({ message: '请选择实名或匿名' }),
    /** The complaint concerns the head of the commission it would go to: it goes one level up. */
    aboutCommissionHead: z.boolean().optional(),
    name: visibleText({ label: '姓名', max: 40 }).nullable().optional(),
    phone: z.string().trim().nullable().optional(),
  })
  .superRefine(
    (input, context) => {
      if (!input.anonymous) {
        if (typeof input.name !== 'string' || input.name.length < 2) context.addIssue({ code: 'custom', path: ['name'], message: '实名反映请填写您的姓名' });
        if (typeof input.phone !== 'string' || !PHONE.test(input.phone)) context.addIssue({ code: 'custom', path: ['phone'], message: '实名反映请填写能联系到您的手机或固定电话' });
      }
    },
    // Runs even when other fields failed, so a real-name reporter hears about name and phone in
    // the same round as everything else (zod skips refinements on a failed object otherwise).
    { when: (payload) => typeof (payload.value as { anonymous?: unknown } | null)?.anonymous === 'boolean' },
  );

export type ComplaintInput = z.infer<typeof ComplaintInputSchema>;
