import { useTranslation } from 'react-i18next';
import { StudioError } from '../../../../shared/contract/index';
import { parsePriceInput } from '../../../../shared/domain/course';
import { SURFACE_IDS, type SurfaceId } from '../../../../shared/preview/index';
import { useApp } from '../../app/stores';
import { useEditorStore } from '../courses/CourseEditor';
import { usePreviewStore } from './use-preview';
import { savePng } from './save-png';

/**
 * Exports the gallery or one surface as PNG: the host draws the draft as it is now (unsaved edits included) from the
 * same shared layout, and the page saves the file.
 */
export function useExportPng(): (what: 'gallery' | SurfaceId) => Promise<void> {
  const { t } = useTranslation();
  const editor = useEditorStore();
  const preview = usePreviewStore();
  const showToast = useApp((s) => s.showToast);
  return async (what) => {
    const { draft } = editor.getState();
    const { device, appearance } = preview.getState();
    const price = parsePriceInput(draft.priceText);
    const title = draft.title.trim() || t('preview.gallery.untitled');
    const captions = Object.fromEntries(SURFACE_IDS.map((id) => [id, t(`preview.surface.${id}`)]));
    try {
      const result = await preview.getState().exportPng(
        {
          course: {
            title: draft.title,
            summary: draft.summary,
            type: draft.type,
            priceFen: price.ok ? price.fen : 0,
            chapters: draft.chapters.map((c) => ({ title: c.title, lessons: c.lessons.map((l) => ({ title: l.title })) })),
            coverHash: draft.coverHash,
            coverCrops: draft.coverCrops,
          },
          surfaces: what === 'gallery' ? [...SURFACE_IDS] : [what],
          mode: what === 'gallery' ? 'gallery' : 'surface',
          device,
          appearance,
          scale: 2,
          texts: {
            heading: t('preview.gallery.heading', { title }),
            subheading: t('preview.gallery.subheading', { device: t(`preview.device.${device}`), appearance: t(`preview.appearance.${appearance}`) }),
            captions,
          },
          fileTitle: title,
        },
        what,
      );
      savePng(result.fileName, result.pngBase64);
      showToast({ message: t('preview.exported', { file: result.fileName, width: result.width, height: result.height }) });
    } catch (error) {
      const code = error instanceof StudioError ? error.code : 'INTERNAL';
      showToast({ message: t('preview.exportFailed', { reason: t(`error.${code}`, { defaultValue: code }) }) });
    }
  };
}
