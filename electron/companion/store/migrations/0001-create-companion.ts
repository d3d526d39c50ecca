import type { CompanionMigration } from './types';

/** The companion's first schema. Shipped; never edit, add a new migration instead. */
export const createCompanion: CompanionMigration = {
  version: 1,
  name: 'create-companion',
  up: (db) => {
    db.exec(`
      CREATE TABLE members (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX members_by_created ON members (created_at);

      -- One WeChat identity per member; the same person (openid within an app, or unionid across apps) is never two members.
      CREATE TABLE wechat_identities (
        member_id TEXT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
        app_id TEXT NOT NULL,
        openid TEXT NOT NULL,
        unionid TEXT,
        nickname TEXT NOT NULL,
        avatar_url TEXT NOT NULL,
        bound_at TEXT NOT NULL,
        UNIQUE (app_id, openid)
      ) STRICT;
      CREATE UNIQUE INDEX wechat_identities_by_unionid ON wechat_identities (unionid) WHERE unionid IS NOT NULL;

      -- A desktop paired with the companion. Only the SHA-256 of its token is kept.
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX devices_by_member ON devices (member_id);

      -- One-time pairing codes (SHA-256 only): an owner's invite, the embedded studio's bootstrap code, or one printed
      -- by \`creator-studio companion --invite-owner\`.
      CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        code_sha256 TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('invite', 'bootstrap', 'cli')),
        member_id TEXT REFERENCES members (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by_device TEXT
      ) STRICT;

      CREATE TABLE binding_sessions (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL UNIQUE,
        mode TEXT NOT NULL CHECK (mode IN ('qrconnect', 'oauth')),
        status TEXT NOT NULL CHECK (status IN ('waiting', 'scanned', 'confirmed', 'bound', 'expired', 'denied', 'failed')),
        member_id TEXT REFERENCES members (id) ON DELETE CASCADE,
        new_member_name TEXT,
        new_member_role TEXT CHECK (new_member_role IN ('owner', 'editor', 'viewer')),
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        scanned_at TEXT,
        finished_at TEXT,
        error_code TEXT,
        error_message TEXT
      ) STRICT;

      -- WeChat secrets, AES-256-GCM under the master key (never stored). The row named '__key_check__' proves at
      -- start-up that the key given is the one this database was written with.
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        tag BLOB NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Pushed messages and events: the raw (decrypted) XML as received, the parsed fields, then what processing found.
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        received_at TEXT NOT NULL,
        to_user TEXT NOT NULL,
        from_user TEXT NOT NULL,
        create_time INTEGER NOT NULL,
        msg_type TEXT NOT NULL,
        event TEXT,
        event_key TEXT,
        msg_id TEXT,
        raw_xml TEXT NOT NULL,
        parsed_json TEXT NOT NULL,
        scene_str TEXT,
        processed_at TEXT,
        process_error TEXT
      ) STRICT;
      CREATE INDEX events_by_received ON events (received_at, id);
      CREATE INDEX events_by_type ON events (lower(coalesce(event, msg_type)), received_at);
      CREATE INDEX events_unprocessed ON events (received_at) WHERE processed_at IS NULL;
      CREATE INDEX events_by_scene ON events (scene_str, event) WHERE scene_str IS NOT NULL;

      -- Parametric QR codes (qrcode/create), each with the thing it belongs to.
      CREATE TABLE scenes (
        scene_str TEXT PRIMARY KEY,
        owner_kind TEXT NOT NULL CHECK (owner_kind IN ('poster', 'inviter', 'funnel')),
        owner_id TEXT NOT NULL,
        permanent INTEGER NOT NULL CHECK (permanent IN (0, 1)),
        ticket TEXT NOT NULL,
        url TEXT NOT NULL,
        expires_at TEXT,
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX scenes_by_ticket ON scenes (ticket);
      CREATE INDEX scenes_by_owner ON scenes (owner_kind, owner_id);

      -- 接口调用明细: one row per call to WeChat, parameters desensitized before they get here.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        api_path TEXT NOT NULL,
        errcode INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        member_id TEXT,
        params TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_by_at ON audit_log (at);
      CREATE INDEX audit_log_by_path ON audit_log (api_path, at);
    `);
  },
};
