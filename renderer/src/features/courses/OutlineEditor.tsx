import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../../shared/domain/course';
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
} from '../../../../shared/domain/outline';
import { useApp } from '../../app/stores';
import { fieldMessage } from '../../i18n/index';
import { useEditor, useEditorStore } from './CourseEditor';
import { FindingsField } from '../compliance/FindingsField';
import { LessonTypeFields } from './LessonTypeFields';

type Dragging = { kind: 'chapter' | 'lesson'; id: string } | null;
type DropMark = { kind: 'chapter' | 'lesson'; id: string; where: 'before' | 'after' } | { kind: 'chapterEnd'; id: string } | null;

const newId = () => crypto.randomUUID();

/** Whether the pointer is in the upper half of the element: drop before it, else after. */
function upperHalf(e: DragEvent<HTMLElement>): boolean {
  const rect = e.currentTarget.getBoundingClientRect();
  return e.clientY < rect.top + rect.height / 2;
}

/**
 * The chapter → lesson outline. Reordering by drag (the drop commits one undoable change) and by keyboard: ↑ ↓ on a
 * focused handle, or Alt+↑ ↓ inside a title. Deleting shows a toast with undo.
 */
export function OutlineEditor({ issues }: { issues: FieldIssue[] }) {
  const { t } = useTranslation();
  const store = useEditorStore();
  const chapters = useEditor((s) => s.draft.chapters);
  const showToast = useApp((s) => s.showToast);
  const navigate = useApp((s) => s.navigate);
  const [dragging, setDragging] = useState<Dragging>(null);
  const [drop, setDrop] = useState<DropMark>(null);
  const [announcement, setAnnouncement] = useState('');
  const focusAfterRender = useRef<string | null>(null);
  const root = useRef<HTMLElement>(null);

  // After a keyboard move the row may have been remounted (another chapter): put focus back on what moved.
  useEffect(() => {
    const target = focusAfterRender.current;
    if (!target) return;
    focusAfterRender.current = null;
    root.current?.querySelector<HTMLElement>(`[data-focus-key="${target}"]`)?.focus();
  });

  const apply = store.getState().apply;
  const issueAt = (path: string) => issues.find((i) => i.path === path)?.code ?? null;

  const announceLesson = (next: typeof chapters, lessonId: string) => {
    const pos = findLesson(next, lessonId);
    if (!pos) return;
    const title = next[pos.chapter]!.lessons[pos.lesson]!.title;
    setAnnouncement(t('outline.moved', { title, chapter: pos.chapter + 1, n: pos.lesson + 1 }));
  };

  // The body is saved against the stored lesson: the outline is saved first, so a new lesson exists on the host.
  const openBody = async (lessonId: string) => {
    await store.getState().saveNow();
    navigate({ name: 'lesson', courseId: store.getState().courseId, lessonId });
  };

  const addNewChapter = () => {
    const id = newId();
    apply((d) => ({ ...d, chapters: addChapter(d.chapters, { id, title: t('outline.newChapter'), lessons: [] }) }));
    focusAfterRender.current = `title-${id}`;
  };

  const addNewLesson = (chapterId: string) => {
    const id = newId();
    apply((d) => ({ ...d, chapters: addLesson(d.chapters, chapterId, { id, title: t('outline.newLesson') }) }));
    focusAfterRender.current = `title-${id}`;
  };

  const deleteChapter = (id: string, title: string) => {
    apply((d) => ({ ...d, chapters: removeChapter(d.chapters, id) }));
    showToast({ message: t('outline.chapterDeleted', { title }), actionLabel: t('editor.undo'), action: () => store.getState().undo() });
  };

  const deleteLesson = (id: string, title: string) => {
    apply((d) => ({ ...d, chapters: removeLesson(d.chapters, id) }));
    showToast({ message: t('outline.lessonDeleted', { title }), actionLabel: t('editor.undo'), action: () => store.getState().undo() });
  };

  const keyMoveLesson = (e: KeyboardEvent, lessonId: string, focusKey: string, needsAlt: boolean) => {
    if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || (needsAlt && !e.altKey)) return;
    e.preventDefault();
    const next = stepLesson(store.getState().draft.chapters, lessonId, e.key === 'ArrowUp' ? -1 : 1);
    if (!next) return;
    apply((d) => ({ ...d, chapters: next }));
    focusAfterRender.current = focusKey;
    announceLesson(next, lessonId);
  };

  const keyMoveChapter = (e: KeyboardEvent, chapterId: string, focusKey: string, needsAlt: boolean) => {
    if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || (needsAlt && !e.altKey)) return;
    e.preventDefault();
    const next = stepChapter(store.getState().draft.chapters, chapterId, e.key === 'ArrowUp' ? -1 : 1);
    if (!next) return;
    apply((d) => ({ ...d, chapters: next }));
    focusAfterRender.current = focusKey;
    const index = next.findIndex((c) => c.id === chapterId);
    setAnnouncement(t('outline.chapterMoved', { title: next[index]!.title, n: index + 1 }));
  };

  const startDrag = (e: DragEvent<HTMLElement>, kind: 'chapter' | 'lesson', id: string) => {
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', id);
    const row = e.currentTarget.closest<HTMLElement>('[data-drag-row]');
    if (row) e.dataTransfer.setDragImage(row, 16, 16);
    setDragging({ kind, id });
  };

  const endDrag = () => {
    setDragging(null);
    setDrop(null);
  };

  /** The drop commits once: one history entry per drag, however long the drag was. */
  const commitDrop = (e: DragEvent) => {
    e.preventDefault();
    const mark = drop;
    const source = dragging;
    endDrag();
    if (!mark || !source) return;
    const current = store.getState().draft.chapters;
    let next = current;
    if (source.kind === 'lesson') {
      if (mark.kind === 'chapterEnd') {
        const chapter = current.find((c) => c.id === mark.id);
        next = moveLesson(current, source.id, mark.id, chapter ? chapter.lessons.filter((l) => l.id !== source.id).length : 0);
      } else if (mark.kind === 'lesson' && mark.id !== source.id) {
        const without = removeLesson(current, source.id);
        const pos = findLesson(without, mark.id);
        if (!pos) return;
        next = moveLesson(current, source.id, without[pos.chapter]!.id, pos.lesson + (mark.where === 'after' ? 1 : 0));
      }
      if (next !== current) announceLesson(next, source.id);
    } else if (mark.kind === 'chapter' && mark.id !== source.id) {
      const without = current.filter((c) => c.id !== source.id);
      const index = without.findIndex((c) => c.id === mark.id);
      next = moveChapter(current, source.id, index + (mark.where === 'after' ? 1 : 0));
    }
    if (next !== current) apply((d) => ({ ...d, chapters: next }));
  };

  return (
    <section className="outline" aria-labelledby="outline-title" ref={root}>
      <header className="outline-header">
        <h2 id="outline-title">{t('outline.title')}</h2>
        <button type="button" className="secondary" onClick={addNewChapter}>
          + {t('outline.addChapter')}
        </button>
      </header>
      <p className="muted hint">{t('outline.keyboardHint')}</p>
      <div className="visually-hidden" role="status" aria-live="assertive">
        {announcement}
      </div>
      {chapters.length === 0 && <p className="empty muted">{t('outline.empty')}</p>}
      <ol className="chapters">
        {chapters.map((chapter, ci) => {
          const chapterIssue = issueAt(`chapters.${ci}.title`);
          const chapterMark = drop?.kind === 'chapter' && drop.id === chapter.id ? `drop-${drop.where}` : '';
          return (
            <li
              key={chapter.id}
              className={`chapter ${chapterMark} ${dragging?.id === chapter.id ? 'dragging' : ''}`}
              data-drag-row
              onDragOver={(e) => {
                if (dragging?.kind !== 'chapter') return;
                e.preventDefault();
                setDrop({ kind: 'chapter', id: chapter.id, where: upperHalf(e) ? 'before' : 'after' });
              }}
              onDrop={dragging?.kind === 'chapter' ? commitDrop : undefined}
            >
              <div className="chapter-head">
                <button
                  type="button"
                  className="handle"
                  draggable
                  data-focus-key={`handle-${chapter.id}`}
                  aria-label={t('outline.moveChapter', { title: chapter.title })}
                  onDragStart={(e) => startDrag(e, 'chapter', chapter.id)}
                  onDragEnd={endDrag}
                  onKeyDown={(e) => keyMoveChapter(e, chapter.id, `handle-${chapter.id}`, false)}
                >
                  ⠿
                </button>
                <span className="chapter-number" aria-hidden="true">
                  {ci + 1}
                </span>
                <FindingsField field={{ target: 'chapter', id: chapter.id, field: 'title' }} value={chapter.title} quietSummary>
                  <input
                    className="outline-title chapter-title"
                    value={chapter.title}
                    data-focus-key={`title-${chapter.id}`}
                    aria-label={t('outline.chapterTitle', { n: ci + 1 })}
                    aria-invalid={chapterIssue ? true : undefined}
                    onChange={(e) => {
                      const title = e.target.value;
                      apply((d) => ({ ...d, chapters: renameChapter(d.chapters, chapter.id, title) }), { coalesce: `chapter:${chapter.id}` });
                    }}
                    onKeyDown={(e) => keyMoveChapter(e, chapter.id, `title-${chapter.id}`, true)}
                  />
                </FindingsField>
                <button type="button" className="link-button" aria-label={t('outline.addLessonTo', { chapter: chapter.title })} onClick={() => addNewLesson(chapter.id)}>
                  + {t('outline.addLesson')}
                </button>
                <button
                  type="button"
                  className="icon-button danger"
                  aria-label={t('outline.deleteChapter', { title: chapter.title })}
                  onClick={() => deleteChapter(chapter.id, chapter.title)}
                >
                  ×
                </button>
              </div>
              {chapterIssue && (
                <p className="field-error" role="alert">
                  {fieldMessage(t, chapterIssue)}
                </p>
              )}
              <ol
                className={`lessons ${drop?.kind === 'chapterEnd' && drop.id === chapter.id ? 'drop-end' : ''}`}
                onDragOver={(e) => {
                  if (dragging?.kind !== 'lesson' || e.target !== e.currentTarget) return;
                  e.preventDefault();
                  setDrop({ kind: 'chapterEnd', id: chapter.id });
                }}
                onDrop={dragging?.kind === 'lesson' ? commitDrop : undefined}
              >
                {chapter.lessons.length === 0 && (
                  <li
                    className="lesson-empty muted"
                    onDragOver={(e) => {
                      if (dragging?.kind !== 'lesson') return;
                      e.preventDefault();
                      e.stopPropagation();
                      setDrop({ kind: 'chapterEnd', id: chapter.id });
                    }}
                    onDrop={dragging?.kind === 'lesson' ? commitDrop : undefined}
                  >
                    {t('outline.emptyChapter')}
                  </li>
                )}
                {chapter.lessons.map((lesson, li) => {
                  const lessonIssue = issueAt(`chapters.${ci}.lessons.${li}.title`);
                  const lessonMark = drop?.kind === 'lesson' && drop.id === lesson.id ? `drop-${drop.where}` : '';
                  return (
                    <li
                      key={lesson.id}
                      className={`lesson ${lessonMark} ${dragging?.id === lesson.id ? 'dragging' : ''}`}
                      data-drag-row
                      onDragOver={(e) => {
                        if (dragging?.kind !== 'lesson') return;
                        e.preventDefault();
                        e.stopPropagation();
                        setDrop({ kind: 'lesson', id: lesson.id, where: upperHalf(e) ? 'before' : 'after' });
                      }}
                      onDrop={
                        dragging?.kind === 'lesson'
                          ? (e) => {
                              e.stopPropagation();
                              commitDrop(e);
                            }
                          : undefined
                      }
                    >
                      <div className="lesson-row">
                        <button
                          type="button"
                          className="handle"
                          draggable
                          data-focus-key={`handle-${lesson.id}`}
                          aria-label={t('outline.moveLesson', { title: lesson.title })}
                          onDragStart={(e) => {
                            e.stopPropagation();
                            startDrag(e, 'lesson', lesson.id);
                          }}
                          onDragEnd={endDrag}
                          onKeyDown={(e) => keyMoveLesson(e, lesson.id, `handle-${lesson.id}`, false)}
                        >
                          ⠿
                        </button>
                        <span className="lesson-number" aria-hidden="true">
                          {ci + 1}.{li + 1}
                        </span>
                        <FindingsField field={{ target: 'lesson', id: lesson.id, field: 'title' }} value={lesson.title} quietSummary>
                          <input
                            className="outline-title"
                            value={lesson.title}
                            data-focus-key={`title-${lesson.id}`}
                            aria-label={t('outline.lessonTitle', { chapter: ci + 1, n: li + 1 })}
                            aria-invalid={lessonIssue ? true : undefined}
                            onChange={(e) => {
                              const title = e.target.value;
                              apply((d) => ({ ...d, chapters: renameLesson(d.chapters, lesson.id, title) }), { coalesce: `lesson:${lesson.id}` });
                            }}
                            onKeyDown={(e) => keyMoveLesson(e, lesson.id, `title-${lesson.id}`, true)}
                          />
                        </FindingsField>
                        <button
                          type="button"
                          className="link-button"
                          aria-label={t('lessonBody.open', { title: lesson.title })}
                          onClick={() => void openBody(lesson.id)}
                        >
                          {t('lessonBody.openShort')}
                        </button>
                        <button
                          type="button"
                          className="icon-button danger"
                          aria-label={t('outline.deleteLesson', { title: lesson.title })}
                          onClick={() => deleteLesson(lesson.id, lesson.title)}
                        >
                          ×
                        </button>
                      </div>
                      {lessonIssue && (
                        <p className="field-error" role="alert">
                          {fieldMessage(t, lessonIssue)}
                        </p>
                      )}
                      <LessonTypeFields lessonId={lesson.id} title={lesson.title} />
                    </li>
                  );
                })}
              </ol>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
