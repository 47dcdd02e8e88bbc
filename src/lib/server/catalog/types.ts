/**
 * Shape of one provincial catalog item as authored in the seed files.
 * The seed is the source of truth for the provincial catalog; `db/seed/catalog/index.ts`
 * gathers the category files and the seeder writes them into `catalog_items`. The types live here,
 * in the catalog module, so the domain and the schema never import from the seed.
 */
export type CategoryCode = 'enforcement' | 'approval' | 'management' | 'service';

/** Who finally carries the item out: a township (乡镇) body or the village organisation (村级组织). */
export type ItemLevel = 'township' | 'village';

/**
 * Total time limit as a county states it.
 * - `workingDays` / `calendarDays`: a number of days (公示期 is usually calendar days, 审批 working days);
 * - `onTheSpot`: 当场办结 (days must be null);
 * - `periodic`: done on a fixed cycle (e.g. 每月/每季度), described in `note`.
 */
export interface TimeLimit {
  unit: 'workingDays' | 'calendarDays' | 'onTheSpot' | 'periodic';
  days: number | null;
  /** Optional Chinese note, e.g. "公示期不计入办理时限" or "每季度首月15日前". */
  note?: string;
}

export interface Step {
  /** Who does it: "申请人", "村民委员会", "乡镇人民政府", "县民政局"... */
  actor: string;
  /** What happens in this step, one or two sentences of Chinese. */
  action: string;
  /** Time limit of the step in Chinese: "5个工作日", "公示7天", "当场", "即时". */
  limit: string;
}

export interface RiskPoint {
  risk: string;
  level: '高' | '中' | '低';
  control: string;
}

export interface CatalogItemSeed {
  /** e.g. "ZF-01" (执法), "SP-01" (审批), "GL-01" (管理), "FW-01" (服务). Unique, stable. */
  code: string;
  name: string;
  /** Short English name for the English UI (content stays Chinese). */
  nameEn: string;
  level: ItemLevel;
  /** What the item is and who it concerns, 1–3 sentences. */
  summary: string;
  /** Each entry names a law/regulation/normative document and, where one exists, the article. */
  legalBasis: string[];
  /** The body that carries the item out (实施主体/承办机构). */
  implementingBody: string;
  /** Required materials; an empty list only where the item needs none (then say so in `materialsNote`). */
  materials: string[];
  materialsNote?: string;
  /** "不收费" for free items; otherwise the fee and its basis. */
  fee: string;
  timeLimit: TimeLimit;
  /** At least 3 ordered steps. */
  steps: Step[];
  /** At least one integrity risk point. */
  risks: RiskPoint[];
  /** 追责情形: at least one case in which officials are held accountable. */
  accountability: string[];
  /** 监督渠道: where to complain or ask (county commission, hotline, this portal). */
  channel: string;
}
