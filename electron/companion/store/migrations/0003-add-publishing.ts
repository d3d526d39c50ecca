import type { CompanionMigration } from './types';

/**
 * Publishing to the official account and live reminders (issue 10). A publish job keeps everything it needs to
 * resume after a restart: the article, the cover and body images (bytes until uploaded, then WeChat's media_id or
 * URL), the draft's media_id and the publish_id — each step's result is stored before the next step starts.
 * A reminder schedule sends one message per buyer of a course before its start; each recipient's outcome is a row.
 */
export const addPublishing: CompanionMigration = {
  version: 3,
  name: 'add-publishing',
  up: (db) => {
    db.exec(`
      CREATE TABLE publish_jobs (
        id TEXT PRIMARY KEY,
        course_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('uploading', 'drafting', 'submitting', 'publishing', 'published', 'failed', 'noPublishRights')),
        article_json TEXT NOT NULL,
        content_html TEXT,
        thumb_media_id TEXT,
        draft_media_id TEXT,
        publish_id TEXT,
        publish_status INTEGER,
        article_url TEXT,
        error_code TEXT,
        error_message TEXT,
        errcode INTEGER,
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX publish_jobs_by_course ON publish_jobs (course_id, created_at);
      CREATE UNIQUE INDEX publish_jobs_by_publish_id ON publish_jobs (publish_id) WHERE publish_id IS NOT NULL;

      -- role: the cover (add_material, type image) or a body image (uploadimg). ref: how the article HTML names it.
      CREATE TABLE publish_job_images (
        job_id TEXT NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
        ref TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('cover', 'body')),
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        data BLOB,
        media_id TEXT,
        url TEXT,
        PRIMARY KEY (job_id, ref)
      ) STRICT;

      CREATE TABLE reminder_schedules (
        id TEXT PRIMARY KEY,
        course_id TEXT NOT NULL,
        course_title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('template', 'subscribe')),
        template_id TEXT NOT NULL,
        data_json TEXT NOT NULL,
        url TEXT,
        starts_at TEXT NOT NULL,
        send_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('scheduled', 'sending', 'done', 'quotaWait', 'cancelled')),
        retry_at TEXT,
        created_by TEXT REFERENCES members (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reminder_schedules_due ON reminder_schedules (state, send_at);

      CREATE TABLE reminder_sends (
        schedule_id TEXT NOT NULL REFERENCES reminder_schedules (id) ON DELETE CASCADE,
        openid TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'failed', 'notFollowing', 'notSubscribed', 'quotaWait', 'missed')),
        msg_id TEXT,
        errcode INTEGER,
        status TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (schedule_id, openid)
      ) STRICT;
      CREATE INDEX reminder_sends_by_msg ON reminder_sends (msg_id) WHERE msg_id IS NOT NULL;
    `);
  },
};
