/**
 * WeChat previews in the host: the workspace's preview settings (one versioned JSON document), what the previews need
 * to know about a cover, and the PNG export — the shared layout (shared/preview) painted with @napi-rs/canvas.
 */
import type Database from 'better-sqlite3';
import { StudioError, type HandlerInput, type MethodOutput } from '../../../shared/contract/index';
import {
  DEVICES,
  PREVIEW_SETTINGS_VERSION,
  layoutGallery,
  layoutPreview,
  readPreviewSettings,
  type PreviewCourse,
  type PreviewSettings,
} from '../../../shared/preview/index';
import type { MediaService } from './media';
import { loadCover, renderGalleryPng, renderSurfacePng } from './preview-render';

interface MediaRow {
  hash: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
}

/** A file name that every OS accepts: no path separators or reserved characters, not too long. */
export function safeFileName(text: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return [...cleaned].slice(0, 40).join('');
}

export class PreviewService {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly media: MediaService,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmt = {
      settings: db.prepare<[], { schema_version: number; document: string }>('SELECT schema_version, document FROM preview_settings WHERE id = 1'),
      saveSettings: db.prepare(
        `INSERT INTO preview_settings (id, schema_version, document, updated_at) VALUES (1, @version, @document, @now)
         ON CONFLICT (id) DO UPDATE SET schema_version = excluded.schema_version, document = excluded.document,
                                        updated_at = excluded.updated_at`,
      ),
      media: db.prepare<[string], MediaRow>('SELECT hash, mime, size, width, height FROM media WHERE hash = ?'),
    };
  }

  settings(): PreviewSettings {
    const row = this.stmt.settings.get();
    if (!row) return readPreviewSettings({});
    try {
      // Version 1 is the only one so far; a later version migrates older documents here before reading them.
      return readPreviewSettings(JSON.parse(row.document));
    } catch {
      return readPreviewSettings({});
    }
  }

  updateSettings(patch: HandlerInput<'preview.updateSettings'>): PreviewSettings {
    const next = readPreviewSettings({ ...this.settings(), ...patch });
    this.stmt.saveSettings.run({ version: PREVIEW_SETTINGS_VERSION, document: JSON.stringify(next), now: this.now().toISOString() });
    return next;
  }

  coverInfo(hash: string): MediaRow {
    const row = this.stmt.media.get(hash);
    if (!row) throw new StudioError('NOT_FOUND', `No image ${hash} in the workspace`, { fields: [{ path: 'hash', code: 'cover.unknown' }] });
    return row;
  }

  async exportPng(input: HandlerInput<'preview.exportPng'>): Promise<MethodOutput<'preview.exportPng'>> {
    const { course: draft } = input;
    const row = draft.coverHash ? this.coverInfo(draft.coverHash) : null;
    const file = draft.coverHash ? this.media.locate(draft.coverHash) : null;
    if (draft.coverHash && !file) throw new StudioError('NOT_FOUND', `The image file of ${draft.coverHash} is missing`);
    const cover = await loadCover(file?.file ?? null);
    const course: PreviewCourse = {
      title: draft.title,
      summary: draft.summary,
      type: draft.type,
      priceFen: draft.priceFen,
      chapters: draft.chapters,
      // The decoded image is the authority on its size (a header the sniffer could not read has no size in the table).
      cover: row && cover ? { width: cover.width, height: cover.height, bytes: row.size, mime: row.mime } : null,
      crops: draft.coverCrops,
    };
    if (input.mode === 'surface' && input.surfaces.length !== 1) {
      throw new StudioError('INVALID_INPUT', 'A single-surface export names exactly one surface', { fields: [{ path: 'surfaces', code: 'surfaces.single' }] });
    }
    const env = { device: input.device, appearance: input.appearance, settings: this.settings() };
    const preview = layoutPreview(course, env, input.surfaces);
    const scale = input.scale;
    let png: Buffer;
    let width: number;
    let height: number;
    if (input.mode === 'surface') {
      const surface = preview.surfaces[0]!;
      png = renderSurfacePng(surface, cover, scale);
      width = Math.round(surface.width * scale);
      height = Math.round(surface.height * scale);
    } else {
      const texts = input.texts ?? { heading: draft.title, subheading: `${DEVICES[input.device].width} pt · ${input.appearance}`, captions: {} };
      const gallery = layoutGallery(preview.surfaces, texts, input.appearance);
      png = renderGalleryPng(gallery, preview.surfaces, cover, scale);
      width = Math.round(gallery.width * scale);
      height = Math.round(gallery.height * scale);
    }
    const what = input.mode === 'surface' ? input.surfaces[0]! : 'gallery';
    const title = safeFileName(input.fileTitle || draft.title) || 'course';
    return {
      fileName: `${title}-${what}-${input.device}-${input.appearance}@${scale}x.png`,
      pngBase64: png.toString('base64'),
      width,
      height,
    };
  }
}
