/**
 * WeChat's asynchronous side of publishing and messages: a submitted publish job stays at publish_status 1 for a
 * while, then ends and PUBLISHJOBFINISH is pushed (§6.4, §12.5); a template message is delivered and
 * TEMPLATESENDJOBFINISH pushed (§7.1, §12.6); a subscribe message's outcome arrives as subscribe_msg_sent_event.
 * Pushes go through the sandbox's delivery service (signed, encrypted, retried). Timers are tracked so tests can wait
 * for them and a closing sandbox cancels them.
 */
import { unixSeconds } from '../clock';
import type { SandboxContext } from '../context';
import type { PublishJob, SentMessage } from '../state/publishing';
import type { SandboxApp } from '../state/apps';
import { publishFinishXml, subscribeSentXml, templateFinishXml } from './event-xml';

export class PublishingRunner {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private waiters: (() => void)[] = [];

  constructor(private readonly ctx: SandboxContext) {}

  /** Ends the job after the publishing delay and pushes the outcome (if the account has push settings). */
  publishLater(app: SandboxApp, job: PublishJob): void {
    this.later(() => {
      this.ctx.publishing.finish(job, this.ctx.baseUrl());
      if (!app.push) return;
      const xml = publishFinishXml({
        toUserName: app.originalId ?? app.appId,
        createTime: unixSeconds(this.ctx.clock.now()),
        publishId: job.publishId,
        publishStatus: job.status,
        articleId: job.articleId,
        articleUrls: job.articleUrls,
        failIdx: job.status === 0 ? [] : job.articles.map((_, i) => i + 1),
      });
      this.ctx.deliveries.start({ app, openid: app.originalId ?? app.appId, event: 'PUBLISHJOBFINISH', xml });
    });
  }

  /** Delivers a sent message and pushes its outcome event. */
  deliveredLater(app: SandboxApp, message: SentMessage): void {
    this.later(() => {
      if (!app.push) return;
      const base = { toUserName: app.originalId ?? app.appId, fromUserName: message.openid, createTime: unixSeconds(this.ctx.clock.now()), msgId: message.msgId };
      const xml = message.kind === 'template' ? templateFinishXml({ ...base, status: 'success' }) : subscribeSentXml({ ...base, templateId: message.templateId });
      this.ctx.deliveries.start({ app, openid: message.openid, event: message.kind === 'template' ? 'TEMPLATESENDJOBFINISH' : 'subscribe_msg_sent_event', xml });
    });
  }

  private later(run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        run();
      } finally {
        if (this.timers.size === 0) this.release();
      }
    }, this.ctx.settings.publishDelayMs);
    timer.unref();
    this.timers.set(timer, run);
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once every pending job and message has finished (its push started). */
  idle(): Promise<void> {
    if (this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
    this.release();
  }
}
