/**
 * Names of compliance categories, severities and locations in both UI languages: one table for the renderer's i18n
 * and the host's HTML and PDF reports, so a reviewer reads the same words on screen and on paper.
 */
import type { Category, Severity } from '../compliance/types';

export interface Bilingual {
  zh: string;
  en: string;
}

export const CATEGORY_LABELS: Record<Category, Bilingual> = {
  induce_share: { zh: '诱导分享', en: 'Induced sharing' },
  induce_follow: { zh: '诱导关注', en: 'Induced following' },
  ad_absolute: { zh: '广告绝对化用语', en: 'Absolute advertising claims' },
  edu_guarantee: { zh: '教育培训承诺', en: 'Education outcome guarantees' },
  finance: { zh: '金融理财', en: 'Financial promotion' },
  medical: { zh: '医疗功效', en: 'Medical claims' },
  personal_data: { zh: '个人信息', en: 'Personal data' },
  external_link: { zh: '外部链接', en: 'External links' },
  politics: { zh: '涉政', en: 'Politics' },
  porn: { zh: '色情', en: 'Pornography' },
  gambling: { zh: '赌博', en: 'Gambling' },
  drugs: { zh: '毒品', en: 'Drugs' },
  fraud: { zh: '诈骗', en: 'Fraud' },
};

export const SEVERITY_LABELS: Record<Severity, Bilingual> = {
  block: { zh: '禁止发布', en: 'Blocks publishing' },
  must_fix: { zh: '必须修改', en: 'Must fix' },
  info: { zh: '提示', en: 'Hint' },
};

/** Where in a course a finding sits (matches the contract's finding locations). */
export const TARGET_LABELS: Record<'course' | 'chapter' | 'lesson', Bilingual> = {
  course: { zh: '课程', en: 'Course' },
  chapter: { zh: '章节', en: 'Chapter' },
  lesson: { zh: '课时', en: 'Lesson' },
};

export const FIELD_LABELS: Record<'title' | 'summary' | 'body' | 'shareTitle' | 'shareDescription' | 'author' | 'dailyTasks' | 'transcript' | 'chapterMarks', Bilingual> = {
  title: { zh: '标题', en: 'Title' },
  summary: { zh: '简介', en: 'Summary' },
  body: { zh: '正文', en: 'Body' },
  shareTitle: { zh: '分享卡片标题', en: 'Share card title' },
  shareDescription: { zh: '分享卡片描述', en: 'Share card description' },
  author: { zh: '作者', en: 'Author' },
  dailyTasks: { zh: '每日任务', en: 'Daily tasks' },
  transcript: { zh: '文稿', en: 'Transcript' },
  chapterMarks: { zh: '视频章节', en: 'Video chapters' },
};

/** One language's half of a label table (for the renderer's translation files). */
export function labels<K extends string>(table: Record<K, Bilingual>, lang: 'zh' | 'en'): Record<K, string> {
  return Object.fromEntries(Object.entries<Bilingual>(table).map(([k, v]) => [k, v[lang]])) as Record<K, string>;
}

/** Guesses a word list's category from its file name (the shared lexicons name files by topic); null if unsure. */
export function categoryFromFileName(fileName: string): Category | null {
  const name = fileName.toLowerCase();
  const guesses: [RegExp, Category][] = [
    [/politic|政治|涉政/, 'politics'],
    [/porn|色情|黄/, 'porn'],
    [/gambl|赌/, 'gambling'],
    [/drug|毒/, 'drugs'],
    [/fraud|诈骗/, 'fraud'],
    [/网址|url|link|domain/, 'external_link'],
    [/广告|advert|(^|[^a-z])ads?([^a-z]|$)/, 'ad_absolute'],
  ];
  return guesses.find(([re]) => re.test(name))?.[1] ?? null;
}
