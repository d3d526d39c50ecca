import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPEARANCES, DEVICE_IDS, type Appearance, type DeviceId } from '../../../../shared/preview/index';
import { useStores } from '../../app/stores';
import { PreviewSettingsPanel } from './PreviewSettingsPanel';
import { SurfaceDetail } from './SurfaceDetail';
import { SurfaceView } from './SurfaceView';
import { useCoverState, usePreview, usePreviewFontsReady, usePreviewLayout, usePreviewStore } from './use-preview';
import { useExportPng } from './use-export';
import { WarningList } from './WarningList';
import './preview.css';

const GAP = 16;
const MIN_TILE = 250;

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * Every WeChat surface of the course being edited, side by side, re-laid out on each keystroke; a click opens one
 * large with its warnings. Device, appearance and zoom are the creator's view, not part of the course.
 */
export function PreviewGallery() {
  const { t } = useTranslation();
  const { client } = useStores();
  const preview = usePreviewLayout();
  const { hash } = useCoverState();
  const device = usePreview((s) => s.device);
  const appearance = usePreview((s) => s.appearance);
  const zoom = usePreview((s) => s.zoom);
  const selected = usePreview((s) => s.selected);
  const exporting = usePreview((s) => s.exporting);
  const { setDevice, setAppearance, setZoom, select } = usePreviewStore().getState();
  const fontsReady = usePreviewFontsReady();
  const exportPng = useExportPng();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [gridRef, gridWidth] = useWidth();
  const coverUrl = hash ? client.mediaUrl(hash) : null;

  const surfaceWidth = preview.surfaces[0]?.width ?? 375;
  const columns = zoom === 'fit' ? Math.max(1, Math.floor((gridWidth + GAP) / (MIN_TILE + GAP))) : 0;
  const scale = zoom === 'fit' && gridWidth > 0 ? Math.min(1, (gridWidth - (columns - 1) * GAP) / columns / surfaceWidth) : 1;
  const counts = preview.warnings.reduce<Record<string, number>>((m, w) => (w.surface ? { ...m, [w.surface]: (m[w.surface] ?? 0) + 1 } : m), {});

  return (
    <section className="pv-gallery" aria-label={t('preview.gallery.label')} data-fonts-ready={fontsReady ? 'true' : 'false'} data-appearance={appearance} data-device={device}>
      <div className="pv-toolbar">
        <label className="pv-inline">
          {t('preview.device.label')}
          <select value={device} onChange={(e) => setDevice(e.target.value as DeviceId)}>
            {DEVICE_IDS.map((d) => (
              <option key={d} value={d}>
                {t(`preview.device.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label={t('preview.appearance.label')}>
          {APPEARANCES.map((a: Appearance) => (
            <label key={a} className={appearance === a ? 'segment selected' : 'segment'}>
              <input type="radio" name="pv-appearance" value={a} checked={appearance === a} onChange={() => setAppearance(a)} />
              {t(`preview.appearance.${a}`)}
            </label>
          ))}
        </div>
        <div className="segmented" role="radiogroup" aria-label={t('preview.zoom.label')}>
          {(['fit', 'actual'] as const).map((z) => (
            <label key={z} className={zoom === z ? 'segment selected' : 'segment'}>
              <input type="radio" name="pv-zoom" value={z} checked={zoom === z} onChange={() => setZoom(z)} />
              {t(`preview.zoom.${z}`)}
            </label>
          ))}
        </div>
        <span className="pv-spacer" />
        <button type="button" className="secondary" aria-expanded={settingsOpen} onClick={() => setSettingsOpen(!settingsOpen)}>
          {t('preview.settings.open')}
        </button>
        <button type="button" className="primary" disabled={exporting !== null} onClick={() => void exportPng('gallery')}>
          {exporting === 'gallery' ? t('preview.gallery.exporting') : t('preview.gallery.exportAll')}
        </button>
      </div>
      {settingsOpen && <PreviewSettingsPanel onClose={() => setSettingsOpen(false)} />}
      <details className="pv-summary" open={preview.warnings.some((w) => w.severity !== 'info')}>
        <summary>{preview.warnings.length > 0 ? t('preview.gallery.warnings', { count: preview.warnings.length }) : t('preview.gallery.noWarnings')}</summary>
        <WarningList warnings={preview.warnings} emptyText={t('preview.gallery.noWarnings')} />
      </details>
      {!fontsReady && <p className="muted">{t('preview.gallery.loadingFonts')}</p>}
      <div
        ref={gridRef}
        className={zoom === 'fit' ? 'pv-grid' : 'pv-grid pv-grid-actual'}
        style={zoom === 'fit' ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined}
      >
        {preview.surfaces.map((layout) => {
          const name = t(`preview.surface.${layout.id}`);
          return (
            <button key={layout.id} type="button" className="pv-tile" aria-label={t('preview.gallery.open', { name })} onClick={() => select(layout.id)}>
              <span className="pv-caption">
                {name}
                {counts[layout.id] ? <span className="pv-count">{counts[layout.id]}</span> : null}
              </span>
              <SurfaceView layout={layout} coverUrl={coverUrl} scale={scale} label={name} />
            </button>
          );
        })}
      </div>
      {selected && <SurfaceDetail id={selected} preview={preview} coverUrl={coverUrl} />}
    </section>
  );
}
