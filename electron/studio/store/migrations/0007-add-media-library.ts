import type { Migration } from './types';

/**
 * The media library: what each stored file is (kind and container format) and what the host read from it without a
 * decoder (duration, codec, bitrate, sample rate, channels), whether a thumbnail was made (images) and a waveform
 * (JSON array of peaks 0..1, WAV only). Rows written by `media.importImage` before this step are images; their format
 * follows from their MIME type. Indexes serve the library's newest-first list, with and without a kind filter, and
 * the usage query for course covers.
 */
export const addMediaLibrary: Migration = {
  version: 7,
  name: 'add-media-library',
  up: (db) => {
    db.exec(`
      ALTER TABLE media ADD COLUMN kind TEXT NOT NULL DEFAULT 'image' CHECK (kind IN ('image', 'audio', 'video'));
      ALTER TABLE media ADD COLUMN format TEXT;
      ALTER TABLE media ADD COLUMN duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0);
      ALTER TABLE media ADD COLUMN codec TEXT;
      ALTER TABLE media ADD COLUMN audio_codec TEXT;
      ALTER TABLE media ADD COLUMN bitrate INTEGER;
      ALTER TABLE media ADD COLUMN sample_rate INTEGER;
      ALTER TABLE media ADD COLUMN channels INTEGER;
      ALTER TABLE media ADD COLUMN has_thumb INTEGER NOT NULL DEFAULT 0 CHECK (has_thumb IN (0, 1));
      ALTER TABLE media ADD COLUMN waveform TEXT CHECK (waveform IS NULL OR json_valid(waveform));

      UPDATE media SET format = CASE mime
        WHEN 'image/png' THEN 'png' WHEN 'image/jpeg' THEN 'jpeg' WHEN 'image/gif' THEN 'gif' WHEN 'image/webp' THEN 'webp'
        ELSE NULL END;

      CREATE INDEX media_by_created ON media (created_at DESC, hash);
      CREATE INDEX media_by_kind ON media (kind, created_at DESC, hash);
      CREATE INDEX courses_by_cover ON courses (cover_hash) WHERE cover_hash IS NOT NULL;
    `);
  },
};
