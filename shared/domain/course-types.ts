/**
 * What each course type adds to a course, and how a type is sold.
 *
 * A course carries one versioned JSON document for its type (`typeDetails`: a live session's schedule, a column's
 * update rhythm, a camp's dates, tasks and check-in rules), and each lesson one for what the type adds per lesson
 * (free trial, its own price, an audio or video file, a transcript, chapter marks). Both are migrated on load by pure
 * functions (`migrateCourseTypeDetails`, `migrateLessonTypeDetails`), shaped by the zod schemas below and checked by
 * `typeIssues`, which the renderer runs as the creator types and the host runs again on every save.
 *
 * **How each type is sold** (`SALE_RULES`): every course has a course price. 图文, 音频, 视频 and 专栏 may also sell
 * single lessons (a per-lesson price, in integer fen, at least WeChat Pay's 1 fen and at most the course price); 直播
 * and 训练营 are sold whole — a live session is one event, a camp one cohort — so their lessons carry no price. Any
 * type but 直播 may mark lessons as free trials (试看/试听/试学); a free-trial lesson has no price of its own.
 */
import { z } from 'zod';
import { charLength, checkOutlineTitle, checkPriceFen, type Chapter, type CourseType, type FieldIssue } from './course';
import { MIN_PAYABLE_FEN } from './pricing';
import {
  DEFAULT_TIME_ZONE,
  LIVE_TIME_ZONES,
  dayNumber,
  inclusiveDays,
  instantMs,
  type ColumnSchedule,
} from './course-schedule';

/** The schema version of both documents (course and lesson) that this code writes. */
export const TYPE_DETAILS_VERSION = 1;

export interface SaleRule {
  /** Single lessons may be bought on their own. */
  perLessonPrice: boolean;
  /** Lessons may be marked as free trials. */
  freeTrial: boolean;
  /** Lessons reference a media file of this kind. */
  lessonMedia: 'audio' | 'video' | null;
}

export const SALE_RULES: Record<CourseType, SaleRule> = {
  article: { perLessonPrice: true, freeTrial: true, lessonMedia: null },
  audio: { perLessonPrice: true, freeTrial: true, lessonMedia: 'audio' },
  video: { perLessonPrice: true, freeTrial: true, lessonMedia: 'video' },
  live: { perLessonPrice: false, freeTrial: false, lessonMedia: null },
  column: { perLessonPrice: true, freeTrial: true, lessonMedia: null },
  camp: { perLessonPrice: false, freeTrial: true, lessonMedia: null },
};

/** A live session's reminders, chosen from a fixed list; the value is how many minutes before the start it goes out. */
export const REMINDER_PRESETS = { '1d': 1440, '3h': 180, '1h': 60, '30m': 30, '10m': 10 } as const;
export type ReminderPreset = keyof typeof REMINDER_PRESETS;
export const REMINDER_ORDER = Object.keys(REMINDER_PRESETS) as ReminderPreset[];

export const TYPE_LIMITS = {
  /** WeChat's article author field (wechat-surfaces.md B1, "≤16 字"). */
  authorMaxChars: 16,
  liveMaxMinutes: 24 * 60,
  replayUrlMaxChars: 1024,
  columnMaxIssues: 1000,
  columnMaxEveryDays: 365,
  campMaxDays: 366,
  taskDescriptionMaxChars: 1000,
  checkInMaxWindowHours: 72,
  transcriptMaxChars: 50_000,
  maxChapterMarks: 100,
  /** 24 hours: far beyond any lesson; keeps marks and durations in a sane range. */
  maxDurationSec: 86_400,
} as const;

const ymd = z.string();
const whole = z.number();

export const articleDetailsSchema = z.object({
  schemaVersion: z.literal(TYPE_DETAILS_VERSION),
  type: z.literal('article'),
  /** The author line WeChat shows under an article's title; '' for none. */
  author: z.string(),
});
export const audioDetailsSchema = z.object({ schemaVersion: z.literal(TYPE_DETAILS_VERSION), type: z.literal('audio') });
export const videoDetailsSchema = z.object({ schemaVersion: z.literal(TYPE_DETAILS_VERSION), type: z.literal('video') });
export const liveDetailsSchema = z.object({
  schemaVersion: z.literal(TYPE_DETAILS_VERSION),
  type: z.literal('live'),
  /** The session's start as a UTC ISO instant; null while not scheduled. */
  startAt: z.string().nullable(),
  /** The zone the start is shown and entered in (北京时间 by default); the instant itself does not depend on it. */
  timeZone: z.enum(LIVE_TIME_ZONES),
  durationMinutes: whole,
  /** Which reminders go out before the start. */
  reminders: z.array(z.enum(REMINDER_ORDER as [ReminderPreset, ...ReminderPreset[]])),
  /** Where the recording can be watched afterwards: an http(s) URL, or '' for none yet. */
  replayUrl: z.string(),
});
export const columnDetailsSchema = z.object({
  schemaVersion: z.literal(TYPE_DETAILS_VERSION),
  type: z.literal('column'),
  schedule: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('weekly'), weekdays: z.array(whole) }),
    z.object({ kind: z.literal('interval'), everyDays: whole }),
  ]),
  /** How many issues the column promises buyers. */
  plannedIssues: whole,
  /** The date of the first issue (`YYYY-MM-DD`), '' while not set. */
  startDate: ymd,
});
export const campDetailsSchema = z.object({
  schemaVersion: z.literal(TYPE_DETAILS_VERSION),
  type: z.literal('camp'),
  /** The cohort's first and last day (`YYYY-MM-DD`, inclusive), '' while not set. */
  startDate: ymd,
  endDate: ymd,
  /** One task per camp day, in order: the first is day 1. */
  dailyTasks: z.array(z.object({ title: z.string(), description: z.string() })).max(TYPE_LIMITS.campMaxDays),
  checkIn: z.object({
    /** Check-ins a learner needs to graduate. */
    minCheckIns: whole,
    /** Missed days a learner may still check in for afterwards (补卡). */
    makeUpDays: whole,
    /** Hours after a day's task opens during which its check-in counts. */
    windowHours: whole,
  }),
});

export const courseTypeDetailsSchema = z.discriminatedUnion('type', [
  articleDetailsSchema,
  audioDetailsSchema,
  videoDetailsSchema,
  liveDetailsSchema,
  columnDetailsSchema,
  campDetailsSchema,
]);
export type CourseTypeDetails = z.infer<typeof courseTypeDetailsSchema>;
export type TypeDetailsOf<T extends CourseType> = Extract<CourseTypeDetails, { type: T }>;
export type LiveDetails = TypeDetailsOf<'live'>;
export type ColumnDetails = TypeDetailsOf<'column'>;
export type CampDetails = TypeDetailsOf<'camp'>;
export type DailyTask = CampDetails['dailyTasks'][number];

export const chapterMarkSchema = z.object({
  /** Seconds from the start of the video. */
  timeSec: whole,
  title: z.string(),
});
export type ChapterMark = z.infer<typeof chapterMarkSchema>;

export const lessonTypeDetailsSchema = z.object({
  schemaVersion: z.literal(TYPE_DETAILS_VERSION),
  /** Free to watch, listen or read before buying. */
  freeTrial: z.boolean(),
  /** The lesson's own price in integer fen when it is sold on its own; null when it is only sold with the course. */
  priceFen: z.number().nullable(),
  /** SHA-256 of the lesson's audio or video in the workspace's media table; null when none is chosen. */
  mediaHash: z.string().regex(/^[0-9a-f]{64}$/, 'hash.invalid').nullable(),
  /** The media's length in seconds when known (chapter marks must fall inside it). */
  durationSec: z.number().nullable(),
  /** The audio's transcript (文稿), plain text. */
  transcript: z.string(),
  /** A video's chapter marks, in time order. */
  chapterMarks: z.array(chapterMarkSchema).max(TYPE_LIMITS.maxChapterMarks, 'chapterMarks.tooMany'),
});
export type LessonTypeDetails = z.infer<typeof lessonTypeDetailsSchema>;

export function defaultTypeDetails<T extends CourseType>(type: T): TypeDetailsOf<T>;
export function defaultTypeDetails(type: CourseType): CourseTypeDetails {
  const v = TYPE_DETAILS_VERSION;
  switch (type) {
    case 'article':
      return { schemaVersion: v, type, author: '' };
    case 'audio':
    case 'video':
      return { schemaVersion: v, type } as CourseTypeDetails;
    case 'live':
      return { schemaVersion: v, type, startAt: null, timeZone: DEFAULT_TIME_ZONE, durationMinutes: 60, reminders: [], replayUrl: '' };
    case 'column':
      return { schemaVersion: v, type, schedule: { kind: 'weekly', weekdays: [1] }, plannedIssues: 12, startDate: '' };
    case 'camp':
      return { schemaVersion: v, type, startDate: '', endDate: '', dailyTasks: [], checkIn: { minCheckIns: 0, makeUpDays: 0, windowHours: 24 } };
  }
}

export function defaultLessonTypeDetails(): LessonTypeDetails {
  return { schemaVersion: TYPE_DETAILS_VERSION, freeTrial: false, priceFen: null, mediaHash: null, durationSec: null, transcript: '', chapterMarks: [] };
}

/** Whether a lesson's details say nothing beyond the defaults (the host stores no row for such a lesson). */
export function isDefaultLessonDetails(details: LessonTypeDetails | undefined): boolean {
  return details === undefined || JSON.stringify(details) === JSON.stringify(defaultLessonTypeDetails());
}

/** A lesson's details, or the defaults when it has none yet. */
export function lessonDetailsOf(lesson: { typeDetails?: LessonTypeDetails | undefined }): LessonTypeDetails {
  return lesson.typeDetails ?? defaultLessonTypeDetails();
}

// ——— migration on load ————————————————————————————————————————————————————————————————————————————————————————

/** A stored document that cannot be read: written by a newer app, or not a document of ours. */
export class TypeDetailsError extends Error {
  constructor(readonly code: 'typeDetails.tooNew' | 'typeDetails.malformed', message: string) {
    super(message);
    this.name = 'TypeDetailsError';
  }
}

type Doc = Record<string, unknown>;
/**
 * Steps from one schema version to the next, keyed by the version they start from. Version 0 is "no document": a
 * course stored before type details existed (studio schema ≤ 4), which gets its type's defaults. A later change of
 * shape adds step 1 → 2 here and bumps TYPE_DETAILS_VERSION; stored documents are rewritten on their next save.
 */
const COURSE_STEPS: Record<number, (doc: Doc | null, type: CourseType) => Doc> = {
  0: (_doc, type) => defaultTypeDetails(type),
};
const LESSON_STEPS: Record<number, (doc: Doc | null) => Doc> = {
  0: () => defaultLessonTypeDetails(),
};

function versionOf(raw: unknown): { doc: Doc | null; version: number } {
  if (raw === null || raw === undefined) return { doc: null, version: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new TypeDetailsError('typeDetails.malformed', 'Type details are not an object');
  const version = (raw as Doc).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new TypeDetailsError('typeDetails.malformed', 'Type details have no schema version');
  }
  if (version > TYPE_DETAILS_VERSION) {
    throw new TypeDetailsError('typeDetails.tooNew', `Type details are at schema ${version}; this app reads up to ${TYPE_DETAILS_VERSION}`);
  }
  return { doc: raw as Doc, version };
}

/**
 * A course's stored type details (parsed JSON, or null when none is stored) brought to the current schema for a
 * course of `type`. A document of another type (which no save writes) is converted as a type change would.
 */
export function migrateCourseTypeDetails(raw: unknown, type: CourseType): CourseTypeDetails {
  let { doc, version } = versionOf(raw);
  while (version < TYPE_DETAILS_VERSION) {
    doc = COURSE_STEPS[version]!(doc, type);
    version++;
  }
  const parsed = courseTypeDetailsSchema.safeParse(doc);
  if (!parsed.success) throw new TypeDetailsError('typeDetails.malformed', `Stored type details do not fit the schema: ${parsed.error.message}`);
  return parsed.data.type === type ? parsed.data : convertCourseDetails(parsed.data, type).details;
}

export function migrateLessonTypeDetails(raw: unknown): LessonTypeDetails {
  let { doc, version } = versionOf(raw);
  while (version < TYPE_DETAILS_VERSION) {
    doc = LESSON_STEPS[version]!(doc);
    version++;
  }
  const parsed = lessonTypeDetailsSchema.safeParse(doc);
  if (!parsed.success) throw new TypeDetailsError('typeDetails.malformed', `Stored lesson details do not fit the schema: ${parsed.error.message}`);
  return parsed.data;
}

// ——— validation ——————————————————————————————————————————————————————————————————————————————————————————————

/** What validation needs besides the document: the course's price and outline, and the moment it runs. */
export interface TypeCheckContext {
  type: CourseType;
  priceFen: number;
  chapters: readonly Chapter[];
  /** Milliseconds since the epoch: reminders that would already have gone out are refused. */
  now: number;
  /**
   * The details as last saved. A reminder that was saved with the same start is history once its time passes (it went
   * out), not a mistake: only reminders added, or kept across a new start time, are checked against `now`.
   */
  previous?: CourseTypeDetails | null;
}

function isWhole(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/**
 * Accepts `''` (none yet) or an absolute http(s) URL: a host of letters, digits, dots and hyphens (or an IPv4
 * address), an optional port, and no spaces. Checked by hand because `shared/` has no URL parser it may rely on.
 */
export function checkReplayUrl(url: string): string | null {
  if (url === '') return null;
  if (charLength(url) > TYPE_LIMITS.replayUrlMaxChars) return 'replayUrl.tooLong';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return 'replayUrl.invalid';
  if (!/^https?$/i.test(scheme[1]!)) return 'replayUrl.notHttp';
  const m = /^https?:\/\/([^/?#\s:@]+)(?::(\d{1,5}))?(?:[/?#]\S*)?$/i.exec(url);
  if (!m) return 'replayUrl.invalid';
  const host = m[1]!;
  const labels = host.split('.');
  if (labels.some((l) => !/^[a-zA-Z0-9\u00a1-\uffff]([a-zA-Z0-9\u00a1-\uffff-]*[a-zA-Z0-9\u00a1-\uffff])?$/.test(l))) return 'replayUrl.invalid';
  if (labels.length < 2 && host.toLowerCase() !== 'localhost') return 'replayUrl.invalid';
  if (m[2] !== undefined && Number(m[2]) > 65_535) return 'replayUrl.invalid';
  return null;
}

function dateIssue(value: string): string | null {
  return value === '' || dayNumber(value) !== null ? null : 'date.invalid';
}

/** Problems in a course's type details, with paths under `typeDetails.` */
export function courseDetailsIssues(details: CourseTypeDetails, ctx: TypeCheckContext): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (path: string, code: string | null) => {
    if (code) issues.push({ path: `typeDetails.${path}`, code });
  };
  if (details.type !== ctx.type) {
    issues.push({ path: 'typeDetails', code: 'typeDetails.typeMismatch' });
    return issues;
  }
  switch (details.type) {
    case 'article':
      at('author', charLength(details.author.trim()) > TYPE_LIMITS.authorMaxChars ? 'author.tooLong' : null);
      break;
    case 'live': {
      const start = details.startAt === null ? null : instantMs(details.startAt);
      at('startAt', details.startAt !== null && start === null ? 'liveStart.invalid' : null);
      at('durationMinutes', isWhole(details.durationMinutes, 1, TYPE_LIMITS.liveMaxMinutes) ? null : 'liveDuration.range');
      const seen = new Set<string>();
      const prev = ctx.previous?.type === 'live' ? ctx.previous : null;
      const alreadyPlanned = (r: ReminderPreset) => prev !== null && prev.startAt === details.startAt && prev.reminders.includes(r);
      details.reminders.forEach((r, i) => {
        if (seen.has(r)) return at(`reminders.${i}`, 'liveReminder.duplicate');
        seen.add(r);
        if (details.startAt === null) return at(`reminders.${i}`, 'liveReminder.needsStart');
        // Only while the session is still ahead: once it has started, its reminders are history, not a mistake.
        if (start !== null && start > ctx.now && start - REMINDER_PRESETS[r] * 60_000 < ctx.now && !alreadyPlanned(r)) {
          at(`reminders.${i}`, 'liveReminder.past');
        }
      });
      at('replayUrl', checkReplayUrl(details.replayUrl.trim()));
      break;
    }
    case 'column': {
      if (details.schedule.kind === 'weekly') {
        const days = details.schedule.weekdays;
        if (days.length === 0) at('schedule.weekdays', 'columnWeekdays.required');
        else if (days.some((d) => !isWhole(d, 1, 7)) || new Set(days).size !== days.length) at('schedule.weekdays', 'columnWeekdays.invalid');
      } else {
        at('schedule.everyDays', isWhole(details.schedule.everyDays, 1, TYPE_LIMITS.columnMaxEveryDays) ? null : 'columnInterval.range');
      }
      const lessons = ctx.chapters.reduce((n, c) => n + c.lessons.length, 0);
      if (!isWhole(details.plannedIssues, 1, TYPE_LIMITS.columnMaxIssues)) at('plannedIssues', 'columnIssues.range');
      else if (details.plannedIssues < lessons) at('plannedIssues', 'columnIssues.belowLessons');
      at('startDate', dateIssue(details.startDate));
      break;
    }
    case 'camp': {
      at('startDate', dateIssue(details.startDate));
      at('endDate', dateIssue(details.endDate));
      const start = dayNumber(details.startDate);
      const end = dayNumber(details.endDate);
      if (start !== null && end !== null) {
        if (end < start) at('endDate', 'campDates.endBeforeStart');
        else if (end - start + 1 > TYPE_LIMITS.campMaxDays) at('endDate', 'campDates.tooLong');
      }
      const days = inclusiveDays(details.startDate, details.endDate);
      details.dailyTasks.forEach((task, i) => {
        if (days !== null && i >= days) at(`dailyTasks.${i}`, 'campTask.beyondEnd');
        at(`dailyTasks.${i}.title`, checkOutlineTitle(task.title));
        at(`dailyTasks.${i}.description`, charLength(task.description) > TYPE_LIMITS.taskDescriptionMaxChars ? 'taskDescription.tooLong' : null);
      });
      const { minCheckIns, makeUpDays, windowHours } = details.checkIn;
      if (!isWhole(minCheckIns, 0, TYPE_LIMITS.campMaxDays)) at('checkIn.minCheckIns', 'checkIn.notWhole');
      else if (days !== null && minCheckIns > days) at('checkIn.minCheckIns', 'checkIn.aboveDays');
      if (!isWhole(makeUpDays, 0, TYPE_LIMITS.campMaxDays)) at('checkIn.makeUpDays', 'checkIn.notWhole');
      else if (days !== null && makeUpDays > days) at('checkIn.makeUpDays', 'checkIn.aboveDays');
      at('checkIn.windowHours', isWhole(windowHours, 1, TYPE_LIMITS.checkInMaxWindowHours) ? null : 'checkIn.windowRange');
      break;
    }
    case 'audio':
    case 'video':
      break;
  }
  return issues;
}

/** Problems in one lesson's details for a course of `ctx.type`, with paths relative to the lesson (`typeDetails.…`). */
export function lessonDetailsIssues(details: LessonTypeDetails, ctx: Pick<TypeCheckContext, 'type' | 'priceFen'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (path: string, code: string | null) => {
    if (code) issues.push({ path: `typeDetails.${path}`, code });
  };
  const rule = SALE_RULES[ctx.type];
  if (details.freeTrial && !rule.freeTrial) at('freeTrial', 'freeTrial.notAllowed');
  if (details.priceFen !== null) {
    const p = details.priceFen;
    const basic = checkPriceFen(p);
    if (!rule.perLessonPrice) at('priceFen', 'lessonPrice.notAllowed');
    else if (basic) at('priceFen', basic);
    else if (details.freeTrial) at('priceFen', 'lessonPrice.freeTrial');
    else if (p < MIN_PAYABLE_FEN) at('priceFen', 'lessonPrice.belowMinimum');
    else if (p > ctx.priceFen) at('priceFen', 'lessonPrice.aboveCourse');
  }
  if (details.mediaHash !== null && rule.lessonMedia === null) at('mediaHash', 'lessonMedia.notAllowed');
  if (details.durationSec !== null) {
    if (rule.lessonMedia === null) at('durationSec', 'lessonDuration.notAllowed');
    else if (!isWhole(details.durationSec, 1, TYPE_LIMITS.maxDurationSec)) at('durationSec', 'lessonDuration.range');
  }
  if (details.transcript !== '' && ctx.type !== 'audio') at('transcript', 'transcript.notAllowed');
  else if (charLength(details.transcript) > TYPE_LIMITS.transcriptMaxChars) at('transcript', 'transcript.tooLong');
  if (details.chapterMarks.length > 0 && ctx.type !== 'video') {
    at('chapterMarks', 'chapterMarks.notAllowed');
    return issues;
  }
  const duration = details.durationSec !== null && isWhole(details.durationSec, 1, TYPE_LIMITS.maxDurationSec) ? details.durationSec : null;
  details.chapterMarks.forEach((mark, i) => {
    const path = `chapterMarks.${i}`;
    if (!isWhole(mark.timeSec, 0, TYPE_LIMITS.maxDurationSec)) at(`${path}.timeSec`, 'chapterMark.invalidTime');
    else if (i > 0 && mark.timeSec <= details.chapterMarks[i - 1]!.timeSec) at(`${path}.timeSec`, 'chapterMark.unsorted');
    else if (duration !== null && mark.timeSec >= duration) at(`${path}.timeSec`, 'chapterMark.beyondDuration');
    at(`${path}.title`, checkOutlineTitle(mark.title));
  });
  return issues;
}

/** Every type problem in a course document: its details, then each lesson's, in outline order. */
export function typeIssues(details: CourseTypeDetails, ctx: TypeCheckContext): FieldIssue[] {
  const issues = courseDetailsIssues(details, ctx);
  ctx.chapters.forEach((chapter, ci) =>
    chapter.lessons.forEach((lesson, li) => {
      if (!lesson.typeDetails) return;
      for (const issue of lessonDetailsIssues(lesson.typeDetails, ctx)) {
        issues.push({ path: `chapters.${ci}.lessons.${li}.${issue.path}`, code: issue.code });
      }
    }),
  );
  return issues;
}

// ——— changing the type ———————————————————————————————————————————————————————————————————————————————————————

/** What a type change would throw away, for the confirmation: a kind of field and how many carry a value. */
export interface DroppedField {
  field:
    | 'author'
    | 'liveSession'
    | 'columnSchedule'
    | 'campDates'
    | 'campTasks'
    | 'campCheckIn'
    | 'startDate'
    | 'lessonPrices'
    | 'freeTrials'
    | 'lessonMedia'
    | 'transcripts'
    | 'chapterMarks';
  count: number;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Course details for `to`, keeping what the two types share (a column's and a camp's start date). */
export function convertCourseDetails(from: CourseTypeDetails, to: CourseType): { details: CourseTypeDetails; dropped: DroppedField[] } {
  if (from.type === to) return { details: from, dropped: [] };
  const details = defaultTypeDetails(to);
  const dropped: DroppedField[] = [];
  const fromStart = from.type === 'column' || from.type === 'camp' ? from.startDate : '';
  if (details.type === 'column' || details.type === 'camp') details.startDate = fromStart;
  else if (fromStart !== '') dropped.push({ field: 'startDate', count: 1 });
  const base = defaultTypeDetails(from.type);
  switch (from.type) {
    case 'article':
      if (from.author.trim() !== '') dropped.push({ field: 'author', count: 1 });
      break;
    case 'live':
      if (!sameJson(from, base)) dropped.push({ field: 'liveSession', count: 1 });
      break;
    case 'column':
      if (!sameJson({ ...from, startDate: '' }, base)) dropped.push({ field: 'columnSchedule', count: 1 });
      break;
    case 'camp': {
      const b = base as CampDetails;
      if (from.endDate !== '') dropped.push({ field: 'campDates', count: 1 });
      if (from.dailyTasks.length > 0) dropped.push({ field: 'campTasks', count: from.dailyTasks.length });
      if (!sameJson(from.checkIn, b.checkIn)) dropped.push({ field: 'campCheckIn', count: 1 });
      break;
    }
    case 'audio':
    case 'video':
      break;
  }
  return { details, dropped };
}

/** A lesson's details under type `to`: what `to` does not allow is cleared (and counted in `dropped`). */
function convertLesson(details: LessonTypeDetails, from: CourseType, to: CourseType, counts: Map<DroppedField['field'], number>): LessonTypeDetails {
  const next = { ...details };
  const drop = (field: DroppedField['field']) => counts.set(field, (counts.get(field) ?? 0) + 1);
  const rule = SALE_RULES[to];
  if (next.freeTrial && !rule.freeTrial) {
    next.freeTrial = false;
    drop('freeTrials');
  }
  if (next.priceFen !== null && !rule.perLessonPrice) {
    next.priceFen = null;
    drop('lessonPrices');
  }
  // An audio file is not a video: media (and the duration measured from it) survive only a change to the same kind.
  if (SALE_RULES[from].lessonMedia !== rule.lessonMedia) {
    if (next.mediaHash !== null) drop('lessonMedia');
    next.mediaHash = null;
    next.durationSec = null;
  }
  if (next.transcript !== '' && to !== 'audio') {
    next.transcript = '';
    drop('transcripts');
  }
  if (next.chapterMarks.length > 0 && to !== 'video') {
    next.chapterMarks = [];
    drop('chapterMarks');
  }
  return next;
}

/**
 * The course document after changing its type from `from` to `to`: shared fields kept, the rest cleared, and a list
 * of what was cleared (empty when nothing the creator entered is lost, so no confirmation is needed).
 */
export function changeCourseType(
  doc: { typeDetails: CourseTypeDetails; chapters: Chapter[] },
  to: CourseType,
): { typeDetails: CourseTypeDetails; chapters: Chapter[]; dropped: DroppedField[] } {
  const from = doc.typeDetails.type;
  const { details, dropped } = convertCourseDetails(doc.typeDetails, to);
  const counts = new Map<DroppedField['field'], number>();
  const chapters = doc.chapters.map((c) => ({
    ...c,
    lessons: c.lessons.map((l) => {
      if (!l.typeDetails) return l;
      const next = convertLesson(l.typeDetails, from, to, counts);
      return isDefaultLessonDetails(next) ? withoutTypeDetails(l) : { ...l, typeDetails: next };
    }),
  }));
  for (const [field, count] of counts) dropped.push({ field, count });
  return { typeDetails: details, chapters, dropped };
}

function withoutTypeDetails<L extends { typeDetails?: unknown }>(lesson: L): Omit<L, 'typeDetails'> {
  const { typeDetails: _drop, ...rest } = lesson;
  return rest;
}

export type { ColumnSchedule };
