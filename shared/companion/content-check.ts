/**
 * The online second opinion: WeChat's content security (msg_sec_check v2, wechat-protocols.md §8.1) through the
 * team's mini program, and how its labels line up with our compliance categories (compliance-rules.md §1.2).
 */
import { z } from 'zod';

/** WeChat's verdicts, mildest first: `review` means a person should look, `risky` that it breaks the rules. */
export const SEC_SUGGESTS = ['pass', 'review', 'risky'] as const;
export type SecSuggest = (typeof SEC_SUGGESTS)[number];

/** msg_sec_check scenes (§8.1): 1 资料 profile, 2 评论 comment, 3 论坛 forum, 4 社交日志 social log. */
export const SEC_SCENES = [1, 2, 3, 4] as const;
/** Course and campaign texts are posts for an audience: checked as 论坛 (forum) content unless the caller says otherwise. */
export const DEFAULT_SEC_SCENE = 3;
/** WeChat checks at most 2,500 characters per call; longer text goes in chunks. */
export const SEC_CHECK_CHUNK_CHARS = 2500;
/** The most text one second opinion takes (the studio's limit too): at most 8 full chunks and a few more at breaks. */
export const SEC_CHECK_MAX_TEXT = 20_000;

/** Label 100: normal content. */
export const SEC_LABEL_NORMAL = 100;

export interface SecLabelInfo {
  name: { zh: string; en: string };
  /**
   * Our category ids (compliance-rules.md §1.2, fixed) this label corresponds to. 10001 is the closest bucket for the
   * platform-rule and 广告法 categories, which have no label of their own; 20003 辱骂 and 20013 版权 we do not cover.
   */
  categories: readonly string[];
}

export const SEC_LABELS: Readonly<Record<number, SecLabelInfo>> = {
  100: { name: { zh: '正常', en: 'Normal' }, categories: [] },
  10001: {
    name: { zh: '广告', en: 'Advertising' },
    categories: ['induce_share', 'induce_follow', 'ad_absolute', 'edu_guarantee', 'finance', 'medical', 'external_link'],
  },
  20001: { name: { zh: '时政', en: 'Politics' }, categories: ['politics'] },
  20002: { name: { zh: '色情', en: 'Pornography' }, categories: ['porn'] },
  20003: { name: { zh: '辱骂', en: 'Abuse' }, categories: [] },
  20006: { name: { zh: '违法犯罪', en: 'Illegal or criminal' }, categories: ['gambling', 'drugs'] },
  20008: { name: { zh: '欺诈', en: 'Fraud' }, categories: ['fraud'] },
  // Our porn category covers the mild and suggestive too, which WeChat labels 低俗.
  20012: { name: { zh: '低俗', en: 'Vulgar' }, categories: ['porn'] },
  20013: { name: { zh: '版权', en: 'Copyright' }, categories: [] },
  21000: { name: { zh: '其他', en: 'Other' }, categories: ['personal_data'] },
};

/** The name and categories of any label, including ones WeChat adds later (named by number, no categories). */
export function secLabelInfo(label: number): SecLabelInfo {
  return SEC_LABELS[label] ?? { name: { zh: `标签 ${label}`, en: `Label ${label}` }, categories: [] };
}

/** How much a verdict weighs: the worst chunk decides for the whole text. */
export function secSeverity(suggest: SecSuggest): number {
  return SEC_SUGGESTS.indexOf(suggest);
}

export const secLabelNameSchema = z.object({ zh: z.string(), en: z.string() });

/** WeChat's verdict on one chunk of the text. */
export const secCheckChunkSchema = z.object({
  /** UTF-16 offsets of the chunk in the text checked (end exclusive). */
  start: z.number().int(),
  end: z.number().int(),
  suggest: z.enum(SEC_SUGGESTS),
  label: z.number().int(),
  /** WeChat's request id for this call (for a support ticket). */
  traceId: z.string(),
  /** The term WeChat named (its keyword strategy), when it named one. */
  keyword: z.string().optional(),
});
export type SecCheckChunk = z.infer<typeof secCheckChunkSchema>;

/** The verdict on a whole text: the worst chunk's suggestion and label, with every chunk's own. */
export const secCheckResultSchema = z.object({
  suggest: z.enum(SEC_SUGGESTS),
  label: z.number().int(),
  labelName: secLabelNameSchema,
  categories: z.array(z.string()),
  chunks: z.array(secCheckChunkSchema),
});
export type SecCheckResult = z.infer<typeof secCheckResultSchema>;
