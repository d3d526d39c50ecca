import { createContext, useContext, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SaveStatus } from '../../components/SaveStatus';
import { useStore } from 'zustand';
import { StudioError } from '../../../../shared/contract/index';
import { COURSE_LIMITS, charLength } from '../../../../shared/domain/course';
import { useApp, useStores } from '../../app/stores';
import { FieldError } from '../../components/FieldError';
import { CoverPicker } from './CoverPicker';
import { OutlineEditor } from './OutlineEditor';
import { CourseTypeFields, CourseTypePicker } from './CourseTypeFields';
import { FieldCounters } from '../preview/FieldCounters';
import { PreviewTabs } from '../preview/PreviewTabs';
import { ComplianceHeader } from '../compliance/ComplianceHeader';
import { ComplianceProvider } from '../compliance/ComplianceProvider';
import { FindingsField } from '../compliance/FindingsField';
import { createEditorStore, draftIssues, type EditorState, type EditorStore } from './editor-store';
import { HistoryButton } from '../versions/HistoryPanel';
import { EditorReloadContext } from '../versions/reload';
import { ExportPackageButton } from '../packages/PackageButtons';
import { PublishPanel } from '../publishing/PublishPanel';
import { RemindersPanel } from '../publishing/RemindersPanel';

const EditorContext = createContext<EditorStore | null>(null);

export function useEditor<T>(selector: (state: EditorState) => T): T {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditor outside CourseEditor');
  return useStore(store, selector);
}

export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditorStore outside CourseEditor');
  return store;
}

/** Loads a course and gives it a fresh editor store; saves what is pending when the editor closes. */
export function CourseEditorRoute({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const [store, setStore] = useState<EditorStore | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped to load the stored course into a fresh store (after a version restore).
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let created: EditorStore | null = null;
    let cancelled = false;
    client.call('courses.get', { id }).then(
      (course) => {
        if (cancelled) return;
        created = createEditorStore(client, course);
        setStore(created);
      },
      (e: unknown) => !cancelled && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      cancelled = true;
      if (created) {
        const closing = created;
        void closing.getState().saveNow().finally(() => closing.getState().dispose());
      }
    };
  }, [client, id, generation]);

  if (error) {
    return (
      <main className="page">
        <BackButton />
        <p role="alert">{error === 'NOT_FOUND' ? t('editor.notFound') : t(`error.${error}`)}</p>
      </main>
    );
  }
  if (!store) return <main className="page" aria-busy="true" />;
  return (
    <EditorReloadContext.Provider value={() => setGeneration((g) => g + 1)}>
      <EditorContext.Provider value={store}>
        <ComplianceProvider>
          <CourseEditor key={generation} />
        </ComplianceProvider>
      </EditorContext.Provider>
    </EditorReloadContext.Provider>
  );
}

function BackButton() {
  const { t } = useTranslation();
  const navigate = useApp((s) => s.navigate);
  return (
    <button type="button" className="link-button" onClick={() => navigate({ name: 'courses' })}>
      ← {t('editor.back')}
    </button>
  );
}

function isTextTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function CourseEditor() {
  const { t } = useTranslation();
  const store = useEditorStore();
  const draft = useEditor((s) => s.draft);
  const courseId = useEditor((s) => s.courseId);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const issues = draftIssues(draft);
  const issueAt = (path: string) => issues.find((i) => i.path === path)?.code ?? null;
  const ids = { title: useId(), price: useId(), summary: useId() };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        void store.getState().saveNow();
      } else if (!isTextTarget(e.target) && (key === 'z' || key === 'y')) {
        // Inside a text field the browser's own undo edits the text (and reaches the store through onChange).
        e.preventDefault();
        if (key === 'y' || e.shiftKey) store.getState().redo();
        else store.getState().undo();
      }
    };
    // Leaving the page (closing the tab or window) still tries to save what is pending.
    const onHide = () => void store.getState().saveNow();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onHide);
    };
  }, [store]);

  const apply = store.getState().apply;

  return (
    <main className="page editor" aria-label={t('editor.pageLabel', { title: draft.title.trim() })}>
      <header className="editor-header">
        <BackButton />
        <EditorSaveStatus />
        <div className="editor-actions">
          <button type="button" className="secondary" disabled={!canUndo} onClick={() => store.getState().undo()}>
            {t('editor.undo')}
          </button>
          <button type="button" className="secondary" disabled={!canRedo} onClick={() => store.getState().redo()}>
            {t('editor.redo')}
          </button>
          <HistoryButton />
          <ExportPackageButton />
        </div>
        <ComplianceHeader />
      </header>
      <div className="editor-columns">
        <section className="editor-fields">
          <div className="field">
            <label htmlFor={ids.title}>{t('editor.title')}</label>
            <FindingsField field={{ target: 'course', id: courseId, field: 'title' }} value={draft.title}>
              <input
                id={ids.title}
                className="title-input"
                value={draft.title}
                placeholder={t('editor.titlePlaceholder')}
                aria-invalid={issueAt('title') ? true : undefined}
                aria-describedby={issueAt('title') ? `${ids.title}-error` : undefined}
                onChange={(e) => {
                  const title = e.target.value;
                  apply((d) => ({ ...d, title }), { coalesce: 'title' });
                }}
              />
            </FindingsField>
            <span className="counter muted">
              {charLength(draft.title.trim())} / {COURSE_LIMITS.titleMaxChars}
            </span>
            <FieldCounters field="title" />
            <FieldError id={`${ids.title}-error`} code={issueAt('title')} />
          </div>

          <CourseTypePicker />

          <div className="field">
            <label htmlFor={ids.price}>{t('editor.price')}</label>
            <div className="price-input">
              <span aria-hidden="true">¥</span>
              <input
                id={ids.price}
                inputMode="decimal"
                value={draft.priceText}
                aria-invalid={issueAt('priceFen') ? true : undefined}
                aria-describedby={issueAt('priceFen') ? `${ids.price}-error` : `${ids.price}-hint`}
                onChange={(e) => {
                  const priceText = e.target.value;
                  apply((d) => ({ ...d, priceText }), { coalesce: 'price' });
                }}
              />
            </div>
            <p id={`${ids.price}-hint`} className="muted hint">
              {t('editor.priceHint')}
            </p>
            <FieldError id={`${ids.price}-error`} code={issueAt('priceFen')} />
          </div>

          <CourseTypeFields />

          <div className="field">
            <label htmlFor={ids.summary}>{t('editor.summary')}</label>
            <FindingsField field={{ target: 'course', id: courseId, field: 'summary' }} value={draft.summary} multiline>
              <textarea
                id={ids.summary}
                rows={5}
                value={draft.summary}
                aria-invalid={issueAt('summary') ? true : undefined}
                aria-describedby={issueAt('summary') ? `${ids.summary}-error` : undefined}
                onChange={(e) => {
                  const summary = e.target.value;
                  apply((d) => ({ ...d, summary }), { coalesce: 'summary' });
                }}
              />
            </FindingsField>
            <span className="counter muted">
              {t('editor.summaryCount', { count: charLength(draft.summary), max: COURSE_LIMITS.summaryMaxChars })}
            </span>
            <FieldCounters field="summary" />
            <FieldError id={`${ids.summary}-error`} code={issueAt('summary')} />
          </div>

          <CoverPicker />
          <PublishPanel />
          {draft.type === 'live' && <RemindersPanel />}
        </section>
        <PreviewTabs outline={<OutlineEditor issues={issues} />} />
      </div>
    </main>
  );
}

function EditorSaveStatus() {
  const { t } = useTranslation();
  const store = useEditorStore();
  const state = useEditor((s) => s.saveState);
  const error = useEditor((s) => s.saveError);
  const label =
    state === 'error'
      ? t('editor.save.error', { reason: t(`error.${error ?? 'INTERNAL'}`) })
      : t(`editor.save.${state}`);
  return (
    <SaveStatus
      state={state}
      label={label}
      title={t('editor.save.shortcut')}
      retryLabel={t('editor.save.retry')}
      reloadLabel={t('editor.save.reload')}
      onRetry={() => void store.getState().saveNow()}
    />
  );
}
