/**
 * The editor store's course-type changes against a real host: the renderer's client over an in-process transport
 * that calls `host.dispatch`, as the IPC adapter does.
 */
import { describe, expect, it } from 'vitest';
import type { StudioHost } from '../../electron/studio/host';
import { createClient, type StudioClient } from '../../renderer/src/api/client';
import { createEditorStore, draftIssues, type EditorStore } from '../../renderer/src/features/courses/editor-store';
import {
  applyTypeChange,
  formatClock,
  inputPath,
  parseClock,
  parseLessonPrice,
  parseWhole,
  setLessonDetails,
  setTypeDetails,
  withInput,
} from '../../renderer/src/features/courses/type-draft';
import { defaultTypeDetails, type CampDetails } from '../../shared/domain/course-types';
import { stepLesson } from '../../shared/domain/outline';
import { callOk, openHost, steppingClock } from '../helpers/host';
import { tempDir } from '../helpers/temp-dir';

function clientFor(host: StudioHost): StudioClient {
  return createClient({ kind: 'desktop', call: (method, input) => host.dispatch(method, input), subscribe: (l) => host.on(l), mediaUrl: (h) => h });
}

async function openEditor(type: 'camp' | 'column' | 'video'): Promise<{ host: StudioHost; store: EditorStore; id: string }> {
  const host = openHost(tempDir(), { now: steppingClock('2026-11-27T12:00:00.000Z') });
  const course = await callOk(host, 'courses.create', { title: '课程', type, priceFen: 9900 });
  const store = createEditorStore(clientFor(host), course);
  return { host, store, id: course.id };
}

describe('parsing what the creator types', () => {
  it.each([
    ['0:00', 0],
    ['2:05', 125],
    ['1:02:03', 3723],
    ['９０', 90],
    [' 75 ', 75],
  ])('clock %j → %d seconds', (text, sec) => {
    expect(parseClock(text)).toEqual({ ok: true, value: sec });
  });

  it('refuses clocks, numbers and prices that are not', () => {
    expect(parseClock('2:5')).toEqual({ ok: false, code: 'chapterMark.badClock' });
    expect(parseClock('')).toEqual({ ok: false, code: 'number.required' });
    expect(parseWhole('1.5')).toEqual({ ok: false, code: 'number.notWhole' });
    expect(parseLessonPrice('')).toEqual({ ok: true, value: null });
    expect(parseLessonPrice('9.9')).toEqual({ ok: true, value: 990 });
    expect(parseLessonPrice('-1')).toEqual({ ok: false, code: 'price.negative' });
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(65)).toBe('1:05');
  });
});

describe('the editor store with type details', () => {
  it('saves type details and lesson fields through apply, and undo brings a type change back in one step', async () => {
    const { host, store, id } = await openEditor('camp');
    const { apply } = store.getState();
    apply((d) => setTypeDetails(d, (t) => ({ ...(t as CampDetails), startDate: '2030-03-01', endDate: '2030-03-21' })));
    apply((d) => ({ ...d, chapters: [{ id: 'c1', title: '第一周', lessons: [{ id: 'l1', title: '开营' }] }] }));
    apply((d) => setLessonDetails(d, 'l1', (l) => ({ ...l, freeTrial: true })));
    await store.getState().saveNow();
    expect(store.getState().saveState).toBe('saved');
    const stored = await callOk(host, 'courses.get', { id });
    expect(stored.typeDetails).toMatchObject({ type: 'camp', startDate: '2030-03-01', endDate: '2030-03-21' });
    expect(stored.chapters[0]!.lessons[0]!.typeDetails).toMatchObject({ freeTrial: true });

    apply((d) => applyTypeChange(d, 'live'));
    expect(store.getState().draft.typeDetails).toEqual(defaultTypeDetails('live'));
    expect(store.getState().draft.chapters[0]!.lessons[0]).toEqual({ id: 'l1', title: '开营' });
    store.getState().undo();
    expect(store.getState().draft.type).toBe('camp');
    expect(store.getState().draft.typeDetails).toEqual(stored.typeDetails);
    expect(store.getState().draft.chapters[0]!.lessons[0]!.typeDetails).toMatchObject({ freeTrial: true });
    store.getState().dispose();
  });

  it('does not save while a typed number does not parse, and saves once it does', async () => {
    const { host, store, id } = await openEditor('column');
    const { apply } = store.getState();
    apply((d) => withInput(d, 'course:plannedIssues', '十二'));
    expect(draftIssues(store.getState().draft)).toEqual([{ path: 'typeDetails.plannedIssues', code: 'number.notWhole' }]);
    await store.getState().saveNow();
    expect(store.getState().saveState).toBe('invalid');
    expect((await callOk(host, 'courses.get', { id })).version).toBe(1);

    apply((d) => withInput(setTypeDetails(d, (t) => (t.type === 'column' ? { ...t, plannedIssues: 24 } : t)), 'course:plannedIssues', undefined));
    await store.getState().saveNow();
    expect(store.getState().saveState).toBe('saved');
    expect((await callOk(host, 'courses.get', { id })).typeDetails).toMatchObject({ plannedIssues: 24 });
    store.getState().dispose();
  });

  it('keeps a lesson’s typed price with the lesson when it moves, and reports it at its new place', async () => {
    const { store } = await openEditor('video');
    const { apply } = store.getState();
    apply((d) => ({ ...d, chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] }] }));
    apply((d) => withInput(d, 'lesson:b:priceFen', '九块九'));
    expect(draftIssues(store.getState().draft)).toEqual([{ path: 'chapters.0.lessons.1.typeDetails.priceFen', code: 'price.notNumber' }]);
    apply((d) => ({ ...d, chapters: stepLesson(d.chapters, 'b', -1)! }));
    expect(inputPath(store.getState().draft, 'lesson:b:priceFen')).toBe('chapters.0.lessons.0.typeDetails.priceFen');
    expect(draftIssues(store.getState().draft)).toEqual([{ path: 'chapters.0.lessons.0.typeDetails.priceFen', code: 'price.notNumber' }]);
    store.getState().dispose();
  });

  it('shows the domain’s problems for lesson details, e.g. chapter marks out of order', async () => {
    const { store } = await openEditor('video');
    const { apply } = store.getState();
    apply((d) => ({ ...d, chapters: [{ id: 'c1', title: '一', lessons: [{ id: 'a', title: 'A' }] }] }));
    apply((d) =>
      setLessonDetails(d, 'a', (l) => ({
        ...l,
        durationSec: 300,
        chapterMarks: [
          { timeSec: 0, title: '开场' },
          { timeSec: 400, title: '超出' },
        ],
      })),
    );
    expect(draftIssues(store.getState().draft)).toEqual([{ path: 'chapters.0.lessons.0.typeDetails.chapterMarks.1.timeSec', code: 'chapterMark.beyondDuration' }]);
    // Back at the defaults, the lesson carries no details at all.
    apply((d) => setLessonDetails(d, 'a', (l) => ({ ...l, durationSec: null, chapterMarks: [] })));
    expect(store.getState().draft.chapters[0]!.lessons[0]).toEqual({ id: 'a', title: 'A' });
    store.getState().dispose();
  });
});
