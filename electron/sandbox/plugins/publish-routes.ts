/**
 * Materials, drafts and publishing (wechat-protocols.md §6), as WeChat answers them:
 *
 * - `material/add_material?type=`: multipart, file part `media`; types image (bmp/png/jpeg/gif, ≤ 10 MB, the current
 *   doc), voice (mp3/wma/wav/amr, ≤ 2 MB), video (mp4, ≤ 10 MB, needs `description`), thumb (jpg, ≤ 64 KB). 40004 bad
 *   type, 40005 bad format, 40006 too large, 41005 no `media` part. Images answer `media_id` and `url`.
 * - `media/uploadimg`: multipart `media`, JPEG or PNG under 1 MB → `url` on mmbiz.qpic.cn.
 * - `draft/add`: at most 8 articles; per article the limits of §6.3 — title ≤ 32 (45003), author ≤ 16 (45110),
 *   digest ≤ 128 (45004), content < 20,000 characters and < 1 MB (45002), content_source_url ≤ 1 KB (45005), a
 *   permanent image/thumb `thumb_media_id` of this account (40007), crops `X1_Y1_X2_Y2` in [0, 1] with at most six
 *   decimals (40097). Scripts and images not from this account's uploadimg are stripped from the content, as WeChat
 *   does. An empty digest of a single article becomes the first 54 characters of the text (current doc).
 * - `freepublish/submit` → publish_id; the job ends later and PUBLISHJOBFINISH is pushed (push/publishing.ts).
 *   `freepublish/get` answers the job's state. Both answer 48001 for an account without publishing rights (§6.4).
 * - `/s/<article>`: the published article's page (mp.weixin.qq.com/s/… in real life).
 *
 * Missing or mistyped arguments without an errcode of their own answer 40097 invalid args, as qrcode/create does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { escapeHtml } from '../html';
import { boundaryOf, parseMultipart, sniffMedia, type FormPart } from '../multipart';
import type { DraftArticle, MaterialType } from '../state/publishing';
import { wechatError, type WechatError } from '../wechat-errors';
import { appOfAccessToken, isWechatError, jsonBody } from './wechat-api';

/** Uploads are multipart and up to 10 MB (§6.1); a little room for the multipart framing. */
export const UPLOAD_BODY_LIMIT = 11 * 1024 * 1024;

const ERRMSG: Record<number, string> = {
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid meida size',
  40007: 'invalid media_id',
  40097: 'invalid args',
  41005: 'media data missing',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45005: 'link size out of limit',
  45008: 'article size out of limit',
  45110: 'author size out of limit',
};

function fail(errcode: number, why?: string): WechatError {
  const text = ERRMSG[errcode];
  return text ? wechatError(errcode, { detail: why ? `${text}: ${why}` : text }) : wechatError(errcode);
}

/** Limits by material type (§6.1): accepted formats and the largest size in bytes. */
const MATERIAL_RULES: Record<MaterialType, { mimes: string[]; maxBytes: number }> = {
  image: { mimes: ['image/bmp', 'image/png', 'image/jpeg', 'image/gif'], maxBytes: 10 * 1024 * 1024 },
  voice: { mimes: ['audio/mpeg', 'audio/x-ms-wma', 'audio/wav', 'audio/amr'], maxBytes: 2 * 1024 * 1024 },
  video: { mimes: ['video/mp4'], maxBytes: 10 * 1024 * 1024 },
  thumb: { mimes: ['image/jpeg'], maxBytes: 64 * 1024 },
};

export const ARTICLE_LIMITS = { maxArticles: 8, title: 32, author: 16, digest: 128, contentChars: 20_000, contentBytes: 1_000_000, sourceUrlBytes: 1024, autoDigest: 54 };

/** The form parts of a multipart request, or WeChat's error (41005 when the body is not a form at all). */
function formOf(request: FastifyRequest): FormPart[] | WechatError {
  const boundary = boundaryOf(request.headers['content-type']);
  if (!boundary || !Buffer.isBuffer(request.body)) return fail(41005, 'multipart/form-data with a media part expected');
  const parts = parseMultipart(request.body, boundary);
  return parts ?? fail(41005, 'malformed multipart body');
}

const chars = (s: string) => [...s].length;

/** Text of an HTML fragment, for the automatic digest and the character count. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

const CROP = /^(0|1|0\.\d{1,6}|1\.0{1,6})_(0|1|0\.\d{1,6}|1\.0{1,6})_(0|1|0\.\d{1,6}|1\.0{1,6})_(0|1|0\.\d{1,6}|1\.0{1,6})$/;

function cropValid(value: string): boolean {
  const m = CROP.exec(value);
  if (!m) return false;
  const [x1, y1, x2, y2] = m.slice(1).map(Number) as [number, number, number, number];
  return x1 < x2 && y1 < y2;
}

function flag(value: unknown, name: string): 0 | 1 | WechatError {
  if (value === undefined) return 0;
  return value === 0 || value === 1 ? value : fail(40097, `${name} must be 0 or 1`);
}

function optionalString(value: unknown, name: string): string | WechatError {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : fail(40097, `${name} must be a string`);
}

export async function publishRoutes(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const state = ctx.publishing;
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/cgi-bin/material/add_material', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const type = (request.query as Record<string, unknown>).type;
    if (typeof type !== 'string' || !(type in MATERIAL_RULES)) return fail(40004, 'type must be image, voice, video or thumb');
    const form = formOf(request);
    if (isWechatError(form)) return form;
    const media = form.find((p) => p.name === 'media' && p.fileName !== null);
    if (!media) return fail(41005, 'no file part named media');
    const rules = MATERIAL_RULES[type as MaterialType];
    const mime = sniffMedia(media.data);
    if (!mime || !rules.mimes.includes(mime)) return fail(40005, `${type} must be ${rules.mimes.join(', ')}`);
    if (media.data.length > rules.maxBytes) return fail(40006, `${type} is at most ${rules.maxBytes} bytes`);
    if (type === 'video') {
      const description = form.find((p) => p.name === 'description')?.data.toString('utf8');
      let ok: boolean;
      try {
        const parsed = description ? (JSON.parse(description) as Record<string, unknown>) : null;
        ok = typeof parsed?.title === 'string' && typeof parsed.introduction === 'string';
      } catch {
        ok = false;
      }
      if (!ok) return fail(40097, 'a video needs description {"title","introduction"}');
    }
    const material = state.addMaterial(account.appId, type as MaterialType, mime, media.data.length);
    return material.url ? { media_id: material.mediaId, url: material.url, item: [] } : { media_id: material.mediaId, item: [] };
  });

  app.post('/cgi-bin/media/uploadimg', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const form = formOf(request);
    if (isWechatError(form)) return form;
    const media = form.find((p) => p.name === 'media' && p.fileName !== null);
    if (!media) return fail(41005, 'no file part named media');
    const mime = sniffMedia(media.data);
    if (mime !== 'image/jpeg' && mime !== 'image/png') return fail(40005, 'an article image must be jpg or png');
    if (media.data.length >= 1024 * 1024) return fail(40006, 'an article image must be under 1 MB');
    return { url: state.addBodyImage(account.appId, mime) };
  });

  app.post('/cgi-bin/draft/add', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount') return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const list = body.articles;
    if (!Array.isArray(list) || list.length === 0) return fail(40097, 'articles must be a non-empty array');
    if (list.length > ARTICLE_LIMITS.maxArticles) return fail(45008, `at most ${ARTICLE_LIMITS.maxArticles} articles`);
    const articles: DraftArticle[] = [];
    for (const [index, raw] of list.entries()) {
      const at = `articles[${index}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(40097, `${at} must be an object`);
      const a = raw as Record<string, unknown>;
      const articleType = a.article_type ?? 'news';
      if (articleType !== 'news') return fail(40097, `${at}.article_type: only news is emulated`);
      if (typeof a.title !== 'string' || a.title.trim() === '') return fail(40097, `${at}.title missing`);
      if (chars(a.title) > ARTICLE_LIMITS.title) return fail(45003, `${at}.title is at most ${ARTICLE_LIMITS.title} characters`);
      const author = optionalString(a.author, `${at}.author`);
      if (isWechatError(author)) return author;
      if (chars(author) > ARTICLE_LIMITS.author) return fail(45110, `${at}.author is at most ${ARTICLE_LIMITS.author} characters`);
      let digest = optionalString(a.digest, `${at}.digest`);
      if (isWechatError(digest)) return digest;
      if (chars(digest) > ARTICLE_LIMITS.digest) return fail(45004, `${at}.digest is at most ${ARTICLE_LIMITS.digest} characters`);
      if (typeof a.content !== 'string' || a.content.trim() === '') return fail(40097, `${at}.content missing`);
      // WeChat strips scripts and images that are not its own (uploadimg) before it measures and stores.
      const content = a.content
        .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
        .replace(/<img\b[^>]*>/gi, (tag) => {
          const src = /\ssrc="([^"]*)"/i.exec(tag)?.[1] ?? '';
          return state.isBodyImageOf(account.appId, src.replace(/&amp;/g, '&')) ? tag : '';
        });
      if (chars(textOf(content)) >= ARTICLE_LIMITS.contentChars || Buffer.byteLength(content) >= ARTICLE_LIMITS.contentBytes) {
        return fail(45002, `${at}.content must be under ${ARTICLE_LIMITS.contentChars} characters and 1 MB`);
      }
      const sourceUrl = optionalString(a.content_source_url, `${at}.content_source_url`);
      if (isWechatError(sourceUrl)) return sourceUrl;
      if (Buffer.byteLength(sourceUrl) > ARTICLE_LIMITS.sourceUrlBytes) return fail(45005, `${at}.content_source_url is at most 1 KB`);
      const thumb = typeof a.thumb_media_id === 'string' ? state.material(account.appId, a.thumb_media_id) : undefined;
      if (!thumb || (thumb.type !== 'image' && thumb.type !== 'thumb')) return fail(40007, `${at}.thumb_media_id must be a permanent image or thumb of this account`);
      const crops: string[] = [];
      for (const key of ['pic_crop_235_1', 'pic_crop_1_1']) {
        const crop = optionalString(a[key], `${at}.${key}`);
        if (isWechatError(crop)) return crop;
        if (crop !== '' && !cropValid(crop)) return fail(40097, `${at}.${key} must be X1_Y1_X2_Y2 within 0..1, at most 6 decimals`);
        crops.push(crop);
      }
      const needOpenComment = flag(a.need_open_comment, `${at}.need_open_comment`);
      if (isWechatError(needOpenComment)) return needOpenComment;
      const onlyFans = flag(a.only_fans_can_comment, `${at}.only_fans_can_comment`);
      if (isWechatError(onlyFans)) return onlyFans;
      if (digest === '' && list.length === 1) digest = [...textOf(content).replace(/\s+/g, ' ').trim()].slice(0, ARTICLE_LIMITS.autoDigest).join('');
      articles.push({
        title: a.title,
        author,
        digest: list.length === 1 ? digest : '',
        content,
        contentSourceUrl: sourceUrl,
        thumbMediaId: thumb.mediaId,
        needOpenComment,
        onlyFansCanComment: onlyFans,
        picCrop2351: crops[0] ?? '',
        picCrop11: crops[1] ?? '',
      });
    }
    return { media_id: state.addDraft(account.appId, articles).mediaId };
  });

  app.post('/cgi-bin/freepublish/submit', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount' || state.flagsOf(account.appId).noPublishRights) return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    if (typeof body.media_id !== 'string' || body.media_id === '') return fail(40097, 'media_id missing');
    const draft = state.draft(account.appId, body.media_id);
    if (!draft) return fail(40007, 'no draft with this media_id');
    const job = state.submit(draft);
    ctx.publishingRunner.publishLater(account, job);
    return { errcode: 0, errmsg: 'ok', publish_id: job.publishId, msg_data_id: job.msgDataId };
  });

  app.post('/cgi-bin/freepublish/get', async (request) => {
    const account = appOfAccessToken(ctx, request);
    if (isWechatError(account)) return account;
    if (account.kind !== 'officialAccount' || state.flagsOf(account.appId).noPublishRights) return wechatError(48001);
    const body = jsonBody(request);
    if (!body) return wechatError(47001);
    const id = typeof body.publish_id === 'number' ? String(body.publish_id) : body.publish_id;
    if (typeof id !== 'string' || id === '') return fail(40097, 'publish_id missing');
    const job = state.publish(account.appId, id);
    if (!job) return fail(40097, 'no publish job with this publish_id');
    return {
      publish_id: job.publishId,
      publish_status: job.status,
      ...(job.articleId ? { article_id: job.articleId, article_detail: { count: job.articleUrls.length, item: job.articleUrls.map((url, i) => ({ idx: i + 1, article_url: url })) } } : {}),
      fail_idx: job.status === 0 || job.status === 1 ? [] : job.articles.map((_, i) => i + 1),
    };
  });

  // The published article, as a reader opens it. Its HTML is the creator's content: scripts were stripped at
  // draft/add, and the page's CSP allows no script at all.
  app.get('/s/:key', async (request, reply) => {
    const article = state.article((request.params as { key: string }).key);
    if (!article) return reply.status(404).type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><p>该内容已被发布者删除</p>');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
      .send(
        `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${escapeHtml(article.title)}</title>` +
          `<h1>${escapeHtml(article.title)}</h1><p>${escapeHtml(article.author)}</p><article>${article.content}</article></html>`,
      );
  });
}
