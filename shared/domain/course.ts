/**
 * Course domain: the kinds of course, the limits a creator meets while authoring, and the pure checks that both the
 * renderer (messages beside fields, before anything is sent) and the host (the final word) apply.
 */
import type { CoverCrops } from '../preview/crop';
import type { CourseTypeDetails, LessonTypeDetails } from './course-types';

/** The six course types a creator can sell; the value is stored, the label comes from i18n (`courseType.<value>`). */
export const COURSE_TYPES = ['article', 'audio', 'video', 'live', 'column', 'camp'] as const;
export type CourseType = (typeof COURSE_TYPES)[number];

export const COURSE_LIMITS = {
  /** WeChat's official-account article title limit (wechat-surfaces.md B1, "≤64 characters"). */
  titleMaxChars: 64,
  summaryMaxChars: 1000,
  outlineTitleMaxChars: 64,
  maxChapters: 200,
  maxLessonsPerCourse: 2000,
  /** ¥999,999.99 — far above any course price; keeps fen safely inside a 32-bit integer. */
  maxPriceFen: 99_999_999,
  coverMaxBytes: 10 * 1024 * 1024,
} as const;

/** Error codes for fields; the renderer translates `field.<code>`, the host returns them in INVALID_INPUT details. */
export type FieldErrorCode =
  | 'title.required'
  | 'title.tooLong'
  | 'outlineTitle.required'
  | 'outlineTitle.tooLong'
  | 'summary.tooLong'
  | 'price.required'
  | 'price.notNumber'
  | 'price.negative'
  | 'price.fractionalFen'
  | 'price.tooLarge'
  | 'cover.notImage'
  | 'cover.tooLarge'
  | 'cover.empty';

/**
 * Length in Unicode code points: a CJK character or a single emoji counts once (a joined emoji sequence counts each
 * of its parts), never the UTF-16 units that `String.length` counts.
 */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function checkTitle(title: string): FieldErrorCode | null {
  const trimmed = title.trim();
  if (trimmed.length === 0) return 'title.required';
  if (charLength(trimmed) > COURSE_LIMITS.titleMaxChars) return 'title.tooLong';
  return null;
}

export function checkOutlineTitle(title: string): FieldErrorCode | null {
  const trimmed = title.trim();
  if (trimmed.length === 0) return 'outlineTitle.required';
  if (charLength(trimmed) > COURSE_LIMITS.outlineTitleMaxChars) return 'outlineTitle.tooLong';
  return null;
}

export function checkSummary(summary: string): FieldErrorCode | null {
  return charLength(summary) > COURSE_LIMITS.summaryMaxChars ? 'summary.tooLong' : null;
}

export function checkPriceFen(fen: number): FieldErrorCode | null {
  if (!Number.isFinite(fen)) return 'price.notNumber';
  if (fen < 0) return 'price.negative';
  if (!Number.isInteger(fen)) return 'price.fractionalFen';
  if (fen > COURSE_LIMITS.maxPriceFen) return 'price.tooLarge';
  return null;
}

export type PriceParse = { ok: true; fen: number } | { ok: false; code: FieldErrorCode };

/**
 * Parses what a creator types into the price field (yuan, e.g. "99", "19.9", "¥1,299.00", "１９.９") into integer fen.
 * Done on the decimal string, never through floating point, so "0.29" is 29 fen and not 28.999….
 */
export function parsePriceInput(raw: string): PriceParse {
  const text = raw
    .normalize('NFKC')
    .replace(/^\s*[¥￥]\s*/u, '')
    .replace(/[,\s]/g, '')
    .trim();
  if (text.length === 0) return { ok: false, code: 'price.required' };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return { ok: false, code: 'price.notNumber' };
  const [, sign, intPart = '', fracPart = ''] = match;
  const digitsAfter = fracPart.replace(/0+$/, '');
  const isZero = /^0*$/.test(intPart) && digitsAfter === '';
  if (sign === '-' && !isZero) return { ok: false, code: 'price.negative' };
  if (digitsAfter.length > 2) return { ok: false, code: 'price.fractionalFen' };
  const intDigits = intPart.replace(/^0+(?=\d)/, '');
  if (intDigits.length > 9) return { ok: false, code: 'price.tooLarge' };
  const fen = Number(intDigits || '0') * 100 + Number(digitsAfter.padEnd(2, '0'));
  if (fen > COURSE_LIMITS.maxPriceFen) return { ok: false, code: 'price.tooLarge' };
  return { ok: true, fen };
}

/** Formats integer fen as yuan with two decimals and thousands separators, without the currency sign: 129900 → "1,299.00". */
export function formatFen(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** Formats integer fen for display: 1990 → "¥19.90". */
export function formatPrice(fen: number): string {
  return `¥${formatFen(fen)}`;
}

/** The value an editable price field shows for a stored price: no separators, so it parses back unchanged. */
export function priceInputValue(fen: number): string {
  return (fen / 100).toFixed(2);
}

/** One lesson in the outline. */
export interface Lesson {
  id: string;
  title: string;
  /** What the course's type adds to this lesson (free trial, own price, media…); absent means the defaults. */
  typeDetails?: LessonTypeDetails;
}

/** A chapter groups lessons in the order a learner meets them. */
export interface Chapter {
  id: string;
  title: string;
  lessons: Lesson[];
}

/** The course document the editor works on and the host stores. */
export interface Course {
  id: string;
  title: string;
  type: CourseType;
  /** Price in integer fen (1 yuan = 100 fen); 0 is a free course. */
  priceFen: number;
  summary: string;
  /** SHA-256 (hex) of the cover image in the workspace's content-addressed media folder, or null. */
  coverHash: string | null;
  /** The cover's 2.35:1 and 1:1 crops for WeChat (draft/add's pic_crop_235_1 / pic_crop_1_1) and its key region. */
  coverCrops: CoverCrops;
  /** The type's own fields (a live session's schedule, a camp's dates…), a versioned document (course-types.ts). */
  typeDetails: CourseTypeDetails;
  chapters: Chapter[];
  /** Incremented by the host on every save; a save names the version it was based on. */
  version: number;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `title`, `chapters.1.lessons.0.title`. */
  path: string;
  code: FieldErrorCode | string;
}

/** Every problem in a course draft, in field order; empty when the draft may be saved. */
export function validateCourseDraft(draft: Pick<Course, 'title' | 'priceFen' | 'summary' | 'chapters'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const title = checkTitle(draft.title);
  if (title) issues.push({ path: 'title', code: title });
  const price = checkPriceFen(draft.priceFen);
  if (price) issues.push({ path: 'priceFen', code: price });
  const summary = checkSummary(draft.summary);
  if (summary) issues.push({ path: 'summary', code: summary });
  draft.chapters.forEach((chapter, ci) => {
    const c = checkOutlineTitle(chapter.title);
    if (c) issues.push({ path: `chapters.${ci}.title`, code: c });
    chapter.lessons.forEach((lesson, li) => {
      const l = checkOutlineTitle(lesson.title);
      if (l) issues.push({ path: `chapters.${ci}.lessons.${li}.title`, code: l });
    });
  });
  return issues;
}

export function countLessons(chapters: readonly Chapter[]): number {
  return chapters.reduce((n, c) => n + c.lessons.length, 0);
}
