/**
 * Hooks that connect the editor's draft to the shared preview layout. The layout is computed with the same pure
 * functions the host's PNG export and the benchmark use (shared/preview), memoised on the draft's fields that matter.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import {
  DEFAULT_PREVIEW_SETTINGS,
  PREVIEW_FONT_FAMILY,
  layoutPreview,
  type PreviewCourse,
  type PreviewEnv,
  type PreviewLayout,
} from '../../../../shared/preview/index';
import { useStores } from '../../app/stores';
import { useEditor, useEditorStore } from '../courses/CourseEditor';
import type { Draft } from '../courses/editor-store';
import { parsePriceInput } from '../../../../shared/domain/course';
import { previewStoreFor, type CoverState, type PreviewState, type PreviewStore } from './preview-store';

export function usePreviewStore(): PreviewStore {
  const editor = useEditorStore();
  const { client } = useStores();
  return previewStoreFor(editor, client);
}

export function usePreview<T>(selector: (state: PreviewState) => T): T {
  return useStore(usePreviewStore(), selector);
}

/** The cover's facts for the draft's cover, loading them once per hash. */
export function useCoverState(): { hash: string | null; cover: CoverState | null } {
  const hash = useEditor((s) => s.draft.coverHash);
  const store = usePreviewStore();
  const { client } = useStores();
  const cover = useStore(store, (s) => (hash ? (s.covers[hash] ?? null) : null));
  useEffect(() => {
    if (hash) store.getState().loadCover(hash, client.mediaUrl(hash));
  }, [hash, store, client]);
  return { hash, cover };
}

export function previewCourse(draft: Draft, cover: CoverState | null): PreviewCourse {
  const price = parsePriceInput(draft.priceText);
  return {
    title: draft.title,
    summary: draft.summary,
    type: draft.type,
    priceFen: price.ok ? price.fen : 0,
    chapters: draft.chapters,
    cover: cover?.state === 'ready' ? cover.facts : null,
    crops: draft.coverCrops,
  };
}

/** Every surface for the draft as it is now, in the chosen device and appearance. */
export function usePreviewLayout(): PreviewLayout {
  const draft = useEditor((s) => s.draft);
  const { cover } = useCoverState();
  const device = usePreview((s) => s.device);
  const appearance = usePreview((s) => s.appearance);
  const settings = usePreview((s) => s.settings) ?? DEFAULT_PREVIEW_SETTINGS;
  const course = useMemo(() => previewCourse(draft, cover), [draft, cover]);
  const env: PreviewEnv = useMemo(() => ({ device, appearance, settings }), [device, appearance, settings]);
  const loadingCover = draft.coverHash !== null && cover?.state !== 'ready';
  return useMemo(() => {
    const preview = layoutPreview(course, env);
    // While the cover's size is still being read the course has a cover, just not its facts yet: no "missing" alarm.
    return loadingCover ? { ...preview, warnings: preview.warnings.filter((w) => w.code !== 'cover.missing') } : preview;
  }, [course, env, loadingCover]);
}

const FONT_PROBES = [`16px "${PREVIEW_FONT_FAMILY}"`, `bold 16px "${PREVIEW_FONT_FAMILY}"`];

/**
 * True once both weights of the preview font are loaded: until then the page would draw the measured lines in a
 * fallback font. Tests wait for this (data-fonts-ready) instead of sleeping.
 */
export function usePreviewFontsReady(): boolean {
  const [ready, setReady] = useState(() => FONT_PROBES.every((f) => document.fonts.check(f, '中A')));
  useEffect(() => {
    if (ready) return;
    let cancelled = false;
    void Promise.all(FONT_PROBES.map((f) => document.fonts.load(f, '中A'))).then(() => !cancelled && setReady(true));
    return () => {
      cancelled = true;
    };
  }, [ready]);
  return ready;
}
