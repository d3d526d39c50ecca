/**
 * The poster editor page: toolbar, the Konva canvas with the text overlay, and the side panels. Keyboard: arrows nudge
 * (Shift: 10 px), Delete removes, Ctrl/⌘+Z / Shift+Z / Y undo and redo, Ctrl/⌘+G groups (Shift: ungroups), Ctrl/⌘+S
 * saves, Ctrl/⌘ + and − zoom; none of them act while a text field or the overlay has focus.
 */
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { layoutPosterText, substitute, type TextElement } from '../../../../shared/poster/index';
import { SaveStatus } from '../../components/SaveStatus';
import { useStores } from '../../app/stores';
import { newElement, newElementId, newImageElement, type NewElementKind } from './element-factory';
import { importImage } from './image-import';
import { PosterCanvas } from './PosterCanvas';
import { PosterEditorProvider, usePosterEditor, usePosterEditorStore } from './PosterEditorContext';
import { BatchPanel, CheckPanel, ExportPanel, LayersPanel, PropertiesPanel, VariablesPanel } from './PosterPanels';
import { createPosterEditorStore, type PosterEditorStore } from './poster-store';
import './posters.css';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** The overlay for editing a text element in place: a textarea at the element's box, committed once on blur or Ctrl+Enter. */
function TextOverlay() {
  const el = usePosterEditor((s) => s.history.present.elements.find((e): e is TextElement => e.id === s.editingText && e.type === 'text') ?? null);
  // A fresh editor (and a fresh value) for each element edited.
  return el ? <TextOverlayEditor key={el.id} el={el} /> : null;
}

function TextOverlayEditor({ el }: { el: TextElement }) {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const zoom = usePosterEditor((s) => s.zoom);
  const [value, setValue] = useState(el.text);
  const composing = useRef(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);

  const finish = (save: boolean) => {
    if (save && value !== el.text) store.getState().apply({ type: 'update', id: el.id, patch: { text: value } });
    store.getState().editText(null);
  };
  const layout = layoutPosterText(substitute(value, {}), el);
  return (
    <textarea
      ref={ref}
      className="poster-text-overlay"
      aria-label={t('posters.editor.editText')}
      value={value}
      style={{
        left: el.x * zoom,
        top: el.y * zoom,
        width: el.width * zoom,
        minHeight: el.height * zoom,
        fontSize: layout.fontSize * zoom,
        lineHeight: el.lineHeight,
        fontWeight: el.fontWeight === 'bold' ? 700 : 400,
        textAlign: el.align,
        transform: el.rotation ? `rotate(${el.rotation}deg)` : undefined,
      }}
      onChange={(e) => setValue(e.target.value)}
      onCompositionStart={() => {
        composing.current = true;
      }}
      onCompositionEnd={() => {
        composing.current = false;
      }}
      onKeyDown={(e) => {
        // Enter and Escape belong to the input method while a composition is open.
        if (composing.current || e.nativeEvent.isComposing) return;
        if (e.key === 'Escape') {
          e.preventDefault();
          finish(false);
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          finish(true);
        }
      }}
      onBlur={() => finish(true)}
    />
  );
}

function Toolbar() {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const selection = usePosterEditor((s) => s.selection);
  const canUndo = usePosterEditor((s) => s.history.past.length > 0);
  const canRedo = usePosterEditor((s) => s.history.future.length > 0);
  const zoom = usePosterEditor((s) => s.zoom);
  const doc = usePosterEditor((s) => s.history.present);
  const grouped = usePosterEditor((s) => s.history.present.elements.some((e) => s.selection.includes(e.id) && e.groupId));
  const { client } = useStores();
  const [imageError, setImageError] = useState<string | null>(null);
  const addImage = async (file: File) => {
    setImageError(null);
    try {
      const hash = await importImage(client, file);
      const img = new Image();
      img.src = client.mediaUrl(hash);
      await img.decode().catch(() => undefined);
      const el = newImageElement(store.getState().history.present, file.name.replace(/\.[^.]+$/, '').slice(0, 60), hash, img.naturalWidth || 4, img.naturalHeight || 3);
      store.getState().apply({ type: 'add', elements: [el] });
      store.getState().select([el.id]);
    } catch (e) {
      setImageError(e instanceof StudioError ? (e.fields?.[0]?.code ?? e.code) : 'INTERNAL');
    }
  };
  const add = (kind: NewElementKind) => {
    const el = newElement(doc, kind, t(`posters.add.${kind}`), t('posters.add.sampleText'));
    store.getState().apply({ type: 'add', elements: [el] });
    store.getState().select([el.id]);
  };
  const align = (edge: 'left' | 'hcenter' | 'right' | 'top' | 'vcenter' | 'bottom') =>
    store.getState().apply({ type: 'align', ids: selection, edge, width: doc.width, height: doc.height });
  return (
    <div className="poster-toolbar" role="toolbar" aria-label={t('posters.editor.toolbar')}>
      <div className="poster-tool-group">
        {(['text', 'rect', 'ellipse', 'avatar', 'logo', 'qr'] as const).map((k) => (
          <button key={k} type="button" onClick={() => add(k)}>
            + {t(`posters.add.${k}`)}
          </button>
        ))}
        <label className="poster-file-button">
          + {t('posters.add.image')}
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            aria-label={t('posters.add.imageFile')}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void addImage(file);
            }}
          />
        </label>
        {imageError && (
          <span role="alert" className="error-text">
            {t(`field.${imageError}`, { defaultValue: t('posters.add.imageFailed') })}
          </span>
        )}
      </div>
      <div className="poster-tool-group">
        {(['left', 'hcenter', 'right', 'top', 'vcenter', 'bottom'] as const).map((edge) => (
          <button key={edge} type="button" disabled={selection.length === 0} onClick={() => align(edge)}>
            {t(`posters.align.${edge}`)}
          </button>
        ))}
        <button type="button" disabled={selection.length < 3} onClick={() => store.getState().apply({ type: 'distribute', ids: selection, axis: 'horizontal' })}>
          {t('posters.align.distributeH')}
        </button>
        <button type="button" disabled={selection.length < 3} onClick={() => store.getState().apply({ type: 'distribute', ids: selection, axis: 'vertical' })}>
          {t('posters.align.distributeV')}
        </button>
      </div>
      <div className="poster-tool-group">
        <button type="button" disabled={selection.length < 2} onClick={() => store.getState().apply({ type: 'group', ids: selection, groupId: newElementId('g') })}>
          {t('posters.editor.group')}
        </button>
        <button type="button" disabled={!grouped} onClick={() => store.getState().apply({ type: 'ungroup', ids: selection })}>
          {t('posters.editor.ungroup')}
        </button>
        <button type="button" disabled={selection.length === 0} onClick={() => store.getState().apply({ type: 'reorder', ids: selection, to: 'front' })}>
          {t('posters.editor.toFront')}
        </button>
        <button type="button" disabled={selection.length === 0} onClick={() => store.getState().apply({ type: 'reorder', ids: selection, to: 'back' })}>
          {t('posters.editor.toBack')}
        </button>
        <button type="button" disabled={selection.length === 0} onClick={() => store.getState().apply({ type: 'remove', ids: selection })}>
          {t('posters.editor.delete')}
        </button>
      </div>
      <div className="poster-tool-group">
        <button type="button" disabled={!canUndo} onClick={() => store.getState().undo()}>
          {t('posters.editor.undo')}
        </button>
        <button type="button" disabled={!canRedo} onClick={() => store.getState().redo()}>
          {t('posters.editor.redo')}
        </button>
        <button type="button" aria-label={t('posters.editor.zoomOut')} onClick={() => store.getState().setZoom(zoom / 1.25)}>
          −
        </button>
        <span className="poster-zoom" aria-live="polite">
          {Math.round(zoom * 100)}%
        </span>
        <button type="button" aria-label={t('posters.editor.zoomIn')} onClick={() => store.getState().setZoom(zoom * 1.25)}>
          +
        </button>
      </div>
    </div>
  );
}

function EditorBody({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const store = usePosterEditorStore();
  const name = usePosterEditor((s) => s.name);
  const saveState = usePosterEditor((s) => s.saveState);
  const doc = usePosterEditor((s) => s.history.present);
  const scroller = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (isTyping(e.target)) return;
    const s = store.getState();
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 'z') s[e.shiftKey ? 'redo' : 'undo']();
    else if (mod && key === 'y') s.redo();
    else if (mod && key === 's') void s.saveNow();
    else if (mod && key === 'g') s.apply(e.shiftKey ? { type: 'ungroup', ids: s.selection } : { type: 'group', ids: s.selection, groupId: newElementId('g') });
    else if (mod && (key === '=' || key === '+')) s.setZoom(s.zoom * 1.25);
    else if (mod && key === '-') s.setZoom(s.zoom / 1.25);
    else if ((e.key === 'Delete' || e.key === 'Backspace') && s.selection.length) s.apply({ type: 'remove', ids: s.selection });
    else if (e.key.startsWith('Arrow') && s.selection.length) {
      const step = e.shiftKey ? 10 : 1;
      const dx = e.key === 'ArrowLeft' ? -step : e.key === 'ArrowRight' ? step : 0;
      const dy = e.key === 'ArrowUp' ? -step : e.key === 'ArrowDown' ? step : 0;
      s.apply({ type: 'move', ids: s.selection, dx, dy });
    } else if (e.key === 'Escape') s.select([]);
    else return;
    e.preventDefault();
  };

  return (
    <main className="poster-editor" data-testid="poster-editor" data-elements={doc.elements.length}>
      <header className="poster-editor-header">
        <button type="button" className="link-button" onClick={onBack}>
          ← {t('posters.title')}
        </button>
        <input className="poster-name" aria-label={t('posters.editor.name')} value={name} maxLength={60} onChange={(e) => store.getState().rename(e.target.value)} />
        <span className="muted">
          {doc.width}×{doc.height}
        </span>
        <SaveStatus
          state={saveState}
          label={t(`posters.save.${saveState}`)}
          retryLabel={t('posters.save.retry')}
          reloadLabel={t('posters.save.reload')}
          onRetry={() => void store.getState().saveNow()}
        />
      </header>
      <Toolbar />
      <div className="poster-workspace">
        <div
          className="poster-scroller"
          ref={scroller}
          tabIndex={0}
          onKeyDown={onKeyDown}
          onWheel={(e) => {
            if (!(e.ctrlKey || e.metaKey)) return;
            e.preventDefault();
            store.getState().setZoom(store.getState().zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
          }}
          onMouseDown={() => scroller.current?.focus({ preventScroll: true })}
        >
          <div className="poster-canvas-wrap">
            <PosterCanvas />
            <TextOverlay />
          </div>
        </div>
        <aside className="poster-side">
          <PropertiesPanel />
          <LayersPanel />
          <VariablesPanel />
          <CheckPanel />
          <ExportPanel />
          <BatchPanel />
        </aside>
      </div>
    </main>
  );
}

/** Route component: loads the poster and the brand kit, makes the store, and disposes it (saving) when leaving. */
export function PosterEditorRoute({ id }: { id: string }) {
  const { t } = useTranslation();
  const { client, app } = useStores();
  const [store, setStore] = useState<PosterEditorStore | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let created: PosterEditorStore | null = null;
    let cancelled = false;
    // The canvas lays text out with the bundled font's widths; drawing before it is loaded would show another font.
    const fonts = Promise.all([document.fonts.load('16px "Creator Preview Sans SC"'), document.fonts.load('bold 16px "Creator Preview Sans SC"')]);
    void Promise.all([client.call('posters.get', { id }), client.call('posters.brand', {}), fonts]).then(
      ([poster, brand]) => {
        if (cancelled) return;
        created = createPosterEditorStore(client, poster, brand);
        setStore(created);
      },
      (e: unknown) => !cancelled && setError(e instanceof StudioError ? e.code : 'INTERNAL'),
    );
    return () => {
      cancelled = true;
      created?.getState().dispose();
    };
  }, [client, id]);

  if (error) return <p role="alert">{t(`error.${error}`, { defaultValue: t('error.INTERNAL') })}</p>;
  if (!store) return <p aria-busy="true">{t('app.loading')}</p>;
  return (
    <PosterEditorProvider store={store}>
      <EditorBody onBack={() => app.getState().navigate({ name: 'posters' })} />
    </PosterEditorProvider>
  );
}
