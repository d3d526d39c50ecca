/**
 * WeChat Pay APIv3 errors (wechat-protocols.md §9.5) turned into errors a creator can act on, Chinese first, then
 * English. Matching is on HTTP status and `code`, never on WeChat's message text. Each error also says whether
 * retrying the same request may help and whether the outcome at WeChat Pay is unknown (then: query before anything
 * else, never a new out_trade_no — §9.5).
 */
import { CompanionError } from '../../errors';

export class PayApiError extends CompanionError {
  /** The Wechatpay-Serial the error answer was verified with, when it was signed. */
  verifiedSerial: string | null = null;

  constructor(
    message: string,
    /** WeChat Pay's code (`SIGN_ERROR` …) or ours: `SIGNATURE_INVALID`, `UNKNOWN_SERIAL`, `UNREACHABLE`, `BAD_ANSWER`. */
    readonly payCode: string,
    readonly httpStatus: number | null,
    /** The request changed nothing for sure (a definitive refusal), or its effect is unknown. */
    readonly outcomeUnknown: boolean,
    apiPath: string,
  ) {
    super(payCode === 'UNREACHABLE' ? 'WECHAT_UNREACHABLE' : 'WECHAT_ERROR', message, { payCode, httpStatus, apiPath });
    this.name = 'PayApiError';
  }
}

const TRANSIENT = new Set(['SYSTEM_ERROR', 'BANK_ERROR', 'FREQUENCY_LIMITED', 'RATELIMIT_EXCEEDED', 'SERVICE_UNAVAILABLE']);

/**
 * Whether to send the same request again: every request the companion makes is idempotent at WeChat Pay (an order
 * re-submitted with the same out_trade_no and body, a refund with the same out_refund_no, queries, close), so a
 * transient answer (§9.5: SYSTEM_ERROR, FREQUENCY_LIMITED, 502/503) is retried with the same bytes.
 */
export function isTransient(httpStatus: number, code: string | null): boolean {
  if (httpStatus === 429 || httpStatus === 502 || httpStatus === 503) return true;
  return httpStatus >= 500 && (code === null || TRANSIENT.has(code));
}

export const NOT_FOUND_CODES = new Set(['ORDER_NOT_EXIST', 'ORDERNOTEXIST', 'RESOURCE_NOT_EXISTS']);

/** The error for a verified (or unsigned) non-2xx answer of WeChat Pay. */
export function payError(httpStatus: number, code: string | null, message: string, apiPath: string, detail?: unknown): PayApiError {
  const c = code ?? `HTTP_${httpStatus}`;
  const unknown = httpStatus >= 500 || httpStatus === 429 || httpStatus === 202;
  const err = (text: string) => new PayApiError(text, c, httpStatus, unknown, apiPath);
  switch (c) {
    case 'SIGN_ERROR': {
      const length = (detail as { sign_information?: { sign_message_length?: number } } | undefined)?.sign_information?.sign_message_length;
      return err(
        '微信支付验签失败：请核对商户号、商户API证书序列号与商户API私钥是否属于同一证书（商户平台 → 账户中心 → API安全），并确认服务器时间准确。' +
          ' / WeChat Pay could not verify our request signature: the merchant number, the merchant API certificate serial and the private key must ' +
          `belong together (Merchant Platform → Account → API security), and the server clock must be right.${length ? ` (WeChat saw a ${length}-byte signed message.)` : ''}`,
      );
    }
    case 'APPID_MCHID_NOT_MATCH':
      return err('AppID 与商户号未绑定：请在 商户平台 → 产品中心 → AppID账号管理 关联该 AppID。 / The AppID is not linked to this merchant: link it under Product Center → AppID management.');
    case 'MCH_NOT_EXISTS':
      return err('商户号不存在：请核对商户号（mchid）。 / The merchant number does not exist: check the mchid.');
    case 'NO_AUTH':
    case 'NOAUTH':
      return err('商户号没有此支付产品的权限：请在 商户平台 → 产品中心 开通 Native / JSAPI / H5 支付。 / The merchant lacks this payment product: enable it under Product Center.');
    case 'OUT_TRADE_NO_USED':
      return err('商户订单号已被使用（参数不同）：不会换新单号，请先查询该订单。 / This out_trade_no was already used with other parameters; query the order first.');
    case 'ORDER_CLOSED':
      return err('订单已关闭。 / The order is closed.');
    case 'ORDER_NOT_EXIST':
    case 'ORDERNOTEXIST':
    case 'RESOURCE_NOT_EXISTS':
      return err('微信支付中不存在此订单。 / WeChat Pay has no such order.');
    case 'NOT_ENOUGH':
      return err('商户账户余额不足，无法退款。 / The merchant balance is too low for this refund.');
    case 'FREQUENCY_LIMITED':
    case 'RATELIMIT_EXCEEDED':
      return err('微信支付调用太频繁，重试后仍失败：请稍后再试（结果以查询为准）。 / WeChat Pay rate-limited us and retries failed: try later (query to learn the outcome).');
    case 'SYSTEM_ERROR':
    case 'BANK_ERROR':
    case 'SERVICE_UNAVAILABLE':
      return err('微信支付系统繁忙，重试后仍失败：请稍后再试（结果以查询为准）。 / WeChat Pay is busy and retries failed: try later (query to learn the outcome).');
    case 'PARAM_ERROR':
    case 'INVALID_REQUEST':
      return err(`微信支付拒绝了请求参数：${message} / WeChat Pay refused the request: ${message}`);
    default:
      return err(`微信支付返回错误 ${c}（HTTP ${httpStatus}）：${message} / WeChat Pay answered ${c} (HTTP ${httpStatus}): ${message}`);
  }
}
