/**
 * One store per open lesson body (a vanilla zustand store, like the course editor's). TipTap owns the document while
 * it is edited — its own undo history included — and reports each change here as HTML; the store measures it against
 * WeChat's limits and autosaves it through `lessons.saveBody` (a subscription, not a component effect).
 *
 * Autosave never runs while an IME composition is open: the HTML then holds the pinyin the creator has not chosen
 * yet, and the candidate window must not be disturbed. The save waits for compositionend.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type BodyImage, type LessonBody } from '../../../../shared/contract/index';
import { bodyLimitProblems, bodyStats, type BodyLimitCode, type BodyStats } from '../../../../shared/rich-text/stats';
import type { StudioClient } from '../../api/client';

export type BodySaveState = 'saved' | 'dirty' | 'saving' | 'over' | 'error' | 'conflict';

export interface BodyNotice {
  /** Images left out of a paste (they point at other sites, or at files WeChat cannot see). */
  droppedImages: number;
  droppedElements: string[];
}

export interface LessonBodyState {
  courseId: string;
  lessonId: string;
  /** The editor's HTML now ('' for an empty editor). */
  html: string;
  /** The HTML the host has (as last saved or loaded). */
  savedHtml: string;
  savedVersion: number;
  stats: BodyStats;
  /** What is over WeChat's limits now; a body over them is not saved until it fits. */
  over: BodyLimitCode[];
  images: BodyImage[];
  saveState: BodySaveState;
  saveError: string | null;
  composing: boolean;
  /** Incremented after each save the host answered, for tests and assistive tech. */
  saves: number;
  notice: BodyNotice | null;
  /** The editor's first serialization of the stored body: the baseline, not a change. */
  baseline(html: string): void;
  setHtml(html: string): void;
  setComposing(composing: boolean): void;
  notePaste(notice: BodyNotice): void;
  dismissNotice(): void;
  saveNow(): Promise<void>;
  dispose(): void;
}

export type LessonBodyStore = StoreApi<LessonBodyState>;

export const BODY_AUTOSAVE_DELAY_MS = 600;

/** The editor writes an empty document as one empty paragraph; stored, that is no body at all. */
export function normalizeEditorHtml(html: string): string {
  return html === '<p></p>' ? '' : html;
}

export function createLessonBodyStore(client: StudioClient, body: LessonBody): LessonBodyStore {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let disposed = false;
  const measure = (html: string) => {
    const stats = bodyStats(html);
    return { stats, over: bodyLimitProblems(stats) };
  };

  const store = createStore<LessonBodyState>()((set, get) => ({
    courseId: body.courseId,
    lessonId: body.lessonId,
    html: body.html,
    savedHtml: body.html,
    savedVersion: body.version,
    ...measure(body.html),
    images: body.images,
    saveState: 'saved',
    saveError: null,
    composing: false,
    saves: 0,
    notice: null,

    baseline(html) {
      const normalized = normalizeEditorHtml(html);
      set({ html: normalized, savedHtml: normalized, ...measure(normalized) });
    },
    setHtml(html) {
      const normalized = normalizeEditorHtml(html);
      if (normalized === get().html) return;
      set({ html: normalized, ...measure(normalized) });
    },
    setComposing(composing) {
      if (composing === get().composing) return;
      set({ composing });
    },
    notePaste(notice) {
      if (notice.droppedImages > 0 || notice.droppedElements.length > 0) set({ notice });
    },
    dismissNotice() {
      set({ notice: null });
    },
    saveNow() {
      if (timer) clearTimeout(timer);
      timer = null;
      // One save at a time; one asked for during another runs after it with the newest HTML.
      queue = queue.then(saveOnce);
      return queue;
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
    },
  }));

  async function saveOnce(): Promise<void> {
    const { html, savedHtml, savedVersion, saveState, over, composing } = store.getState();
    if (disposed || saveState === 'conflict' || composing) return;
    if (html === savedHtml) {
      store.setState({ saveState: 'saved', saveError: null });
      return;
    }
    if (over.length > 0) {
      store.setState({ saveState: 'over' });
      return;
    }
    store.setState({ saveState: 'saving', saveError: null });
    try {
      const saved = await client.call('lessons.saveBody', { courseId: body.courseId, lessonId: body.lessonId, baseVersion: savedVersion, html });
      const stillCurrent = store.getState().html === html;
      // savedHtml is what the editor sent, not the host's canonical form: the editor's HTML is compared against it.
      store.setState((s) => ({
        savedVersion: saved.version,
        savedHtml: html,
        images: saved.images,
        saveState: stillCurrent ? 'saved' : 'dirty',
        saves: s.saves + 1,
      }));
      if (saved.dropped.images.length > 0 || saved.dropped.elements.length > 0) {
        store.getState().notePaste({ droppedImages: saved.dropped.images.length, droppedElements: saved.dropped.elements });
      }
      if (!stillCurrent) schedule();
    } catch (error) {
      const code = error instanceof StudioError ? (error.fields?.[0]?.code ?? error.code) : 'INTERNAL';
      store.setState({ saveState: code === 'CONFLICT' ? 'conflict' : 'error', saveError: code });
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void store.getState().saveNow(), BODY_AUTOSAVE_DELAY_MS);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.saveState === 'conflict') return;
    const changed = state.html !== previous.html;
    const compositionEnded = previous.composing && !state.composing;
    if (!changed && !compositionEnded) return;
    if (state.html === state.savedHtml) {
      if (state.saveState !== 'saved' && state.saveState !== 'saving') store.setState({ saveState: 'saved' });
      return;
    }
    if (state.over.length > 0) {
      if (state.saveState !== 'over') store.setState({ saveState: 'over' });
      return;
    }
    if (state.saveState !== 'dirty' && state.saveState !== 'saving') store.setState({ saveState: 'dirty' });
    if (state.composing) {
      // Typing pinyin: no timer runs until the composition ends.
      if (timer) clearTimeout(timer);
      timer = null;
      return;
    }
    schedule();
  });

  return store;
}
