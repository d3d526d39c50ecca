/**
 * Finding a published field on screen (jump-to-location from the report or a refusal) and naming it for people.
 */
import type { TFunction } from 'i18next';
import type { Draft } from '../courses/editor-store';
import { requestBodySelection } from '../lesson-body/body-jump';
import { fieldKey, type FieldRef } from './draft-fields';

/**
 * Focuses the field's input, scrolls it into view and selects the span; false when the field is not on screen. A
 * lesson body lives on its own page: that page opens and selects the finding's `text`.
 */
export function jumpTo(ref: FieldRef, start?: number, end?: number, text?: string): boolean {
  if (ref.target === 'lesson' && ref.field === 'body') return requestBodySelection(ref.id, text ?? '');
  const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-cx-field="${CSS.escape(fieldKey(ref))}"] [data-cx-input]`);
  if (!el) return false;
  const show = () => {
    el.scrollIntoView({ block: 'center' });
    el.focus();
    if (start !== undefined && end !== undefined && end <= el.value.length) el.setSelectionRange(start, end);
    // Selecting by script fires no keyboard event: tell the field its caret moved, so its hint card opens.
    el.dispatchEvent(new Event('select', { bubbles: true }));
  };
  // The field may sit in a hidden tab panel (the outline behind the preview tab): open its tab first.
  const panel = el.closest<HTMLElement>('[role="tabpanel"][hidden]');
  const tab = panel ? document.getElementById(panel.getAttribute('aria-labelledby') ?? '') : null;
  if (tab) {
    tab.click();
    requestAnimationFrame(show);
  } else show();
  return true;
}

/** "课程标题", "第 2 章「…」标题", "第 1 章第 3 课时「…」标题" — from the draft as it is now. */
export function describeField(t: TFunction, draft: Draft, ref: FieldRef): string {
  const field = t(`compliance.fields.${ref.field}`);
  if (ref.target === 'course') return t('compliance.where.course', { field });
  for (const [ci, chapter] of draft.chapters.entries()) {
    if (ref.target === 'chapter' && chapter.id === ref.id) return t('compliance.where.chapter', { n: ci + 1, title: chapter.title, field });
    for (const [li, lesson] of chapter.lessons.entries()) {
      if (ref.target === 'lesson' && lesson.id === ref.id) return t('compliance.where.lesson', { c: ci + 1, n: li + 1, title: lesson.title, field });
    }
  }
  return t('compliance.where.gone', { field });
}
