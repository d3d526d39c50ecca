import type { Migration } from './types';

/**
 * WeChat previews: each course's cover crops — the 2.35:1 and 1:1 boxes that draft/add takes as `pic_crop_235_1` and
 * `pic_crop_1_1`, and the key region every surface is checked against — stored in WeChat's own `X1_Y1_X2_Y2` text
 * form (normalised corners, at most six decimals; NULL: not set, WeChat's centred default); and the workspace's
 * preview settings (account name, the option chosen for each CONFLICT limit) as one versioned JSON document.
 * Shipped; never edit, add a new migration instead.
 */
export const addCoverCrops: Migration = {
  version: 4,
  name: 'add-cover-crops',
  up: (db) => {
    const crop = (column: string) =>
      `${column} TEXT CHECK (${column} IS NULL OR ${column} GLOB '[0-9.]*_[0-9.]*_[0-9.]*_[0-9.]*')`;
    db.exec(`
      ALTER TABLE courses ADD COLUMN ${crop('cover_crop_235_1')};
      ALTER TABLE courses ADD COLUMN ${crop('cover_crop_1_1')};
      ALTER TABLE courses ADD COLUMN ${crop('cover_focus')};

      CREATE TABLE preview_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        schema_version INTEGER NOT NULL,
        document TEXT NOT NULL CHECK (json_valid(document)),
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
