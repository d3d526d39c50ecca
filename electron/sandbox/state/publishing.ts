/**
 * An official account's publishing and messaging state on WeChat's side (wechat-protocols.md §6, §7): permanent
 * materials, article body images, the draft box, publish jobs and the messages sent, with the account flags the
 * control API sets (no publishing rights, the template quota, how publish jobs end). In memory, like the rest of the
 * sandbox.
 */
import { beijingDay, type SandboxClock } from '../clock';
import { randomAlnum, randomDigits } from './ids';

export type MaterialType = 'image' | 'voice' | 'video' | 'thumb';

export interface Material {
  mediaId: string;
  appId: string;
  type: MaterialType;
  mime: string;
  size: number;
  url: string | null;
}

export interface DraftArticle {
  title: string;
  author: string;
  digest: string;
  content: string;
  contentSourceUrl: string;
  thumbMediaId: string;
  needOpenComment: 0 | 1;
  onlyFansCanComment: 0 | 1;
  picCrop2351: string;
  picCrop11: string;
}

export interface Draft {
  mediaId: string;
  appId: string;
  articles: DraftArticle[];
  createdAt: number;
}

export interface PublishJob {
  publishId: string;
  msgDataId: string;
  appId: string;
  draftMediaId: string;
  articles: DraftArticle[];
  /** §6.5: 1 while publishing, then 0 (success), 2, 3 or 4. */
  status: number;
  articleId: string | null;
  /** The permanent links, one per article, once published. */
  articleUrls: string[];
}

export interface Template {
  appId: string;
  templateId: string;
  kind: 'template' | 'subscribe';
  title: string;
  keys: string[];
}

export interface SentMessage {
  kind: 'template' | 'subscribe';
  msgId: string;
  appId: string;
  openid: string;
  templateId: string;
  clientMsgId: string | null;
  at: number;
  data: Record<string, string>;
}

export interface AccountFlags {
  noPublishRights: boolean;
  templateDailyQuota: number;
  publishOutcome: 0 | 2 | 3 | 4;
}

/** The quota/get sample for template/send (§7.1, §11.1). */
export const DEFAULT_TEMPLATE_DAILY_QUOTA = 1_000_000;
/** §7.1: one message per openid + client_msg_id within 10 minutes. */
export const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;

export class PublishingState {
  private readonly materials = new Map<string, Material>();
  /** uploadimg URLs → the app that uploaded them (draft content may only use its own). */
  private readonly bodyImages = new Map<string, string>();
  private readonly drafts = new Map<string, Draft>();
  private readonly publishes = new Map<string, PublishJob>();
  private readonly flags = new Map<string, AccountFlags>();
  private readonly templates = new Map<string, Template>();
  /** `${appId}:${openid}:${templateId}` → one-time consents left. */
  private readonly consents = new Map<string, number>();
  readonly messages: SentMessage[] = [];
  /** `${appId}:${beijingDay}` → template messages sent that day. */
  private readonly templateCounts = new Map<string, number>();
  private nextPublishId = 2_247_483_647;

  constructor(private readonly clock: SandboxClock) {}

  flagsOf(appId: string): AccountFlags {
    return this.flags.get(appId) ?? { noPublishRights: false, templateDailyQuota: DEFAULT_TEMPLATE_DAILY_QUOTA, publishOutcome: 0 };
  }

  setFlags(appId: string, patch: Partial<AccountFlags>): void {
    const current = this.flagsOf(appId);
    const next: AccountFlags = { ...current };
    if (patch.noPublishRights !== undefined) next.noPublishRights = patch.noPublishRights;
    if (patch.templateDailyQuota !== undefined) next.templateDailyQuota = patch.templateDailyQuota;
    if (patch.publishOutcome !== undefined) next.publishOutcome = patch.publishOutcome;
    this.flags.set(appId, next);
  }

  addMaterial(appId: string, type: MaterialType, mime: string, size: number): Material {
    const mediaId = randomAlnum(43);
    // Images get a CDN URL usable only inside Tencent's domains (§6.1); other types have none.
    const url = type === 'image' ? `http://mmbiz.qpic.cn/sz_mmbiz_${mime === 'image/png' ? 'png' : 'jpg'}/${randomAlnum(32)}/0?wx_fmt=${mime.split('/')[1]}` : null;
    const material: Material = { mediaId, appId, type, mime, size, url };
    this.materials.set(mediaId, material);
    return material;
  }

  material(appId: string, mediaId: string): Material | undefined {
    const m = this.materials.get(mediaId);
    return m && m.appId === appId ? m : undefined;
  }

  addBodyImage(appId: string, mime: string): string {
    const url = `http://mmbiz.qpic.cn/sz_mmbiz_${mime === 'image/png' ? 'png' : 'jpg'}/${randomAlnum(40)}/0?wx_fmt=${mime === 'image/png' ? 'png' : 'jpeg'}`;
    this.bodyImages.set(url, appId);
    return url;
  }

  isBodyImageOf(appId: string, url: string): boolean {
    return this.bodyImages.get(url) === appId;
  }

  addDraft(appId: string, articles: DraftArticle[]): Draft {
    const draft: Draft = { mediaId: randomAlnum(43), appId, articles, createdAt: this.clock.now() };
    this.drafts.set(draft.mediaId, draft);
    return draft;
  }

  draft(appId: string, mediaId: string): Draft | undefined {
    const d = this.drafts.get(mediaId);
    return d && d.appId === appId ? d : undefined;
  }

  /** Submits a draft: it leaves the box (§6.3: drafts are removed once published) and a job starts at status 1. */
  submit(draft: Draft): PublishJob {
    this.drafts.delete(draft.mediaId);
    const job: PublishJob = {
      publishId: String(this.nextPublishId++),
      msgDataId: randomDigits(10),
      appId: draft.appId,
      draftMediaId: draft.mediaId,
      articles: draft.articles,
      status: 1,
      articleId: null,
      articleUrls: [],
    };
    this.publishes.set(job.publishId, job);
    return job;
  }

  publish(appId: string, publishId: string): PublishJob | undefined {
    const job = this.publishes.get(publishId);
    return job && job.appId === appId ? job : undefined;
  }

  /** Ends a job as the account's flags say; a success gets an article id and one permanent link per article. */
  finish(job: PublishJob, baseUrl: string): void {
    job.status = this.flagsOf(job.appId).publishOutcome;
    if (job.status === 0) {
      job.articleId = randomAlnum(40);
      job.articleUrls = job.articles.map((_, i) => `${baseUrl}/s/${job.articleId}_${i + 1}`);
    }
  }

  /** The article behind a `/s/<articleId>_<idx>` link. */
  article(key: string): DraftArticle | undefined {
    const m = /^([A-Za-z0-9]+)_(\d+)$/.exec(key);
    if (!m) return undefined;
    for (const job of this.publishes.values()) {
      if (job.articleId === m[1]) return job.articles[Number(m[2]) - 1];
    }
    return undefined;
  }

  putTemplate(template: Template): void {
    this.templates.set(`${template.appId}:${template.templateId}`, template);
  }

  template(appId: string, templateId: string): Template | undefined {
    return this.templates.get(`${appId}:${templateId}`);
  }

  grant(appId: string, openid: string, templateId: string, count: number): number {
    const key = `${appId}:${openid}:${templateId}`;
    const next = (this.consents.get(key) ?? 0) + count;
    this.consents.set(key, next);
    return next;
  }

  /** Uses one consent; false when the user has none left (43101). */
  takeConsent(appId: string, openid: string, templateId: string): boolean {
    const key = `${appId}:${openid}:${templateId}`;
    const left = this.consents.get(key) ?? 0;
    if (left < 1) return false;
    this.consents.set(key, left - 1);
    return true;
  }

  /** Counts one template message against today's quota; false when the quota is used up (45009). */
  takeTemplateQuota(appId: string): boolean {
    const key = `${appId}:${beijingDay(this.clock.now())}`;
    const used = this.templateCounts.get(key) ?? 0;
    if (used >= this.flagsOf(appId).templateDailyQuota) return false;
    this.templateCounts.set(key, used + 1);
    return true;
  }

  /** A template message with the same openid and client_msg_id sent within the last 10 minutes. */
  recentDuplicate(appId: string, openid: string, clientMsgId: string): SentMessage | undefined {
    const since = this.clock.now() - CLIENT_MSG_ID_WINDOW_MS;
    return this.messages.find((m) => m.kind === 'template' && m.appId === appId && m.openid === openid && m.clientMsgId === clientMsgId && m.at >= since);
  }

  recordMessage(message: Omit<SentMessage, 'msgId' | 'at'>): SentMessage {
    const sent: SentMessage = { ...message, msgId: randomDigits(15).replace(/^0/, '1'), at: this.clock.now() };
    this.messages.push(sent);
    return sent;
  }

  summary(appId: string) {
    return {
      materials: [...this.materials.values()].filter((m) => m.appId === appId).length,
      bodyImages: [...this.bodyImages.values()].filter((a) => a === appId).length,
      drafts: [...this.drafts.values()].filter((d) => d.appId === appId).length,
      publishes: [...this.publishes.values()]
        .filter((j) => j.appId === appId)
        .map((j) => ({ publishId: j.publishId, status: j.status, articleUrl: j.articleUrls[0] ?? null, title: j.articles[0]?.title ?? '', digest: j.articles[0]?.digest ?? '', content: j.articles[0]?.content ?? '' })),
      messages: this.messages
        .filter((m) => m.appId === appId)
        .map((m) => ({ kind: m.kind, msgId: m.msgId, openid: m.openid, templateId: m.templateId, at: new Date(m.at).toISOString(), data: m.data })),
    };
  }
}
