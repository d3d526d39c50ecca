import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SURFACE_IDS, limitValue, warningsForSurface, type PreviewLayout, type SurfaceId } from '../../../../shared/preview/index';
import { SurfaceView } from './SurfaceView';
import { usePreview } from './use-preview';
import { useExportPng } from './use-export';
import { WarningList } from './WarningList';

const SCALES = [1, 1.5, 2] as const;

/** The numbers the surface hints quote, from the limits table. */
const hintNumbers = () => ({
  lines: limitValue('mp.title.lines'),
  titleBytes: limitValue('wecom.link.titleBytes'),
  descBytes: limitValue('wecom.link.descBytes'),
  chars: limitValue('template.valueChars'),
  perMonth: limitValue('massSend.serviceAccountPerMonth'),
});

/** One surface large, with the warnings that concern it and its own PNG export; ← → step through the surfaces. */
export function SurfaceDetail({ id, preview, coverUrl }: { id: SurfaceId; preview: PreviewLayout; coverUrl: string | null }) {
  const { t } = useTranslation();
  const titleId = useId();
  const select = usePreview((s) => s.select);
  const exporting = usePreview((s) => s.exporting);
  const exportPng = useExportPng();
  const [scale, setScale] = useState<(typeof SCALES)[number]>(1);
  const closeRef = useRef<HTMLButtonElement>(null);
  const layout = preview.surfaces.find((s) => s.id === id);
  const index = SURFACE_IDS.indexOf(id);
  const step = (by: number) => select(SURFACE_IDS[(index + by + SURFACE_IDS.length) % SURFACE_IDS.length]!);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => opener?.focus();
  }, []);

  // On the window, not the dialog: a button that disables itself while exporting drops the focus to the body.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select]);

  if (!layout) return null;
  const name = t(`preview.surface.${id}`);
  return (
    <div className="pv-backdrop" onClick={(e) => e.target === e.currentTarget && select(null)}>
      <div
        className="pv-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' && !(e.target instanceof HTMLSelectElement)) step(-1);
          else if (e.key === 'ArrowRight' && !(e.target instanceof HTMLSelectElement)) step(1);
        }}
      >
        <header className="pv-dialog-header">
          <h2 id={titleId}>{name}</h2>
          <button type="button" className="icon-button" aria-label={t('preview.detail.prev')} onClick={() => step(-1)}>
            ‹
          </button>
          <button type="button" className="icon-button" aria-label={t('preview.detail.next')} onClick={() => step(1)}>
            ›
          </button>
          <span className="pv-spacer" />
          <label className="pv-inline">
            {t('preview.detail.scale')}
            <select value={scale} onChange={(e) => setScale(Number(e.target.value) as (typeof SCALES)[number])}>
              {SCALES.map((s) => (
                <option key={s} value={s}>
                  {s * 100}%
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" disabled={exporting !== null} onClick={() => void exportPng(id)}>
            {exporting === id ? t('preview.gallery.exporting') : t('preview.detail.exportOne')}
          </button>
          <button ref={closeRef} type="button" className="icon-button" aria-label={t('preview.detail.close')} onClick={() => select(null)}>
            ×
          </button>
        </header>
        <div className="pv-dialog-body">
          <div className="pv-dialog-surface">
            <SurfaceView layout={layout} coverUrl={coverUrl} scale={scale} label={name} />
          </div>
          <aside className="pv-dialog-side">
            <p className="muted">{t(`preview.surfaceHint.${id}`, hintNumbers())}</p>
            <h3>{t('preview.detail.warnings')}</h3>
            <WarningList warnings={warningsForSurface(preview, id)} showSurface={false} emptyText={t('preview.detail.none')} />
          </aside>
        </div>
      </div>
    </div>
  );
}
