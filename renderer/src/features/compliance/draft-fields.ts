/**
 * The texts of a course draft that the scanner reads, each named by where it is (the same locations as the host's
 * findings), and the one change "apply suggestion" makes to a draft.
 */
import type { ComplianceField, ComplianceTarget } from '../../../../shared/contract/index';
import { renameChapter, renameLesson } from '../../../../shared/domain/outline';
import type { Draft } from '../courses/editor-store';

export interface FieldRef {
  target: ComplianceTarget;
  id: string;
  field: ComplianceField;
}

/** `course:<id>:title`, `lesson:<id>:title`…: one key per published field, used by highlights and jumps. */
export function fieldKey(ref: FieldRef): string {
  return `${ref.target}:${ref.id}:${ref.field}`;
}

export function parseFieldKey(key: string): FieldRef | null {
  const match = /^(course|chapter|lesson):([A-Za-z0-9_-]{1,64}):(title|summary|body|shareTitle|shareDescription)$/.exec(key);
  return match ? { target: match[1] as ComplianceTarget, id: match[2]!, field: match[3] as ComplianceField } : null;
}

/** Every published text of the draft, in reading order. */
export function draftFields(courseId: string, draft: Draft): Array<FieldRef & { key: string; text: string }> {
  const out: Array<FieldRef & { key: string; text: string }> = [];
  const add = (ref: FieldRef, text: string) => out.push({ ...ref, key: fieldKey(ref), text });
  add({ target: 'course', id: courseId, field: 'title' }, draft.title);
  add({ target: 'course', id: courseId, field: 'summary' }, draft.summary);
  for (const chapter of draft.chapters) {
    add({ target: 'chapter', id: chapter.id, field: 'title' }, chapter.title);
    for (const lesson of chapter.lessons) add({ target: 'lesson', id: lesson.id, field: 'title' }, lesson.title);
  }
  return out;
}

/** The current text of one field of the draft; null when the field is gone (a deleted lesson). */
export function fieldText(draft: Draft, ref: FieldRef): string | null {
  if (ref.target === 'course') return ref.field === 'title' ? draft.title : ref.field === 'summary' ? draft.summary : null;
  for (const chapter of draft.chapters) {
    if (ref.target === 'chapter' && chapter.id === ref.id) return ref.field === 'title' ? chapter.title : null;
    for (const lesson of chapter.lessons) if (ref.target === 'lesson' && lesson.id === ref.id) return ref.field === 'title' ? lesson.title : null;
  }
  return null;
}

/**
 * Replaces text[start, end) of one field with `replacement` — only if that span still reads `expected` (the creator
 * may have typed since the scan); null when it does not, so a stale suggestion never lands in the wrong place.
 */
export function replaceInDraft(draft: Draft, ref: FieldRef, start: number, end: number, expected: string, replacement: string): Draft | null {
  const text = fieldText(draft, ref);
  if (text === null || text.slice(start, end) !== expected) return null;
  const next = text.slice(0, start) + replacement + text.slice(end);
  if (ref.target === 'course') return ref.field === 'title' ? { ...draft, title: next } : { ...draft, summary: next };
  if (ref.target === 'chapter') return { ...draft, chapters: renameChapter(draft.chapters, ref.id, next) };
  return { ...draft, chapters: renameLesson(draft.chapters, ref.id, next) };
}
