/**
 * The companion's one way to call WeChat Pay APIv3 (axios). Around every request:
 *
 * - an `Authorization` header signed with the merchant API private key (§9.1) over the exact bytes sent;
 * - the answer verified by `Wechatpay-Serial` (§9.2) against the platform certificates or the WeChat Pay public key;
 *   an unsigned or unverifiable 2xx is an error whose outcome is unknown, never a result;
 * - in platformCertificates mode an unknown serial triggers one certificate download, then the same answer is verified
 *   again — a rotation is picked up, a forgery still fails. Each serial is looked up at most once a minute, and at
 *   most 10 downloads a minute happen this way, so forged serials cannot make us hammer WeChat Pay;
 * - transient answers (SYSTEM_ERROR, FREQUENCY_LIMITED, 502/503) and network errors retried with full-jitter backoff:
 *   every request we make is idempotent at WeChat Pay (errors.ts);
 * - one audit row per HTTP request, parameters desensitized, never a header.
 */
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import type { PayVerifyMode } from '../../../../shared/companion/api';
import { ERRCODE_UNREACHABLE, type AuditLog } from '../../services/audit';
import type { KeyObject } from 'node:crypto';
import { decryptCertificateList, type PlatformCertificate, type PlatformCertificates } from './certificates';
import { PayApiError, isTransient, payError } from './errors';
import { newNonce, signRequest } from './signing';
import { PaySignatureError, signedHeaders, verifySignature, type HeaderBag } from './verifier';

/** Audit errcode of an answer whose signature did not verify (not a WeChat code). */
export const ERRCODE_UNVERIFIED = -101;

export interface PayCredentials {
  mchId: string;
  serialNo: string;
  privateKey: KeyObject;
  apiV3Key: Buffer;
  verifyMode: PayVerifyMode;
  publicKeyId: string | null;
  publicKey: KeyObject | null;
}

export interface PayRequest {
  method: 'GET' | 'POST';
  /** Path and query exactly as sent, e.g. `/v3/pay/transactions/out-trade-no/X?mchid=1230000109`. */
  url: string;
  /** The API as audited, without ids: `/v3/pay/transactions/out-trade-no/{out_trade_no}`. */
  apiPath: string;
  body?: Record<string, unknown>;
  memberId?: string | null;
}

export interface PayAnswer {
  status: number;
  data: Record<string, unknown> | null;
  /** The Wechatpay-Serial whose signature verified. */
  serial: string;
}

export interface PayClientOptions {
  baseUrl: () => string;
  /** The credentials now; throws NOT_CONFIGURED when something is missing. */
  credentials: () => PayCredentials;
  certificates: PlatformCertificates;
  audit: AuditLog;
  /**
   * Real time in ms, for signature timestamps and the 5-minute window (§9.1, §9.2): WeChat Pay's clock is real even
   * when tests move the companion's business clock. Default Date.now.
   */
  wallNow?: () => number;
  userAgent: string;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  retry?: Partial<{ attempts: number; baseDelayMs: number; maxDelayMs: number }>;
  timeoutMs?: number;
  noProxy?: boolean;
}

interface Raw {
  status: number;
  headers: HeaderBag;
  body: Buffer;
}

const REFRESH_WINDOW_MS = 60_000;
const REFRESHES_PER_WINDOW = 10;

export class PayClient {
  private readonly http: AxiosInstance;
  private readonly retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private refreshing: Promise<{ certificates: PlatformCertificate[]; serial: string }> | null = null;
  /** When an unknown serial last caused a download, by serial; and when such downloads happened. */
  private readonly serialLookups = new Map<string, number>();
  private lookupTimes: number[] = [];
  private readonly wallNow: () => number;

  constructor(private readonly options: PayClientOptions) {
    this.http = axios.create({
      timeout: options.timeoutMs ?? 10_000,
      validateStatus: () => true,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      ...(options.noProxy ? { proxy: false as const } : {}),
    });
    this.retry = { attempts: 3, baseDelayMs: 300, maxDelayMs: 5_000, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.wallNow = options.wallNow ?? Date.now;
  }

  /** Sends a signed request; returns the verified 2xx answer or throws PayApiError. */
  async request(request: PayRequest): Promise<PayAnswer> {
    const creds = this.options.credentials();
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let raw: Raw;
      try {
        raw = await this.send(request, body, creds);
      } catch (error) {
        this.audit(request, ERRCODE_UNREACHABLE, started, 'UNREACHABLE');
        if (attempt < this.retry.attempts) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        const reason = (error as { code?: string }).code ?? 'network error';
        throw new PayApiError(`无法连接微信支付（${reason}），结果未知。 / WeChat Pay could not be reached (${reason}); the outcome is unknown.`, 'UNREACHABLE', null, true, request.apiPath);
      }
      const ok = raw.status >= 200 && raw.status < 300;
      let serial: string | null = null;
      if (ok || signedHeaders(raw.headers)) {
        try {
          serial = await this.verify(raw, creds);
        } catch (error) {
          this.audit(request, ERRCODE_UNVERIFIED, started, error instanceof PaySignatureError ? error.reason : 'unverified');
          throw unverified(error, raw.status, request.apiPath);
        }
      }
      const data = parseJson(raw.body);
      if (ok) {
        this.audit(request, 0, started, null);
        return { status: raw.status, data, serial: serial! };
      }
      const code = typeof data?.code === 'string' ? data.code : null;
      this.audit(request, raw.status, started, code);
      if (isTransient(raw.status, code) && attempt < this.retry.attempts) {
        await this.sleep(this.backoff(attempt));
        continue;
      }
      const error = payError(raw.status, code, typeof data?.message === 'string' ? data.message : '', request.apiPath, data?.detail);
      error.verifiedSerial = serial;
      throw error;
    }
  }

  /**
   * Downloads the platform certificates (§9.3), verifies the answer — with a certificate we already trust, or on
   * first use with one it contains, which the APIv3 key's authentication vouches for — stores and returns them.
   * Concurrent callers share one download.
   */
  refreshCertificates(memberId: string | null = null): Promise<{ certificates: PlatformCertificate[]; serial: string }> {
    this.refreshing ??= this.download(memberId).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async download(memberId: string | null): Promise<{ certificates: PlatformCertificate[]; serial: string }> {
    const creds = this.options.credentials();
    const request: PayRequest = { method: 'GET', url: '/v3/certificates', apiPath: '/v3/certificates', memberId };
    const started = performance.now();
    let raw: Raw;
    try {
      raw = await this.send(request, '', creds);
    } catch (error) {
      this.audit(request, ERRCODE_UNREACHABLE, started, 'UNREACHABLE');
      const reason = (error as { code?: string }).code ?? 'network error';
      throw new PayApiError(`无法连接微信支付（${reason}）。 / WeChat Pay could not be reached (${reason}).`, 'UNREACHABLE', null, false, request.apiPath);
    }
    const data = parseJson(raw.body);
    if (raw.status !== 200) {
      this.audit(request, raw.status, started, typeof data?.code === 'string' ? data.code : null);
      throw payError(raw.status, typeof data?.code === 'string' ? data.code : null, typeof data?.message === 'string' ? data.message : '', request.apiPath, data?.detail);
    }
    let certs: PlatformCertificate[];
    let serial: string;
    try {
      certs = decryptCertificateList(data, creds.apiV3Key);
      serial = verifySignature(raw.headers, raw.body, (s) => this.options.certificates.keyFor(s) ?? certs.find((c) => c.serialNo === s)?.key ?? null, this.nowSeconds());
    } catch (error) {
      this.audit(request, ERRCODE_UNVERIFIED, started, error instanceof PaySignatureError ? error.reason : 'certificate');
      throw unverified(error, raw.status, request.apiPath);
    }
    this.audit(request, 0, started, null);
    this.options.certificates.store(certs);
    return { certificates: certs, serial };
  }

  /** The key trusted for a serial in the current mode (see the file comment of verifier.ts). */
  keyFor(serial: string, creds: PayCredentials): KeyObject | null {
    if (creds.publicKeyId && creds.publicKey && serial === creds.publicKeyId) return creds.publicKey;
    // During WeChat's migration an answer may be signed by a certificate or by the public key (§9.3): in
    // platformCertificates mode both are trusted; in publicKey mode only the public key.
    return creds.verifyMode === 'platformCertificates' ? this.options.certificates.keyFor(serial) : null;
  }

  /** Verifies a signed message (an answer, or a notification) by serial; refreshes certificates once for a new serial. */
  async verify(raw: { headers: HeaderBag; body: Buffer }, creds: PayCredentials = this.options.credentials()): Promise<string> {
    try {
      return verifySignature(raw.headers, raw.body, (s) => this.keyFor(s, creds), this.nowSeconds());
    } catch (error) {
      const canRefresh = error instanceof PaySignatureError && error.reason === 'unknown_serial' && creds.verifyMode === 'platformCertificates' && this.mayLookUp(error.serial!);
      if (!canRefresh) throw error;
      await this.refreshCertificates().catch(() => undefined);
      return verifySignature(raw.headers, raw.body, (s) => this.keyFor(s, creds), this.nowSeconds());
    }
  }

  private mayLookUp(serial: string): boolean {
    // A public key id is never fixed by downloading certificates.
    if (serial.startsWith('PUB_KEY_ID_')) return false;
    const now = this.wallNow();
    this.lookupTimes = this.lookupTimes.filter((t) => now - t < REFRESH_WINDOW_MS);
    const last = this.serialLookups.get(serial);
    if ((last !== undefined && now - last < REFRESH_WINDOW_MS) || this.lookupTimes.length >= REFRESHES_PER_WINDOW) return false;
    if (this.serialLookups.size > 1000) this.serialLookups.clear();
    this.serialLookups.set(serial, now);
    this.lookupTimes.push(now);
    return true;
  }

  private nowSeconds(): number {
    return Math.floor(this.wallNow() / 1000);
  }

  private async send(request: PayRequest, body: string, creds: PayCredentials): Promise<Raw> {
    const base = this.options.baseUrl().replace(/\/+$/, '');
    const target = new URL(base + request.url);
    const authorization = signRequest({
      method: request.method,
      canonicalUrl: target.pathname + target.search,
      body,
      mchId: creds.mchId,
      serialNo: creds.serialNo,
      privateKey: creds.privateKey,
      timestamp: String(this.nowSeconds()),
      nonce: newNonce(),
    });
    const headers: Record<string, string> = {
      Authorization: authorization,
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      // §9.3: asks for public-key-signed answers while a merchant has both kinds of key.
      ...(creds.verifyMode === 'publicKey' && creds.publicKeyId ? { 'Wechatpay-Serial': creds.publicKeyId } : {}),
    };
    const response = await this.http.request<ArrayBuffer>({
      url: target.toString(),
      method: request.method,
      headers,
      ...(body ? { data: body } : {}),
    });
    return { status: response.status, headers: response.headers as HeaderBag, body: Buffer.from(response.data ?? new ArrayBuffer(0)) };
  }

  private backoff(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)));
  }

  private audit(request: PayRequest, errcode: number, started: number, result: string | null): void {
    this.options.audit.record({
      apiPath: request.apiPath,
      errcode,
      latencyMs: performance.now() - started,
      memberId: request.memberId ?? null,
      params: { method: request.method, url: request.url.split('?')[0], ...(request.body ? { body: request.body } : {}), ...(result ? { result } : {}) },
    });
  }
}

function parseJson(body: Buffer): Record<string, unknown> | null {
  if (body.length === 0) return null;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function unverified(error: unknown, status: number, apiPath: string): PayApiError {
  const reason = error instanceof PaySignatureError ? error.reason : 'certificate';
  const code = reason === 'unknown_serial' ? 'UNKNOWN_SERIAL' : 'SIGNATURE_INVALID';
  return new PayApiError(
    `微信支付的应答未通过验签（${reason}），不予采信，结果未知。 / WeChat Pay's answer (HTTP ${status}) failed verification (${(error as Error).message}); ` +
      'it is not trusted and the outcome is unknown.',
    code,
    status,
    true,
    apiPath,
  );
}
