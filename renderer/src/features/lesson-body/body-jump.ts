/**
 * Jump-to-location for findings in a lesson body (from the compliance report or a refused submission in the course
 * editor): the lesson's body page opens and selects the finding's text there. The request is kept here until that
 * page takes it, since the body is not on the course editor's screen.
 */
import { hashFromRoute } from '../../app/app-store';

let pending: { lessonId: string; text: string } | null = null;

/** Opens the lesson's body page (a route change the app store follows) and asks it to select `text`. */
export function requestBodySelection(lessonId: string, text: string): boolean {
  const courseId = /^#\/courses\/([A-Za-z0-9_-]{1,64})/.exec(window.location.hash)?.[1];
  if (!courseId) return false;
  pending = { lessonId, text };
  history.pushState(null, '', hashFromRoute({ name: 'lesson', courseId, lessonId }));
  window.dispatchEvent(new PopStateEvent('popstate'));
  return true;
}

/** The text to select in this lesson's body, once; null when nothing was asked for. */
export function takeBodySelection(lessonId: string): string | null {
  if (pending?.lessonId !== lessonId) return null;
  const { text } = pending;
  pending = null;
  return text;
}
