/**
 * The companion's one way to call WeChat (axios). Around every request:
 *
 * - the official account's access_token from one AccessTokenManager (stable_token preferred, §1.2), and exactly one
 *   retry after 40001/42001 with a refreshed token;
 * - backoff with full jitter after -1 (system busy) and 45011 (minute quota), a few attempts;
 * - a per-API rate limit on our side (a token bucket per path), so a loop in our code cannot burn WeChat's quota;
 * - after 45009 (daily quota) the API is not called again until midnight Beijing time (§11.3);
 * - specific errors for the errcodes that need a human (wechat/errors.ts);
 * - one audit row per HTTP request, parameters desensitized.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import { CompanionError } from '../errors';
import { ERRCODE_UNREACHABLE, type AuditLog } from '../services/audit';
import { AccessTokenManager, type IssuedToken } from './access-token';
import { nextBeijingMidnight, wechatError } from './errors';

export type WechatHost = 'api' | 'open' | 'mp';

export interface WechatRequest {
  host?: WechatHost;
  method?: 'GET' | 'POST';
  /** The API path, e.g. `/cgi-bin/qrcode/create`: also the key of the audit row and of the rate limit. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Adds the official account's `access_token` (always a query parameter, §0). */
  accessToken?: boolean;
  /** The member on whose behalf the call is made (the audit log's "member"). */
  memberId?: string | null;
  /** A multipart/form-data upload instead of a JSON body (material/add_material, media/uploadimg, §6.1–6.2). */
  upload?: WechatUpload;
}

export interface WechatUpload {
  /** The file part's field name (`media`). */
  field: string;
  fileName: string;
  contentType: string;
  data: Buffer;
  /** Extra text fields (a video's `description`). */
  fields?: Record<string, string>;
}

/** The multipart body of an upload and its Content-Type. File names are reduced to safe characters for the header. */
export function multipartBody(upload: WechatUpload, boundary = `----creatorstudio${randomBytes(12).toString('hex')}`): { body: Buffer; contentType: string } {
  const safeName = upload.fileName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(upload.fields ?? {})) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  chunks.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${upload.field}"; filename="${safeName}"\r\nContent-Type: ${upload.contentType}\r\n\r\n`),
    upload.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface RetryPolicy {
  /** Total attempts for -1 / 45011 (the first included). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface WechatClientOptions {
  baseUrls: () => { api: string; open: string; mp: string };
  /** The official account's credentials now (they can change at runtime through secrets.put). */
  officialAccount: () => { appId: string | null; appSecret: string | null };
  audit: AuditLog;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1; injectable so jitter is reproducible. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Calls per minute by API path; `*` for any path not listed. */
  rateLimits?: Record<string, number>;
  timeoutMs?: number;
  /** Use `/cgi-bin/stable_token` (default) or the older `/cgi-bin/token`. */
  stableToken?: boolean;
  /** Ignore HTTP(S)_PROXY from the environment (the sandbox is on loopback). */
  noProxy?: boolean;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** Per-minute budgets. WeChat's own limits are far higher (§1.2, §2.2); these catch runaway loops on our side. */
export const DEFAULT_RATE_LIMITS: Record<string, number> = {
  '/cgi-bin/stable_token': 60,
  '/cgi-bin/token': 20,
  '/cgi-bin/qrcode/create': 600,
  '/sns/oauth2/access_token': 600,
  '/sns/userinfo': 600,
  // Half of WeChat's 4,000 a minute per mini program (§8.1); one long text is up to nine calls.
  '/wxa/msg_sec_check': 2000,
  '*': 1200,
};

const TOKEN_ERRCODES = new Set([40001, 42001, 40014]);
const BUSY_ERRCODES = new Set([-1, 45011]);

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute;
    this.last = now;
  }
  take(now: number): number | null {
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) / 60_000) * this.perMinute);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return null;
    }
    return Math.ceil(((1 - this.tokens) / this.perMinute) * 60);
  }
}

interface Answer {
  errcode: number;
  errmsg: string;
  data: Record<string, unknown>;
}

export class WechatClient {
  readonly tokens: AccessTokenManager;
  private readonly http: AxiosInstance;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly quotaBlocked = new Map<string, Date>();
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly limits: Record<string, number>;

  constructor(private readonly options: WechatClientOptions) {
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      ...(options.noProxy ? { proxy: false as const } : {}),
    });
    this.retry = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.tokens = new AccessTokenManager({
      fetch: (force) => this.fetchToken(force),
      now: () => options.now().getTime(),
      onBackgroundError: (error) => options.log?.('background access_token refresh failed', { error: (error as Error).message }),
    });
  }

  /** Calls a WeChat API and returns its JSON answer (errcode 0 or absent); throws CompanionError otherwise. */
  async call<T extends Record<string, unknown> = Record<string, unknown>>(request: WechatRequest): Promise<T> {
    let tokenRetried = false;
    let busyAttempts = 1;
    for (;;) {
      const token = request.accessToken ? await this.tokens.get() : null;
      const answer = await this.send(request, token);
      if (answer.errcode === 0) return answer.data as T;
      if (token && TOKEN_ERRCODES.has(answer.errcode) && !tokenRetried) {
        tokenRetried = true;
        await this.tokens.rejected(token);
        continue;
      }
      if (BUSY_ERRCODES.has(answer.errcode) && busyAttempts < this.retry.attempts) {
        await this.sleep(this.backoff(busyAttempts));
        busyAttempts++;
        continue;
      }
      throw wechatError(answer.errcode, answer.errmsg, { apiPath: request.path, now: this.options.now() });
    }
  }

  /** Full jitter: a random delay up to base·2^(n−1), capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }

  private async fetchToken(force: boolean): Promise<IssuedToken> {
    const { appId, appSecret } = this.options.officialAccount();
    if (!appId || !appSecret) {
      throw new CompanionError('NOT_CONFIGURED', '公众号的 AppID 或 AppSecret 尚未设置。 / The official account’s AppID or AppSecret is not set yet.');
    }
    const stable = this.options.stableToken ?? true;
    const request: WechatRequest = stable
      ? {
          method: 'POST',
          path: '/cgi-bin/stable_token',
          body: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: force },
          // Shared by every caller: audited as the companion's own call, not any one member's.
          memberId: null,
        }
      : {
          method: 'GET',
          path: '/cgi-bin/token',
          query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
          memberId: null,
        };
    let busyAttempts = 1;
    for (;;) {
      const answer = await this.send(request, null);
      if (answer.errcode === 0) {
        const accessToken = answer.data.access_token;
        const expiresIn = Number(answer.data.expires_in);
        if (typeof accessToken !== 'string' || !accessToken || !Number.isFinite(expiresIn)) {
          throw new CompanionError('WECHAT_ERROR', 'WeChat answered the token request without a token', { errcode: 0, apiPath: request.path });
        }
        return { accessToken, expiresIn };
      }
      if (BUSY_ERRCODES.has(answer.errcode) && busyAttempts < this.retry.attempts) {
        await this.sleep(this.backoff(busyAttempts));
        busyAttempts++;
        continue;
      }
      throw wechatError(answer.errcode, answer.errmsg, { apiPath: request.path, now: this.options.now(), tokenEndpoint: true });
    }
  }

  /** One HTTP request: local limits first, then WeChat, then one audit row. */
  private async send(request: WechatRequest, accessToken: string | null): Promise<Answer> {
    const now = this.options.now();
    const blockedUntil = this.quotaBlocked.get(request.path);
    if (blockedUntil && now < blockedUntil) throw wechatError(45009, 'daily quota reached (not called again before the reset)', { apiPath: request.path, now });
    const limit = this.limits[request.path] ?? this.limits['*'] ?? 1200;
    let bucket = this.buckets.get(request.path);
    if (!bucket) this.buckets.set(request.path, (bucket = new TokenBucket(limit, now.getTime())));
    const waitSeconds = bucket.take(now.getTime());
    if (waitSeconds !== null) {
      throw new CompanionError('RATE_LIMITED', `本地限流：${request.path} 每分钟最多 ${limit} 次。 / Local rate limit: at most ${limit} calls a minute to ${request.path}.`, {
        apiPath: request.path,
        retryAfterSeconds: waitSeconds,
      });
    }

    const query = { ...request.query, ...(accessToken ? { access_token: accessToken } : {}) };
    const auditParams = {
      ...(request.query ? { query: request.query } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      // The audit row names the file, never its bytes.
      ...(request.upload ? { upload: { fileName: request.upload.fileName, contentType: request.upload.contentType, bytes: request.upload.data.length } } : {}),
    };
    const multipart = request.upload ? multipartBody(request.upload) : null;
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const response = await this.http.request<string>({
        baseURL: this.options.baseUrls()[request.host ?? 'api'],
        url: request.path,
        method: request.method ?? 'GET',
        params: query,
        data: multipart ? multipart.body : request.body === undefined ? undefined : JSON.stringify(request.body),
        headers: multipart ? { 'Content-Type': multipart.contentType } : request.body === undefined ? {} : { 'Content-Type': 'application/json' },
        maxBodyLength: 64 * 1024 * 1024,
      });
      status = response.status;
      text = typeof response.data === 'string' ? response.data : String(response.data);
    } catch (error) {
      this.options.audit.record({ apiPath: request.path, errcode: ERRCODE_UNREACHABLE, latencyMs: performance.now() - started, memberId: request.memberId ?? null, params: auditParams });
      // Only the transport's own message: the axios error also carries the URL, whose query may hold a secret.
      const reason = (error as { code?: string }).code ?? 'network error';
      throw new CompanionError('WECHAT_UNREACHABLE', `无法连接微信服务器（${reason}）。 / WeChat could not be reached (${reason}).`, { apiPath: request.path });
    }
    const latencyMs = performance.now() - started;
    let data: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    } catch {
      data = null;
    }
    if (status !== 200 || data === null) {
      this.options.audit.record({ apiPath: request.path, errcode: ERRCODE_UNREACHABLE, latencyMs, memberId: request.memberId ?? null, params: auditParams });
      throw new CompanionError('WECHAT_UNREACHABLE', `微信服务器返回了异常应答（HTTP ${status}）。 / WeChat answered HTTP ${status} without a JSON body.`, {
        apiPath: request.path,
        status,
      });
    }
    const errcode = typeof data.errcode === 'number' ? data.errcode : Number(data.errcode ?? 0) || 0;
    const errmsg = typeof data.errmsg === 'string' ? data.errmsg : '';
    this.options.audit.record({ apiPath: request.path, errcode, latencyMs, memberId: request.memberId ?? null, params: auditParams });
    if (errcode === 45009) this.quotaBlocked.set(request.path, nextBeijingMidnight(this.options.now()));
    return { errcode, errmsg, data };
  }
}
