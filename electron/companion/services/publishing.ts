/**
 * Publish jobs (wechat-protocols.md §6): a course goes to the official account in steps — the cover as permanent
 * image material (add_material), each body image through uploadimg with its `src` rewritten in the HTML, the draft
 * (draft/add), the submission (freepublish/submit) — and the job waits for PUBLISHJOBFINISH to learn the article URL.
 * Each step's result is stored before the next starts, so a restarted companion resumes where it stopped instead of
 * uploading twice. WeChat's 48001 (no rights to the publishing APIs, §6.4) ends a job in `noPublishRights`.
 */
import type Database from 'better-sqlite3';
import { ACTIVE_PUBLISH_STATES, type createPublishJobSchema, type PublishJob, type PublishJobState } from '../../../shared/companion/api';
import type { z } from 'zod';
import { CompanionError, isCompanionError } from '../errors';
import type { WechatClient } from '../wechat/client';
import type { Processed } from './events';
import { newId } from './ids';

type CreateInput = z.output<typeof createPublishJobSchema>;
type Article = CreateInput['article'];

interface JobRow {
  id: string;
  course_id: string;
  state: PublishJobState;
  article_json: string;
  content_html: string | null;
  thumb_media_id: string | null;
  draft_media_id: string | null;
  publish_id: string | null;
  publish_status: number | null;
  article_url: string | null;
  error_code: string | null;
  error_message: string | null;
  errcode: number | null;
  created_at: string;
  updated_at: string;
}

interface ImageRow {
  ref: string;
  role: 'cover' | 'body';
  file_name: string;
  mime: string;
  data: Buffer | null;
  media_id: string | null;
  url: string | null;
}

/** §6.5 publish_status values after the job ends, and what they mean to a creator. */
const STATUS_TEXT: Record<number, string> = {
  2: '原创声明校验未通过 / the originality check failed',
  3: '发表失败 / publishing failed',
  4: '平台审核未通过 / the platform’s review rejected it',
  5: '已被发表者删除 / deleted by the account after publishing',
  6: '已被系统封禁 / banned by the platform after publishing',
};

const NO_RIGHTS_MESSAGE =
  '此公众号没有发表接口权限（个人主体及未认证的公众号自 2025 年 7 月起不能通过接口发表）。请使用“复制到公众号后台”导出，在 mp.weixin.qq.com 手动粘贴发表。' +
  ' / This account may not use the publishing APIs (personal and unverified accounts lost them in July 2025). Use the paste-ready export and publish by hand on mp.weixin.qq.com.';

/** The `src="…"` attributes equal to `ref` (as the HTML escapes it), replaced by `url`. */
export function rewriteImageSources(html: string, replacements: ReadonlyMap<string, string>): string {
  return html.replace(/(<img\b[^>]*?\ssrc=")([^"]*)(")/gi, (whole, head: string, src: string, tail: string) => {
    const url = replacements.get(src.replace(/&amp;/g, '&'));
    return url === undefined ? whole : `${head}${url.replace(/&/g, '&amp;')}${tail}`;
  });
}

export class PublishService {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly db: Database.Database,
    private readonly wechat: WechatClient,
    private readonly now: () => Date,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  create(input: CreateInput, memberId: string | null): PublishJob {
    const id = newId();
    const at = this.now().toISOString();
    const refs = new Set<string>();
    for (const image of input.images) {
      if (refs.has(image.ref)) throw new CompanionError('INVALID_INPUT', `Image ref ${image.ref} appears twice`, { ref: image.ref });
      refs.add(image.ref);
    }
    const decode = (b64: string, what: string) => {
      const bytes = Buffer.from(b64, 'base64');
      if (bytes.length === 0) throw new CompanionError('INVALID_INPUT', `${what} is empty`);
      return bytes;
    };
    const cover = decode(input.cover.dataBase64, 'The cover');
    const bodies = input.images.map((image) => ({ ...image, bytes: decode(image.dataBase64, `Image ${image.ref}`) }));
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO publish_jobs (id, course_id, state, article_json, created_by, created_at, updated_at) VALUES (?, ?, 'uploading', ?, ?, ?, ?)`,
        )
        .run(id, input.courseId, JSON.stringify(input.article), memberId, at, at);
      const insert = this.db.prepare('INSERT INTO publish_job_images (job_id, ref, role, file_name, mime, data) VALUES (?, ?, ?, ?, ?, ?)');
      // The cover's ref cannot clash with a body image's: body refs are the HTML's image sources.
      insert.run(id, ':cover', 'cover', input.cover.fileName, input.cover.mime, cover);
      for (const image of bodies) insert.run(id, image.ref, 'body', image.fileName, image.mime, image.bytes);
    })();
    this.kick(id);
    return this.get(id);
  }

  get(id: string): PublishJob {
    const row = this.db.prepare<[string], JobRow>('SELECT * FROM publish_jobs WHERE id = ?').get(id);
    if (!row) throw new CompanionError('NOT_FOUND', `No publish job ${id}`);
    return this.toJob(row);
  }

  list(courseId: string, limit: number, offset: number): { items: PublishJob[]; total: number } {
    const rows = this.db
      .prepare<[string, number, number], JobRow>('SELECT * FROM publish_jobs WHERE course_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?')
      .all(courseId, limit, offset);
    const { n } = this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM publish_jobs WHERE course_id = ?').get(courseId)!;
    return { items: rows.map((r) => this.toJob(r)), total: n };
  }

  /** Picks up the jobs a previous run left unfinished. */
  resume(): void {
    const states = ACTIVE_PUBLISH_STATES.map((s) => `'${s}'`).join(',');
    for (const { id } of this.db.prepare<[], { id: string }>(`SELECT id FROM publish_jobs WHERE state IN (${states})`).all()) this.kick(id);
  }

  /** Called for every processed push: PUBLISHJOBFINISH ends the job it names. */
  onEvent(processed: Processed): void {
    if (processed.kind !== 'publishFinished' || typeof processed.publishId !== 'string') return;
    const row = this.db.prepare<[string], JobRow>('SELECT * FROM publish_jobs WHERE publish_id = ?').get(processed.publishId);
    if (!row || row.state !== 'publishing') return;
    const urls = Array.isArray(processed.articleUrls) ? (processed.articleUrls as string[]) : [];
    this.finish(row.id, typeof processed.publishStatus === 'number' ? processed.publishStatus : null, urls[0] ?? null);
  }

  /** Resolves when no job is being worked on (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private kick(id: string): void {
    if (this.running.has(id) || this.stopped) return;
    const run = this.run(id)
      .catch((error: unknown) => this.log('publish job failed unexpectedly', { jobId: id, error: (error as Error).message }))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private row(id: string): JobRow {
    return this.db.prepare<[string], JobRow>('SELECT * FROM publish_jobs WHERE id = ?').get(id)!;
  }

  private setState(id: string, state: PublishJobState, fields: Partial<Pick<JobRow, 'content_html' | 'thumb_media_id' | 'draft_media_id' | 'publish_id'>> = {}): void {
    const sets = Object.keys(fields).map((k) => `${k} = @${k}`);
    this.db.prepare(`UPDATE publish_jobs SET ${['state = @state', 'updated_at = @at', ...sets].join(', ')} WHERE id = @id`).run({ id, state, at: this.now().toISOString(), ...fields });
  }

  private async run(id: string): Promise<void> {
    try {
      while (!this.stopped) {
        const job = this.row(id);
        if (job.state === 'uploading') await this.upload(job);
        else if (job.state === 'drafting') await this.draft(job);
        else if (job.state === 'submitting') await this.submit(job);
        else if (job.state === 'publishing') {
          // PUBLISHJOBFINISH may have arrived while we were down: ask once; otherwise the event will end the job.
          await this.poll(job);
          return;
        } else return;
      }
    } catch (error) {
      if (!isCompanionError(error)) throw error;
      const errcode = typeof error.details?.errcode === 'number' ? error.details.errcode : null;
      const noRights = errcode === 48001;
      this.db
        .prepare('UPDATE publish_jobs SET state = ?, error_code = ?, error_message = ?, errcode = ?, updated_at = ? WHERE id = ?')
        .run(noRights ? 'noPublishRights' : 'failed', noRights ? 'NO_PUBLISH_RIGHTS' : error.code, noRights ? NO_RIGHTS_MESSAGE : error.message, errcode, this.now().toISOString(), id);
    }
  }

  private async upload(job: JobRow): Promise<void> {
    const images = this.db.prepare<[string], ImageRow>('SELECT ref, role, file_name, mime, data, media_id, url FROM publish_job_images WHERE job_id = ? ORDER BY rowid').all(job.id);
    const store = this.db.prepare('UPDATE publish_job_images SET media_id = ?, url = ?, data = NULL WHERE job_id = ? AND ref = ?');
    for (const image of images) {
      // Uploaded before a restart: its result is stored, the bytes are gone.
      if (image.data === null) continue;
      const upload = { field: 'media', fileName: image.file_name, contentType: image.mime, data: image.data };
      if (image.role === 'cover') {
        const answer = await this.wechat.call<{ media_id?: string; url?: string }>({
          method: 'POST',
          path: '/cgi-bin/material/add_material',
          query: { type: 'image' },
          accessToken: true,
          upload,
        });
        if (!answer.media_id) throw new CompanionError('WECHAT_ERROR', 'add_material answered without a media_id', { errcode: 0 });
        store.run(answer.media_id, answer.url ?? null, job.id, image.ref);
      } else {
        const answer = await this.wechat.call<{ url?: string }>({ method: 'POST', path: '/cgi-bin/media/uploadimg', accessToken: true, upload });
        if (!answer.url) throw new CompanionError('WECHAT_ERROR', 'uploadimg answered without a url', { errcode: 0 });
        store.run(null, answer.url, job.id, image.ref);
      }
    }
    const done = this.db.prepare<[string], ImageRow>('SELECT ref, role, media_id, url FROM publish_job_images WHERE job_id = ?').all(job.id);
    const urls = new Map(done.filter((i) => i.role === 'body' && i.url).map((i) => [i.ref, i.url!]));
    const article = JSON.parse(job.article_json) as Article;
    this.setState(job.id, 'drafting', {
      content_html: rewriteImageSources(article.contentHtml, urls),
      thumb_media_id: done.find((i) => i.role === 'cover')?.media_id ?? null,
    });
  }

  private async draft(job: JobRow): Promise<void> {
    const article = JSON.parse(job.article_json) as Article;
    const answer = await this.wechat.call<{ media_id?: string }>({
      method: 'POST',
      path: '/cgi-bin/draft/add',
      accessToken: true,
      body: {
        articles: [
          {
            article_type: 'news',
            title: article.title,
            author: article.author,
            digest: article.digest,
            content: job.content_html,
            content_source_url: article.contentSourceUrl,
            thumb_media_id: job.thumb_media_id,
            need_open_comment: article.needOpenComment ? 1 : 0,
            only_fans_can_comment: 0,
            ...(article.picCrop2351 ? { pic_crop_235_1: article.picCrop2351 } : {}),
            ...(article.picCrop11 ? { pic_crop_1_1: article.picCrop11 } : {}),
          },
        ],
      },
    });
    if (!answer.media_id) throw new CompanionError('WECHAT_ERROR', 'draft/add answered without a media_id', { errcode: 0 });
    this.setState(job.id, 'submitting', { draft_media_id: answer.media_id });
  }

  private async submit(job: JobRow): Promise<void> {
    // A crash between WeChat accepting the submission and this write leaves the job here; submitting again then
    // answers 40007 (the draft has left the box), and the job fails asking the creator to look at the account.
    const answer = await this.wechat.call<{ publish_id?: string | number }>({
      method: 'POST',
      path: '/cgi-bin/freepublish/submit',
      accessToken: true,
      body: { media_id: job.draft_media_id },
    });
    if (answer.publish_id === undefined) throw new CompanionError('WECHAT_ERROR', 'freepublish/submit answered without a publish_id', { errcode: 0 });
    // §6.4: publish_id is documented as int or string; stored as a string.
    this.setState(job.id, 'publishing', { publish_id: String(answer.publish_id) });
  }

  private async poll(job: JobRow): Promise<void> {
    const answer = await this.wechat.call<{ publish_status?: number; article_detail?: { item?: { article_url?: string }[] } }>({
      method: 'POST',
      path: '/cgi-bin/freepublish/get',
      accessToken: true,
      body: { publish_id: job.publish_id },
    });
    if (typeof answer.publish_status !== 'number' || answer.publish_status === 1) return;
    this.finish(job.id, answer.publish_status, answer.article_detail?.item?.[0]?.article_url ?? null);
  }

  private finish(id: string, status: number | null, articleUrl: string | null): void {
    const at = this.now().toISOString();
    if (status === 0 && articleUrl) {
      this.db.prepare("UPDATE publish_jobs SET state = 'published', publish_status = 0, article_url = ?, updated_at = ? WHERE id = ? AND state = 'publishing'").run(articleUrl, at, id);
      return;
    }
    const text = (status !== null && STATUS_TEXT[status]) || '发表结果未知 / the publishing outcome is unknown';
    this.db
      .prepare("UPDATE publish_jobs SET state = 'failed', publish_status = ?, error_code = 'PUBLISH_FAILED', error_message = ?, updated_at = ? WHERE id = ? AND state = 'publishing'")
      .run(status, `微信未能发表此文章：${text}`, at, id);
  }

  private toJob(row: JobRow): PublishJob {
    const images = this.db.prepare<[string], { ref: string; url: string | null }>("SELECT ref, url FROM publish_job_images WHERE job_id = ? AND role = 'body' ORDER BY rowid").all(row.id);
    return {
      id: row.id,
      courseId: row.course_id,
      state: row.state,
      publishId: row.publish_id,
      publishStatus: row.publish_status,
      articleUrl: row.article_url,
      images,
      error: row.error_code ? { code: row.error_code, message: row.error_message ?? '', errcode: row.errcode } : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
