/**
 * Pure operations on a course outline (chapters → lessons). Each returns a new array and leaves its input untouched,
 * so the editor can keep earlier outlines for undo.
 */
import type { Chapter, Lesson } from './course';

/** Where a lesson sits: chapter index and lesson index within it. */
export interface LessonPosition {
  chapter: number;
  lesson: number;
}

export function findLesson(chapters: readonly Chapter[], lessonId: string): LessonPosition | null {
  for (let c = 0; c < chapters.length; c++) {
    const l = chapters[c]!.lessons.findIndex((x) => x.id === lessonId);
    if (l >= 0) return { chapter: c, lesson: l };
  }
  return null;
}

export function addChapter(chapters: readonly Chapter[], chapter: Chapter, at = chapters.length): Chapter[] {
  const next = chapters.slice();
  next.splice(clamp(at, 0, next.length), 0, chapter);
  return next;
}

export function addLesson(chapters: readonly Chapter[], chapterId: string, lesson: Lesson, at?: number): Chapter[] {
  return chapters.map((c) => {
    if (c.id !== chapterId) return c;
    const lessons = c.lessons.slice();
    lessons.splice(clamp(at ?? lessons.length, 0, lessons.length), 0, lesson);
    return { ...c, lessons };
  });
}

export function renameChapter(chapters: readonly Chapter[], chapterId: string, title: string): Chapter[] {
  return chapters.map((c) => (c.id === chapterId ? { ...c, title } : c));
}

export function renameLesson(chapters: readonly Chapter[], lessonId: string, title: string): Chapter[] {
  return chapters.map((c) =>
    c.lessons.some((l) => l.id === lessonId)
      ? { ...c, lessons: c.lessons.map((l) => (l.id === lessonId ? { ...l, title } : l)) }
      : c,
  );
}

export function removeChapter(chapters: readonly Chapter[], chapterId: string): Chapter[] {
  return chapters.filter((c) => c.id !== chapterId);
}

export function removeLesson(chapters: readonly Chapter[], lessonId: string): Chapter[] {
  return chapters.map((c) =>
    c.lessons.some((l) => l.id === lessonId) ? { ...c, lessons: c.lessons.filter((l) => l.id !== lessonId) } : c,
  );
}

/** Moves a chapter to index `to` (its index after the move). */
export function moveChapter(chapters: readonly Chapter[], chapterId: string, to: number): Chapter[] {
  const from = chapters.findIndex((c) => c.id === chapterId);
  if (from < 0) return chapters.slice();
  const next = chapters.slice();
  const [moved] = next.splice(from, 1);
  next.splice(clamp(to, 0, next.length), 0, moved!);
  return next;
}

/** Moves a lesson into chapter `toChapterId` at index `to` (its index in that chapter after the move). */
export function moveLesson(chapters: readonly Chapter[], lessonId: string, toChapterId: string, to: number): Chapter[] {
  const pos = findLesson(chapters, lessonId);
  if (!pos || !chapters.some((c) => c.id === toChapterId)) return chapters.slice();
  const lesson = chapters[pos.chapter]!.lessons[pos.lesson]!;
  const without = removeLesson(chapters, lessonId);
  return addLesson(without, toChapterId, lesson, to);
}

/**
 * One keyboard step for a lesson (Alt+↑ / Alt+↓): within its chapter, or across into the neighbouring chapter's
 * end (going up) or start (going down). Returns null when it cannot move further.
 */
export function stepLesson(chapters: readonly Chapter[], lessonId: string, direction: -1 | 1): Chapter[] | null {
  const pos = findLesson(chapters, lessonId);
  if (!pos) return null;
  const chapter = chapters[pos.chapter]!;
  const target = pos.lesson + direction;
  if (target >= 0 && target < chapter.lessons.length) return moveLesson(chapters, lessonId, chapter.id, target);
  const neighbour = chapters[pos.chapter + direction];
  if (!neighbour) return null;
  return moveLesson(chapters, lessonId, neighbour.id, direction < 0 ? neighbour.lessons.length : 0);
}

export function stepChapter(chapters: readonly Chapter[], chapterId: string, direction: -1 | 1): Chapter[] | null {
  const from = chapters.findIndex((c) => c.id === chapterId);
  const to = from + direction;
  if (from < 0 || to < 0 || to >= chapters.length) return null;
  return moveChapter(chapters, chapterId, to);
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}
