import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import type { MethodInput } from '../../shared/contract/index';
import type { Course, CourseType } from '../../shared/domain/course';
import { defaultLessonTypeDetails, defaultTypeDetails, type CourseTypeDetails, type LessonTypeDetails } from '../../shared/domain/course-types';
import { callError, callOk, openHost, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

const AUDIO = 'a'.repeat(64);
const VIDEO = 'b'.repeat(64);

/** A host whose clock starts 2026-11-27 12:00 UTC and ticks a second per reading. */
function freshHost(dir = tempDir()): StudioHost {
  return openHost(dir, { now: steppingClock('2026-11-27T12:00:00.000Z') });
}

/**
 * Puts audio and video rows in the workspace's media table the way the media library's import does, through a second
 * connection (WAL lets it write beside the host's), since this branch's import takes images only.
 */
function addMedia(dir: string): void {
  const db = new Database(path.join(dir, 'studio.db'));
  const insert = db.prepare("INSERT INTO media (hash, mime, size, width, height, original_name, created_at) VALUES (?, ?, ?, NULL, NULL, ?, '2026-11-27T00:00:00.000Z')");
  insert.run(AUDIO, 'audio/mpeg', 1000, '第一讲.mp3');
  insert.run(VIDEO, 'video/mp4', 5000, '第一讲.mp4');
  db.close();
}

function saveInput(course: Course, changes: Partial<MethodInput<'courses.save'>> = {}): MethodInput<'courses.save'> {
  const { version, createdAt: _c, updatedAt: _u, ...document } = course;
  return { ...document, baseVersion: version, ...changes };
}

function lesson(changes: Partial<LessonTypeDetails>): LessonTypeDetails {
  return { ...defaultLessonTypeDetails(), ...changes };
}

async function create(host: StudioHost, type: CourseType, priceFen = 19900): Promise<Course> {
  return callOk(host, 'courses.create', { title: `${type} 课`, type, priceFen });
}

const DETAILS = {
  article: { ...defaultTypeDetails('article'), author: '王老师' },
  audio: defaultTypeDetails('audio'),
  video: defaultTypeDetails('video'),
  live: {
    ...defaultTypeDetails('live'),
    startAt: '2026-12-01T12:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    durationMinutes: 90,
    reminders: ['1d', '10m'],
    replayUrl: 'https://live.example.com/replay/1',
  },
  column: { ...defaultTypeDetails('column'), schedule: { kind: 'weekly', weekdays: [2, 5] }, plannedIssues: 24, startDate: '2026-12-01' },
  camp: {
    ...defaultTypeDetails('camp'),
    startDate: '2026-12-01',
    endDate: '2026-12-21',
    dailyTasks: [
      { title: '开营：写下目标', description: '300 字以内' },
      { title: '第一篇练习', description: '' },
    ],
    checkIn: { minCheckIns: 18, makeUpDays: 3, windowHours: 36 },
  },
} satisfies Record<CourseType, CourseTypeDetails>;

const LESSONS: Record<CourseType, LessonTypeDetails> = {
  article: lesson({ freeTrial: true }),
  audio: lesson({ priceFen: 990, mediaHash: AUDIO, durationSec: 1800, transcript: '大家好，今天讲选题。' }),
  video: lesson({ mediaHash: VIDEO, durationSec: 600, chapterMarks: [{ timeSec: 0, title: '开场' }, { timeSec: 125, title: '案例' }] }),
  live: defaultLessonTypeDetails(),
  column: lesson({ priceFen: 100 }),
  camp: lesson({ freeTrial: true }),
};

describe('each type saves its details and reads them back', () => {
  it.each(Object.keys(DETAILS) as CourseType[])('%s', async (type) => {
    const dir = tempDir();
    const host = freshHost(dir);
    addMedia(dir);
    const course = await create(host, type);
    expect(course.typeDetails).toEqual(defaultTypeDetails(type));
    const saved = await callOk(
      host,
      'courses.save',
      saveInput(course, {
        typeDetails: DETAILS[type],
        chapters: [{ id: 'c1', title: '第一章', lessons: [{ id: 'l1', title: '第一课', typeDetails: LESSONS[type] }, { id: 'l2', title: '第二课' }] }],
      }),
    );
    expect(saved.typeDetails).toEqual(DETAILS[type]);
    const expectedLesson = type === 'live' ? { id: 'l1', title: '第一课' } : { id: 'l1', title: '第一课', typeDetails: LESSONS[type] };
    expect(saved.chapters[0]!.lessons).toEqual([expectedLesson, { id: 'l2', title: '第二课' }]);
    await host.close();
    // A fresh host on the same folder reads the same document.
    expect(await callOk(freshHost(dir), 'courses.get', { id: course.id })).toEqual(saved);
  });

  it('stores lesson sale fields as columns, the rest as a versioned document, and no row for default lessons', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    addMedia(dir);
    const course = await create(host, 'audio');
    await callOk(host, 'courses.save', saveInput(course, { chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a', typeDetails: LESSONS.audio }, { id: 'l2', title: 'b', typeDetails: defaultLessonTypeDetails() }] }] }));
    const db = new Database(path.join(dir, 'studio.db'), { readonly: true });
    expect(db.prepare('SELECT lesson_id, free_trial, price_fen, media_hash, schema_version, document FROM lesson_type_details').all()).toEqual([
      { lesson_id: 'l1', free_trial: 0, price_fen: 990, media_hash: AUDIO, schema_version: 1, document: JSON.stringify({ durationSec: 1800, transcript: '大家好，今天讲选题。', chapterMarks: [] }) },
    ]);
    expect(db.prepare("SELECT schema_version, json_extract(document, '$.type') AS type FROM course_type_details").all()).toEqual([{ schema_version: 1, type: 'audio' }]);
    db.close();
  });

  it('removes a lesson’s details with the lesson, and when they go back to the defaults', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    const course = await create(host, 'column');
    const v2 = await callOk(host, 'courses.save', saveInput(course, { chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a', typeDetails: lesson({ priceFen: 100 }) }, { id: 'l2', title: 'b', typeDetails: lesson({ freeTrial: true }) }] }] }));
    const v3 = await callOk(host, 'courses.save', saveInput(v2, { chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l2', title: 'b', typeDetails: defaultLessonTypeDetails() }] }] }));
    expect(v3.chapters[0]!.lessons).toEqual([{ id: 'l2', title: 'b' }]);
    const db = new Database(path.join(dir, 'studio.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM lesson_type_details').get()).toEqual({ n: 0 });
    db.close();
  });

  it('lists the audio or video files a lesson can point at', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    addMedia(dir);
    expect((await callOk(host, 'courseTypes.mediaChoices', { kind: 'audio' })).items).toEqual([
      { hash: AUDIO, mime: 'audio/mpeg', size: 1000, originalName: '第一讲.mp3', createdAt: '2026-11-27T00:00:00.000Z' },
    ]);
    expect((await callOk(host, 'courseTypes.mediaChoices', { kind: 'video' })).items.map((m) => m.hash)).toEqual([VIDEO]);
    expect((await callError(host, 'courseTypes.mediaChoices', { kind: 'image' })).code).toBe('INVALID_INPUT');
  });
});

describe('bad input: field codes, nothing half-saved', () => {
  it('refuses every problem at once with its path and code, and changes nothing', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    addMedia(dir);
    const course = await create(host, 'live');
    const good = await callOk(host, 'courses.save', saveInput(course, { typeDetails: DETAILS.live }));

    const error = await callError(
      host,
      'courses.save',
      saveInput(good, {
        title: '改了标题',
        typeDetails: { ...DETAILS.live, startAt: '2026-11-27T14:00:00.000Z', reminders: ['1d'], durationMinutes: 0, replayUrl: 'ftp://x.example.com' },
        chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a', typeDetails: lesson({ priceFen: 100, freeTrial: true }) }] }],
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.fields).toEqual([
      { path: 'typeDetails.durationMinutes', code: 'liveDuration.range' },
      { path: 'typeDetails.reminders.0', code: 'liveReminder.past' },
      { path: 'typeDetails.replayUrl', code: 'replayUrl.notHttp' },
      { path: 'chapters.0.lessons.0.typeDetails.freeTrial', code: 'freeTrial.notAllowed' },
      { path: 'chapters.0.lessons.0.typeDetails.priceFen', code: 'lessonPrice.notAllowed' },
    ]);
    // Neither the title, the outline nor the details moved; the version did not either.
    expect(await callOk(host, 'courses.get', { id: course.id })).toEqual(good);
  });

  it('checks camp dates and rules against each other', async () => {
    const host = freshHost();
    const course = await create(host, 'camp');
    const error = await callError(
      host,
      'courses.save',
      saveInput(course, { typeDetails: { ...DETAILS.camp, endDate: '2026-11-30', checkIn: { minCheckIns: 1, makeUpDays: 0, windowHours: 100 } } }),
    );
    expect(error.fields).toEqual([
      { path: 'typeDetails.endDate', code: 'campDates.endBeforeStart' },
      { path: 'typeDetails.checkIn.windowHours', code: 'checkIn.windowRange' },
    ]);
  });

  it('refuses media that is not in the workspace or of the wrong kind', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    addMedia(dir);
    const course = await create(host, 'video');
    const error = await callError(
      host,
      'courses.save',
      saveInput(course, {
        chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a', typeDetails: lesson({ mediaHash: AUDIO }) }, { id: 'l2', title: 'b', typeDetails: lesson({ mediaHash: 'c'.repeat(64) }) }] }],
      }),
    );
    expect(error.fields).toEqual([
      { path: 'chapters.0.lessons.0.typeDetails.mediaHash', code: 'lessonMedia.wrongKind' },
      { path: 'chapters.0.lessons.1.typeDetails.mediaHash', code: 'lessonMedia.unknown' },
    ]);
    expect((await callOk(host, 'courses.get', { id: course.id })).chapters).toEqual([]);
  });

  it('refuses details of another type than the course, and malformed ones at the contract', async () => {
    const host = freshHost();
    const course = await create(host, 'article');
    expect((await callError(host, 'courses.save', saveInput(course, { typeDetails: DETAILS.camp }))).fields).toEqual([
      { path: 'typeDetails', code: 'typeDetails.typeMismatch' },
    ]);
    const malformed = await callError(host, 'courses.save', { ...saveInput(course), typeDetails: { schemaVersion: 1, type: 'live', startAt: 5 } });
    expect(malformed.code).toBe('INVALID_INPUT');
    expect(malformed.fields!.every((f) => f.path.startsWith('typeDetails'))).toBe(true);
  });
});

describe('changing the type', () => {
  it('keeps the old details until a save, then converts them when the save omits them', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    const course = await create(host, 'column');
    const v2 = await callOk(host, 'courses.save', saveInput(course, { typeDetails: DETAILS.column }));
    // A save that is refused (a bad title) does not touch the stored details.
    await callError(host, 'courses.save', saveInput(v2, { type: 'camp', title: '' }));
    expect((await callOk(host, 'courses.get', { id: course.id })).typeDetails).toEqual(DETAILS.column);

    const { typeDetails: _omit, ...withoutDetails } = saveInput(v2, { type: 'camp' });
    const v3 = await callOk(host, 'courses.save', withoutDetails);
    // The start date is shared by both types; the column's rhythm is gone.
    expect(v3.typeDetails).toEqual({ ...defaultTypeDetails('camp'), startDate: '2026-12-01' });
  });

  it('keeps the details when a save omits them and the type stays', async () => {
    const host = freshHost();
    const course = await create(host, 'live');
    const v2 = await callOk(host, 'courses.save', saveInput(course, { typeDetails: DETAILS.live }));
    const { typeDetails: _omit, ...withoutDetails } = saveInput(v2, { title: '新标题' });
    expect((await callOk(host, 'courses.save', withoutDetails)).typeDetails).toEqual(DETAILS.live);
  });

  it('refuses a type change that would leave lesson details the new type cannot hold', async () => {
    const host = freshHost();
    const course = await create(host, 'column');
    const v2 = await callOk(host, 'courses.save', saveInput(course, { chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'l1', title: 'a', typeDetails: lesson({ priceFen: 100 }) }] }] }));
    const { typeDetails: _omit, ...input } = saveInput(v2, { type: 'camp' });
    expect((await callError(host, 'courses.save', input)).fields).toEqual([{ path: 'chapters.0.lessons.0.typeDetails.priceFen', code: 'lessonPrice.notAllowed' }]);
  });
});

describe('live reminders and the clock', () => {
  it('refuses a reminder whose time has passed when it is chosen, but keeps one that went out as planned', async () => {
    let now = Date.parse('2026-11-27T10:00:00.000Z');
    const host = openHost(tempDir(), { now: () => new Date(now) });
    const course = await create(host, 'live');
    const plan = { ...DETAILS.live, startAt: '2026-11-27T12:00:00.000Z', reminders: ['1h' as const] };
    const v2 = await callOk(host, 'courses.save', saveInput(course, { typeDetails: plan }));
    now = Date.parse('2026-11-27T11:30:00.000Z'); // the 11:00 reminder has gone out
    const v3 = await callOk(host, 'courses.save', saveInput(v2, { title: '开播前改个标题' }));
    expect(v3.typeDetails).toEqual(plan);
    const added = await callError(host, 'courses.save', saveInput(v3, { typeDetails: { ...plan, reminders: ['3h', '1h'] } }));
    expect(added.fields).toEqual([{ path: 'typeDetails.reminders.0', code: 'liveReminder.past' }]);
    const moved = await callError(host, 'courses.save', saveInput(v3, { typeDetails: { ...plan, startAt: '2026-11-27T12:10:00.000Z' } }));
    expect(moved.fields).toEqual([{ path: 'typeDetails.reminders.0', code: 'liveReminder.past' }]);
  });
});

describe('stored documents this app cannot read', () => {
  it('answers CONFLICT with the reason rather than guessing', async () => {
    const dir = tempDir();
    const host = freshHost(dir);
    const course = await create(host, 'live');
    const db = new Database(path.join(dir, 'studio.db'));
    db.prepare("INSERT INTO course_type_details (course_id, schema_version, document) VALUES (?, 99, '{\"type\":\"live\"}')").run(course.id);
    db.close();
    const error = await callError(host, 'courses.get', { id: course.id });
    expect(error).toMatchObject({ code: 'CONFLICT', details: { reason: 'typeDetails.tooNew' } });
  });
});
