import { describe, expect, it } from 'vitest';
import type { Chapter, CourseType } from '../../shared/domain/course';
import { COURSE_TYPES } from '../../shared/domain/course';
import {
  SALE_RULES,
  TYPE_DETAILS_VERSION,
  TypeDetailsError,
  changeCourseType,
  checkReplayUrl,
  courseDetailsIssues,
  courseTypeDetailsSchema,
  defaultLessonTypeDetails,
  defaultTypeDetails,
  lessonDetailsIssues,
  migrateCourseTypeDetails,
  migrateLessonTypeDetails,
  typeIssues,
  type CampDetails,
  type ColumnDetails,
  type LessonTypeDetails,
  type LiveDetails,
} from '../../shared/domain/course-types';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');

function ctx(type: CourseType, chapters: Chapter[] = [], priceFen = 9900) {
  return { type, priceFen, chapters, now: NOW };
}
function codes(issues: { path: string; code: string }[]): string[] {
  return issues.map((i) => `${i.path} ${i.code}`);
}
function lesson(changes: Partial<LessonTypeDetails> = {}): LessonTypeDetails {
  return { ...defaultLessonTypeDetails(), ...changes };
}

describe('defaults', () => {
  it.each(COURSE_TYPES)('%s: the defaults fit the schema and are valid', (type) => {
    const details = defaultTypeDetails(type);
    expect(details).toMatchObject({ schemaVersion: TYPE_DETAILS_VERSION, type });
    expect(courseTypeDetailsSchema.parse(details)).toEqual(details);
    expect(courseDetailsIssues(details, ctx(type))).toEqual([]);
  });

  it('sells 直播 and 训练营 whole; the others lesson by lesson', () => {
    expect(COURSE_TYPES.filter((t) => SALE_RULES[t].perLessonPrice)).toEqual(['article', 'audio', 'video', 'column']);
    expect(COURSE_TYPES.filter((t) => !SALE_RULES[t].freeTrial)).toEqual(['live']);
  });
});

describe('直播', () => {
  const live = (changes: Partial<LiveDetails>): LiveDetails => ({ ...defaultTypeDetails('live'), ...changes });

  it('accepts a scheduled session with reminders still ahead', () => {
    const d = live({ startAt: '2026-12-01T12:00:00.000Z', durationMinutes: 90, reminders: ['1d', '1h', '10m'], replayUrl: 'https://v.example.com/r/1?x=1' });
    expect(courseDetailsIssues(d, ctx('live'))).toEqual([]);
  });

  it('refuses reminders without a start, twice, or already past', () => {
    expect(codes(courseDetailsIssues(live({ startAt: null, reminders: ['1h'] }), ctx('live')))).toEqual(['typeDetails.reminders.0 liveReminder.needsStart']);
    // Starts in 2 hours: the 1-day reminder can no longer go out; 1 hour still can.
    const soon = live({ startAt: '2026-11-27T14:00:00.000Z', reminders: ['1h', '1d', '1h'] });
    expect(codes(courseDetailsIssues(soon, ctx('live')))).toEqual([
      'typeDetails.reminders.1 liveReminder.past',
      'typeDetails.reminders.2 liveReminder.duplicate',
    ]);
    // A session already over keeps its reminders as history.
    expect(courseDetailsIssues(live({ startAt: '2026-11-01T12:00:00.000Z', reminders: ['1d'] }), ctx('live'))).toEqual([]);
  });

  it('does not re-check a saved reminder against the clock once it has gone out, unless the start moves', () => {
    const saved = live({ startAt: '2026-11-27T12:30:00.000Z', reminders: ['1h'] });
    // At 12:00 the 11:30 reminder has gone out: history, not a mistake.
    expect(courseDetailsIssues(saved, { ...ctx('live'), previous: saved })).toEqual([]);
    expect(codes(courseDetailsIssues(saved, ctx('live')))).toEqual(['typeDetails.reminders.0 liveReminder.past']);
    const added = live({ startAt: '2026-11-27T12:30:00.000Z', reminders: ['1d', '1h'] });
    expect(codes(courseDetailsIssues(added, { ...ctx('live'), previous: saved }))).toEqual(['typeDetails.reminders.0 liveReminder.past']);
    const moved = live({ startAt: '2026-11-27T12:40:00.000Z', reminders: ['1h'] });
    expect(codes(courseDetailsIssues(moved, { ...ctx('live'), previous: saved }))).toEqual(['typeDetails.reminders.0 liveReminder.past']);
  });

  it('refuses a start without an offset, a duration out of range and a bad replay link', () => {
    const d = live({ startAt: '2026-12-01 20:00', durationMinutes: 0, reminders: [], replayUrl: 'javascript:alert(1)' });
    expect(codes(courseDetailsIssues(d, ctx('live')))).toEqual([
      'typeDetails.startAt liveStart.invalid',
      'typeDetails.durationMinutes liveDuration.range',
      'typeDetails.replayUrl replayUrl.notHttp',
    ]);
    expect(codes(courseDetailsIssues(live({ durationMinutes: 1.5, reminders: [] }), ctx('live')))).toEqual(['typeDetails.durationMinutes liveDuration.range']);
  });

  it.each([
    ['', null],
    ['https://example.com', null],
    ['http://127.0.0.1:8080/replay', null],
    ['https://直播.例子.中国/回放', null],
    ['ftp://example.com/a', 'replayUrl.notHttp'],
    ['example.com/replay', 'replayUrl.invalid'],
    ['https://', 'replayUrl.invalid'],
    ['https://exa mple.com', 'replayUrl.invalid'],
    ['https://example', 'replayUrl.invalid'],
    ['https://example.com:99999/', 'replayUrl.invalid'],
    ['https://-bad-.com/', 'replayUrl.invalid'],
    [`https://example.com/${'a'.repeat(1100)}`, 'replayUrl.tooLong'],
  ])('replay link %j → %s', (url, code) => {
    expect(checkReplayUrl(url)).toBe(code);
  });
});

describe('专栏', () => {
  const column = (changes: Partial<ColumnDetails>): ColumnDetails => ({ ...defaultTypeDetails('column'), ...changes });
  const outline = (n: number): Chapter[] => [{ id: 'c', title: '第一期', lessons: Array.from({ length: n }, (_, i) => ({ id: `l${i}`, title: `第 ${i + 1} 期` })) }];

  it('checks the rhythm, the planned issues and the start date', () => {
    expect(courseDetailsIssues(column({ schedule: { kind: 'weekly', weekdays: [1, 4] }, plannedIssues: 24, startDate: '2026-12-01' }), ctx('column'))).toEqual([]);
    expect(codes(courseDetailsIssues(column({ schedule: { kind: 'weekly', weekdays: [] } }), ctx('column')))).toEqual(['typeDetails.schedule.weekdays columnWeekdays.required']);
    expect(codes(courseDetailsIssues(column({ schedule: { kind: 'weekly', weekdays: [1, 1] } }), ctx('column')))).toEqual(['typeDetails.schedule.weekdays columnWeekdays.invalid']);
    expect(codes(courseDetailsIssues(column({ schedule: { kind: 'weekly', weekdays: [8] } }), ctx('column')))).toEqual(['typeDetails.schedule.weekdays columnWeekdays.invalid']);
    expect(codes(courseDetailsIssues(column({ schedule: { kind: 'interval', everyDays: 0 }, plannedIssues: 0, startDate: '2026-02-30' }), ctx('column')))).toEqual([
      'typeDetails.schedule.everyDays columnInterval.range',
      'typeDetails.plannedIssues columnIssues.range',
      'typeDetails.startDate date.invalid',
    ]);
  });

  it('does not plan fewer issues than the lessons already written', () => {
    expect(codes(courseDetailsIssues(column({ plannedIssues: 2 }), ctx('column', outline(3))))).toEqual(['typeDetails.plannedIssues columnIssues.belowLessons']);
    expect(courseDetailsIssues(column({ plannedIssues: 3 }), ctx('column', outline(3)))).toEqual([]);
  });
});

describe('训练营', () => {
  const camp = (changes: Partial<CampDetails>): CampDetails => ({ ...defaultTypeDetails('camp'), ...changes });

  it('accepts a cohort with a task per day and rules that fit it', () => {
    const d = camp({
      startDate: '2026-12-01',
      endDate: '2026-12-03',
      dailyTasks: [
        { title: '开营', description: '' },
        { title: '写 300 字', description: '任意题目' },
        { title: '复盘', description: '' },
      ],
      checkIn: { minCheckIns: 3, makeUpDays: 1, windowHours: 24 },
    });
    expect(courseDetailsIssues(d, ctx('camp'))).toEqual([]);
  });

  it('refuses an end before the start, tasks past the end and rules beyond the camp', () => {
    expect(codes(courseDetailsIssues(camp({ startDate: '2026-12-03', endDate: '2026-12-01' }), ctx('camp')))).toEqual(['typeDetails.endDate campDates.endBeforeStart']);
    const d = camp({
      startDate: '2026-12-01',
      endDate: '2026-12-02',
      dailyTasks: [
        { title: '一', description: '' },
        { title: ' ', description: '' },
        { title: '三', description: 'x'.repeat(1001) },
      ],
      checkIn: { minCheckIns: 3, makeUpDays: -1, windowHours: 0 },
    });
    expect(codes(courseDetailsIssues(d, ctx('camp')))).toEqual([
      'typeDetails.dailyTasks.1.title outlineTitle.required',
      'typeDetails.dailyTasks.2 campTask.beyondEnd',
      'typeDetails.dailyTasks.2.description taskDescription.tooLong',
      'typeDetails.checkIn.minCheckIns checkIn.aboveDays',
      'typeDetails.checkIn.makeUpDays checkIn.notWhole',
      'typeDetails.checkIn.windowHours checkIn.windowRange',
    ]);
    expect(codes(courseDetailsIssues(camp({ startDate: '2026-01-01', endDate: '2027-01-05' }), ctx('camp')))).toEqual(['typeDetails.endDate campDates.tooLong']);
    expect(codes(courseDetailsIssues(camp({ startDate: '2026-1-1' }), ctx('camp')))).toEqual(['typeDetails.startDate date.invalid']);
  });
});

describe('图文', () => {
  it('keeps the author within WeChat’s 16 characters', () => {
    const d = { ...defaultTypeDetails('article'), author: '一二三四五六七八九十一二三四五六七' };
    expect(codes(courseDetailsIssues(d, ctx('article')))).toEqual(['typeDetails.author author.tooLong']);
    expect(courseDetailsIssues({ ...d, author: '王老师' }, ctx('article'))).toEqual([]);
  });

  it('refuses details of another type', () => {
    expect(codes(courseDetailsIssues(defaultTypeDetails('live'), ctx('article')))).toEqual(['typeDetails typeDetails.typeMismatch']);
  });
});

describe('lessons: free trials, prices, media, transcripts, chapter marks', () => {
  it('prices single lessons only where the type sells them, between 1 fen and the course price', () => {
    expect(lessonDetailsIssues(lesson({ priceFen: 990 }), ctx('audio'))).toEqual([]);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 990 }), ctx('camp')))).toEqual(['typeDetails.priceFen lessonPrice.notAllowed']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 990 }), ctx('live')))).toEqual(['typeDetails.priceFen lessonPrice.notAllowed']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 0 }), ctx('column')))).toEqual(['typeDetails.priceFen lessonPrice.belowMinimum']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: -1 }), ctx('column')))).toEqual(['typeDetails.priceFen price.negative']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 9.5 }), ctx('column')))).toEqual(['typeDetails.priceFen price.fractionalFen']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 10000 }), ctx('column')))).toEqual(['typeDetails.priceFen lessonPrice.aboveCourse']);
    expect(codes(lessonDetailsIssues(lesson({ priceFen: 100, freeTrial: true }), ctx('video')))).toEqual(['typeDetails.priceFen lessonPrice.freeTrial']);
  });

  it('allows free trials everywhere but 直播', () => {
    expect(lessonDetailsIssues(lesson({ freeTrial: true }), ctx('camp'))).toEqual([]);
    expect(codes(lessonDetailsIssues(lesson({ freeTrial: true }), ctx('live')))).toEqual(['typeDetails.freeTrial freeTrial.notAllowed']);
  });

  it('keeps media to audio and video, transcripts to audio, chapter marks to video', () => {
    const hash = 'a'.repeat(64);
    expect(codes(lessonDetailsIssues(lesson({ mediaHash: hash, durationSec: 60 }), ctx('article')))).toEqual([
      'typeDetails.mediaHash lessonMedia.notAllowed',
      'typeDetails.durationSec lessonDuration.notAllowed',
    ]);
    expect(codes(lessonDetailsIssues(lesson({ transcript: '文稿' }), ctx('video')))).toEqual(['typeDetails.transcript transcript.notAllowed']);
    expect(codes(lessonDetailsIssues(lesson({ chapterMarks: [{ timeSec: 0, title: '开场' }] }), ctx('audio')))).toEqual(['typeDetails.chapterMarks chapterMarks.notAllowed']);
    expect(codes(lessonDetailsIssues(lesson({ transcript: '字'.repeat(50_001) }), ctx('audio')))).toEqual(['typeDetails.transcript transcript.tooLong']);
  });

  it('wants chapter marks sorted, whole seconds, titled and inside a known duration', () => {
    const marks = [
      { timeSec: 0, title: '开场' },
      { timeSec: 90, title: '正题' },
      { timeSec: 90, title: '重复' },
      { timeSec: 60, title: '倒退' },
      { timeSec: 1.5, title: '半秒' },
      { timeSec: 700, title: '' },
    ];
    expect(codes(lessonDetailsIssues(lesson({ chapterMarks: marks, durationSec: 600 }), ctx('video')))).toEqual([
      'typeDetails.chapterMarks.2.timeSec chapterMark.unsorted',
      'typeDetails.chapterMarks.3.timeSec chapterMark.unsorted',
      'typeDetails.chapterMarks.4.timeSec chapterMark.invalidTime',
      'typeDetails.chapterMarks.5.timeSec chapterMark.beyondDuration',
      'typeDetails.chapterMarks.5.title outlineTitle.required',
    ]);
    // With no known duration only the order is checked.
    expect(lessonDetailsIssues(lesson({ chapterMarks: [{ timeSec: 0, title: 'a' }, { timeSec: 99_999, title: 'b' }] }), ctx('video'))).toEqual([
      { path: 'typeDetails.chapterMarks.1.timeSec', code: 'chapterMark.invalidTime' },
    ]);
    expect(codes(lessonDetailsIssues(lesson({ durationSec: 0 }), ctx('video')))).toEqual(['typeDetails.durationSec lessonDuration.range']);
  });

  it('reports lesson problems at their place in the outline', () => {
    const chapters: Chapter[] = [
      { id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a' }] },
      { id: 'c2', title: '二', lessons: [{ id: 'l2', title: 'b' }, { id: 'l3', title: 'c', typeDetails: lesson({ priceFen: 100 }) }] },
    ];
    expect(codes(typeIssues(defaultTypeDetails('camp'), ctx('camp', chapters)))).toEqual(['chapters.1.lessons.1.typeDetails.priceFen lessonPrice.notAllowed']);
  });
});

describe('schema migration on load', () => {
  it('gives a course stored before type details existed its type’s defaults', () => {
    for (const type of COURSE_TYPES) expect(migrateCourseTypeDetails(null, type)).toEqual(defaultTypeDetails(type));
    expect(migrateLessonTypeDetails(undefined)).toEqual(defaultLessonTypeDetails());
  });

  it('reads a current document as it is, dropping keys it does not know', () => {
    const stored = { ...defaultTypeDetails('live'), startAt: '2026-12-01T12:00:00.000Z', legacyField: 1 };
    const { legacyField: _l, ...expected } = stored;
    expect(migrateCourseTypeDetails(stored, 'live')).toEqual(expected);
  });

  it('refuses documents from a newer app and ones that are not ours', () => {
    expect(() => migrateCourseTypeDetails({ schemaVersion: TYPE_DETAILS_VERSION + 1, type: 'live' }, 'live')).toThrow(
      expect.objectContaining({ code: 'typeDetails.tooNew' }) as Error,
    );
    expect(() => migrateLessonTypeDetails({ schemaVersion: TYPE_DETAILS_VERSION + 1 })).toThrow(TypeDetailsError);
    expect(() => migrateCourseTypeDetails([1, 2], 'live')).toThrow(expect.objectContaining({ code: 'typeDetails.malformed' }) as Error);
    expect(() => migrateCourseTypeDetails({ type: 'live' }, 'live')).toThrow(expect.objectContaining({ code: 'typeDetails.malformed' }) as Error);
    expect(() => migrateCourseTypeDetails({ schemaVersion: 1, type: 'live', durationMinutes: 'long' }, 'live')).toThrow(
      expect.objectContaining({ code: 'typeDetails.malformed' }) as Error,
    );
  });

  it('converts a document of another type as a type change would', () => {
    const camp = { ...defaultTypeDetails('camp'), startDate: '2026-12-01', endDate: '2026-12-21' };
    expect(migrateCourseTypeDetails(camp, 'column')).toEqual({ ...defaultTypeDetails('column'), startDate: '2026-12-01' });
  });
});

describe('changing the type', () => {
  const chapters = (details: LessonTypeDetails): Chapter[] => [{ id: 'c', title: '一', lessons: [{ id: 'l', title: 'a', typeDetails: details }, { id: 'm', title: 'b' }] }];

  it('keeps what both types share and lists nothing when nothing is lost', () => {
    const result = changeCourseType({ typeDetails: defaultTypeDetails('article'), chapters: chapters(lesson({ freeTrial: true, priceFen: 100 })) }, 'column');
    expect(result.dropped).toEqual([]);
    expect(result.typeDetails).toEqual(defaultTypeDetails('column'));
    expect(result.chapters[0]!.lessons[0]!.typeDetails).toEqual(lesson({ freeTrial: true, priceFen: 100 }));
  });

  it('keeps a column’s start date as the camp’s', () => {
    const column = { ...defaultTypeDetails('column'), startDate: '2026-12-01', plannedIssues: 30 };
    const result = changeCourseType({ typeDetails: column, chapters: [] }, 'camp');
    expect(result.typeDetails).toEqual({ ...defaultTypeDetails('camp'), startDate: '2026-12-01' });
    expect(result.dropped).toEqual([{ field: 'columnSchedule', count: 1 }]);
  });

  it('lists what the new type cannot hold, and clears it', () => {
    const video = lesson({ priceFen: 500, mediaHash: 'b'.repeat(64), durationSec: 600, chapterMarks: [{ timeSec: 0, title: '开场' }] });
    const result = changeCourseType({ typeDetails: defaultTypeDetails('video'), chapters: chapters(video) }, 'camp');
    expect(result.dropped).toEqual([
      { field: 'lessonPrices', count: 1 },
      { field: 'lessonMedia', count: 1 },
      { field: 'chapterMarks', count: 1 },
    ]);
    // Back at the defaults, the lesson has no details at all.
    expect(result.chapters[0]!.lessons[0]).toEqual({ id: 'l', title: 'a' });

    const live = { ...defaultTypeDetails('live'), startAt: '2026-12-01T12:00:00.000Z' };
    const fromLive = changeCourseType({ typeDetails: live, chapters: [] }, 'article');
    expect(fromLive).toEqual({ typeDetails: defaultTypeDetails('article'), chapters: [], dropped: [{ field: 'liveSession', count: 1 }] });
  });

  it('keeps media between two courses of the same media kind only', () => {
    const audio = lesson({ mediaHash: 'c'.repeat(64), durationSec: 30, transcript: '文稿', freeTrial: true });
    const toVideo = changeCourseType({ typeDetails: defaultTypeDetails('audio'), chapters: chapters(audio) }, 'video');
    expect(toVideo.chapters[0]!.lessons[0]!.typeDetails).toEqual(lesson({ freeTrial: true }));
    expect(toVideo.dropped).toEqual([
      { field: 'lessonMedia', count: 1 },
      { field: 'transcripts', count: 1 },
    ]);
    expect(changeCourseType({ typeDetails: defaultTypeDetails('audio'), chapters: chapters(audio) }, 'audio').dropped).toEqual([]);
  });
});
