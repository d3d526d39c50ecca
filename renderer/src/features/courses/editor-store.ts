/**
 * One store per open course editor (a vanilla zustand store, provided through context). The draft is the document;
 * every change goes through `apply`, which records undo history — typing into one field coalesces into one step, a
 * drag commits once on drop. Autosave is a subscription on the draft, not a component effect.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError } from '../../../../shared/contract/index';
import {
  parsePriceInput,
  priceInputValue,
  validateCourseDraft,
  type Chapter,
  type Course,
  type CourseType,
  type FieldIssue,
} from '../../../../shared/domain/course';
import type { CoverCrops } from '../../../../shared/preview/crop';
import type { CourseTypeDetails } from '../../../../shared/domain/course-types';
import type { StudioClient } from '../../api/client';
import { typeDraftIssues } from './type-draft';

/** What the creator edits. The price stays as typed until it parses, so "19." is not rewritten mid-typing. */
export interface Draft {
  title: string;
  type: CourseType;
  priceText: string;
  summary: string;
  coverHash: string | null;
  /** The cover's WeChat crops; set on the cover (features/preview/CoverCropEditor), cleared when the cover changes. */
  coverCrops: CoverCrops;
  chapters: Chapter[];
  /** The type's own fields (features/courses/CourseTypeFields); lessons carry theirs in `chapters`. */
  typeDetails: CourseTypeDetails;
  /** Type fields as typed while they do not parse, by input key (type-draft.ts); empty when all parse. */
  typeInputs: Record<string, string>;
}

export type SaveState = 'saved' | 'dirty' | 'saving' | 'invalid' | 'error' | 'conflict';

export interface ApplyOptions {
  /** Consecutive changes with the same key (typing in one field) become one undo step. */
  coalesce?: string;
}

export interface EditorState {
  courseId: string;
  draft: Draft;
  /** The host's version of the course, sent as `baseVersion` with the next save. */
  savedVersion: number;
  /** The draft as last saved (or loaded), to know whether there is anything to save. */
  savedDraft: Draft;
  saveState: SaveState;
  saveError: string | null;
  past: Draft[];
  future: Draft[];
  lastCoalesce: string | null;
  apply(recipe: (draft: Draft) => Draft, options?: ApplyOptions): void;
  undo(): void;
  redo(): void;
  /** Saves now if there is something valid to save; resolves when that save (and any queued one) is done. */
  saveNow(): Promise<void>;
  dispose(): void;
}

export type EditorStore = StoreApi<EditorState>;

const HISTORY_LIMIT = 200;
export const AUTOSAVE_DELAY_MS = 400;

export function draftFromCourse(course: Course): Draft {
  return {
    title: course.title,
    type: course.type,
    priceText: priceInputValue(course.priceFen),
    summary: course.summary,
    coverHash: course.coverHash,
    coverCrops: course.coverCrops,
    chapters: course.chapters,
    typeDetails: course.typeDetails,
    typeInputs: {},
  };
}

/** Every problem with a draft, by field path; the price is checked as typed. `saved`: the draft as last saved. */
export function draftIssues(draft: Draft, saved?: Draft): FieldIssue[] {
  const price = parsePriceInput(draft.priceText);
  const issues = validateCourseDraft({ ...draft, priceFen: price.ok ? price.fen : 0 });
  if (!price.ok) issues.splice(1, 0, { path: 'priceFen', code: price.code });
  return [...issues, ...typeDraftIssues(draft, price.ok ? price.fen : 0, saved)];
}

function sameDraft(a: Draft, b: Draft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function createEditorStore(client: StudioClient, course: Course): EditorStore {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let disposed = false;
  const initial = draftFromCourse(course);

  const store = createStore<EditorState>()((set, get) => ({
    courseId: course.id,
    draft: initial,
    savedVersion: course.version,
    savedDraft: initial,
    saveState: 'saved',
    saveError: null,
    past: [],
    future: [],
    lastCoalesce: null,

    apply(recipe, options = {}) {
      const { draft, past, lastCoalesce } = get();
      const next = recipe(draft);
      if (next === draft) return;
      const coalesced = options.coalesce !== undefined && options.coalesce === lastCoalesce;
      set({
        draft: next,
        past: coalesced ? past : [...past, draft].slice(-HISTORY_LIMIT),
        future: [],
        lastCoalesce: options.coalesce ?? null,
      });
    },
    undo() {
      const { past, draft, future } = get();
      const previous = past.at(-1);
      if (!previous) return;
      set({ draft: previous, past: past.slice(0, -1), future: [draft, ...future], lastCoalesce: null });
    },
    redo() {
      const { past, draft, future } = get();
      const [next, ...rest] = future;
      if (!next) return;
      set({ draft: next, past: [...past, draft], future: rest, lastCoalesce: null });
    },
    saveNow() {
      if (timer) clearTimeout(timer);
      timer = null;
      // One save at a time: a save asked for during another runs right after it, with the newest draft.
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
    const { draft, savedDraft, savedVersion, saveState } = store.getState();
    if (disposed || saveState === 'conflict') return;
    if (sameDraft(draft, savedDraft)) {
      store.setState({ saveState: 'saved', saveError: null });
      return;
    }
    if (draftIssues(draft, savedDraft).length > 0) {
      store.setState({ saveState: 'invalid' });
      return;
    }
    const price = parsePriceInput(draft.priceText);
    store.setState({ saveState: 'saving', saveError: null });
    try {
      const saved = await client.call('courses.save', {
        id: course.id,
        baseVersion: savedVersion,
        title: draft.title,
        type: draft.type,
        priceFen: price.ok ? price.fen : 0,
        summary: draft.summary,
        coverHash: draft.coverHash,
        coverCrops: draft.coverCrops,
        typeDetails: draft.typeDetails,
        chapters: draft.chapters,
      });
      // The creator may have typed on while this save was in flight: then there is more to save.
      const stillCurrent = sameDraft(store.getState().draft, draft);
      store.setState({ savedVersion: saved.version, savedDraft: draft, saveState: stillCurrent ? 'saved' : 'dirty' });
      if (!stillCurrent) schedule();
    } catch (error) {
      const code = error instanceof StudioError ? error.code : 'INTERNAL';
      store.setState({ saveState: code === 'CONFLICT' ? 'conflict' : 'error', saveError: code });
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void store.getState().saveNow(), AUTOSAVE_DELAY_MS);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.draft === previous.draft) return;
    if (state.saveState === 'conflict') return;
    if (draftIssues(state.draft, state.savedDraft).length > 0) {
      store.setState({ saveState: 'invalid' });
      return;
    }
    store.setState({ saveState: sameDraft(state.draft, state.savedDraft) ? 'saved' : 'dirty' });
    schedule();
  });

  return store;
}
