/**
 * Publishing a course to the official account from the studio (issue 10). The order matters:
 *
 * 1. the compliance gate — a block finding or an unacknowledged must-fix stops it before anything leaves the studio;
 * 2. the article is built and checked (title, cover, body images) — a problem stops it before any upload;
 * 3. a `beforeSync` snapshot of the course, so what was published can always be found again;
 * 4. the companion's job uploads the cover and the body images still `pending` in article_image_uploads, drafts and
 *    submits; images already uploaded go out with their WeChat URL and are not uploaded again;
 * 5. the job is followed to its end; each body image is marked uploaded with its URL as soon as WeChat has it, and
 *    the article URL is kept with the course. 48001 (no publishing rights) ends in `noPublishRights`: `export` then gives the
 *    article as paste-ready HTML.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { StudioError } from '../../../shared/contract/index';
import type { Course } from '../../../shared/domain/course';
import { ACTIVE_PUBLISH_STATES, type CreatePublishJob, type PublishJob } from '../../../shared/companion/api';
import type { CropBox } from '../../../shared/preview/crop';
import { roundCoordinate } from '../../../shared/preview/crop';
import { MEDIA_SRC, WECHAT_BODY_LIMITS } from '../../../shared/rich-text/schema';
import { ARTICLE_TITLE_MAX, articleHtml, digestOf } from '../../../shared/rich-text/article';

/** §6.1: permanent image material is bmp/png/jpeg/gif up to 10 MB. */
const COVER_MIMES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp'] as const;
const COVER_MAX_BYTES = 10 * 1024 * 1024;

export interface PublishingDeps {
  db: Database.Database;
  getCourse: (id: string) => Course;
  bodiesOf: (courseId: string) => Map<string, string>;
  locateMedia: (hash: string) => { file: string; mime: string } | null;
  assertPublishable: (courseId: string) => void;
  snapshotBeforeSync: (courseId: string) => void;
  createJob: (body: CreatePublishJob) => Promise<PublishJob>;
  getJob: (id: string) => Promise<PublishJob>;
  latestJob: (courseId: string) => Promise<PublishJob | null>;
  changed: (courseId: string, job: PublishJob) => void;
  now: () => Date;
  log: (line: string) => void;
  /** How often a running job is asked about (ms). */
  pollMs?: number;
}

interface Built {
  title: string;
  author: string;
  digest: string;
  html: string;
  cover: { hash: string; mime: string; file: string };
  /** Local images still to upload, by hash. */
  pending: { hash: string; mime: string; file: string }[];
  /** Every local image of the body (for the export). */
  all: { hash: string; mime: string; file: string; size: number }[];
}

function cropText(box: CropBox | null): string {
  return box ? [box.x1, box.y1, box.x2, box.y2].map((v) => String(roundCoordinate(v))).join('_') : '';
}

export class PublishingService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: PublishingDeps) {}

  async start(courseId: string): Promise<PublishJob> {
    this.deps.assertPublishable(courseId);
    const course = this.deps.getCourse(courseId);
    const built = this.build(course);
    this.deps.snapshotBeforeSync(courseId);
    const read = (file: string) => fs.readFileSync(file).toString('base64');
    const job = await this.deps.createJob({
      courseId,
      article: {
        title: built.title,
        author: built.author,
        digest: built.digest,
        contentHtml: built.html,
        picCrop2351: cropText(course.coverCrops.crop235),
        picCrop11: cropText(course.coverCrops.crop11),
      },
      cover: { fileName: `${built.cover.hash.slice(0, 16)}.${built.cover.mime.split('/')[1]}`, mime: built.cover.mime as (typeof COVER_MIMES)[number], dataBase64: read(built.cover.file) },
      images: built.pending.map((image) => ({
        ref: `studio-media:${image.hash}`,
        fileName: `${image.hash.slice(0, 16)}.${image.mime === 'image/png' ? 'png' : 'jpg'}`,
        mime: image.mime as 'image/jpeg' | 'image/png',
        dataBase64: read(image.file),
      })),
    });
    this.record(job);
    return job;
  }

  /** The latest job: the companion's view when it answers, else the one last recorded here. */
  async status(courseId: string): Promise<PublishJob | null> {
    try {
      const job = await this.deps.latestJob(courseId);
      if (job) this.record(job);
      return job;
    } catch (error) {
      if (error instanceof StudioError && error.code === 'COMPANION_UNAVAILABLE') return this.recorded(courseId);
      throw error;
    }
  }

  /** The article as paste-ready HTML: local images inlined as data URLs (and listed), uploaded ones by their URL. */
  export(courseId: string) {
    const course = this.deps.getCourse(courseId);
    const built = this.build(course, { forExport: true });
    const inline = new Map(built.all.map((i) => [i.hash, `data:${i.mime};base64,${fs.readFileSync(i.file).toString('base64')}`]));
    const html = built.html.replace(/src="studio-media:([0-9a-f]{64})"/g, (whole, hash: string) => (inline.has(hash) ? `src="${inline.get(hash)}"` : whole));
    const doc = `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(built.title)}</title></head>\n<body>\n<h1>${escape(built.title)}</h1>\n${html}\n</body></html>\n`;
    return {
      fileName: `${course.title.replace(/[\\/:*?"<>|]/g, '_').slice(0, 40) || 'article'}.html`,
      html: doc,
      images: built.all.map((i) => ({ hash: i.hash, mime: i.mime, size: i.size })),
      explanation: {
        zh: '此公众号没有通过接口发表文章的权限（自 2025 年 7 月起，个人主体和未认证的公众号不能使用发表接口，微信返回 48001）。请在 mp.weixin.qq.com 新建图文，粘贴这段内容（图片已内嵌，也可按列表逐张上传），再手动发表。',
        en: 'This official account may not publish through the API (since July 2025 personal and unverified accounts cannot use the publishing APIs; WeChat answers 48001). Create a new article on mp.weixin.qq.com, paste this content (images are embedded, or upload them one by one from the list) and publish it by hand.',
      },
    };
  }

  /** Follows again the jobs that were still running when the studio last stopped (called when the companion is ready). */
  resumeFollowing(): void {
    const states = ACTIVE_PUBLISH_STATES.map((state) => `'${state}'`).join(',');
    for (const row of this.deps.db.prepare<[], { job_json: string }>(`SELECT job_json FROM course_publications WHERE state IN (${states})`).all()) {
      this.follow(JSON.parse(row.job_json) as PublishJob);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private build(course: Course, options: { forExport?: boolean } = {}): Built {
    const title = course.title.trim();
    if ([...title].length > ARTICLE_TITLE_MAX) {
      throw new StudioError('INVALID_INPUT', `An article title has at most ${ARTICLE_TITLE_MAX} characters`, { fields: [{ path: 'title', code: 'article.titleTooLong' }] });
    }
    const coverHash = course.coverHash;
    const cover = coverHash ? this.deps.locateMedia(coverHash) : null;
    if (!coverHash || !cover) throw new StudioError('INVALID_INPUT', 'Publishing needs a cover', { fields: [{ path: 'coverHash', code: 'article.coverMissing' }] });
    const coverSize = fs.statSync(cover.file).size;
    if (!(COVER_MIMES as readonly string[]).includes(cover.mime) || coverSize > COVER_MAX_BYTES) {
      throw new StudioError('INVALID_INPUT', 'The cover must be a JPEG, PNG, GIF or BMP of at most 10 MB', { fields: [{ path: 'coverHash', code: 'article.coverUnsupported' }] });
    }
    const bodies = this.deps.bodiesOf(course.id);
    let html = articleHtml(course, bodies);
    const uploads = new Map(
      this.deps.db
        .prepare<[], { hash: string; state: string; wechat_url: string | null }>('SELECT hash, state, wechat_url FROM article_image_uploads')
        .all()
        .map((r) => [r.hash, r]),
    );
    const hashes = [...new Set([...html.matchAll(/src="studio-media:([0-9a-f]{64})"/g)].map((m) => m[1]!))];
    const pending: Built['pending'] = [];
    const all: Built['all'] = [];
    for (const hash of hashes) {
      const located = this.deps.locateMedia(hash);
      if (!located) throw new StudioError('INVALID_INPUT', `Image ${hash} is missing from the workspace`, { fields: [{ path: 'html', code: 'body.unknownImage' }], details: { hash } });
      const size = fs.statSync(located.file).size;
      all.push({ hash, ...located, size });
      const upload = uploads.get(hash);
      if (upload?.state === 'uploaded' && upload.wechat_url && !options.forExport) {
        html = html.replaceAll(`src="studio-media:${hash}"`, `src="${upload.wechat_url.replace(/&/g, '&amp;')}"`);
        continue;
      }
      if (!WECHAT_BODY_LIMITS.imageMimes.includes(located.mime) || size >= WECHAT_BODY_LIMITS.imageMaxBytes) {
        throw new StudioError('INVALID_INPUT', `Image ${hash} must be a JPEG or PNG under 1 MB for a WeChat article`, {
          fields: [{ path: 'html', code: 'body.imageUnsupported' }],
          details: { hash },
        });
      }
      pending.push({ hash, ...located });
    }
    const author = course.typeDetails.type === 'article' ? course.typeDetails.author : '';
    return { title, author, digest: digestOf(course.summary), html, cover: { hash: coverHash, ...cover }, pending, all };
  }

  private record(job: PublishJob): void {
    const at = this.deps.now().toISOString();
    const db = this.deps.db;
    db.transaction(() => {
      const before = db.prepare<[string], { job_json: string }>('SELECT job_json FROM course_publications WHERE course_id = ?').get(job.courseId);
      db.prepare(
        `INSERT INTO course_publications (course_id, job_id, state, article_url, job_json, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET job_id = excluded.job_id, state = excluded.state, article_url = excluded.article_url,
           job_json = excluded.job_json, updated_at = excluded.updated_at`,
      ).run(job.courseId, job.id, job.state, job.articleUrl, JSON.stringify(job), at);
      // An image WeChat has a URL for stays uploaded even if the job fails later: the next attempt reuses it.
      const mark = db.prepare(
        `INSERT INTO article_image_uploads (hash, state, wechat_url, updated_at) VALUES (?, 'uploaded', ?, ?)
         ON CONFLICT (hash) DO UPDATE SET state = 'uploaded', wechat_url = excluded.wechat_url, updated_at = excluded.updated_at`,
      );
      for (const image of job.images) {
        const hash = MEDIA_SRC.exec(image.ref)?.[1];
        if (hash && image.url) mark.run(hash, image.url, at);
      }
      if (before?.job_json !== JSON.stringify(job)) this.deps.changed(job.courseId, job);
    })();
    if (ACTIVE_PUBLISH_STATES.includes(job.state)) this.follow(job);
  }

  private recorded(courseId: string): PublishJob | null {
    const row = this.deps.db.prepare<[string], { job_json: string }>('SELECT job_json FROM course_publications WHERE course_id = ?').get(courseId);
    return row ? (JSON.parse(row.job_json) as PublishJob) : null;
  }

  /** Asks about a running job until it ends; one timer per job. */
  private follow(job: PublishJob): void {
    if (this.closed || this.timers.has(job.id)) return;
    const timer = setTimeout(() => {
      this.timers.delete(job.id);
      this.deps
        .getJob(job.id)
        .then((next) => {
          if (!this.closed) this.record(next);
        })
        .catch((error: unknown) => {
          // Unreachable for now: ask again later; the job goes on at the companion either way.
          this.deps.log(`publish job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
          if (!this.closed) this.follow(job);
        });
    }, this.deps.pollMs ?? 1000);
    timer.unref();
    this.timers.set(job.id, timer);
  }
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
