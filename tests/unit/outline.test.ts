import { describe, expect, it } from 'vitest';
import type { Chapter } from '../../shared/domain/course';
import {
  addChapter,
  addLesson,
  findLesson,
  moveChapter,
  moveLesson,
  removeChapter,
  removeLesson,
  renameChapter,
  renameLesson,
  stepChapter,
  stepLesson,
} from '../../shared/domain/outline';

/** Frozen all the way down: any operation that mutates its input throws (modules run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Chapters A [a1, a2], B [b1], C [] — built fresh and frozen for each test. */
function outline(): Chapter[] {
  return deepFreeze([
    { id: 'A', title: '第一章', lessons: [{ id: 'a1', title: '一' }, { id: 'a2', title: '二' }] },
    { id: 'B', title: '第二章', lessons: [{ id: 'b1', title: '三' }] },
    { id: 'C', title: '第三章', lessons: [] },
  ]);
}

/** The outline as `chapter: lessons` strings, easy to read in an assertion. */
function shape(chapters: readonly Chapter[] | null): string[] | null {
  return chapters && chapters.map((c) => `${c.id}: ${c.lessons.map((l) => l.id).join(' ')}`.trim());
}

describe('findLesson', () => {
  it('gives the chapter and lesson index, or null', () => {
    expect(findLesson(outline(), 'a2')).toEqual({ chapter: 0, lesson: 1 });
    expect(findLesson(outline(), 'b1')).toEqual({ chapter: 1, lesson: 0 });
    expect(findLesson(outline(), 'nope')).toBeNull();
  });
});

describe('adding', () => {
  it('adds a chapter at the end by default, at a clamped index otherwise', () => {
    const d = { id: 'D', title: '新', lessons: [] };
    expect(shape(addChapter(outline(), d))).toEqual(['A: a1 a2', 'B: b1', 'C:', 'D:']);
    expect(shape(addChapter(outline(), d, 0))).toEqual(['D:', 'A: a1 a2', 'B: b1', 'C:']);
    expect(shape(addChapter(outline(), d, 99))).toEqual(['A: a1 a2', 'B: b1', 'C:', 'D:']);
    expect(shape(addChapter(outline(), d, -3))).toEqual(['D:', 'A: a1 a2', 'B: b1', 'C:']);
  });

  it('adds a lesson to the named chapter only', () => {
    const x = { id: 'x', title: '新' };
    expect(shape(addLesson(outline(), 'A', x))).toEqual(['A: a1 a2 x', 'B: b1', 'C:']);
    expect(shape(addLesson(outline(), 'A', x, 1))).toEqual(['A: a1 x a2', 'B: b1', 'C:']);
    expect(shape(addLesson(outline(), 'C', x, 5))).toEqual(['A: a1 a2', 'B: b1', 'C: x']);
    expect(shape(addLesson(outline(), 'missing', x))).toEqual(['A: a1 a2', 'B: b1', 'C:']);
  });

  it('keeps untouched chapters as the same objects, so the editor can skip re-rendering them', () => {
    const before = outline();
    const after = addLesson(before, 'A', { id: 'x', title: '新' });
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).toBe(before[1]);
  });
});

describe('renaming and removing', () => {
  it('renames a chapter or a lesson by id', () => {
    expect(renameChapter(outline(), 'B', '改名')[1]!.title).toBe('改名');
    const renamed = renameLesson(outline(), 'a2', '改名');
    expect(renamed[0]!.lessons.map((l) => l.title)).toEqual(['一', '改名']);
    expect(renamed[1]).toEqual(outline()[1]);
  });

  it('removes a chapter with its lessons, or a single lesson', () => {
    expect(shape(removeChapter(outline(), 'A'))).toEqual(['B: b1', 'C:']);
    expect(shape(removeLesson(outline(), 'a1'))).toEqual(['A: a2', 'B: b1', 'C:']);
    expect(shape(removeLesson(outline(), 'missing'))).toEqual(['A: a1 a2', 'B: b1', 'C:']);
  });
});

describe('moving', () => {
  it('moves a chapter to its index after the move', () => {
    expect(shape(moveChapter(outline(), 'A', 2))).toEqual(['B: b1', 'C:', 'A: a1 a2']);
    expect(shape(moveChapter(outline(), 'C', 0))).toEqual(['C:', 'A: a1 a2', 'B: b1']);
    expect(shape(moveChapter(outline(), 'missing', 0))).toEqual(['A: a1 a2', 'B: b1', 'C:']);
  });

  it('moves a lesson within its chapter and into another one', () => {
    expect(shape(moveLesson(outline(), 'a1', 'A', 1))).toEqual(['A: a2 a1', 'B: b1', 'C:']);
    expect(shape(moveLesson(outline(), 'a1', 'B', 1))).toEqual(['A: a2', 'B: b1 a1', 'C:']);
    expect(shape(moveLesson(outline(), 'b1', 'C', 0))).toEqual(['A: a1 a2', 'B:', 'C: b1']);
  });

  it('leaves the outline as it was for an unknown lesson or chapter', () => {
    expect(shape(moveLesson(outline(), 'missing', 'B', 0))).toEqual(['A: a1 a2', 'B: b1', 'C:']);
    expect(shape(moveLesson(outline(), 'a1', 'missing', 0))).toEqual(['A: a1 a2', 'B: b1', 'C:']);
  });
});

describe('stepLesson (Alt+↑ / Alt+↓)', () => {
  it('steps within a chapter', () => {
    expect(shape(stepLesson(outline(), 'a1', 1))).toEqual(['A: a2 a1', 'B: b1', 'C:']);
    expect(shape(stepLesson(outline(), 'a2', -1))).toEqual(['A: a2 a1', 'B: b1', 'C:']);
  });

  it('steps down from the last lesson to the start of the next chapter', () => {
    expect(shape(stepLesson(outline(), 'a2', 1))).toEqual(['A: a1', 'B: a2 b1', 'C:']);
  });

  it('steps up from the first lesson to the end of the previous chapter', () => {
    expect(shape(stepLesson(outline(), 'b1', -1))).toEqual(['A: a1 a2 b1', 'B:', 'C:']);
  });

  it('steps into an empty chapter', () => {
    expect(shape(stepLesson(outline(), 'b1', 1))).toEqual(['A: a1 a2', 'B:', 'C: b1']);
  });

  it('returns null at either end of the outline and for an unknown lesson', () => {
    expect(stepLesson(outline(), 'a1', -1)).toBeNull();
    const lastAtEnd = moveLesson(outline(), 'b1', 'C', 0);
    expect(stepLesson(lastAtEnd, 'b1', 1)).toBeNull();
    expect(stepLesson(outline(), 'missing', 1)).toBeNull();
  });
});

describe('stepChapter', () => {
  it('swaps with the neighbour, or returns null at the ends and for an unknown chapter', () => {
    expect(shape(stepChapter(outline(), 'A', 1))).toEqual(['B: b1', 'A: a1 a2', 'C:']);
    expect(shape(stepChapter(outline(), 'C', -1))).toEqual(['A: a1 a2', 'C:', 'B: b1']);
    expect(stepChapter(outline(), 'A', -1)).toBeNull();
    expect(stepChapter(outline(), 'C', 1)).toBeNull();
    expect(stepChapter(outline(), 'missing', 1)).toBeNull();
  });
});

describe('inputs are never mutated', () => {
  it('returns new arrays and leaves the (deep-frozen) input exactly as it was', () => {
    const input = outline();
    const snapshot = structuredClone(input);
    const results = [
      addChapter(input, { id: 'D', title: 'd', lessons: [] }),
      addLesson(input, 'A', { id: 'x', title: 'x' }),
      renameChapter(input, 'A', 'x'),
      renameLesson(input, 'a1', 'x'),
      removeChapter(input, 'A'),
      removeLesson(input, 'a1'),
      moveChapter(input, 'A', 2),
      moveChapter(input, 'missing', 2),
      moveLesson(input, 'a1', 'B', 0),
      moveLesson(input, 'missing', 'B', 0),
      stepLesson(input, 'a2', 1)!,
      stepChapter(input, 'A', 1)!,
    ];
    for (const result of results) expect(result).not.toBe(input);
    expect(input).toEqual(snapshot);
  });
});
