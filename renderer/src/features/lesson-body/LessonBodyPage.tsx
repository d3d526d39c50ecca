import { createContext, useContext, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SaveStatus } from '../../components/SaveStatus';
import { useStore } from 'zustand';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import { StudioError } from '../../../../shared/contract/index';
import type { Course } from '../../../../shared/domain/course';
import { WECHAT_BODY_LIMITS } from '../../../../shared/rich-text/schema';
import { useApp, useStores } from '../../app/stores';
import { fieldMessage } from '../../i18n/index';
import { createLessonBodyStore, type LessonBodyState, type LessonBodyStore } from './lesson-body-store';
import { figureContent, imageFiles, pasteHandlers } from './paste';
import { useBodyCompliance } from './use-body-compliance';
import { takeBodySelection } from './body-jump';
import { docText, lessonExtensions } from './extensions';
import { BodyHistoryPanel } from './BodyHistoryPanel';
import './lesson-body.css';
import { readAsBase64 } from '../../api/read-file';

const BodyContext = createContext<LessonBodyStore | null>(null);

function useBody<T>(selector: (state: LessonBodyState) => T): T {
  const store = useContext(BodyContext);
  if (!store) throw new Error('useBody outside LessonBodyRoute');
  return useStore(store, selector);
}

function useBodyStore(): LessonBodyStore {
  const store = useContext(BodyContext);
  if (!store) throw new Error('useBodyStore outside LessonBodyRoute');
  return store;
}

function lessonTitle(course: Course, lessonId: string): string {
  for (const chapter of course.chapters) for (const lesson of chapter.lessons) if (lesson.id === lessonId) return lesson.title;
  return '';
}

/** Loads a lesson's body and gives it a fresh store; saves what is pending when the page closes. */
export function LessonBodyRoute({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { t } = useTranslation();
  const { client } = useStores();
  const navigate = useApp((s) => s.navigate);
  const [loaded, setLoaded] = useState<{ store: LessonBodyStore; title: string; generation: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped after a version is restored: the body is loaded again into a fresh store and editor. */
  const [generation, setGeneration] = useState(0);
  const [historyOpen, setHistoryOpen] = useState(false);

  useEffect(() => {
    let created: LessonBodyStore | null = null;
    let cancelled = false;
    Promise.all([client.call('courses.get', { id: courseId }), client.call('lessons.getBody', { courseId, lessonId })]).then(
      ([course, body]) => {
        if (cancelled) return;
        created = createLessonBodyStore(client, body);
        setLoaded({ store: created, title: lessonTitle(course, lessonId), generation });
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
  }, [client, courseId, lessonId, generation]);

  const back = (
    <button type="button" className="link-button" onClick={() => navigate({ name: 'course', id: courseId })}>
      ← {t('lessonBody.back')}
    </button>
  );
  if (error) {
    return (
      <main className="page">
        {back}
        <p role="alert">{error === 'NOT_FOUND' ? t('lessonBody.notFound') : t(`error.${error}`)}</p>
      </main>
    );
  }
  if (!loaded) return <main className="page" aria-busy="true" />;
  return (
    <BodyContext.Provider value={loaded.store}>
      <main className="page lesson-body-page" aria-label={t('lessonBody.pageLabel', { title: loaded.title })}>
        <header className="editor-header">
          {back}
          <h1 className="lesson-body-title">{loaded.title}</h1>
          <BodySaveStatus />
          <button type="button" className="secondary" aria-expanded={historyOpen} onClick={() => setHistoryOpen((o) => !o)}>
            {t('lessonBody.history.button')}
          </button>
        </header>
        <BodyEditor key={loaded.generation} />
        {historyOpen && (
          <BodyHistoryPanel
            store={loaded.store}
            onClose={() => setHistoryOpen(false)}
            onRestored={() => {
              // The panel closes so the restored body and the toast's 撤销恢复 are in view.
              setHistoryOpen(false);
              setGeneration((g) => g + 1);
            }}
          />
        )}
      </main>
    </BodyContext.Provider>
  );
}

function BodyEditor() {
  const { t } = useTranslation();
  const { client } = useStores();
  const showToast = useApp((s) => s.showToast);
  const store = useBodyStore();
  const fileInput = useRef<HTMLInputElement>(null);
  const [importing, setImporting] = useState(0);

  const importFiles = async (files: File[]): Promise<string[]> => {
    setImporting((n) => n + 1);
    try {
      const hashes: string[] = [];
      for (const file of files) {
        try {
          hashes.push((await client.call('media.importImage', { fileName: file.name || 'image', dataBase64: await readAsBase64(file) })).hash);
        } catch (e) {
          const code = e instanceof StudioError ? (e.fields?.[0]?.code ?? e.code) : 'cover.notImage';
          showToast({ message: code.includes('.') ? fieldMessage(t, code) : t(`error.${code}`) });
        }
      }
      return hashes;
    } finally {
      setImporting((n) => n - 1);
    }
  };

  const editor = useEditor({
    extensions: lessonExtensions({ mediaUrl: (hash) => client.mediaUrl(hash), remoteLabel: t('lessonBody.images.remote') }, t('lessonBody.placeholder')),
    content: store.getState().html,
    immediatelyRender: true,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: { 'aria-label': t('lessonBody.editorLabel'), 'aria-multiline': 'true', role: 'textbox', class: 'lesson-body-content' },
      ...pasteHandlers({
        importImages: importFiles,
        onSanitized: (report) => store.getState().notePaste({ droppedImages: report.droppedImages.length, droppedElements: report.droppedElements }),
      }),
    },
    onCreate: ({ editor: created }) => store.getState().baseline(created.getHTML()),
    onUpdate: ({ editor: updated }) => store.getState().setHtml(updated.getHTML()),
  });

  // Composition state for autosave: the store waits for compositionend before saving.
  useEffect(() => {
    const dom = editor.view.dom;
    const start = () => store.getState().setComposing(true);
    const end = () => {
      // ProseMirror applies the composed text on compositionend; read it after that.
      setTimeout(() => {
        store.getState().setHtml(editor.getHTML());
        store.getState().setComposing(false);
      }, 0);
    };
    dom.addEventListener('compositionstart', start);
    dom.addEventListener('compositionend', end);
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void store.getState().saveNow();
      }
    };
    const onHide = () => void store.getState().saveNow();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pagehide', onHide);
    return () => {
      dom.removeEventListener('compositionstart', start);
      dom.removeEventListener('compositionend', end);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onHide);
    };
  }, [editor, store]);

  const findings = useBodyCompliance(editor, store);

  // Opened from a finding elsewhere (the compliance report): select its text here.
  useEffect(() => {
    const wanted = takeBodySelection(store.getState().lessonId);
    if (!wanted) return;
    const { text, positions } = docText(editor.state.doc);
    const at = text.indexOf(wanted);
    if (at < 0) return;
    editor.chain().focus().setTextSelection({ from: positions[at]!, to: positions[at + wanted.length - 1]! + 1 }).scrollIntoView().run();
  }, [editor, store]);

  const insertFiles = async (files: File[]) => {
    const hashes = await importFiles(files);
    if (hashes.length > 0) editor.chain().focus().insertContent(figureContent(hashes)).run();
  };

  return (
    <div className="lesson-body">
      <Toolbar editor={editor} onImage={() => fileInput.current?.click()} />
      <input
        ref={fileInput}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        multiple
        hidden
        data-testid="lesson-image-input"
        onChange={(e) => {
          const files = imageFiles(e.target.files);
          e.target.value = '';
          void insertFiles(files);
        }}
      />
      <PasteNotice />
      <EditorContent editor={editor} className="lesson-body-frame" />
      {importing > 0 && (
        <p className="muted" role="status">
          {t('lessonBody.images.importing')}
        </p>
      )}
      <Counters />
      <ImageStatus />
      <section className="lesson-body-findings" aria-label={t('lessonBody.findings.title')}>
        <h2>{t('lessonBody.findings.title')}</h2>
        {findings.length === 0 ? (
          <p className="muted">{t('lessonBody.findings.none')}</p>
        ) : (
          <ul>
            {findings.map((f) => (
              <li key={`${f.from}-${f.rule}`} className={`cx-finding cx-${f.severity}`}>
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('lessonBody.findings.select', { text: f.text })}
                  onClick={() => editor.chain().focus().setTextSelection({ from: f.from, to: f.to }).scrollIntoView().run()}
                >
                  「{f.text}」
                </button>{' '}
                <span>{f.message}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Toolbar({ editor, onImage }: { editor: Editor; onImage: () => void }) {
  const { t } = useTranslation();
  // The toolbar shows the state at the selection: re-render on every transaction.
  const [, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick((n) => n + 1);
    editor.on('transaction', bump);
    return () => {
      editor.off('transaction', bump);
    };
  }, [editor]);
  const button = (key: string, label: string, active: boolean, run: () => boolean, disabled = false) => (
    <button
      key={key}
      type="button"
      className={active ? 'tool active' : 'tool'}
      aria-pressed={active}
      disabled={disabled}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => run()}
    >
      {label}
    </button>
  );
  const chain = () => editor.chain().focus();
  return (
    <div className="lesson-toolbar" role="toolbar" aria-label={t('lessonBody.toolbar.label')}>
      {button('p', t('lessonBody.toolbar.paragraph'), editor.isActive('paragraph'), () => chain().setParagraph().run())}
      {button('h2', t('lessonBody.toolbar.h2'), editor.isActive('heading', { level: 2 }), () => chain().toggleHeading({ level: 2 }).run())}
      {button('h3', t('lessonBody.toolbar.h3'), editor.isActive('heading', { level: 3 }), () => chain().toggleHeading({ level: 3 }).run())}
      <span className="tool-sep" aria-hidden="true" />
      {button('b', t('lessonBody.toolbar.bold'), editor.isActive('bold'), () => chain().toggleBold().run())}
      {button('i', t('lessonBody.toolbar.italic'), editor.isActive('italic'), () => chain().toggleItalic().run())}
      {button('u', t('lessonBody.toolbar.underline'), editor.isActive('underline'), () => chain().toggleUnderline().run())}
      {button('s', t('lessonBody.toolbar.strike'), editor.isActive('strike'), () => chain().toggleStrike().run())}
      {button('code', t('lessonBody.toolbar.code'), editor.isActive('code'), () => chain().toggleCode().run())}
      <span className="tool-sep" aria-hidden="true" />
      {button('ul', t('lessonBody.toolbar.bulletList'), editor.isActive('bulletList'), () => chain().toggleBulletList().run())}
      {button('ol', t('lessonBody.toolbar.orderedList'), editor.isActive('orderedList'), () => chain().toggleOrderedList().run())}
      {button('quote', t('lessonBody.toolbar.blockquote'), editor.isActive('blockquote'), () => chain().toggleBlockquote().run())}
      {button('pre', t('lessonBody.toolbar.codeBlock'), editor.isActive('codeBlock'), () => chain().toggleCodeBlock().run())}
      {button('hr', t('lessonBody.toolbar.divider'), false, () => chain().setHorizontalRule().run())}
      {button('img', t('lessonBody.toolbar.image'), false, () => {
        onImage();
        return true;
      })}
      <span className="tool-sep" aria-hidden="true" />
      {button('undo', t('lessonBody.toolbar.undo'), false, () => chain().undo().run(), !editor.can().undo())}
      {button('redo', t('lessonBody.toolbar.redo'), false, () => chain().redo().run(), !editor.can().redo())}
    </div>
  );
}

function formatSize(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : bytes < 1_000_000 ? `${(bytes / 1000).toFixed(1)} KB` : `${(bytes / 1_000_000).toFixed(2)} MB`;
}

function Counters() {
  const { t } = useTranslation();
  const stats = useBody((s) => s.stats);
  const over = useBody((s) => s.over);
  const hint = useId();
  return (
    <div className="lesson-counters">
      <p className="muted" aria-describedby={hint}>
        <span data-counter="chars" className={over.includes('body.tooManyChars') ? 'over' : undefined}>
          {t('lessonBody.counters.chars', { count: stats.chars.toLocaleString('en-US'), max: WECHAT_BODY_LIMITS.maxChars.toLocaleString('en-US') })}
        </span>
        {' · '}
        <span data-counter="bytes" className={over.includes('body.tooLarge') ? 'over' : undefined}>
          {t('lessonBody.counters.bytes', { size: formatSize(stats.bytes) })}
        </span>
      </p>
      <p id={hint} className="muted hint">
        {t('lessonBody.counters.limitSource')}
      </p>
      {over.map((code) => (
        <p key={code} className="field-error" role="alert">
          {t(`lessonBody.field.${code}`, { count: stats.chars.toLocaleString('en-US'), size: formatSize(stats.bytes) })}
        </p>
      ))}
    </div>
  );
}

function ImageStatus() {
  const { t } = useTranslation();
  const images = useBody((s) => s.images);
  const pending = images.filter((i) => i.uploadState === 'pending').length;
  const notFitting = images.filter((i) => !i.fitsArticle).length;
  if (images.length === 0) return null;
  return (
    <div className="lesson-images">
      {pending > 0 && <p className="muted">{t('lessonBody.images.pending', { count: pending })}</p>}
      {notFitting > 0 && <p className="field-error">{t('lessonBody.images.notFitting', { count: notFitting })}</p>}
    </div>
  );
}

function PasteNotice() {
  const { t } = useTranslation();
  const store = useBodyStore();
  const notice = useBody((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="banner" role="status">
      {notice.droppedImages > 0 && <span>{t('lessonBody.notice.droppedImages', { count: notice.droppedImages })} </span>}
      {notice.droppedElements.length > 0 && <span>{t('lessonBody.notice.droppedElements', { names: notice.droppedElements.join(', ') })}</span>}
      <button type="button" className="link-button" onClick={() => store.getState().dismissNotice()}>
        {t('lessonBody.notice.dismiss')}
      </button>
    </div>
  );
}

function BodySaveStatus() {
  const { t } = useTranslation();
  const store = useBodyStore();
  const state = useBody((s) => s.saveState);
  const error = useBody((s) => s.saveError);
  const stats = useBody((s) => s.stats);
  // The host measures the sanitized body; on the rare edge where that is over while the editor's HTML was not, its
  // refusal names the limit like the counters do.
  const reason = !error
    ? t('error.INTERNAL')
    : error.startsWith('body.')
      ? t(`lessonBody.field.${error}`, { count: stats.chars.toLocaleString('en-US'), size: formatSize(stats.bytes) })
      : error.includes('.')
        ? fieldMessage(t, error)
        : t(`error.${error}`);
  const label = state === 'error' ? t('lessonBody.save.error', { reason }) : t(`lessonBody.save.${state}`);
  return (
    <SaveStatus
      state={state}
      variant={state === 'over' ? 'invalid' : state}
      label={label}
      retryLabel={t('lessonBody.save.retry')}
      reloadLabel={t('lessonBody.save.reload')}
      onRetry={() => void store.getState().saveNow()}
    />
  );
}

