/**
 * The course-type part of the editor's draft: pure functions the components call inside `apply`, so every change is
 * one undoable step and autosaves like the rest. Numbers and times are kept as typed (in `draft.typeInputs`) until
 * they parse — "1." or an empty duration is not rewritten under the creator's fingers, and a draft holding text that
 * does not parse is invalid, so nothing half-typed is saved.
 */
import { parsePriceInput, priceInputValue, type Chapter, type FieldIssue, type Lesson } from '../../../../shared/domain/course';
import {
  changeCourseType,
  isDefaultLessonDetails,
  lessonDetailsOf,
  typeIssues,
  type CourseTypeDetails,
  type LessonTypeDetails,
} from '../../../../shared/domain/course-types';
import { findLesson } from '../../../../shared/domain/outline';
import type { Draft } from './editor-store';

/** Where a raw text belongs: `course:<field path>` or `lesson:<lesson id>:<field path>` (ids survive moves). */
export type InputKey = `course:${string}` | `lesson:${string}:${string}`;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: string };

/** A whole number as typed ("１２" and " 12 " too); `code` when it is not one. */
export function parseWhole(text: string, code = 'number.notWhole'): ParseResult<number> {
  const t = text.normalize('NFKC').trim();
  if (!/^\d{1,9}$/.test(t)) return { ok: false, code: t === '' ? 'number.required' : code };
  return { ok: true, value: Number(t) };
}

/** A lesson price in yuan → fen; '' is "not sold on its own" (null). */
export function parseLessonPrice(text: string): ParseResult<number | null> {
  if (text.trim() === '') return { ok: true, value: null };
  const p = parsePriceInput(text);
  return p.ok ? { ok: true, value: p.fen } : { ok: false, code: p.code };
}

export function lessonPriceText(fen: number | null): string {
  return fen === null ? '' : priceInputValue(fen);
}

/** `m:ss` or `h:mm:ss` (or plain seconds) → seconds. */
export function parseClock(text: string): ParseResult<number> {
  const t = text.normalize('NFKC').trim();
  const m = /^(?:(\d{1,2}):)?(\d{1,4}):([0-5]\d)$/.exec(t);
  if (m) return { ok: true, value: Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) };
  if (/^\d{1,5}$/.test(t)) return { ok: true, value: Number(t) };
  return { ok: false, code: t === '' ? 'number.required' : 'chapterMark.badClock' };
}

export function formatClock(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = String(sec % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Sets the text of a field that did not parse, or clears it (undefined) once it did. */
export function withInput(draft: Draft, key: InputKey, text: string | undefined): Draft {
  const { [key]: _old, ...rest } = draft.typeInputs;
  return { ...draft, typeInputs: text === undefined ? rest : { ...rest, [key]: text } };
}

export function setTypeDetails(draft: Draft, update: (details: CourseTypeDetails) => CourseTypeDetails): Draft {
  return { ...draft, typeDetails: update(draft.typeDetails) };
}

/** Replaces one lesson's details; a lesson back at the defaults carries none. */
export function setLessonDetails(draft: Draft, lessonId: string, update: (details: LessonTypeDetails) => LessonTypeDetails): Draft {
  const chapters: Chapter[] = draft.chapters.map((c) =>
    c.lessons.some((l) => l.id === lessonId)
      ? {
          ...c,
          lessons: c.lessons.map((l): Lesson => {
            if (l.id !== lessonId) return l;
            const next = update(lessonDetailsOf(l));
            if (isDefaultLessonDetails(next)) {
              const { typeDetails: _d, ...bare } = l;
              return bare;
            }
            return { ...l, typeDetails: next };
          }),
        }
      : c,
  );
  return { ...draft, chapters };
}

/** The draft after the type change the creator confirmed (one undo step brings everything back). */
export function applyTypeChange(draft: Draft, to: Draft['type']): Draft {
  const next = changeCourseType({ typeDetails: draft.typeDetails, chapters: draft.chapters }, to);
  return { ...draft, type: to, typeDetails: next.typeDetails, chapters: next.chapters, typeInputs: {} };
}

/** The field path an input key stands for in the current outline, or null when its lesson is gone. */
export function inputPath(draft: Draft, key: string): string | null {
  if (key.startsWith('course:')) return `typeDetails.${key.slice('course:'.length)}`;
  const m = /^lesson:([^:]+):(.+)$/.exec(key);
  if (!m) return null;
  const pos = findLesson(draft.chapters, m[1]!);
  return pos ? `chapters.${pos.chapter}.lessons.${pos.lesson}.typeDetails.${m[2]}` : null;
}

/** How each kind of raw input is parsed, by the last part of its key. */
function parserFor(key: string): (text: string) => ParseResult<unknown> {
  if (key.endsWith(':priceFen')) return parseLessonPrice;
  if (key.endsWith('.timeSec') || key.endsWith(':durationSec')) return parseClock;
  if (key === 'course:startAt') return () => ({ ok: false, code: 'liveStart.invalid' });
  return (text) => parseWhole(text);
}

/**
 * Problems in the type part of a draft: raw texts that do not parse, then the domain's checks on the document.
 * `saved` is the draft as last saved (its live reminders are not re-checked against the clock).
 */
export function typeDraftIssues(draft: Draft, coursePriceFen: number, saved?: Draft, now = Date.now()): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const raw = new Set<string>();
  for (const [key, text] of Object.entries(draft.typeInputs)) {
    const path = inputPath(draft, key);
    if (!path) continue;
    const parsed = parserFor(key)(text);
    if (!parsed.ok) {
      issues.push({ path, code: parsed.code });
      raw.add(path);
    }
  }
  const checked = typeIssues(draft.typeDetails, {
    type: draft.type,
    priceFen: coursePriceFen,
    chapters: draft.chapters,
    now,
    previous: saved?.typeDetails ?? null,
  });
  // A field whose text does not parse shows that problem, not one about the value it had before.
  return [...issues, ...checked.filter((i) => !raw.has(i.path))];
}
