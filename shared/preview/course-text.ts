/**
 * The texts a course hands to WeChat: the title as cards show it, the digest (the course summary; when it is empty
 * WeChat takes the start of the article body), and the values of the template message.
 */
import { formatPrice, type CourseType } from '../domain/course';
import { chosenLimit, cutTo, lengthIn, type LimitChoices } from './limits';
import type { PreviewCourse } from './model';
import { collapseWhitespace } from './text-layout';

/** WeChat's own (Chinese) words for the course types, as they appear inside a template message. */
const TYPE_NAMES: Record<CourseType, string> = {
  article: '图文课',
  audio: '音频课',
  video: '视频课',
  live: '直播课',
  column: '专栏',
  camp: '训练营',
};

/** The title on one line, as every card shows it (WeChat does not allow line breaks in titles). */
export function cardTitle(course: Pick<PreviewCourse, 'title'>): string {
  return collapseWhitespace(course.title);
}

/**
 * The body of the course's article as plain text: the summary, then the outline (chapter titles with their lessons).
 * WeChat takes an empty digest from the start of this text.
 */
export function articleBody(course: Pick<PreviewCourse, 'summary' | 'chapters'>): string {
  const outline = course.chapters.map((c) => {
    const lessons = c.lessons.map((l) => l.title.trim()).filter(Boolean);
    return lessons.length > 0 ? `${c.title.trim()} ${lessons.join(' ')}` : c.title.trim();
  });
  return collapseWhitespace([course.summary, ...outline].join('\n'));
}

export interface DigestInfo {
  /** The digest as WeChat will show it. */
  text: string;
  /** True when the summary is empty and WeChat fills the digest from the body. */
  fromBody: boolean;
  /** The summary's length against the digest limit in force (before any cut). */
  length: number;
  limit: number;
  limitId: string;
  fallbackChars: number;
  fallbackLimitId: string;
}

/**
 * The digest: the summary on one line, cut to the digest limit in force (publishing would otherwise be refused); when
 * the summary is empty, the first 54 (or, by the older documents, 64) characters of the body.
 */
export function digestOf(course: Pick<PreviewCourse, 'summary' | 'chapters'>, choices: Partial<LimitChoices>): DigestInfo {
  const limit = chosenLimit(choices, 'oa.digestLimit');
  const fallback = chosenLimit(choices, 'oa.digestFallback');
  const summary = collapseWhitespace(course.summary);
  if (summary.length > 0) {
    return {
      text: cutTo(limit.unit, summary, limit.value),
      fromBody: false,
      length: lengthIn(limit.unit, summary),
      limit: limit.value,
      limitId: limit.id,
      fallbackChars: fallback.value,
      fallbackLimitId: fallback.id,
    };
  }
  return {
    text: cutTo('chars', articleBody(course), fallback.value),
    fromBody: true,
    length: 0,
    limit: limit.value,
    limitId: limit.id,
    fallbackChars: fallback.value,
    fallbackLimitId: fallback.id,
  };
}

/** The keyword rows of the template message a course sends when it goes on sale: [label, value]. */
export function templateRows(course: Pick<PreviewCourse, 'title' | 'type' | 'priceFen' | 'chapters'>): [string, string][] {
  const lessons = course.chapters.reduce((n, c) => n + c.lessons.length, 0);
  return [
    ['课程名称', cardTitle(course)],
    ['课程类型', TYPE_NAMES[course.type]],
    ['课程价格', course.priceFen === 0 ? '免费' : formatPrice(course.priceFen)],
    ['课程内容', `${course.chapters.length} 章 · ${lessons} 课时`],
  ];
}

/** The fixed title of that template (a template's title cannot be customised, wechat-surfaces.md B6). */
export const TEMPLATE_TITLE = '课程上新通知';
