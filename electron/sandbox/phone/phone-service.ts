/**
 * The simulated phone: a sandbox user "scans" a URL (or a QR image) and WeChat's in-app browser takes over — it
 * follows redirects, stops at the sandbox's own consent pages, and after the user's decision goes back to the
 * website's redirect_uri. A parametric QR of an official account opens that account instead (follow, or SCAN); a
 * WeChat Pay code_url or h5_url opens the payment step (pay/phone-payment.ts).
 */
import type { z } from 'zod';
import type { sandboxControl } from '../../../shared/wechat-sandbox/control';
import type { SandboxContext } from '../context';
import { SandboxError } from '../errors';
import { httpRequest } from '../http-client';
import {
  AUTHORIZE_PATH,
  QRCONNECT_PATH,
  callbackUrl,
  checkAuthorizeRequest,
  isPageError,
  type AuthorizeRequest,
  type ConnectKind,
} from '../oauth/authorize-request';
import { finishPaymentStep, openPaymentStep } from '../pay/phone-payment';
import type { PaymentHandle } from '../pay/orders';
import { fireEvent } from '../push/events';
import { randomAlnum } from '../state/ids';
import { isWechatQrUrl, type QrTicket } from '../state/qr-tickets';
import { CookieJar } from './cookie-jar';
import { pageText } from './page-text';
import { decodeQrPng } from './qr-decode';

export type ScanInput = z.input<(typeof sandboxControl)['phone.scan']['body']>;
export type ScanResult = z.output<(typeof sandboxControl)['phone.scan']['response']>;
export type DecideResult = z.output<(typeof sandboxControl)['phone.decide']['response']>;

/** WeChat's in-app browser follows at most this many redirects per navigation in the sandbox. */
export const MAX_REDIRECTS = 5;
const SESSION_TTL_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;
/** Websites recognise WeChat's in-app browser by `MicroMessenger` in the user agent. */
const USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN (WeChat sandbox)';

type Pending = { kind: 'authorize'; request: AuthorizeRequest } | { kind: 'follow'; ticket: QrTicket } | { kind: 'pay'; handle: PaymentHandle };

interface Session {
  id: string;
  userId: string;
  jar: CookieJar;
  pending: Pending;
  expiresAt: number;
}

/** Where a navigation ended: a consent step on the sandbox, a page, or an error. */
type Landing =
  | { kind: 'consent'; request: AuthorizeRequest }
  | { kind: 'page'; url: string; status: number; text: string }
  | { kind: 'error'; url: string | null; status: number | null; text: string };

export class PhoneService {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ctx: SandboxContext) {}

  async scan(input: ScanInput): Promise<ScanResult> {
    const user = this.ctx.users.get(input.userId);
    if (!user) throw new SandboxError('NOT_FOUND', `no sandbox user ${input.userId}`);
    const url = ('url' in input ? input.url : decodeQrPng(input.pngBase64)).trim();
    const id = `ph_${randomAlnum(20)}`;
    const jar = new CookieJar();
    const result = (landing: Landing): ScanResult => ({
      sessionId: id,
      step: landing.kind === 'consent' ? 'consent' : landing.kind === 'page' ? 'done' : 'error',
      consent: landing.kind === 'consent' ? 'authorize' : null,
      appName: landing.kind === 'consent' ? landing.request.app.name : null,
      scope: landing.kind === 'consent' ? landing.request.scope : null,
      landedUrl: landing.kind === 'consent' ? null : landing.url,
      status: landing.kind === 'consent' ? null : landing.status,
      pageText: landing.kind === 'consent' ? null : landing.text,
    });

    if (isWechatQrUrl(url)) return this.scanAccountQr(id, user.id, url, jar);
    const payment = this.ctx.pay.paymentOf(url);
    if (payment || url.startsWith('weixin://')) return this.scanPayment(id, user.id, url, payment, jar);
    const landing = await this.browse(user.id, url, jar);
    if (landing.kind === 'consent') this.remember({ id, userId: user.id, jar, pending: { kind: 'authorize', request: landing.request } });
    return result(landing);
  }

  async decide(sessionId: string, allow: boolean): Promise<DecideResult> {
    const session = this.sessions.get(sessionId);
    if (!session || session.expiresAt <= this.ctx.clock.now()) throw new SandboxError('NOT_FOUND', '没有这个扫码会话（已处理或已过期），请重新扫码');
    this.sessions.delete(sessionId);

    if (session.pending.kind === 'pay') {
      const outcome = finishPaymentStep(this.ctx.pay, session.pending.handle.order, session.userId, allow);
      return { step: outcome.ok ? 'done' : 'error', landedUrl: null, status: null, pageText: outcome.text };
    }

    if (session.pending.kind === 'follow') {
      const ticket = session.pending.ticket;
      const app = this.ctx.apps.get(ticket.appId);
      if (!allow || !app) return { step: 'done', landedUrl: null, status: null, pageText: '未关注' };
      this.follow(session.userId, ticket);
      return { step: 'done', landedUrl: null, status: null, pageText: `已关注「${app.name}」` };
    }

    const request = session.pending.request;
    // On allow WeChat returns to redirect_uri with a fresh code. On a refusal it follows the older documented
    // behaviour (§2.6): back to redirect_uri with only the state, so the website learns of it; newer docs say the
    // page simply stays put, which a website cannot observe.
    const code = allow ? this.ctx.oauth.issueCode({ appId: request.app.appId, userId: session.userId, scope: request.scope }) : null;
    const landing = await this.browse(session.userId, callbackUrl(request.redirectUri, request.state, code), session.jar);
    if (landing.kind === 'consent') {
      return { step: 'error', landedUrl: null, status: null, pageText: '回调后又遇到一次授权请求：沙箱手机每次扫码只处理一次确认' };
    }
    return { step: landing.kind === 'page' ? 'done' : 'error', landedUrl: landing.url, status: landing.status, pageText: landing.text };
  }

  /** A parametric QR of an official account: followers go straight in (SCAN); others see the account and 关注. */
  private scanAccountQr(id: string, userId: string, url: string, jar: CookieJar): ScanResult {
    const none = { consent: null, appName: null, scope: null, landedUrl: url, status: null } as const;
    const ticket = this.ctx.qr.byUrl(url);
    if (!ticket) return { sessionId: id, step: 'error', ...none, pageText: '无法识别的公众号二维码' };
    if (this.ctx.qr.isExpired(ticket)) return { sessionId: id, step: 'error', ...none, pageText: '二维码已过期' };
    const app = this.ctx.apps.get(ticket.appId);
    if (!app) return { sessionId: id, step: 'error', ...none, pageText: '公众号不存在' };
    if (this.ctx.users.isFollowing(app.appId, userId)) {
      this.follow(userId, ticket);
      return { sessionId: id, step: 'done', ...none, pageText: `已进入「${app.name}」（已关注）` };
    }
    this.remember({ id, userId, jar, pending: { kind: 'follow', ticket } });
    return { sessionId: id, step: 'consent', consent: 'follow', appName: app.name, scope: null, landedUrl: null, status: null, pageText: null };
  }

  /** A WeChat Pay code_url or h5_url: the payment step, or why it cannot be paid. */
  private scanPayment(id: string, userId: string, url: string, handle: PaymentHandle | null, jar: CookieJar): ScanResult {
    const none = { consent: null, appName: null, scope: null, landedUrl: url, status: null } as const;
    if (!handle) return { sessionId: id, step: 'error', ...none, pageText: '无法识别的支付二维码（不是本沙箱生成的 code_url）' };
    const kind = url.startsWith('weixin://') ? 'native' : 'h5';
    const step = openPaymentStep(this.ctx.pay, handle, kind, this.ctx.clock.now() + SESSION_TTL_MS);
    if ('error' in step) return { sessionId: id, step: 'error', ...none, pageText: step.error };
    this.remember({ id, userId, jar, pending: { kind: 'pay', handle } });
    return { sessionId: id, step: 'consent', consent: 'pay', appName: step.merchantName, scope: null, landedUrl: null, status: null, pageText: null, payment: step };
  }

  /** Follow (or SCAN) through a ticket; pushed when the account has push settings, else only the follow state moves. */
  private follow(userId: string, ticket: QrTicket): void {
    if (this.ctx.apps.get(ticket.appId)?.push) fireEvent(this.ctx, { appId: ticket.appId, userId, event: 'subscribe', ticket: ticket.ticket });
    else this.ctx.users.setFollowing(ticket.appId, userId, true);
  }

  private remember(session: Omit<Session, 'expiresAt'>): void {
    const now = this.ctx.clock.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    this.sessions.set(session.id, { ...session, expiresAt: now + SESSION_TTL_MS });
  }

  /**
   * The sandbox's own connect page behind `url`, if it is one (recognised without a request, as WeChat would).
   * open.weixin.qq.com counts as the sandbox too: the phone is WeChat, and must never call the real servers.
   */
  private connectKind(url: URL): ConnectKind | null {
    const own = new URL(this.ctx.baseUrl());
    const loopback = ['127.0.0.1', 'localhost', '[::1]'];
    const sameHost =
      url.host === own.host ||
      (url.port === own.port && loopback.includes(url.hostname) && loopback.includes(own.hostname)) ||
      url.hostname === 'open.weixin.qq.com';
    if (!sameHost) return null;
    if (url.pathname === AUTHORIZE_PATH) return 'authorize';
    if (url.pathname === QRCONNECT_PATH) return 'qrconnect';
    return null;
  }

  /** GETs `start` and follows up to MAX_REDIRECTS redirects; snsapi_base passes silently, other scopes stop at consent. */
  private async browse(userId: string, start: string, jar: CookieJar): Promise<Landing> {
    let url = start;
    for (let hops = 0; ; hops++) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return { kind: 'error', url, status: null, text: '无法打开：不是有效的网址' };
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return { kind: 'error', url, status: null, text: '无法打开：只支持 http 和 https 链接' };
      let next: string;
      const connect = this.connectKind(target);
      if (!connect && isWechatHost(target.hostname)) {
        return { kind: 'error', url, status: null, text: '沙箱手机不会访问真实的微信服务器' };
      }
      if (connect) {
        const request = checkAuthorizeRequest(this.ctx, connect, target.searchParams);
        if (isPageError(request)) return { kind: 'error', url, status: 200, text: `错误码 ${request.code}：${request.message}` };
        if (request.scope !== 'snsapi_base') return { kind: 'consent', request };
        // snsapi_base is silent (§2.1): no page, straight back with a code.
        next = callbackUrl(request.redirectUri, request.state, this.ctx.oauth.issueCode({ appId: request.app.appId, userId, scope: request.scope }));
      } else {
        const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
        const cookie = jar.header(url);
        if (cookie) headers.cookie = cookie;
        let res;
        try {
          res = await httpRequest(url, { headers, timeoutMs: FETCH_TIMEOUT_MS, maxBodyBytes: 256 * 1024 });
        } catch (error) {
          return { kind: 'error', url, status: null, text: `无法打开：${(error as Error).message}` };
        }
        jar.store(url, res.headers);
        const location = res.headers.location;
        if (res.status < 300 || res.status >= 400 || !location) {
          return { kind: 'page', url, status: res.status, text: pageText(res.body.toString('utf8'), res.headers['content-type']) };
        }
        next = new URL(location, url).toString();
      }
      if (hops + 1 > MAX_REDIRECTS) return { kind: 'error', url: next, status: null, text: `重定向次数过多（超过 ${MAX_REDIRECTS} 次）` };
      url = next;
    }
  }
}

/** Hosts of the real WeChat, which the sandbox never contacts (it emulates them). */
function isWechatHost(hostname: string): boolean {
  return hostname === 'qq.com' || hostname.endsWith('.qq.com') || hostname.endsWith('.qlogo.cn');
}
